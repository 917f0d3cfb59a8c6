"""Messages to members and moderators, written in the transaction of the change behind them.

Each message is a Notification row per channel. In-app messages are readable at once; e-mails
are sent by the outbox (`deliver_notification`), so a change that rolls back sends nothing and
a task delivered twice sends once. The idempotency key names the event and the recipient.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import TeamMembership, User

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
    with translation.override(reporter.preferred_language):
        subject = _("We received your report %(reference)s") % {"reference": report.reference}
        body = _(
            'Thank you for your report %(reference)s about "%(category)s". A moderator will '
            "review it against the community guidelines, and we will tell you what we decided. "
            "The member you reported will not learn who reported them."
        ) % {"reference": report.reference, "category": report.category.display_name}
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


def alert_tier(case: Case, *, tier: int, event: str, why: str) -> int:
    """Tell the people of a tier that a case is waiting for them; returns how many were told."""
    people = tier_team_members(case, tier, on_call_only=tier == Tier.EMERGENCY)
    label = Tier(tier).label
    for person in people:
        notify(
            recipient=person,
            event=event,
            key=f"{case.pk}:{tier}",
            subject=f"[{label}] Case {case.pk} · {case.category.name}",
            body=(
                f"Case {case.pk} ({case.category.name}) is waiting at the {label} tier: {why}. "
                f"Due {timezone.localtime(case.due_at):%Y-%m-%d %H:%M %Z}."
            ),
            case=case,
        )
    return len(people)


def alert_tier_about_many(cases: list[Case], *, tier: int, event: str, key: str) -> int:
    """One message per person about a batch of cases of one category that reached their tier.

    The overdue sweep can move hundreds of cases at once; a message per case would bury the
    team's inbox, so each person hears once per category and sweep.
    """
    category = cases[0].category
    label = Tier(tier).label
    people = category_tier_members(category.pk, tier)
    numbers = ", ".join(str(case.pk) for case in cases[:20])
    more = f" and {len(cases) - 20} more" if len(cases) > 20 else ""
    for person in people:
        notify(
            recipient=person,
            event=event,
            key=f"{key}:{category.pk}:{tier}",
            subject=f"[{label}] {len(cases)} overdue case(s) in {category.name}",
            body=(
                f"{len(cases)} case(s) in {category.name} passed their due time and now wait at "
                f"the {label} tier: {numbers}{more}."
            ),
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
    cases = [decision.case_id, *decision.companions.values_list("case_id", flat=True)]
    reports = Report.objects.filter(case_id__in=cases).exclude(reporter=None)
    for report in reports.select_related("reporter", "category"):
        with translation.override(report.reporter.preferred_language):
            subject = _("About your report %(reference)s") % {"reference": report.reference}
            if upheld:
                body = _(
                    'We reviewed your report %(reference)s under "%(category)s" and took action: '
                    "what you reported broke the community guidelines. Thank you for telling us."
                )
            else:
                body = _(
                    'We reviewed your report %(reference)s under "%(category)s" and found no '
                    "violation of the community guidelines."
                )
            body %= {"reference": report.reference, "category": report.category.display_name}
        notify(
            recipient=report.reporter,
            event="report_outcome",
            key=str(report.pk),
            subject=subject,
            body=body,
        )
    if upheld:
        member = decision.case.subject
        with translation.override(member.preferred_language):
            subject = _("A decision about your account")
        notify(
            recipient=member,
            event="statement_of_reasons",
            key=str(decision.pk),
            subject=subject,
            body=decision.statement_of_reasons,
            case=decision.case,
        )
