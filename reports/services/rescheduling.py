"""The work a configuration change sets off on open cases, on the worker.

An SLA change recomputes the due times of a category's open cases; retiring a category moves
its open cases to another. Both run in batches, each batch its own transaction, so the job's
progress moves while it works and a crash resumes where it stopped.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Min
from django.utils import timezone

from accounts.models import User
from reports.effects.outbox import enqueue, handles
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Category,
    ConfigurationJob,
    Enforcement,
    EscalationTier,
    Report,
    ReportStatus,
    Tier,
)
from reports.models.choices import OPEN_CASE_STATUSES, EnforcementKind, JobKind
from reports.services.audit import audit_event, record_event, record_events
from reports.services.intake import MAX_DESCRIPTION_LENGTH

RESCHEDULE_BATCH = 1000
MOVE_BATCH = 200


# Due times ------------------------------------------------------------------------------------


def due_time(
    case: Case,
    *,
    category: Category,
    tier_slas: dict[int, timedelta],
    reason_since: datetime | None = None,
) -> Any:
    """When a case is due under the category's current SLAs, as intake and escalation set it.

    Frontline: the category's SLA from when the case opened, or sooner when a more urgent reason
    came in (its SLA from the first report giving it, `reason_since`). Above frontline: that
    tier's SLA from when the case was escalated.
    """
    if case.tier == Tier.FRONTLINE:
        due = case.opened_at + category.sla
        if case.reason_id and case.reason.category_id == category.pk:
            due = min(due, (reason_since or case.opened_at) + case.reason.effective_sla)
        return due
    start = case.escalated_at or case.opened_at
    return start + tier_slas.get(case.tier, timedelta(hours=4))


def _reason_since(cases: list[Case]) -> dict[int, datetime]:
    """When each case first got its current reason: one query for a batch."""
    firsts = (
        Report.objects.filter(case__in=cases, reason_id=F("case__reason_id"))
        .values("case_id")
        .annotate(first=Min("created_at"))
    )
    return {row["case_id"]: row["first"] for row in firsts}


def _tier_slas(category: Category) -> dict[int, timedelta]:
    return dict(EscalationTier.objects.filter(category=category).values_list("tier", "sla"))


def _start(kind: str, *, category: Category, actor: User, topic: str, **fields) -> ConfigurationJob:
    job = ConfigurationJob.objects.create(
        kind=kind,
        category=category,
        actor=actor,
        total=Case.objects.filter(category=category, status__in=OPEN_CASE_STATUSES).count(),
        **fields,
    )
    enqueue(topic, key=f"{topic}:{job.pk}:0", payload={"job_id": job.pk, "after_id": 0})
    return job


def start_reschedule(*, category: Category, actor: User) -> ConfigurationJob:
    """Recompute the due times of the category's open cases after an SLA change."""
    job = _start(JobKind.RESCHEDULE, category=category, actor=actor, topic="reschedule_cases")
    record_event(
        actor=actor,
        action=AuditAction.CASES_RESCHEDULE_STARTED,
        target=job,
        category=category,
        after={"open_cases": job.total},
    )
    return job


def _next_batch(job: ConfigurationJob, *, topic: str, last_id: int | None, size: int, got: int):
    ConfigurationJob.objects.filter(pk=job.pk).update(done=F("done") + got)
    if got == size and last_id is not None:
        enqueue(
            topic,
            key=f"{topic}:{job.pk}:{last_id}",
            payload={"job_id": job.pk, "after_id": last_id},
        )
    else:
        ConfigurationJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )


@handles("reschedule_cases")
def reschedule_cases(*, job_id: int, after_id: int) -> None:
    job = ConfigurationJob.objects.select_related("category", "actor").get(pk=job_id)
    category = job.category
    tier_slas = _tier_slas(category)
    batch = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("reason__category")
        .filter(category=category, status__in=OPEN_CASE_STATUSES, pk__gt=after_id)
        .order_by("pk")[:RESCHEDULE_BATCH]
    )
    changed, events = [], []
    since = _reason_since(batch)
    for case in batch:
        due = due_time(
            case, category=category, tier_slas=tier_slas, reason_since=since.get(case.pk)
        )
        if due != case.due_at:
            events.append(
                audit_event(
                    action=AuditAction.CASE_RESCHEDULED,
                    actor=job.actor,
                    case=case,
                    target=case,
                    before={"due_at": case.due_at},
                    after={"due_at": due, "job": job.pk},
                )
            )
            case.due_at = due
            changed.append(case)
    Case.objects.bulk_update(changed, ["due_at"])
    record_events(events)
    _next_batch(
        job,
        topic="reschedule_cases",
        last_id=batch[-1].pk if batch else None,
        size=RESCHEDULE_BATCH,
        got=len(batch),
    )


