"""The periodic sweeps: leases, expired restrictions and old evidence.

Each finds its rows through a partial index, locks them with SKIP LOCKED and leaves them in a
state the same sweep no longer selects, so two sweeps at once, or one run twice, do the work once.
Every change is audited with the job as its actor.
"""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import MemberStatus, User
from reports.effects import webhooks
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Content,
    Enforcement,
    Evidence,
    Visibility,
)
from reports.models.choices import CLOSED_CASE_STATUSES, EnforcementKind, LiftCause
from reports.services.audit import audit_event, record_event, record_events

# Member enforcements, strongest first: a member's status is that of the strongest in force.
_MEMBER_STATUS = [
    (EnforcementKind.BAN_MEMBER, MemberStatus.BANNED, None),
    (EnforcementKind.SUSPEND_MEMBER, MemberStatus.SUSPENDED, "suspended_until"),
    (EnforcementKind.RESTRICT_MEMBER, MemberStatus.RESTRICTED, "restricted_until"),
]


def release_expired_leases(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Claims whose lease ran out go back to their queue."""
    now = now or timezone.now()
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True)
            .filter(status=CaseStatus.CLAIMED, lease_expires_at__lte=now)
            .values_list("pk", "tier", "claimed_by_id")[:batch_size]
        )
        if not cases:
            return 0
        Case.objects.filter(pk__in=[pk for pk, _, _ in cases]).update(
            status=Case.unclaimed_status_in_sql(),
            claimed_by=None,
            lease_expires_at=None,
        )
        record_events(
            [
                audit_event(
                    action=AuditAction.CASE_LEASE_EXPIRED,
                    actor_label="job:release-leases",
                    case=pk,
                    target=("case", pk),
                    before={"status": CaseStatus.CLAIMED, "claimed_by": holder},
                    after={"status": Case.unclaimed_status(tier)},
                )
                for pk, tier, holder in cases
            ]
        )
    return len(cases)


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
    member.save(update_fields=["status", "suspended_until", "restricted_until"])


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
    from reports.effects.notifications import notify
    from reports.texts.messages import render

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
            # Announced only when nothing else still restricts the member.
            if enforcement.member is not None and enforcement.member.status == MemberStatus.ACTIVE:
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


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def purge_old_evidence(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Delete the files of evidence on cases closed longer than the retention period."""
    now = now or timezone.now()
    with transaction.atomic():
        old = list(
            Evidence.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                purged_at__isnull=True,
                legal_hold=False,
                report__case__status__in=CLOSED_CASE_STATUSES,
                report__case__resolved_at__lte=now - settings.EVIDENCE_RETENTION,
            )
            .select_related("report")[:batch_size]
        )
        for evidence in old:
            names = [evidence.image.name, evidence.thumbnail.name]
            Evidence.objects.filter(pk=evidence.pk).update(purged_at=now, image="", thumbnail="")
            # Files go once the rows say so; a failed commit leaves both in place.
            transaction.on_commit(partial(_delete_files, names))
        record_events(
            [
                audit_event(
                    action=AuditAction.EVIDENCE_PURGED,
                    actor_label="job:purge-evidence",
                    case=evidence.report.case_id,
                    target=evidence,
                )
                for evidence in old
            ]
        )
    return len(old)
