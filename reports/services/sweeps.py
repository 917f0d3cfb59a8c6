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
from django.utils import timezone

from reports.models import AuditAction, Case, CaseStatus, Evidence
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
    """Delete the files of evidence on cases closed longer than the retention period.

    Held evidence stays: the file's own legal_hold flag, or an active hold on the reported
    member (a referral places one). Placing a hold locks the member's evidence first, so a hold
    and this sweep never cross.
    """
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
            .exclude(under_hold("report__subject"))
            .select_related("report")[:batch_size]
        )
        # Asked again now that the rows are locked: a hold committed while they were being
        # found is seen here, and one placed from now on waits for these locks.
        held = held_members({evidence.report.subject_id for evidence in old})
        old = [evidence for evidence in old if evidence.report.subject_id not in held]
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