# Moving a retired category's open cases ------------------------------------------------------


def start_moving(*, category: Category, move_to: Category, actor: User) -> ConfigurationJob:
    """Move the category's open cases to another category, in batches on the worker."""
    return _start(
        JobKind.MOVE, category=category, actor=actor, topic="move_cases", target_category=move_to
    )


@handles("move_cases")
def move_cases(*, job_id: int, after_id: int) -> None:
    job = ConfigurationJob.objects.select_related("category", "target_category", "actor").get(
        pk=job_id
    )
    target = job.target_category
    tier_slas = _tier_slas(target)
    batch = list(
        Case.objects.select_for_update(of=("self",))
        .filter(category=job.category, status__in=OPEN_CASE_STATUSES, pk__gt=after_id)
        .order_by("pk")[:MOVE_BATCH]
    )
    for case in batch:
        existing = (
            Case.objects.select_for_update()
            .filter(category=target, status__in=OPEN_CASE_STATUSES, content_id=case.content_id)
            .filter(subject_id=case.subject_id)
            .first()
        )
        if existing is None:
            _move(case, job=job, target=target, tier_slas=tier_slas)
        else:
            _merge(case, into=existing, job=job)
    _next_batch(
        job,
        topic="move_cases",
        last_id=batch[-1].pk if batch else None,
        size=MOVE_BATCH,
        got=len(batch),
    )


def _move(case: Case, *, job: ConfigurationJob, target: Category, tier_slas) -> None:
    before = {"category": job.category.slug, "due_at": case.due_at, "reason": case.reason_id}
    case.category = target
    case.reason = None  # reasons belong to their category; the reports keep theirs
    case.due_at = due_time(case, category=target, tier_slas=tier_slas)
    case.save(update_fields=["category", "reason", "due_at"])
    _retriage(case, job=job)
    record_event(
        action=AuditAction.CASE_MOVED,
        target=case,
        actor=job.actor,
        case=case,
        before=before,
        after={"category": target.slug, "due_at": case.due_at, "job": job.pk},
    )


def _retriage(case: Case, *, job: ConfigurationJob) -> None:
    """Score the case again under its new category's policy (thresholds, severity, auto-hide)."""
    enqueue(
        "triage_case",
        key=f"triage_case:job:{job.pk}:{case.pk}",
        payload={"case_id": case.pk},
    )


def _merge(case: Case, *, into: Case, job: ConfigurationJob) -> None:
    """The subject already has an open case in the target category: its reports join it.

    A reporter who reported in both keeps one report there, with both texts.
    """
    now = timezone.now()
    joined = 0
    for report in Report.objects.select_for_update().filter(case=case):
        twin = Report.objects.select_for_update().filter(case=into, reporter=report.reporter_id)
        twin = twin.first() if report.reporter_id else None
        if twin is None:
            report.case = into
            report.save(update_fields=["case", "updated_at"])
            joined += 1
            continue
        text = f"{twin.description}\n\n{report.description}".strip()
        twin.description = text[:MAX_DESCRIPTION_LENGTH]
        twin.save(update_fields=["description", "updated_at"])
        report.evidence.update(report=twin)
        report.status, report.resolved_at = ReportStatus.DISMISSED, now
        report.save(update_fields=["status", "resolved_at", "updated_at"])
    reporters = Report.objects.filter(case=into).exclude(reporter=None)
    Case.objects.filter(pk=into.pk).update(
        report_count=Report.objects.filter(case=into).count(),
        distinct_reporters=reporters.values("reporter").distinct().count(),
        last_reported_at=max(into.last_reported_at, case.last_reported_at),
    )
    # Content held for review under the old case stays held, now for the case that goes on.
    Enforcement.objects.filter(
        case=case, kind=EnforcementKind.HIDE_CONTENT, lifted_at__isnull=True
    ).update(case=into)
    case.status, case.resolved_at = CaseStatus.DISMISSED, now
    case.claimed_by, case.lease_expires_at = None, None
    case.save(update_fields=["status", "resolved_at", "claimed_by", "lease_expires_at"])
    record_event(
        action=AuditAction.CASE_JOINED,
        target=into,
        actor=job.actor,
        case=into,
        after={"from": case.pk, "reports_joined": joined, "job": job.pk},
    )
    _retriage(into, job=job)
    record_event(
        action=AuditAction.CASE_MERGED,
        target=case,
        actor=job.actor,
        case=case,
        before={"status": "open"},
        after={"status": case.status, "into": into.pk, "reports_joined": joined, "job": job.pk},
    )
