"""Messages to members and moderators, written in the transaction of the change behind them.

Each message is a Notification row per channel. In-app messages are readable at once; e-mails
are sent by the outbox (`deliver_notification`), so a change that rolls back sends nothing and
a task delivered twice sends once. The idempotency key names the event and the recipient.
"""

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from accounts.models import Team, TeamMembership, User
from reports.effects.outbox import batched, enqueue, handles
from reports.effects.outbox_groups import Together, handles_together
from reports.models import (
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
from reports.models.choices import WELFARE_ACTIONS, NotificationEvent
from reports.selectors.queues import CategoryHealth, queue_health
from reports.selectors.welfare import crisis_lines_for, needs_care
from reports.texts import messages as texts
from reports.texts.durations import describe_duration, local_time
from reports.texts.statements import statement_as_sent
from reports.texts.welfare import right_now

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient: User,
    event: str,
    key: str,
    subject: str,
    body: str,
    case: Case | None = None,
    channels: Iterable[str] = (Channel.IN_APP, Channel.EMAIL),
    urgent: bool = False,
    decision: Decision | None = None,
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
                "decision": decision,
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
                urgent=urgent,
            )
        if created:
            created_rows.append(notification)
    return created_rows


def notification_dead(*, notification_id: int, error: str, attempts: int) -> None:
    """An e-mail the outbox gave up on shows as dead, with its last error, in the admin."""
    Notification.objects.filter(pk=notification_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DEAD, last_error=error, attempts=attempts
    )


@handles("deliver_notification", on_dead=notification_dead)
def deliver_notification(*, notification_id: int) -> None:
    """Send one e-mail (a retry, a sweep's resend); a batch sends through `EmailDelivery`."""
    delivery = EmailDelivery()
    try:
        delivery.lock([{"notification_id": notification_id}])
        delivery.run(0)
        delivery.finish([0])
    finally:
        delivery.close()


@handles_together("deliver_notification")
class EmailDelivery(Together):
    """The e-mails of a batch of notifications, over one connection to the mail server.

    A group's notifications are read and locked in one query and marked sent in one UPDATE. A
    notification found sent already (or dead) is not sent again: its message has nothing left
    to do. The HTML part is rendered once per language and text within the batch: a decision's
    or a sweep's notices to many people often say the same thing.
    """

    def __init__(self) -> None:
        self.connection = get_connection()
        self.notifications: list[Notification | None] = []
        self.html: dict[tuple[str, str, str], str] = {}

    def lock(self, payloads: list[dict]) -> None:
        ids = [payload["notification_id"] for payload in payloads]
        found = {
            notification.pk: notification
            for notification in Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .only("subject", "body", "language", "recipient__email")
            .filter(pk__in=ids, status=DeliveryStatus.PENDING)
        }
        self.notifications = [found.get(pk) for pk in ids]

    def run(self, index: int) -> None:
        notification = self.notifications[index]
        if notification is None:
            return
        key = (notification.language, notification.subject, notification.body)
        if key not in self.html:
            self.html[key] = email_html(notification)
        message = email_message(notification, html=self.html[key])
        message.connection = self.connection
        try:
            # Opened once for the batch: each message's own send would open and close it.
            self.connection.open()
            message.send()
        except Exception:
            # The connection may be what failed: the next e-mail opens a new one.
            self.close()
            raise

    def finish(self, indexes: list[int]) -> None:
        sent = [self.notifications[i].pk for i in indexes if self.notifications[i] is not None]
        if sent:
            Notification.objects.filter(pk__in=sent).update(
                status=DeliveryStatus.DONE, sent_at=timezone.now(), attempts=F("attempts") + 1
            )

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:
            logger.warning("closing the connection to the mail server failed", exc_info=True)


SITE_NAME = "hellomod"


def email_html(notification: Notification) -> str:
    """The HTML part of a notification's e-mail, in its language."""
    with translation.override(texts.supported_language(notification.language)):
        return render_to_string(
            "emails/notification.html",
            {"subject": notification.subject, "body": notification.body, "site_name": SITE_NAME},
        )


def email_message(notification: Notification, *, html: str | None = None) -> EmailMultiAlternatives:
    """The e-mail of a notification: its plain text, and the same text as HTML (`html`, when
    rendered already).

    The body is plain text written by templates and moderators; the HTML part escapes it and
    only turns line breaks into paragraphs, so nothing in it can become markup. No external
    images or style sheets: mail clients block them and they would tell a tracker who read it.
    """
    message = EmailMultiAlternatives(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )
    message.attach_alternative(email_html(notification) if html is None else html, "text/html")
    return message


