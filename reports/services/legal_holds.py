"""Legal holds: a member's evidence and snapshots kept past retention, on the record.

A hold is on a member, so it covers the evidence of every report about them, including what
arrives after it was placed. A referral to the authorities places one (services/referrals.py);
a T&S admin places one by hand and is the only one who lifts it, saying why. The retention
sweep (services/sweeps.py) skips what an active hold covers.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import AuditAction, Case, Evidence, LegalHold, Referral
from reports.permissions import may_manage_holds, may_refer
from reports.services.audit import record_event
from reports.storable import storable_text, unstorable_message

MAX_REASON_LENGTH = 2000


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True)


def under_hold(member_field: str) -> Exists:
    """Whether the member at `member_field` of the outer query has an active hold.

    For sweeps: `Evidence.objects.exclude(under_hold("report__subject"))`.
    """
    return Exists(active_holds().filter(member=OuterRef(member_field)))


def held_members(member_ids: Iterable[int]) -> set[int]:
    """Which of these members have an active hold."""
    return set(active_holds().filter(member__in=member_ids).values_list("member_id", flat=True))


def _clean_reason(reason: str, *, field: str = "reason") -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: [_("Say why.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {field: [_("Keep it under %(n)d characters.") % {"n": MAX_REASON_LENGTH}]}
        )
    if not storable_text(reason):
        raise ValidationError({field: [unstorable_message()]})
    return reason


@transaction.atomic
def place_hold(
    *,
    member: User,
    actor: User,
    reason: str,
    case: Case | None = None,
    referral: Referral | None = None,
) -> LegalHold:
    """Keep this member's evidence and snapshots until a T&S admin lifts the hold.

    T&S admins place holds by hand; whoever may refer a case places the hold its referral
    brings. Raises PermissionDenied for anyone else, ValidationError for bad input.
    """
    by_referral = referral is not None and may_refer(actor)
    if not (may_manage_holds(actor) or by_referral):
        raise PermissionDenied("Only Trust & Safety admins place legal holds.")
    reason = _clean_reason(reason)
    if case is not None and case.subject_id != member.pk:
        raise ValidationError({"case": [_("This case is about another member.")]})
    if referral is not None and referral.member_id != member.pk:
        raise ValidationError({"referral": [_("This referral is about another member.")]})
    # A retention sweep running now has locked what it is about to purge, and skips what is
    # locked here: taking the member's evidence first means it never purges under a hold it
    # could not see yet.
    list(
        Evidence.objects.select_for_update(of=("self",))
        .filter(report__subject=member, purged_at__isnull=True)
        .values_list("pk", flat=True)
    )
    hold = LegalHold.objects.create(
        member=member,
        case=case,
        referral=referral,
        reason=reason,
        placed_at=timezone.now(),
        placed_by=actor,
    )
    record_event(
        action=AuditAction.LEGAL_HOLD_PLACED,
        target=hold,
        actor=actor,
        case=case,
        after={
            "member": member.public_id,
            "referral": referral.pk if referral else None,
            "reason": reason,
        },
    )
    return hold


@transaction.atomic
def lift_hold(*, hold_id: int, actor: User, reason: str) -> LegalHold:
    """A T&S admin lifts a hold, saying why; the evidence follows retention again.

    Evidence past its retention date goes with the next sweep unless another hold still
    covers the member.
    """
    if not may_manage_holds(actor):
        raise PermissionDenied("Only Trust & Safety admins lift legal holds.")
    reason = _clean_reason(reason)
    hold = LegalHold.objects.select_for_update().select_related("member").get(pk=hold_id)
    if not hold.is_active:
        raise ValidationError({"reason": [_("This hold was already lifted.")]})
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record_event(
        action=AuditAction.LEGAL_HOLD_LIFTED,
        target=hold,
        actor=actor,
        case=hold.case_id,
        before={"lifted_at": None},
        after={"member": hold.member.public_id, "lift_reason": reason},
    )
    return hold
