"""The periodic sweeps: expired leases and old evidence (expired restrictions: enforcement.py).

Retention never reaches what is held: evidence marked `legal_hold`, nor the evidence of a member
under an active legal hold (services/legal_holds.py). Content snapshots are not purged by any
sweep; one that purges them must leave held members' alone the same way (`under_hold`).

Each finds its rows through a partial index, locks them with SKIP LOCKED and leaves them in a
state the same sweep no longer selects, so two sweeps at once, or one run twice, do the work once.
Every change is audited with the job as its actor.
"""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from reports.models import AppealEvidence, AppealStatus, AuditAction, Case, CaseStatus, Evidence
from reports.models.choices import CLOSED_CASE_STATUSES
from reports.services.audit import audit_event, record_events
from reports.services.legal_holds import held_members, under_hold


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
            status=Case.unclaimed_status_in_sql(), claimed_by=None, lease_expires_at=None
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


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def purge_old_evidence(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Delete the files of evidence on cases closed, and appeals decided, longer than the
    retention period; returns how many screenshots were purged.

    Held evidence stays: a report screenshot's own legal_hold flag, or an active hold on the
    reported member (a referral places one). Placing a hold locks the member's evidence first,
    so a hold and this sweep never cross.
    """
    now = now or timezone.now()
    cutoff = now - settings.EVIDENCE_RETENTION
    reports = Evidence.objects.filter(
        legal_hold=False,
        report__case__status__in=CLOSED_CASE_STATUSES,
        report__case__resolved_at__lte=cutoff,
    )
    appeals = AppealEvidence.objects.filter(
        appeal__status=AppealStatus.DECIDED, appeal__decided_at__lte=cutoff
    )
    purged = _purge(
        reports, subject="report__subject", case="report__case", now=now, limit=batch_size
    )
    return purged + _purge(
        appeals, subject="appeal__case__subject", case="appeal__case", now=now, limit=batch_size
    )


def _purge(screenshots: QuerySet, *, subject: str, case: str, now: datetime, limit: int) -> int:
    with transaction.atomic():
        old = list(
            screenshots.select_for_update(skip_locked=True, of=("self",))
            .filter(purged_at__isnull=True)
            .exclude(under_hold(subject))
            .annotate(member_id=F(f"{subject}_id"), case_id=F(f"{case}_id"))[:limit]
        )
        # Asked again now that the rows are locked: a hold committed while they were being
        # found is seen here, and one placed from now on waits for these locks.
        held = held_members({screenshot.member_id for screenshot in old})
        old = [screenshot for screenshot in old if screenshot.member_id not in held]
        for screenshot in old:
            names = [screenshot.image.name, screenshot.thumbnail.name]
            type(screenshot).objects.filter(pk=screenshot.pk).update(
                purged_at=now, image="", thumbnail=""
            )
            # Files go once the rows say so; a failed commit leaves both in place.
            transaction.on_commit(partial(_delete_files, names))
        record_events(
            [
                audit_event(
                    action=AuditAction.EVIDENCE_PURGED,
                    actor_label="job:purge-evidence",
                    case=screenshot.case_id,
                    target=screenshot,
                )
                for screenshot in old
            ]
        )
    return len(old)
