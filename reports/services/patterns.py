"""Patterns: light reports from several people, in several conversations, about one member.

One "flirting" report on one message is rarely a violation; the same member reported for it by
three language partners in three chats is someone who is not here to learn a language. After
triage of a report on content, `look_for_pattern` counts the member's recent reports in the
category; past the policy's `pattern_reporters`, across at least two cases, the member gets one
member-level pattern case in the category's queue, with the reports linked, so that a moderator
judges the behaviour rather than one message.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from reports.effects.outbox import enqueue
from reports.models import AuditAction, Case, CaseStatus, Policy, Report
from reports.models.choices import CLOSED_CASE_STATUSES, OPEN_CASE_STATUSES, CaseKind
from reports.services.audit import record_event

PATTERN_WINDOW = timedelta(days=30)
JOB = "job:patterns"


def _pattern_reports(case: Case, *, now: datetime):
    """The member's reports in the category that may make a pattern.

    Reports on content, by members, in the window. Not those that joined a decision already
    taken ("collapsed": one viral moment is not a pattern) and not those a pattern case already
    looked at and decided: a new pattern needs new reporters.
    """
    judged = Case.linked_reports.through.objects.filter(
        report_id=OuterRef("pk"), case__kind=CaseKind.PATTERN, case__status__in=CLOSED_CASE_STATUSES
    )
    return Report.objects.filter(
        subject_id=case.subject_id,
        category_id=case.category_id,
        content__isnull=False,
        reporter__isnull=False,
        collapsed=False,
        created_at__gte=now - PATTERN_WINDOW,
    ).exclude(Exists(judged))


def look_for_pattern(case: Case, *, now: datetime | None = None) -> Case | None:
    """Open, or add to, the member-level case a pattern of reports calls for; None if no pattern.

    Called by triage for a case on content (its category's policy read with it). An open
    member-level case of the category, pattern or not, takes the reports in: never a second one.
    """
    if case.content_id is None or case.kind != CaseKind.REPORTS:
        return None
    now = now or timezone.now()
    policy = getattr(case.category, "policy", None) or Policy(category=case.category)
    reports = _pattern_reports(case, now=now)
    seen = reports.aggregate(
        reporters=Count("reporter", distinct=True), cases=Count("case", distinct=True)
    )
    if seen["reporters"] < policy.pattern_reporters or seen["cases"] < 2:
        return None
    report_ids = set(reports.values_list("pk", flat=True))
    member_case, opened = _open_member_case(case, now=now)
    already = set(
        Case.linked_reports.through.objects.filter(
            case_id=member_case.pk, report_id__in=report_ids
        ).values_list("report_id", flat=True)
    )
    # Reports on the member case itself are its own, not links.
    new = sorted(report_ids - already - set(member_case.reports.values_list("pk", flat=True)))
    if not new:
        return member_case
    member_case.linked_reports.add(*new)
    record_event(
        action=AuditAction.PATTERN_CASE_OPENED if opened else AuditAction.PATTERN_REPORTS_LINKED,
        target=member_case,
        actor_label=JOB,
        case=member_case,
        after={
            "linked": new,
            "reporters": seen["reporters"],
            "cases": seen["cases"],
            "from_case": case.pk,
        },
    )
    if opened:
        enqueue(
            "triage_case",
            key=f"triage_case:pattern:{member_case.pk}",
            payload={"case_id": member_case.pk},
        )
    return member_case


def _open_member_case(case: Case, *, now: datetime) -> tuple[Case, bool]:
    """The member's open case of the category without content, locked; a pattern case if none."""
    existing = _member_case_for_update(case)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            created = Case.objects.create(
                kind=CaseKind.PATTERN,
                category_id=case.category_id,
                subject_id=case.subject_id,
                content=None,
                status=CaseStatus.OPEN,
                language=case.subject.native_language or "",
                opened_at=now,
                last_reported_at=now,
                due_at=now + case.category.sla,
            )
    except IntegrityError:
        # Another triage opened it a moment ago: take that one.
        existing = _member_case_for_update(case)
        if existing is None:
            raise
        return existing, False
    return created, True


def _member_case_for_update(case: Case) -> Case | None:
    return (
        Case.objects.select_for_update()
        .filter(
            category_id=case.category_id,
            subject_id=case.subject_id,
            content__isnull=True,
            status__in=OPEN_CASE_STATUSES,
        )
        .first()
    )
