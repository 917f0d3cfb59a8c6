"""Floods: a report on something just decided 'no violation' joins that decision.

When a moment goes viral, hundreds of members report it after a moderator has already judged it
fine. Each such report joins the decided case as an "additional report": it is saved, counted
and answered with the decision's outcome, but nobody works the case again. A report that brings
something the decision did not weigh — another category (cases are per category), a more severe
or a critical reason — or a flood past the policy's number of new reporters opens a new case as
usual.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from reports.effects.outbox import enqueue
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Category,
    Content,
    Decision,
    DecisionAction,
    FlaggerOrganisation,
    Reason,
    Report,
    ReportStatus,
    Severity,
)
from reports.services.audit import record_event


def _severity(reason: Reason | None, category: Category) -> int:
    if reason is not None and reason.severity is not None:
        return reason.severity
    return category.severity


def _is_critical(reason: Reason | None, category: Category) -> bool:
    return bool(reason and reason.is_critical) or _severity(reason, category) == Severity.CRITICAL


def decided_case_to_join(
    *, category: Category, subject: User, content: Content | None, reason: Reason | None, now
) -> Case | None:
    """The case a new report joins without reopening it, locked; None to open a new case.

    One indexed query (cases by subject), only when no case on the subject is open: the case
    with its latest decision and the category's policy, read together.
    """
    if _is_critical(reason, category):
        # A life may be at risk: the critical path never waits on an earlier judgement.
        return None
    latest = Decision.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-pk")
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("reason")
        .filter(category=category, subject=subject, content=content, status=CaseStatus.DECIDED)
        .annotate(
            decision_id=Subquery(latest.values("pk")[:1]),
            decision_action=Subquery(latest.values("action")[:1]),
            decision_reversed_at=Subquery(latest.values("reversed_at")[:1]),
            decided_at=Subquery(latest.values("starts_at")[:1]),
            collapse_window=F("category__policy__collapse_window"),
            reopen_reporters=F("category__policy__collapse_reopen_reporters"),
        )
        .order_by("-resolved_at", "-pk")
        .first()
    )
    if (
        case is None
        or case.decision_action != DecisionAction.NO_VIOLATION
        or case.decision_reversed_at is not None
        or case.collapse_window is None
        or case.decided_at < now - case.collapse_window
        # More new reporters than the policy allows: the crowd may know something; look again.
        or case.additional_reports >= case.reopen_reporters
        or _severity(reason, category) > _severity(case.reason, category)
    ):
        return None
    return case


def join_decided_case(
    case: Case,
    *,
    reporter: User | None,
    subject: User,
    category: Category,
    reason: Reason | None,
    content: Content | None,
    description: str,
    source: str,
    also_blocked: bool,
    organisation: FlaggerOrganisation | None,
    expert_notice: bool,
    now: datetime,
) -> Report:
    """Save a new reporter's report on a case decided 'no violation', settled as that decision.

    The report carries the decision's outcome and time, so My reports shows it and the outcome
    message goes out once the decision's undo window has passed (an undo reopens it with the
    case's other reports). The case counts it among its reports and its reporters, and in
    `additional_reports`; the reporter's record counts it as rejected, as the decision did for
    the reports it decided.
    """
    report = Report.objects.create(
        reporter=reporter,
        subject=subject,
        content=content,
        category=category,
        reason=reason,
        case=case,
        description=description,
        source=source,
        also_blocked=also_blocked,
        flagger_organisation=organisation,
        expert_notice=expert_notice,
        status=ReportStatus.NO_VIOLATION,
        resolved_at=case.decided_at,
        collapsed=True,
    )
    Case.objects.filter(pk=case.pk).update(
        report_count=F("report_count") + 1,
        distinct_reporters=F("distinct_reporters") + (1 if reporter is not None else 0),
        additional_reports=F("additional_reports") + 1,
        last_reported_at=now,
    )
    if reporter is not None:
        User.objects.filter(pk=reporter.pk).update(reports_rejected=F("reports_rejected") + 1)
        enqueue(
            "notify_collapsed_outcome",
            key=f"notify_collapsed_outcome:{report.pk}:{case.decision_id}",
            payload={"report_id": report.pk, "decision_id": case.decision_id},
            not_before=_settled_at(case.decided_at),
        )
    record_event(
        action=AuditAction.REPORT_COLLAPSED,
        target=report,
        actor=reporter,
        actor_label="" if reporter else "automatic detection",
        case=case,
        after={
            "category": category.slug,
            "reason": reason.slug if reason else None,
            "decision": case.decision_id,
            "additional_reports": case.additional_reports + 1,
        },
    )
    return report


def _settled_at(decided_at: datetime) -> datetime | None:
    """When the reporter may hear the outcome: once the undo window has passed, or now."""
    settled = decided_at + settings.DECISION_UNDO_WINDOW
    return settled if settled > timezone.now() else None


def takes_no_triage(report: Report) -> bool:
    """A report saved on a decided case has nothing to triage: the case is not worked again."""
    return report.status != ReportStatus.OPEN
