"""Lives at risk: a member who may hurt themselves is met with care, not punishment, and a severe
reason (a threat of violence) sets a floor that a lighter decision must justify."""

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import MemberStatus, TeamMembership, User
from reports.effects.notifications import decision_taken, report_received
from reports.effects.outbox import run_message
from reports.effects.webhooks import verify
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Channel,
    CrisisResource,
    Decision,
    DecisionAction,
    Enforcement,
    EscalationTier,
    Notification,
    OutboxMessage,
    Reason,
    Strike,
    Tier,
    Visibility,
    WebhookDelivery,
    WebhookEndpoint,
)
from reports.models.choices import Restriction
from reports.selectors.decisions import case_version
from reports.services.bulk import start_bulk_decision
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from reports.texts.statements import SUPPORT
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team

pytestmark = pytest.mark.django_db

CRY_FOR_HELP = "I can't do this anymore. Tonight I end it, I have the pills ready."


@pytest.fixture
def self_harm(hate) -> Reason:
    return Reason.objects.get(category=hate, slug="self-harm")


@pytest.fixture
def threat(hate) -> Reason:
    return Reason.objects.get(category=hate, slug="threat")


@pytest.fixture
def safety_team(hate):
    return make_team(hate, name="Safety team")


@pytest.fixture
def moderator(safety_team) -> User:
    return make_moderator(team=safety_team, username="safety-mod", display_name="Safety Sam")


@pytest.fixture
def on_call(hate):
    """The category's emergency tier: one senior on call tonight, one who is not."""
    team = make_team(hate, name="On call")
    EscalationTier.objects.filter(category=hate, tier=Tier.EMERGENCY).update(team=team)
    awake = make_moderator(role="Senior moderator", username="awake", display_name="Awake Ada")
    asleep = make_moderator(role="Senior moderator", username="asleep")
    TeamMembership.objects.create(team=team, user=awake, is_on_call=True)
    TeamMembership.objects.create(team=team, user=asleep, is_on_call=False)
    return SimpleNamespace(awake=awake, asleep=asleep)


def at_risk(hate, self_harm, *, member=None, reporter=None, **member_fields) -> Case:
    """A member's message saying they will end their life, reported as self-harm."""
    member = member or make_member(display_name="Quiet Quinn", **member_fields)
    report = make_report(
        reporter=reporter or make_member(),
        subject=member,
        category=hate,
        reason=self_harm,
        content=make_content(member, text=CRY_FOR_HELP),
    )
    return Case.objects.select_related("subject", "content").get(pk=report.case_id)


def threatening(hate, threat, *, reporters: int = 1, member=None) -> Case:
    member = member or make_member(display_name="Angry Andy")
    content = make_content(member, text="I know where you live. I will come and hurt you.")
    for _ in range(reporters):
        report = make_report(
            reporter=make_member(), subject=member, category=hate, reason=threat, content=content
        )
    return Case.objects.select_related("subject", "content").get(pk=report.case_id)


def radio(page: str, action: str) -> str:
    """The decision panel's radio button of an action, as the page's script reads it."""
    return re.search(rf'<input type="radio" name="action" value="{action}"[^>]*>', page)[0]


def nothing_decided(case: Case) -> None:
    case.refresh_from_db()
    assert case.is_open
    assert not Decision.objects.filter(case=case).exists()
    assert not Strike.objects.exists()


def sent_now(member: User, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=member, event=event).order_by("channel"))


def deliver_emails() -> None:
    for message in OutboxMessage.objects.filter(topic="deliver_notification", status="pending"):
        assert run_message(message.pk) == "done"


# --- The decision panel -------------------------------------------------------------------------


