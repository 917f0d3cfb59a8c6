"""What a decision does to the member and the content: enforcements applied, lifted when their
time is up, strikes added, the member's standing and the content's visibility refreshed from
what is in force, each on the audit trail and announced to the platform.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import MemberStatus, User
from reports.effects import webhooks
from reports.effects.notifications import notify
from reports.models import (
    AuditAction,
    Case,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    FlaggerOrganisation,
    Policy,
    Strike,
    Visibility,
)
from reports.models.choices import SANCTIONS, EnforcementKind, LiftCause
from reports.selectors.decisions import strikes_in_force
from reports.services.audit import record_event
from reports.texts.messages import render, supported_language

# What each action does to the member, and what the EU Transparency Database calls it.
MEMBER_ENFORCEMENT = {
    DecisionAction.RESTRICT: EnforcementKind.RESTRICT_MEMBER,
    DecisionAction.SUSPEND: EnforcementKind.SUSPEND_MEMBER,
    DecisionAction.BAN: EnforcementKind.BAN_MEMBER,
    # Misuse (DSA Art. 23): only reporting is paused; the member's status does not change.
    DecisionAction.SUSPEND_REPORTING: EnforcementKind.SUSPEND_REPORTING,
}


def member_state(member: User) -> dict[str, Any]:
    return {
        "status": member.status,
        "suspended_until": member.suspended_until,
        "restricted_until": member.restricted_until,
        "strike_count": member.strike_count,
    }


def apply_to_content(
    decision: Decision, case: Case, *, remove: bool, actor: User, now: datetime
) -> list[Enforcement]:
    """Remove the content, or give back content hidden pending review; returns what was done.

    Every removing decision records its own removal, even of content already removed under
    another case, so that undoing one decision leaves the other's removal standing.
    """
    content = Content.objects.select_for_update().get(pk=case.content_id)
    for hidden in Enforcement.objects.select_for_update().filter(
        case=case, kind=EnforcementKind.HIDE_CONTENT, lifted_at__isnull=True
    ):
        hidden.lifted_at, hidden.lift_cause = now, LiftCause.REVIEWED
        hidden.save(update_fields=["lifted_at", "lift_cause"])
        webhooks.announce(webhooks.LIFT, enforcement=hidden, now=now)
    enforcements = []
    if remove:
        enforcements.append(
            Enforcement.objects.create(
                kind=EnforcementKind.REMOVE_CONTENT,
                case=case,
                decision=decision,
                content=content,
                previous_state={"visibility": content.visibility},
                starts_at=now,
            )
        )
    audit_visibility(content, actor=actor, case=case, decision=decision, now=now)
    return enforcements


def audit_visibility(
    content: Content, *, actor: User, case: Case, decision: Decision, now: datetime
) -> None:
    before = refresh_content_visibility(content, now=now)
    if content.visibility != before:
        record_event(
            action=AuditAction.CONTENT_VISIBILITY_CHANGED,
            target=content,
            actor=actor,
            case=case,
            before={"visibility": before},
            after={"visibility": content.visibility, "decision": decision.pk},
        )


def decide_content(
    decision: Decision, case: Case, *, remove_content: bool, actor: User, now: datetime
) -> list[Enforcement]:
    """Remove the content for "remove content", or with a sanction when asked; otherwise give
    back what was hidden for review. Support and a welfare check leave the content up: a post
    asking for help is how friends learn someone needs them (graphic content is removed with
    "remove content")."""
    if not case.content_id:
        return []
    remove = decision.action == DecisionAction.REMOVE_CONTENT or (
        remove_content
        and decision.action in SANCTIONS
        and decision.action != DecisionAction.NO_VIOLATION
    )
    return apply_to_content(decision, case, remove=remove, actor=actor, now=now)


def audit_enforcement(enforcement: Enforcement, *, actor: User, case: Case) -> None:
    record_event(
        action=AuditAction.ENFORCEMENT_APPLIED,
        target=enforcement,
        actor=actor,
        case=case,
        before=enforcement.previous_state,
        after={
            "kind": enforcement.kind,
            "ends_at": enforcement.ends_at,
            "member": enforcement.member.public_id if enforcement.member_id else None,
            "content": enforcement.content_id,
        },
    )
    webhooks.announce(webhooks.applied(enforcement), enforcement=enforcement)


def apply_to_member(
    decision: Decision, case: Case, member: User, *, actor: User, now: datetime
) -> Enforcement | None:
    kind = MEMBER_ENFORCEMENT.get(DecisionAction(decision.action))
    if kind is None:
        return None
    return Enforcement.objects.create(
        kind=kind,
        case=case,
        decision=decision,
        member=member,
        previous_state=member_state(member),
        starts_at=now,
        ends_at=decision.ends_at,
    )


def add_strike(decision: Decision, member: User, *, now: datetime) -> None:
    policy = Policy.objects.filter(category_id=decision.case.category_id).first()
    lifetime = policy.strike_lifetime if policy else timedelta(days=365)
    Strike.objects.create(
        member=member,
        decision=decision,
        category_id=decision.case.category_id,
        expires_at=now + lifetime,
    )


def refresh_member(member: User, *, now: datetime) -> None:
    refresh_member_status(member)
    member.strike_count = strikes_in_force(member, now=now)
    member.save(update_fields=["strike_count"])


# Member enforcements, strongest first: a member's status is that of the strongest in force.
_MEMBER_STATUS = [
    (EnforcementKind.BAN_MEMBER, MemberStatus.BANNED, None),
    (EnforcementKind.SUSPEND_MEMBER, MemberStatus.SUSPENDED, "suspended_until"),
    (EnforcementKind.RESTRICT_MEMBER, MemberStatus.RESTRICTED, "restricted_until"),
]


def _in_force(enforcements, now: datetime):
    return enforcements.filter(lifted_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def refresh_member_status(member: User, *, now: datetime | None = None) -> None:
    """Set a member's status from the enforcements in force on them.

    The member's row is locked first: a decision and the expiry sweep changing the same member
    at once each compute the status from what the other committed, never from a stale read.
    """
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()
    ends = {}
    for kind, ends_at in (
        _in_force(Enforcement.objects.filter(member=member), now)
        .order_by("ends_at")
        .values_list("kind", "ends_at")
    ):
        ends[kind] = ends_at  # ascending: the latest end of each kind wins
    member.status = MemberStatus.ACTIVE
    for kind, status, _ in _MEMBER_STATUS:
        if kind in ends:
            member.status = status
            break
    member.suspended_until = ends.get(EnforcementKind.SUSPEND_MEMBER)
    member.restricted_until = ends.get(EnforcementKind.RESTRICT_MEMBER)
    member.reporting_suspended_until = ends.get(EnforcementKind.SUSPEND_REPORTING)
    member.save(
        update_fields=[
            "status",
            "suspended_until",
            "restricted_until",
            "reporting_suspended_until",
        ]
    )
    refresh_flagger_reporting(member, now=now)


def refresh_flagger_reporting(member: User, *, now: datetime) -> None:
    """A trusted flagger's suspension from reporting pauses its organisation's notices: until
    the latest in force on any of its members, or no longer once none is."""
    if not member.is_trusted_flagger:
        return  # the registry keeps the flag: no query for everyone else
    organisation = (
        FlaggerOrganisation.objects.select_for_update().filter(memberships__member=member).first()
    )
    if organisation is None:
        return
    until = (
        _in_force(
            Enforcement.objects.filter(member__flagger_membership__organisation=organisation), now
        )
        .filter(kind=EnforcementKind.SUSPEND_REPORTING)
        .aggregate(until=Max("ends_at"))["until"]
    )
    if organisation.reporting_suspended_until != until:
        organisation.reporting_suspended_until = until
        organisation.save(update_fields=["reporting_suspended_until", "updated_at"])


def refresh_content_visibility(content: Content, *, now: datetime | None = None) -> str:
    """Set content's visibility from the enforcements in force on it; returns the old one.

    Removed while any removal stands, hidden while any case still holds it for review, visible
    otherwise: one decision's undo cannot bring back content another decision removed.
    """
    before = content.visibility
    kinds = set(
        _in_force(Enforcement.objects.filter(content=content), now or timezone.now()).values_list(
            "kind", flat=True
        )
    )
    if EnforcementKind.REMOVE_CONTENT in kinds:
        content.visibility = Visibility.REMOVED
    elif EnforcementKind.HIDE_CONTENT in kinds:
        content.visibility = Visibility.HIDDEN
    else:
        content.visibility = Visibility.VISIBLE
    if content.visibility != before:
        content.save(update_fields=["visibility"])
    return before


def lift_expired_enforcements(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """End restrictions and suspensions whose time is up, and tell the member."""
    now = now or timezone.now()
    lifted = 0
    with transaction.atomic():
        expired = list(
            Enforcement.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("member", "content")
            .filter(lifted_at__isnull=True, ends_at__lte=now)
            .order_by("ends_at")[:batch_size]
        )
        for enforcement in expired:
            enforcement.lifted_at = now
            enforcement.lift_cause = LiftCause.EXPIRED
            enforcement.save(update_fields=["lifted_at", "lift_cause"])
            record_event(
                action=AuditAction.ENFORCEMENT_LIFTED,
                actor_label="job:lift-expired",
                case=enforcement.case_id,
                target=enforcement,
                after={"cause": LiftCause.EXPIRED, "kind": enforcement.kind},
            )
            webhooks.announce(webhooks.LIFT, enforcement=enforcement, now=now)
            if enforcement.content is not None:
                refresh_content_visibility(enforcement.content, now=now)
            if enforcement.member is not None:
                refresh_member_status(enforcement.member, now=now)
            if enforcement.kind == EnforcementKind.SUSPEND_REPORTING:
                tell_reporting_resumed(enforcement)
            # Announced only when nothing else still restricts the member.
            elif (
                enforcement.member is not None and enforcement.member.status == MemberStatus.ACTIVE
            ):
                subject, body = render(
                    "restriction_lifted",
                    language=enforcement.member.preferred_language,
                    values={},
                )
                notify(
                    recipient=enforcement.member,
                    event="restriction_lifted",
                    key=str(enforcement.pk),
                    subject=subject,
                    body=body,
                )
            lifted += 1
    return lifted


def tell_reporting_resumed(enforcement: Enforcement) -> None:
    """Tell the member their reporting is no longer paused, once no other pause holds it."""
    member = enforcement.member
    if member.reporting_suspended_until is not None:
        return
    with translation.override(supported_language(member.preferred_language)):
        subject = gettext("Your reporting is no longer paused")
        body = gettext(
            "You can send reports again. Thank you for reporting only what breaks the community "
            "guidelines."
        )
    notify(
        recipient=member,
        event="reporting_resumed",
        key=str(enforcement.pk),
        subject=subject,
        body=body,
    )
