"""The outcome for a report that joined a case already decided 'no violation'.

The decision's own message (`notify_decision`) tells the reporters it found on the case; a
report that joins later hears the same outcome here, under the same key, so a reporter is told
once whichever of the two runs first.
"""

from reports.effects.notifications import _tell_reporter
from reports.effects.outbox import handles
from reports.models import Decision, Report, ReportStatus
from reports.models.choices import NotificationEvent


@handles("notify_collapsed_outcome")
def collapsed_outcome(*, report_id: int, decision_id: int) -> None:
    report = (
        Report.objects.select_related("reporter", "category")
        .filter(pk=report_id, collapsed=True, status=ReportStatus.NO_VIOLATION)
        .exclude(reporter=None)
        .first()
    )
    if report is None:
        # Reopened by an undo of the decision: the next decision tells the reporter.
        return
    if not Decision.objects.filter(
        pk=decision_id, case_id=report.case_id, reversed_at__isnull=True
    ).exists():
        return
    _tell_reporter(
        report,
        NotificationEvent.OUTCOME_NO_VIOLATION,
        event="report_outcome",
        key=f"{report.pk}:{decision_id}",
    )