def test_a_welfare_case_offers_care_first_and_no_sanction(client, hate, self_harm, moderator):
    case = at_risk(hate, self_harm)
    client.force_login(moderator)

    response = client.get(reverse("moderation:case", args=[case.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["suggestion"] is None
    form = response.context["form"]
    assert "action" not in form.initial
    assert [value for value, _label in form.fields["action"].choices] == [
        "support",
        "welfare_check",
        "remove_content",
        "no_violation",
        "warn",
        "restrict",
        "suspend",
        "ban",
    ]
    assert "This member may be at risk." in page
    assert "the ladder suggests" not in page
    assert 'class="tag">suggested' not in page
    assert "checked" not in page.split('id="decide-form"')[1].split("</fieldset>")[1]
    # The keys never change meaning: care has its own, after the sanctions' 1 to 6.
    assert 'data-key="7"' in radio(page, "support")
    assert 'data-key="8"' in radio(page, "welfare_check")
    # A sanction (or closing it with nothing) reveals the "why" field; care does not.
    assert "data-why" in radio(page, "warn")
    assert "data-why" in radio(page, "no_violation")
    assert "data-why" not in radio(page, "support")
    assert "data-why" not in radio(page, "remove_content")


def test_a_sanction_case_offers_the_welfare_actions_after_the_sanctions(
    client, spam, spam_moderator
):
    report = make_report(reporter=make_member(), subject=make_member(), category=spam, content=None)
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:case", args=[report.case_id]))

    groups = response.context["form"].action_groups()
    assert [[radio.data["value"] for radio in radios] for _legend, radios in groups] == [
        ["no_violation", "warn", "restrict", "suspend", "ban"],
        ["support", "welfare_check"],
    ]
    assert response.context["form"].initial["action"] == "warn"


# --- Support resources --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "country", "lines", "not_offered"),
    [
        ("en", "GB", ["Samaritans: call 116 123", "Find A Helpline"], "988"),
        (
            "zh-hans",
            "US",
            ["拨打电话或发短信至 988", "华语关怀热线: 拨打电话 1 800 000 0000"],
            "116 123",
        ),
    ],
)
def test_support_sends_the_member_the_crisis_lines_of_their_country_in_their_language(
    hate, self_harm, moderator, language, country, lines, not_offered
):
    CrisisResource.objects.create(
        country="US", language="zh", name="华语关怀热线", phone="1 800 000 0000", position=9
    )
    case = at_risk(hate, self_harm, preferred_language=language, country=country)
    member = case.subject

    decision = decide(case_id=case.pk, moderator=moderator, action=DecisionAction.SUPPORT)

    # At once, not after the undo window: someone at risk should not wait for it.
    email, inbox = sent_now(member, "support_resources")
    assert (email.channel, inbox.channel) == (Channel.EMAIL, Channel.IN_APP)
    assert inbox.language == language
    with translation.override(language):
        assert inbox.subject == str(translation.gettext("You don't have to go through this alone"))
        assert inbox.body.startswith(str(SUPPORT).split("{crisis_lines}")[0].strip())
    for line in lines:
        assert line in inbox.body
    assert not_offered not in inbox.body
    assert "warning" not in inbox.body.replace("This is not a warning", "")
    assert CRY_FOR_HELP not in inbox.body
    assert inbox.body == decision.statement_of_reasons
    deliver_emails()
    [sent] = mail.outbox
    assert sent.to == [member.email]
    assert all(line in sent.body for line in lines)

    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.ACTIVE, 0)
    assert not Strike.objects.exists()
    assert not Enforcement.objects.filter(decision=decision).exists()
    assert decision.restriction == Restriction.NONE
    case.content.refresh_from_db()
    assert case.content.visibility == Visibility.VISIBLE  # friends can still see the cry for help
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED


def test_the_reporter_hears_the_member_was_offered_support_and_the_member_nothing_more(
    hate, self_harm, moderator
):
    reporter = make_member(preferred_language="en")
    case = at_risk(hate, self_harm, reporter=reporter)
    decision = decide(case_id=case.pk, moderator=moderator, action=DecisionAction.SUPPORT)

    with time_machine.travel(timezone.now() + settings.DECISION_UNDO_WINDOW):
        decision_taken(decision_id=decision.pk)

    [outcome] = Notification.objects.filter(recipient=reporter, event="report_outcome")[:1]
    assert "reached out to the member with support" in outcome.body
    assert "broke the community guidelines" not in outcome.body
    assert not Notification.objects.filter(event="statement_of_reasons").exists()
    assert Notification.objects.filter(recipient=case.subject).count() == 2  # the support only


def test_my_reports_says_the_member_was_offered_support_not_that_they_broke_a_rule(
    client, hate, self_harm, moderator
):
    reporter = make_member()
    case = at_risk(hate, self_harm, reporter=reporter)
    decide(case_id=case.pk, moderator=moderator, action=DecisionAction.SUPPORT)
    client.force_login(reporter)

    with time_machine.travel(timezone.now() + settings.DECISION_UNDO_WINDOW):
        page = client.get(reverse("reports:mine")).content.decode()

    assert "We reached out to the member with support." in page
    assert "broke our guidelines" not in page


def test_undoing_support_reopens_the_case_and_the_member_keeps_the_message(
    hate, self_harm, moderator
):
    case = at_risk(hate, self_harm)
    decision = decide(case_id=case.pk, moderator=moderator, action=DecisionAction.SUPPORT)

    undo_decision(decision_id=decision.pk, moderator=moderator)

    case.refresh_from_db()
    assert case.is_open
    assert len(sent_now(case.subject, "support_resources")) == 2


# --- Removing graphic content -------------------------------------------------------------------


def test_removing_a_welfare_case_s_content_gives_no_strike_and_says_so_with_care(
    hate, self_harm, moderator
):
    case = at_risk(hate, self_harm, country="DE")

    decision = decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.REMOVE_CONTENT,
        facts="The photo shows fresh cuts.",
    )

    case.content.refresh_from_db()
    assert case.content.visibility == Visibility.REMOVED
    assert not Strike.objects.exists()
    assert decision.restriction == Restriction.CONTENT_REMOVED
    statement = decision.statement_of_reasons
    assert "This is not a punishment" in statement
    assert "The photo shows fresh cuts." in statement
    assert "TelefonSeelsorge: call 0800 111 0 111" in statement
    assert "call 112 now" in statement
    # Still a statement of reasons: the member may appeal, on the decision's own page.
    assert f"http://localhost:8000/decisions/{decision.uuid}/" in statement
    assert "breaks the community guidelines" not in statement


