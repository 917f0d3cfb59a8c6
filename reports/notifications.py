"""Messages to members and moderators, written in the transaction of the change behind them.

Each message is a Notification row per channel. In-app messages are readable at once; e-mails
are sent by the outbox (`deliver_notification`), so a change that rolls back sends nothing and
a task delivered twice sends once. The idempotency key names the event and the recipient.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from accounts.models import TeamMembership, User

from . import texts
from .models import (
    Case,
    Channel,
    Decision,
    DecisionAction,
    DeliveryStatus,
    EscalationTier,
    Notification,
    Report,
    Tier,
)
from .models.choices import NotificationEvent
from .services.outbox import enqueue, handles


def notify(
    *,
    recipient: User,
    event: str,
    key: str,
    subject: str,
    body: str,
    case: Case | None = None,
    channels: Iterable[str] = (Channel.IN_APP, Channel.EMAIL),
) -> list[Notification]:
    created_rows = []
    for channel in channels:
        if channel == Channel.EMAIL and not recipient.email:
            continue
        notification, created = Notification.objects.get_or_create(
            idempotency_key=f"{event}:{key}:{recipient.pk}:{channel}",
            defaults={
                "recipient": recipient,
                "event": event,
                "channel": channel,
                "language": recipient.preferred_language,
                "subject": subject[:200],
                "body": body,
                "case": case,
                # The inbox shows a message as soon as it exists; e-mail waits for delivery.
                "status": (
                    DeliveryStatus.DONE if channel == Channel.IN_APP else DeliveryStatus.PENDING
                ),
                "sent_at": timezone.now() if channel == Channel.IN_APP else None,
            },
        )
        if created and channel == Channel.EMAIL:
            enqueue(
                "deliver_notification",
                key=f"deliver_notification:{notification.pk}",
                payload={"notification_id": notification.pk},
            )
        if created:
            created_rows.append(notification)
    return created_rows


@handles("deliver_notification")
def deliver_notification(*, notification_id: int) -> None:
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if notification is None:
        return
    send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )
    notification.status = DeliveryStatus.DONE
    notification.sent_at = timezone.now()
    notification.attempts += 1
    notification.save(update_fields=["status", "sent_at", "attempts"])


@handles("notify_report_received")
def report_received(*, report_id: int) -> None:
    report = Report.objects.select_related("reporter", "category").get(pk=report_id)
    reporter = report.reporter
    language = texts.supported_language(reporter.preferred_language)
    subject, body = texts.render(
        NotificationEvent.REPORT_RECEIVED,
        language=language,
        values={
            "reference": report.reference,
            "category": report.category.translated("name", language),
        },
    )
    notify(
        recipient=reporter,
        event="report_received",
        key=str(report.pk),
        subject=subject,
        body=body,
    )


def tier_team_members(case: Case, tier: int, *, on_call_only: bool = False) -> list[User]:
    """The people who work this category at this tier (only those on call, if asked)."""
    return category_tier_members(case.category_id, tier, on_call_only=on_call_only)


def category_tier_members(category_id: int, tier: int, *, on_call_only: bool = False):
    team_id = (
        EscalationTier.objects.filter(category_id=category_id, tier=tier)
        .values_list("team_id", flat=True)
        .first()
    )
    if team_id is None:
        return []
    memberships = TeamMembership.objects.filter(team_id=team_id, user__is_active=True)
    if on_call_only:
        memberships = memberships.filter(is_on_call=True)
    return [m.user for m in memberships.select_related("user")]


def _in_each_language(event: str, values: dict[str, object]):
    """render() for people who read different languages, once per language."""
    written: dict[str, tuple[str, str]] = {}
    templates = texts.load_templates(event)

    def text_for(person: User) -> tuple[str, str]:
        language = texts.supported_language(person.preferred_language)
        if language not in written:
            written[language] = texts.render(
                event, language=language, values=values, templates=templates
            )
        return written[language]

    return text_for


def alert_tier(case: Case, *, tier: int, event: str, why: str) -> int:
    """Tell the people of a tier that a case is waiting for them; returns how many were told."""
    people = tier_team_members(case, tier, on_call_only=tier == Tier.EMERGENCY)
    text_for = _in_each_language(
        event,
        {
            "case": case.pk,
            "category": case.category.name,
            # Labels are lazy: each person reads them in their language.
            "tier": Tier(tier).label,
            "why": why,
            "due": f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M %Z}",
        },
    )
    for person in people:
        subject, body = text_for(person)
        notify(
            recipient=person,
            event=event,
            key=f"{case.pk}:{tier}",
            subject=subject,
            body=body,
            case=case,
        )
    return len(people)


def _more_cases(numbers: str, more: int) -> str:
    return _("%(numbers)s and %(more)d more") % {"numbers": numbers, "more": more}


def alert_tier_about_many(cases: list[Case], *, tier: int, event: str, key: str) -> int:
    """One message per person about a batch of cases of one category that reached their tier.

    The overdue sweep can move hundreds of cases at once; a message per case would bury the
    team's inbox, so each person hears once per category and sweep.
    """
    category = cases[0].category
    people = category_tier_members(category.pk, tier)
    numbers = ", ".join(str(case.pk) for case in cases[:20])
    text_for = _in_each_language(
        event,
        {
            "count": len(cases),
            "category": category.name,
            "tier": Tier(tier).label,
            "cases": (
                lazy(_more_cases, str)(numbers, len(cases) - 20) if len(cases) > 20 else numbers
            ),
        },
    )
    for person in people:
        subject, body = text_for(person)
        notify(
            recipient=person,
            event=event,
            key=f"{key}:{category.pk}:{tier}",
            subject=subject,
            body=body,
        )
    return len(people)


@handles("notify_decision")
def decision_taken(*, decision_id: int) -> None:
    """Tell the reporters the outcome and the member the statement of reasons.

    Runs once the undo window has passed; a decision undone meanwhile tells nobody.
    """
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__category", "case__subject")
        .get(pk=decision_id)
    )
    if decision.is_reversed:
        return
    upheld = decision.action != DecisionAction.NO_VIOLATION
    outcome = (
        NotificationEvent.OUTCOME_ACTIONED if upheld else NotificationEvent.OUTCOME_NO_VIOLATION
    )
    templates = texts.load_templates(outcome)
    cases = [decision.case_id, *decision.companions.values_list("case_id", flat=True)]
    reports = Report.objects.filter(case_id__in=cases).exclude(reporter=None)
    for report in reports.select_related("reporter", "category"):
        language = texts.supported_language(report.reporter.preferred_language)
        subject, body = texts.render(
            outcome,
            language=language,
            values={
                "reference": report.reference,
                "category": report.category.translated("name", language),
            },
            templates=templates,
        )
        notify(
            recipient=report.reporter,
            event="report_outcome",
            key=str(report.pk),
            subject=subject,
            body=body,
        )
    if upheld:
        member = decision.case.subject
        language = texts.supported_language(member.preferred_language)
        subject, _body = texts.render(
            NotificationEvent.STATEMENT_OF_REASONS,
            language=language,
            values={
                "category": decision.case.category.translated("name", language),
                "decision": DecisionAction(decision.action).label,
            },
        )
        notify(
            recipient=member,
            event="statement_of_reasons",
            key=str(decision.pk),
            subject=subject,
            # The statement of reasons is the decision's own, composed when it was taken.
            body=decision.statement_of_reasons,
            case=decision.case,
        )