def _tell_reporter(
    report: Report,
    text: str,
    *,
    event: str,
    templates: dict | None = None,
    right_now_first: bool = False,
    key: str = "",
) -> None:
    """Tell the reporter, in their language, what became of their report.

    `right_now_first` opens the message with what to do at once when a life may be at risk
    (the emergency number and the crisis lines of the reporter's country).
    """
    reporter = report.reporter
    language = texts.supported_language(reporter.preferred_language)
    subject, body = texts.render(
        text,
        language=language,
        values={
            "reference": report.reference,
            "category": report.category.translated("name", language),
        },
        templates=templates,
    )
    if right_now_first:
        with translation.override(language):
            first = right_now(country=reporter.country, lines=crisis_lines_for(reporter))
        body = f"{first}\n\n{body}"
    notify(recipient=reporter, event=event, key=key or str(report.pk), subject=subject, body=body)


@handles("notify_report_received")
def report_received(*, report_id: int) -> None:
    report = Report.objects.select_related("reporter", "category", "reason").get(pk=report_id)
    _tell_reporter(
        report,
        NotificationEvent.REPORT_RECEIVED,
        event="report_received",
        right_now_first=needs_care(report.reason),
    )


def category_tier_members(category_id: int, tier: int, *, on_call_only: bool = False) -> list[User]:
    """The people who work this category at this tier (only those on call, if asked)."""
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


def _tell_each(
    people: list[User],
    *,
    event: str,
    key: str,
    values: dict[str, object],
    case: Case | None = None,
    urgent: bool = False,
) -> int:
    """Tell each person the event's message in their language, rendered once per language."""
    written: dict[str, tuple[str, str]] = {}
    templates = texts.load_templates(event)
    for person in people:
        language = texts.supported_language(person.preferred_language)
        if language not in written:
            written[language] = texts.render(
                event, language=language, values=values, templates=templates
            )
        subject, body = written[language]
        notify(
            recipient=person,
            event=event,
            key=key,
            subject=subject,
            body=body,
            case=case,
            urgent=urgent,
        )
    return len(people)


@batched()
def alert_tier(case: Case, *, tier: int, event: str, why: str) -> int:
    """Tell the people of a tier that a case is waiting for them; returns how many were told."""
    return _tell_each(
        category_tier_members(case.category_id, tier, on_call_only=tier == Tier.EMERGENCY),
        event=event,
        key=f"{case.pk}:{tier}",
        values={
            "case": case.pk,
            "category": lazy(case.category.translated, str)("name"),
            # Labels are lazy: each person reads them in their language.
            "tier": Tier(tier).label,
            "why": why,
            "due": local_time(case.due_at),
        },
        case=case,
        # The emergency tier's e-mails travel on the urgent queue: someone may be at risk.
        urgent=tier == Tier.EMERGENCY,
    )


@batched()
def alert_welfare_check(case: Case, *, decision: Decision, requested_by: User) -> int:
    """Tell the people on call for the case's category that a welfare check was asked for, so
    that someone follows it up with the platform; returns how many were told.

    The emergency tier's on-call people first; if nobody is on call there, the senior tier's;
    if nobody is on call at all, the whole senior team: a welfare check nobody hears of is the
    one thing this must never be.
    """
    people = (
        category_tier_members(case.category_id, Tier.EMERGENCY, on_call_only=True)
        or category_tier_members(case.category_id, Tier.SENIOR, on_call_only=True)
        or category_tier_members(case.category_id, Tier.SENIOR)
    )
    return _tell_each(
        people,
        event=texts.WELFARE_CHECK_REQUESTED,
        key=str(decision.pk),
        values={
            "case": case.pk,
            "category": lazy(case.category.translated, str)("name"),
            "who": requested_by.display_name or requested_by.username,
        },
        case=case,
        urgent=True,
    )


def _more_cases(numbers: str, more: int) -> str:
    return _("%(numbers)s and %(more)d more") % {"numbers": numbers, "more": more}


@batched()
def alert_tier_about_many(cases: list[Case], *, tier: int, event: str, key: str) -> int:
    """One message per person about a batch of cases of one category that reached their tier.

    The overdue sweep can move hundreds of cases at once; a message per case would bury the
    team's inbox, so each person hears once per category and sweep.
    """
    category = cases[0].category
    numbers = ", ".join(str(case.pk) for case in cases[:20])
    return _tell_each(
        category_tier_members(category.pk, tier),
        event=event,
        key=f"{key}:{category.pk}:{tier}",
        values={
            "count": len(cases),
            "category": lazy(category.translated, str)("name"),
            "tier": Tier(tier).label,
            "cases": (
                lazy(_more_cases, str)(numbers, len(cases) - 20) if len(cases) > 20 else numbers
            ),
        },
    )