# --- A sanction for a member at risk needs a written reason -------------------------------------


def test_a_sanction_on_a_welfare_case_without_a_justification_is_refused(
    hate, self_harm, moderator
):
    case = at_risk(hate, self_harm)

    with pytest.raises(ValidationError) as refused:
        decide(
            case_id=case.pk,
            moderator=moderator,
            action=DecisionAction.SUSPEND,
            duration=timedelta(days=7),
            justification="  ",
        )

    assert "This member may be at risk" in refused.value.message_dict["justification"][0]
    nothing_decided(case)


def test_a_sanction_on_a_welfare_case_with_a_justification_applies_and_is_audited(
    hate, self_harm, moderator
):
    case = at_risk(hate, self_harm)
    why = "They post pro-self-harm tips and tell others to try them; not at risk themselves."

    decision = decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=7),
        justification=why,
    )

    assert decision.justification == why
    recorded = AuditEvent.objects.get(action="decision.recorded", target_id=str(decision.pk))
    assert (recorded.actor, recorded.after["justification"]) == (moderator, why)
    member = User.objects.get(pk=case.subject_id)
    assert (member.status, member.strike_count) == (MemberStatus.SUSPENDED, 1)


def test_no_violation_on_a_welfare_case_needs_a_why_too(hate, self_harm, moderator):
    case = at_risk(hate, self_harm)

    with pytest.raises(ValidationError) as refused:
        decide(case_id=case.pk, moderator=moderator, action=DecisionAction.NO_VIOLATION)
    assert "neither support nor action" in refused.value.message_dict["justification"][0]

    decision = decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.NO_VIOLATION,
        justification="Song lyrics they quoted in a language lesson.",
    )
    assert decision.justification == "Song lyrics they quoted in a language lesson."


