"""Rows of every model the admin shows, for the admin's tests."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.services import replace_recovery_codes
from reports.models import (
    ActiveRecipients,
    Appeal,
    AppealEvidence,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    BulkDecision,
    Case,
    CaseStatus,
    Channel,
    ConfigurationJob,
    DailyFigure,
    Decision,
    DecisionAction,
    Enforcement,
    EscalationTier,
    Evidence,
    EvidenceBundle,
    FigureCursor,
    FlaggerMembership,
    FlaggerOrganisation,
    LegalHold,
    Note,
    Notification,
    NotificationTemplate,
    OutboxMessage,
    RateLimit,
    Referral,
    StatementStatus,
    Strike,
    TransparencyStatement,
    WebhookDelivery,
    WebhookEndpoint,
)
from reports.models.choices import EnforcementKind
from tests.conftest import (
    give_authenticator,
    make_content,
    make_member,
    make_moderator,
    make_report,
    make_team,
)

ROWS = 25
DISMISSED = 5


def make_records(spam, hate, *, rows: int = ROWS, dismissed: int = DISMISSED) -> SimpleNamespace:
    """`rows` of every record the admin shows, about `rows` different members each."""
    moderator = make_moderator(role="Senior moderator", username="decider")
    for n in range(rows):
        make_moderator(team=make_team(spam, hate, name=f"Shift {n}"), username=f"shift{n}")
    now = timezone.now()
    reports = []
    for n in range(rows):
        subject = make_member()
        content = make_content(subject)
        report = make_report(
            reporter=make_member(),
            subject=subject,
            category=spam,
            content=content,
            description=f"Spam number {n}",
        )
        reports.append(report)
        case = report.case
        Evidence.objects.create(
            report=report, width=640, height=480, size_bytes=2048, sha256=f"{n:064x}"
        )
        Note.objects.create(case=case, author=moderator, body=f"Looked at it ({n}).")
        decision = Decision.objects.create(
            case=case,
            moderator=moderator,
            action=DecisionAction.REMOVE_CONTENT,
            statement_of_reasons="Your message was removed because it was spam.",
        )
        Enforcement.objects.create(
            kind=EnforcementKind.REMOVE_CONTENT, case=case, decision=decision, content=content
        )
        # Every other appeal is answered: the list's filters have both kinds of row to show.
        decided = n % 2 == 1
        appeal = Appeal.objects.create(
            kind=AppealKind.MEMBER,
            decision=decision,
            case=case,
            category=spam,
            appellant=subject,
            statement=f"It was not spam ({n}).",
            notified_at=now,
            received_at=now,
            due_at=now + spam.appeal_sla,
            status=AppealStatus.DECIDED if decided else AppealStatus.OPEN,
            outcome=AppealOutcome.UPHELD if decided else "",
            answer="The messages were adverts." if decided else "",
            decided_by=moderator if decided else None,
            decided_at=now if decided else None,
        )
        AppealEvidence.objects.create(
            appeal=appeal, width=640, height=480, size_bytes=2048, sha256=f"{n + ROWS:064x}"
        )
        TransparencyStatement.objects.create(
            decision=decision,
            puid=f"hellomod-{decision.uuid}",
            payload={"puid": f"hellomod-{decision.uuid}"},
            status=StatementStatus.REJECTED if decided else StatementStatus.PENDING,
            errors={"decision_facts": ["The decision facts field is required."]} if decided else {},
        )
        Strike.objects.create(
            member=subject, decision=decision, category=spam, expires_at=now + timedelta(days=365)
        )
        Notification.objects.create(
            recipient=subject,
            event="decision.taken",
            channel=Channel.EMAIL,
            subject="About your message",
            body="It was removed.",
            case=case,
            idempotency_key=f"decision.taken:{decision.pk}:{subject.pk}",
        )
        OutboxMessage.objects.create(
            topic="case.triage", payload={"case": case.pk}, idempotency_key=f"triage:{report.pk}"
        )
        BulkDecision.objects.create(
            moderator=moderator, category=spam, action="warn", case_ids=[case.pk], total=1
        )
        ConfigurationJob.objects.create(kind="reschedule", category=spam, actor=moderator, total=1)
        referral = Referral.objects.create(
            case=case,
            member=subject,
            countries=["DE"],
            authority="Polizei Berlin",
            sent="The threat and the member's account details.",
            sent_at=now,
            sent_by=moderator,
        )
        LegalHold.objects.create(
            member=subject,
            case=case,
            referral=referral,
            reason="Referred to the police.",
            placed_at=now,
            placed_by=moderator,
        )
        EvidenceBundle.objects.create(case=case, requested_by=moderator, requested_at=now)
    Token.objects.create(user=moderator)
    give_authenticator(moderator)
    replace_recovery_codes(user=moderator)
    AccessAttempt.objects.create(
        username="decider",
        ip_address="203.0.113.9",
        user_agent="Firefox",
        http_accept="text/html",
        path_info="/accounts/login/",
        failures_since_start=2,
    )
    RateLimit.objects.create(audience="members", reports_per_hour=20)
    ActiveRecipients.objects.create(month=now.date().replace(day=1), count=120_000)
    DailyFigure.objects.create(day=now.date(), metric="notices", category=spam, count=rows)
    FigureCursor.objects.create(name="audit", position=1)
    NotificationTemplate.objects.create(
        event="report_received", language="en", subject="Thanks", body="We got {reference}."
    )
    endpoint = WebhookEndpoint.objects.create(name="Platform", url="https://platform.test/hooks")
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="remove", payload={"type": "remove"}, attempts=1
    )
    hotline = FlaggerOrganisation.objects.create(
        name="Records Hotline",
        contact_email="notices@records-hotline.example",
        designated_on=now.date(),
        designated_by="Bundesnetzagentur",
        countries=["DE"],
    )
    FlaggerMembership.objects.create(organisation=hotline, member=make_member())
    dismissed = [report.case_id for report in reports[:dismissed]]
    Case.objects.filter(pk__in=dismissed).update(status=CaseStatus.DISMISSED, resolved_at=now)
    return SimpleNamespace(reports=reports, moderator=moderator)


@pytest.fixture
def records(spam, hate) -> SimpleNamespace:
    return make_records(spam, hate)


@pytest.fixture
def staffed_spam(spam, spam_team):
    """The spam category with a team at every tier, as a configured category has."""
    EscalationTier.objects.filter(category=spam).update(team=spam_team)
    return spam


@pytest.fixture
def ts_admin_client(client, ts_admin):
    """The test client signed in as a Trust & Safety admin."""
    client.force_login(ts_admin)
    return client