@handles("notify_decision")
@batched()
def decision_taken(*, decision_id: int) -> None:
    """Tell the reporters the outcome and the member the statement of reasons.

    Runs once the undo window has passed; a decision undone meanwhile tells nobody.
    """
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related(
            "case__category", "case__subject", "case__content", "case__reason", "reason"
        )
        .get(pk=decision_id)
    )
    if decision.is_reversed:
        return
    upheld = decision.action != DecisionAction.NO_VIOLATION
    # A welfare action's support message reached the member when it was decided
    # (services/decisions/welfare.py); the reporters hear that the member was offered support.
    welfare = decision.action in WELFARE_ACTIONS
    if welfare:
        outcome = texts.OUTCOME_WELFARE
    elif upheld:
        outcome = NotificationEvent.OUTCOME_ACTIONED
    else:
        outcome = NotificationEvent.OUTCOME_NO_VIOLATION
    templates = texts.load_templates(outcome)
    cases = [decision.case_id, *decision.companions.values_list("case_id", flat=True)]
    reports = Report.objects.filter(case_id__in=cases).exclude(reporter=None)
    for report in reports.select_related("reporter", "category"):
        # Keyed by the decision too: a case reopened on a reporter's review is decided again,
        # and the reporter hears that outcome as well.
        _tell_reporter(
            report,
            outcome,
            event="report_outcome",
            templates=templates,
            key=f"{report.pk}:{decision.pk}",
        )
    if upheld and not welfare:
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
        # In the member's language of now, which the subject is in too; the decision keeps
        # what was sent, which its page shows as "What we told you".
        statement = statement_as_sent(decision)
        if statement != decision.statement_of_reasons:
            decision.statement_of_reasons = statement
            decision.save(update_fields=["statement_of_reasons"])
        notify(
            recipient=member,
            event="statement_of_reasons",
            key=str(decision.pk),
            subject=subject,
            body=statement,
            case=decision.case,
            decision=decision,
        )


# --- The daily digest of queue health -----------------------------------------------------------


def _digest_text(team: Team, health: list[CategoryHealth], now: datetime) -> tuple[str, str]:
    total_open = sum(item.open for item in health)
    total_overdue = sum(item.overdue for item in health)
    subject = _("Queue health for %(team)s: %(open)d open, %(overdue)d overdue") % {
        "team": team.name,
        "open": total_open,
        "overdue": total_overdue,
    }
    lines = [_("Open cases of the categories %(team)s works, today:") % {"team": team.name}, ""]
    for item in health:
        name = item.category.translated("name", translation.get_language())
        if item.oldest is None:
            lines.append(_("%(category)s: no open cases") % {"category": name})
            continue
        lines.append(
            _("%(category)s: %(open)d open, %(overdue)d overdue, the oldest waiting for %(age)s")
            % {
                "category": name,
                "open": item.open,
                "overdue": item.overdue,
                "age": describe_duration(now - item.oldest),
            }
        )
    return subject, "\n".join(lines)


@batched()
def send_queue_digests(*, now: datetime | None = None) -> int:
    """Tell each team's members, once a UTC day, how the queues of their categories stand.

    One message (in-app and e-mail) per member and team; the key names the team and the UTC
    date, so a second run the same day, or a redelivered task, sends nothing more. Returns how
    many messages were written.
    """
    now = now or timezone.now()
    day = now.astimezone(UTC).date().isoformat()
    teams = list(Team.objects.prefetch_related("categories").order_by("pk"))
    covered = {category.pk for team in teams for category in team.categories.all()}
    health = queue_health(sorted(covered))
    members: dict[int, list[User]] = {}
    memberships = TeamMembership.objects.filter(
        team__in=teams, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        members.setdefault(membership.team_id, []).append(membership.user)
    written = 0
    for team in teams:
        categories = sorted(team.categories.all(), key=lambda c: (c.position, c.name))
        if not categories or not members.get(team.pk):
            continue
        rows = [health[category.pk] for category in categories]
        with transaction.atomic():
            for person in members[team.pk]:
                with translation.override(texts.supported_language(person.preferred_language)):
                    subject, body = _digest_text(team, rows, now)
                written += len(
                    notify(
                        recipient=person,
                        event="queue_digest",
                        key=f"{team.pk}:{day}",
                        subject=subject,
                        body=body,
                    )
                )
    return written