def test_the_case_page_refuses_a_sanction_without_a_why_next_to_the_field(
    client, hate, self_harm, moderator
):
    case = at_risk(hate, self_harm)
    client.force_login(moderator)
    url = reverse("moderation:decide", args=[case.pk])
    post = {"action": "warn", "ground": "incompatible", "version": case_version(case)}

    response = client.post(url, post)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["justification"][0].startswith("This member may be at risk.")
    page = response.content.decode()
    why = page.index('id="why"')
    assert why < page.index("This member may be at risk. Say why", why)
    nothing_decided(case)

    response = client.post(url, {**post, "justification": "Encourages others to starve."})

    assert response.status_code == 302
    assert Decision.objects.get(case=case).justification == "Encourages others to starve."


# --- The urgent welfare check -------------------------------------------------------------------


@pytest.fixture
def platform():
    """A local HTTP server standing in for the platform: records what it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(SimpleNamespace(headers=dict(self.headers), body=body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hellomod"
    yield SimpleNamespace(
        requests=received, endpoint=WebhookEndpoint.objects.create(name="Platform", url=url)
    )
    server.shutdown()
    server.server_close()


def test_a_welfare_check_tells_the_platform_signed_and_alerts_the_senior_on_call(
    platform, hate, self_harm, moderator, on_call
):
    case = at_risk(hate, self_harm, country="FR")

    decision = decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.WELFARE_CHECK,
        facts="Says they have pills ready for tonight.",
    )

    delivery = WebhookDelivery.objects.get(event_type="member.welfare_check")
    message = OutboxMessage.objects.get(idempotency_key=f"webhook:{delivery.pk}")
    assert message.urgent
    assert run_message(message.pk) == "done"
    [request] = platform.requests
    headers = request.headers
    assert verify(
        request.body,
        headers["X-Hellomod-Timestamp"],
        headers["X-Hellomod-Signature"],
        platform.endpoint.secret,
    )
    event = json.loads(request.body)
    assert event["type"] == "member.welfare_check"
    assert (event["member"], event["country"]) == (case.subject.public_id, "FR")
    assert (event["reason"], event["decision"]) == ("self-harm", str(decision.uuid))
    assert event["content"]["external_id"] == case.content.external_id
    assert event["summary"] == "Says they have pills ready for tonight."
    assert moderator.username not in request.body.decode()

    alerts = Notification.objects.filter(event="welfare_check_requested")
    assert {a.recipient for a in alerts} == {on_call.awake}
    alert = alerts.get(channel=Channel.IN_APP)
    assert f"case {case.pk}" in alert.subject
    assert "Safety Sam asked the platform for an urgent welfare check" in alert.body
    email = OutboxMessage.objects.get(
        topic="deliver_notification",
        payload={"notification_id": alerts.get(channel=Channel.EMAIL).pk},
    )
    assert email.urgent

    requested = AuditEvent.objects.get(action="welfare.check_requested")
    assert (requested.actor, requested.case_id, requested.target_id) == (
        moderator,
        case.pk,
        str(decision.pk),
    )
    assert requested.after["alerted"] == 1
    assert requested.after["webhooks"] == [delivery.pk]
    # The member is offered the crisis lines too; nothing is restricted.
    assert len(sent_now(case.subject, "support_resources")) == 2
    assert "3114" in sent_now(case.subject, "support_resources")[0].body
    assert not Strike.objects.exists()


def test_a_welfare_check_cannot_be_undone(hate, self_harm, moderator, on_call):
    case = at_risk(hate, self_harm)
    decision = decide(case_id=case.pk, moderator=moderator, action=DecisionAction.WELFARE_CHECK)

    with pytest.raises(ValidationError, match="A welfare check cannot be undone"):
        undo_decision(decision_id=decision.pk, moderator=moderator)

    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED


def test_with_nobody_on_call_the_senior_team_hears_of_a_welfare_check(hate, self_harm, moderator):
    seniors = make_team(hate, name="Seniors")
    EscalationTier.objects.filter(category=hate, tier=Tier.SENIOR).update(team=seniors)
    senior = make_moderator(role="Senior moderator", team=seniors, username="day-senior")
    case = at_risk(hate, self_harm)

    decide(case_id=case.pk, moderator=moderator, action=DecisionAction.WELFARE_CHECK)

    assert {n.recipient for n in Notification.objects.filter(event="welfare_check_requested")} == {
        senior
    }


def test_welfare_actions_close_one_case_at_a_time(hate, self_harm, spam, moderator):
    member = make_member()
    other = make_report(reporter=make_member(), subject=member, category=hate).case
    case = at_risk(hate, self_harm, member=member)

    with pytest.raises(ValidationError) as refused:
        decide(
            case_id=case.pk,
            moderator=moderator,
            action=DecisionAction.SUPPORT,
            also_case_ids=[other.pk],
        )

    assert "close this case only" in refused.value.message_dict["also_cases"][0]
    with pytest.raises(ValidationError) as refused:
        start_bulk_decision(
            moderator=moderator, category=hate, case_ids=[case.pk], action="support"
        )
    assert "one case at a time" in refused.value.message_dict["action"][0]


# --- Severity decides the floor -----------------------------------------------------------------


def test_a_threat_with_sixteen_reporters_suggests_at_least_a_suspension(
    client, hate, threat, moderator
):
    case = threatening(hate, threat, reporters=16)
    client.force_login(moderator)

    response = client.get(reverse("moderation:case", args=[case.pk]))

    suggestion = response.context["suggestion"]
    assert (suggestion.action, suggestion.duration) == ("suspend", timedelta(days=7))
    assert response.context["form"].initial["action"] == "suspend"
    page = response.content.decode()
    assert "“Threat of violence” calls for at least Suspend; suggested:" in page
    # Less than a suspension reveals the "why" field; a suspension or a ban does not.
    assert "data-why" in radio(page, "warn")
    assert "data-why" in radio(page, "no_violation")
    assert "data-why" in radio(page, "support")
    assert "data-why" not in radio(page, "suspend")
    assert "data-why" not in radio(page, "ban")


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("warn", "“Threat of violence” calls for at least Suspend. Say why less is right here."),
        ("restrict", "Say why less is right here."),
        ("no_violation", "“Threat of violence” calls for at least Suspend. Say why there is no"),
        ("support", "Say why less is right here."),
    ],
)
def test_less_than_the_minimum_without_a_justification_is_refused(
    hate, threat, moderator, action, message
):
    case = threatening(hate, threat)
    days = timedelta(days=3) if action == "restrict" else None

    with pytest.raises(ValidationError) as refused:
        decide(case_id=case.pk, moderator=moderator, action=action, duration=days)

    assert message in refused.value.message_dict["justification"][0]
    nothing_decided(case)


def test_less_than_the_minimum_with_a_justification_applies_and_is_audited(hate, threat, moderator):
    case = threatening(hate, threat)
    why = "A line from a film, quoted between two friends who both laughed."

    decision = decide(
        case_id=case.pk, moderator=moderator, action=DecisionAction.NO_VIOLATION, justification=why
    )

    recorded = AuditEvent.objects.get(action="decision.recorded", target_id=str(decision.pk))
    assert recorded.after["justification"] == why
    assert Decision.objects.get(case=case).justification == why


@pytest.mark.parametrize("action", ["suspend", "ban"])
def test_the_minimum_or_more_needs_no_justification(hate, threat, moderator, action):
    case = threatening(hate, threat)
    days = timedelta(days=7) if action == "suspend" else None

    decision = decide(case_id=case.pk, moderator=moderator, action=action, duration=days)

    assert decision.justification == ""


def test_relabelling_a_threat_does_not_step_around_its_minimum(hate, threat, moderator):
    case = threatening(hate, threat)
    rudeness = Reason.objects.filter(category=hate, minimum_action="").exclude(handling="welfare")[
        0
    ]

    with pytest.raises(ValidationError) as refused:
        decide(case_id=case.pk, moderator=moderator, action="warn", reason=rudeness)

    assert "Threat of violence" in refused.value.message_dict["justification"][0]


def test_closing_a_threat_along_with_another_case_keeps_its_minimum(hate, threat, moderator):
    member = make_member()
    threat_case = threatening(hate, threat, member=member)
    other = make_report(reporter=make_member(), subject=member, category=hate).case

    with pytest.raises(ValidationError) as refused:
        decide(case_id=other.pk, moderator=moderator, action="warn", also_case_ids=[threat_case.pk])

    assert "Threat of violence" in refused.value.message_dict["justification"][0]
    nothing_decided(threat_case)


def test_a_bulk_decision_leaves_cases_with_a_minimum_to_be_decided_one_by_one(
    hate, threat, moderator
):
    case = threatening(hate, threat)

    with pytest.raises(ValidationError) as refused:
        start_bulk_decision(moderator=moderator, category=hate, case_ids=[case.pk], action="warn")

    assert "decide them one at a time" in refused.value.message_dict["action"][0]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("support", "Support and welfare checks are decided one case at a time."),
        ("warn", "or their reason asks for more than this; decide them one at a time."),
    ],
)
def test_the_queue_s_bulk_decision_says_so_before_its_confirmation_page(
    client, hate, threat, moderator, action, message
):
    cases = [threatening(hate, threat), threatening(hate, threat)]
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:bulk", args=[hate.slug]),
        {"cases": [c.pk for c in cases], "action": action},
        follow=True,
    )

    # Back on the queue page, with why, rather than on a confirmation page.
    assert response.redirect_chain[0][0].startswith(reverse("moderation:queue", args=[hate.slug]))
    assert message in response.content.decode()
    assert "counts" not in response.context


def test_no_critical_reason_pre_selects_a_warning(client, hate, threat, moderator):
    Reason.objects.filter(pk=threat.pk).update(minimum_action="")  # an admin took the floor away
    case = threatening(hate, threat)
    client.force_login(moderator)

    response = client.get(reverse("moderation:case", args=[case.pk]))

    assert response.context["suggestion"] is None
    assert "action" not in response.context["form"].initial


# --- The reporter -------------------------------------------------------------------------------


def test_the_receipt_of_a_self_harm_report_says_what_to_do_right_now_first(client, hate, self_harm):
    reporter = make_member(country="GB")
    case = at_risk(hate, self_harm, reporter=reporter)
    client.force_login(reporter)

    response = client.get(reverse("reports:receipt", args=[case.reports.get().reference]))

    page = response.content.decode()
    right_now = page.index("If someone's life is in danger right now")
    assert right_now < page.index("Your reference number") < page.index("What happens next")
    assert "Call the emergency services now: <b>999</b>." in page
    assert '<a href="tel:116123">116 123</a>' in page
    assert "Find A Helpline" in page


def test_an_ordinary_receipt_has_no_emergency_guidance(client, spam):
    reporter = make_member(country="GB")
    report = make_report(reporter=reporter, subject=make_member(), category=spam)
    client.force_login(reporter)

    response = client.get(reverse("reports:receipt", args=[report.reference]))

    assert "danger right now" not in response.content.decode()


def test_the_report_received_message_of_a_threat_opens_with_what_to_do_right_now(hate, threat):
    reporter = make_member(country="AU")
    case = threatening(hate, threat)
    report = make_report(
        reporter=reporter,
        subject=case.subject,
        category=hate,
        reason=threat,
        content=case.content,
    )

    report_received(report_id=report.pk)

    message = Notification.objects.get(recipient=reporter, channel=Channel.IN_APP)
    assert message.body.startswith("If someone's life is in danger right now, call 000.")
    assert "Lifeline: call 13 11 14" in message.body
    assert message.body.index("Lifeline") < message.body.index("A moderator will review it")


def test_support_is_not_a_statement_of_reasons_and_says_nothing_of_automation(
    hate, self_harm, moderator
):
    case = at_risk(hate, self_harm)

    decision = decide(case_id=case.pk, moderator=moderator, action=DecisionAction.SUPPORT)

    assert "automated" not in decision.statement_of_reasons
    assert "appeal" not in decision.statement_of_reasons


def test_the_policy_panel_says_how_each_reason_is_handled(client, hate):
    moderator = make_moderator(team=make_team(hate, name="Policy readers"), username="reader")
    case = make_report(reporter=make_member(), subject=make_member(), category=hate).case
    client.force_login(moderator)

    page = client.get(reverse("moderation:case", args=[case.pk])).content.decode()

    assert "welfare: support first" in page  # self-harm
    assert "at least Suspend" in page  # a threat of violence
