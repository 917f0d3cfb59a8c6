"""A senior takes appeals to work like cases: "next appeal" leases the one due first to one senior
at a time, never to the moderator whose decision it is about."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from reports.models import Appeal, AppealStatus, AuditAction, Category
from reports.selectors.appeals import appeal_categories, open_appeals_for, party_refusal
from reports.services.audit import record_event


def check_decides_appeals(moderator: User, category_id: int) -> None:
    if not appeal_categories(moderator).filter(pk=category_id).exists():
        raise PermissionDenied("This senior does not decide this category's appeals.")


@transaction.atomic
def claim_next_appeal(*, moderator: User, category: Category) -> Appeal | None:
    """Lease the open appeal of a category due first that nobody holds, or None.

    SKIP LOCKED, as for cases: seniors asking at once each get a different appeal.
    """
    check_decides_appeals(moderator, category.pk)
    now = timezone.now()
    appeal = (
        open_appeals_for(moderator)
        .filter(category=category)
        .filter(Q(claimed_by__isnull=True) | Q(lease_expires_at__lte=now))
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("due_at", "id")
        .first()
    )
    if appeal is None:
        return None
    return _lease(appeal, moderator=moderator, now=now)


@transaction.atomic
def claim_appeal(*, appeal_id: int, moderator: User) -> Appeal:
    """Take one appeal opened from the list, if it is free and not about one's own decision."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision", "case")
        .get(pk=appeal_id)
    )
    check_decides_appeals(moderator, appeal.category_id)
    now = timezone.now()
    if (
        not appeal.is_open
        or party_refusal(appeal, moderator) is not None
        or appeal.is_held_by_someone_else(moderator.pk, now=now)
        or appeal.claimed_by_id == moderator.pk
    ):
        return appeal
    return _lease(appeal, moderator=moderator, now=now)


def _lease(appeal: Appeal, *, moderator: User, now) -> Appeal:
    before = {"claimed_by": appeal.claimed_by_id}
    appeal.claimed_by = moderator
    appeal.lease_expires_at = now + settings.CASE_LEASE
    appeal.save(update_fields=["claimed_by", "lease_expires_at"])
    record_event(
        action=AuditAction.APPEAL_CLAIMED,
        target=appeal,
        actor=moderator,
        case=appeal.case_id,
        before=before,
        after={"claimed_by": moderator.pk, "lease_expires_at": appeal.lease_expires_at},
    )
    return appeal


def _held_by(appeal_id: int, moderator: User) -> Appeal | None:
    return (
        Appeal.objects.select_for_update()
        .filter(pk=appeal_id, status=AppealStatus.OPEN, claimed_by=moderator)
        .first()
    )


@transaction.atomic
def renew_appeal_lease(*, appeal_id: int, moderator: User) -> Appeal | None:
    """Keep holding an appeal while its page is open; None when the senior no longer holds it."""
    appeal = _held_by(appeal_id, moderator)
    if appeal is None:
        return None
    appeal.lease_expires_at = timezone.now() + settings.CASE_LEASE
    appeal.save(update_fields=["lease_expires_at"])
    return appeal


@transaction.atomic
def release_appeal(*, appeal_id: int, moderator: User) -> bool:
    """Give a held appeal back to its queue; False when this senior was not holding it."""
    appeal = _held_by(appeal_id, moderator)
    if appeal is None:
        return False
    appeal.claimed_by = None
    appeal.lease_expires_at = None
    appeal.save(update_fields=["claimed_by", "lease_expires_at"])
    record_event(
        action=AuditAction.APPEAL_RELEASED,
        target=appeal,
        actor=moderator,
        case=appeal.case_id,
        before={"claimed_by": moderator.pk},
        after={"claimed_by": None},
    )
    return True
