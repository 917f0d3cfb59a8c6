"""What appellants and reporters are told about appeals, in their language, once each.

The receipt when an appeal is filed; the answer when a senior decides it (with the milder
decision's statement of reasons after a replacement); and, when an appeal reverses a decision
that upheld reports, each reporter of the cases it closed. Idempotency keys name the appeal (and
the report), so a redelivered task writes nothing twice.
"""

from django.conf import settings

from reports.effects.notifications import notify
from reports.effects.outbox import batched, handles
from reports.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    DecisionAction,
    Report,
)
from reports.models.choices import NotificationEvent
from reports.texts import messages as texts

_MEMBER_ANSWER = {
    AppealOutcome.UPHELD: NotificationEvent.APPEAL_UPHELD,
    AppealOutcome.REVERSED: NotificationEvent.APPEAL_REVERSED,
    AppealOutcome.REPLACED: NotificationEvent.APPEAL_REPLACED,
}
_REVIEW_ANSWER = {
    AppealOutcome.UPHELD: NotificationEvent.REVIEW_UPHELD,
    AppealOutcome.REVERSED: NotificationEvent.REVIEW_REOPENED,
}


def _appeal(appeal_id: int) -> Appeal:
    return Appeal.objects.select_related(
        "appellant", "category", "decision", "report", "replacement"
    ).get(pk=appeal_id)


def _values(appeal: Appeal, language: str) -> dict[str, object]:
    values: dict[str, object] = {
        "reference": appeal.reference,
        "category": appeal.category.translated("name", language),
        # Labels stay lazy: render() reads them in the reader's language.
        "decision": DecisionAction(appeal.decision.action).label,
        "answer": appeal.answer,
        "dispute_url": settings.DISPUTE_SETTLEMENT_URL,
        "report": appeal.report.reference if appeal.report_id else "",
    }
    if appeal.replacement_id:
        replacement = appeal.replacement
        values["new_decision"] = texts.decision_in_words(
            replacement.action, replacement.duration, language=language
        )
    return values


@handles("notify_appeal_received")
def appeal_received(*, appeal_id: int) -> None:
    appeal = _appeal(appeal_id)
    person = appeal.appellant
    language = texts.supported_language(person.preferred_language)
    event = (
        NotificationEvent.APPEAL_RECEIVED
        if appeal.kind == AppealKind.MEMBER
        else NotificationEvent.REVIEW_RECEIVED
    )
    subject, body = texts.render(event, language=language, values=_values(appeal, language))
    notify(
        recipient=person, event="appeal_received", key=str(appeal.pk), subject=subject, body=body
    )


@handles("notify_appeal_decided")
@batched()
def appeal_decided(*, appeal_id: int) -> None:
    appeal = _appeal(appeal_id)
    person = appeal.appellant
    language = texts.supported_language(person.preferred_language)
    answers = _MEMBER_ANSWER if appeal.kind == AppealKind.MEMBER else _REVIEW_ANSWER
    subject, body = texts.render(
        answers[AppealOutcome(appeal.outcome)], language=language, values=_values(appeal, language)
    )
    if appeal.replacement_id:
        body = f"{body}\n\n{appeal.replacement.statement_of_reasons}"
    notify(
        recipient=person,
        event="appeal_decided",
        key=str(appeal.pk),
        subject=subject,
        body=body,
        decision=appeal.replacement,
    )
    if appeal.kind == AppealKind.MEMBER and appeal.outcome == AppealOutcome.REVERSED:
        _tell_reporters_of_reversal(appeal)


def _tell_reporters_of_reversal(appeal: Appeal) -> None:
    """The reporters whose reports the decision upheld learn that it no longer stands."""
    decision = appeal.decision
    cases = [decision.case_id, *decision.companions.values_list("case_id", flat=True)]
    reports = (
        Report.objects.filter(case_id__in=cases, resolved_at__gte=decision.starts_at)
        .exclude(reporter=None)
        .select_related("reporter", "category")
    )
    templates = texts.load_templates(NotificationEvent.OUTCOME_REVERSED)
    for report in reports:
        language = texts.supported_language(report.reporter.preferred_language)
        subject, body = texts.render(
            NotificationEvent.OUTCOME_REVERSED,
            language=language,
            values={
                "reference": report.reference,
                "category": report.category.translated("name", language),
            },
            templates=templates,
        )
        notify(
            recipient=report.reporter,
            event="report_outcome_reversed",
            key=f"{appeal.pk}:{report.pk}",
            subject=subject,
            body=body,
        )
