"""Notification texts: admins write them per event and language, preview them, and cannot save one
that names a placeholder its message does not allow; without one, the built-in text is sent."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.effects.notifications import (
    alert_tier,
    alert_tier_about_many,
    decision_taken,
    report_received,
)
from reports.models import (
    AuditEvent,
    Case,
    Channel,
    DecisionAction,
    EscalationTier,
    Notification,
    NotificationTemplate,
    StatementTemplate,
    Tier,
)
from reports.models.choices import EscalationCause, NotificationEvent
from reports.services.decisions.decide import decide
from reports.texts import messages as texts
from reports.texts.statements import appeal_link
from tests.conftest import make_member, make_report

pytestmark = pytest.mark.django_db

SPAM_EN = "Spam, advertising or solicitation"
SPAM_ZH = "垃圾信息、广告或招揽"
ADD_URL = "admin:reports_notificationtemplate_add"


def in_app(recipient, event: str) -> Notification:
    return Notification.objects.get(recipient=recipient, event=event, channel=Channel.IN_APP)


def receipt_for(reporter, subject, category) -> tuple[Notification, str]:
    report = make_report(reporter=reporter, subject=subject, category=category)
    report_received(report_id=report.pk)
    return in_app(reporter, "report_received"), report.reference


def template(**fields) -> NotificationTemplate:
    """A template saved as the admin saves it: validated first."""
    row = NotificationTemplate(**fields)
    row.full_clean()
    row.save()
    return row


def form_data(**fields) -> dict:
    data = {"event": "report_received", "language": "en", "subject": "", "body": ""}
    data.update(fields)
    return data


def error_messages(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


# --- what members and moderators read ----------------------------------------------------------


def test_an_admins_chinese_receipt_is_what_a_chinese_reporter_reads(member, spam):
    template(
        event=NotificationEvent.REPORT_RECEIVED,
        language="zh-hans",
        subject="举报 {reference} 已收到",
        body="你在“{category}”下的举报 {reference} 已进入审核队列。",
    )
    chinese = make_member(preferred_language="zh-hans")

    receipt, reference = receipt_for(chinese, member, spam)

    assert receipt.subject == f"举报 {reference} 已收到"
    assert receipt.body == f"你在“{SPAM_ZH}”下的举报 {reference} 已进入审核队列。"
    assert receipt.language == "zh-hans"
    # The e-mail carries the same text.
    email = Notification.objects.get(recipient=chinese, channel=Channel.EMAIL)
    assert (email.subject, email.body) == (receipt.subject, receipt.body)


def test_an_english_reader_keeps_the_built_in_text_when_only_a_chinese_one_is_written(
    member, reporter, spam
):
    template(event="report_received", language="zh-hans", subject="收到 {reference}", body="谢谢")

    receipt, reference = receipt_for(reporter, member, spam)

    assert receipt.subject == f"We received your report {reference}"


def test_without_a_template_the_built_in_receipt_is_unchanged(member, reporter, spam):
    chinese = make_member(preferred_language="zh-hans")

    receipt, reference = receipt_for(reporter, member, spam)
    receipt_zh, reference_zh = receipt_for(chinese, member, spam)

    assert receipt.subject == f"We received your report {reference}"
    assert receipt.body == (
        f'Thank you for your report {reference} about "{SPAM_EN}". A moderator will review it '
        "against the community guidelines, and we will tell you what we decided. The member you "
        "reported will not learn who reported them."
    )
    assert receipt_zh.subject == f"我们已收到你的举报 {reference_zh}"
    assert receipt_zh.body == (
        f"感谢你提交关于“{SPAM_ZH}”的举报 {reference_zh}。审核员会依据社区准则进行审核，"
        "处理完成后我们会告知你结果。被举报的用户不会知道是谁举报了他们。"
    )


def test_without_a_template_the_built_in_outcomes_and_statement_subject_are_unchanged(
    member, reporter, spam, spam_moderator
):
    report = make_report(reporter=reporter, subject=member, category=spam)
    decision = decide(
        case_id=report.case_id,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=7),
        facts="The same advert to forty learners.",
    )

    decision_taken(decision_id=decision.pk)

    outcome = in_app(reporter, "report_outcome")
    assert outcome.subject == f"About your report {report.reference}"
    assert outcome.body == (
        f'We reviewed your report {report.reference} under "{SPAM_EN}" and took action: what you '
        "reported broke the community guidelines. Thank you for telling us."
    )
    statement = in_app(member, "statement_of_reasons")
    assert statement.subject == "A decision about your account"
    assert statement.body == decision.statement_of_reasons


def test_an_admins_statement_subject_is_used_and_the_body_stays_the_statement(
    member, reporter, spam, spam_moderator
):
    NotificationTemplate.objects.create(
        event="statement_of_reasons", language="en", subject="{decision}: {category}", body=""
    )
    report = make_report(reporter=reporter, subject=member, category=spam)
    decision = decide(
        case_id=report.case_id,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        facts="Advertising a paid course.",
    )

    decision_taken(decision_id=decision.pk)

    statement = in_app(member, "statement_of_reasons")
    assert statement.subject == f"Warn: {SPAM_EN}"
    assert statement.body == decision.statement_of_reasons


def test_a_reporters_outcome_never_names_the_reported_member(
    member, reporter, spam, spam_moderator
):
    tries = NotificationTemplate(
        event="outcome_actioned",
        language="en",
        subject="About {reference}",
        body="We acted on {member} after your report {reference}.",
    )
    with pytest.raises(ValidationError) as refused:
        tries.full_clean()
    assert "{member}" in refused.value.message_dict["body"][0]
    # Even a row written past validation fills only what the event allows.
    tries.save()
    report = make_report(reporter=reporter, subject=member, category=spam)
    decision = decide(case_id=report.case_id, moderator=spam_moderator, action=DecisionAction.WARN)

    decision_taken(decision_id=decision.pk)

    outcome = in_app(reporter, "report_outcome")
    assert outcome.body == f"We acted on {{member}} after your report {report.reference}."
    for secret in (member.display_name, member.username, member.public_id):
        assert secret not in outcome.body
        assert secret not in outcome.subject


@pytest.fixture
def senior_team_case(spam, spam_team, member, reporter) -> Case:
    EscalationTier.objects.update_or_create(
        category=spam, tier=Tier.SENIOR, defaults={"team": spam_team, "sla": timedelta(hours=4)}
    )
    report = make_report(reporter=reporter, subject=member, category=spam)
    case = Case.objects.select_related("category").get(pk=report.case_id)
    case.due_at = timezone.now() + timedelta(hours=4)
    return case


def test_without_a_template_the_built_in_moderator_alerts_are_unchanged(
    senior_team_case, spam_moderator
):
    case = senior_team_case
    due = f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M %Z}"

    assert alert_tier(
        case, tier=Tier.SENIOR, event="case_escalated", why=EscalationCause.OVERDUE.label
    )
    assert alert_tier_about_many(
        [case] * 22, tier=Tier.SENIOR, event="cases_overdue", key="sweep-1"
    )

    alert = in_app(spam_moderator, "case_escalated")
    assert alert.subject == f"[Senior moderator] Case {case.pk} · {SPAM_EN}"
    assert alert.body == (
        f"Case {case.pk} ({SPAM_EN}) is waiting at the Senior moderator tier: "
        f"Past its due time. Due {due}."
    )
    overdue = in_app(spam_moderator, "cases_overdue")
    numbers = ", ".join([str(case.pk)] * 20)
    assert overdue.subject == f"[Senior moderator] 22 overdue case(s) in {SPAM_EN}"
    assert overdue.body == (
        f"22 case(s) in {SPAM_EN} passed their due time and now wait at the Senior moderator "
        f"tier: {numbers} and 2 more."
    )


def test_an_admins_alert_text_reaches_the_moderators(senior_team_case, spam_moderator):
    template(
        event="case_escalated",
        language="en",
        subject="Case {case} needs a senior",
        body="{category}: {why} (tier {tier}, due {due})",
    )

    alert_tier(
        senior_team_case,
        tier=Tier.SENIOR,
        event="case_escalated",
        why=EscalationCause.PILE_UP.label,
    )

    alert = in_app(spam_moderator, "case_escalated")
    assert alert.subject == f"Case {senior_team_case.pk} needs a senior"
    assert alert.body.startswith(f"{SPAM_EN}: Many distinct reporters (tier Senior moderator,")


def test_a_chinese_reader_gets_the_built_in_chinese_text_before_an_admins_english_one():
    template(event="report_received", language="en", subject="Got {reference}", body="Thanks.")
    values = {"reference": "R-AAAA-BBBB", "category": SPAM_ZH}

    assert texts.render("report_received", language="zh-hans", values=values)[0] == (
        "我们已收到你的举报 R-AAAA-BBBB"
    )
    # A language the site does not offer reads the site's default, the admins' text first.
    assert texts.render("report_received", language="tr", values=values) == (
        "Got R-AAAA-BBBB",
        "Thanks.",
    )
    assert texts.render("report_received", language="en", values=values)[0] == "Got R-AAAA-BBBB"


@pytest.mark.parametrize("event", NotificationEvent.values)
def test_every_event_has_samples_for_its_placeholders_and_a_complete_built_in_text(event):
    assert set(texts.SAMPLES[event]) == set(texts.PLACEHOLDERS[event])
    for language, _name in settings.LANGUAGES:
        subject, body = texts.render(event, language=language, values=texts.SAMPLES[event])
        assert subject
        assert "%(" not in subject + body
        assert "{" not in subject + body
        assert (body == "") == (event in texts.SUBJECT_ONLY)


def test_no_member_message_offers_who_reported_or_who_decided():
    for event in NotificationEvent.values:
        for name in texts.PLACEHOLDERS[event]:
            assert not {"reporter", "moderator", "member", "subject"} & set(name.split("_"))


# --- validation --------------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_with_its_name_and_the_allowed_ones():
    row = NotificationTemplate(
        event="report_received",
        language="en",
        subject="Report {reference} by {reporter}",
        body="{category} {moderator} {moderator} {case}",
    )

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    errors = refused.value.message_dict
    assert errors["subject"] == [
        "Unknown placeholder {reporter}. This message can use: {reference}, {category}."
    ]
    assert errors["body"] == [
        "Unknown placeholders {moderator}, {case}. This message can use: {reference}, {category}."
    ]


def test_a_message_without_placeholders_refuses_any():
    row = NotificationTemplate(
        event="restriction_lifted", language="en", subject="Welcome back {name}", body="Hello."
    )

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict == {
        "subject": ["Unknown placeholder {name}. This message takes no placeholders."]
    }


def test_a_language_the_site_does_not_offer_is_refused():
    row = NotificationTemplate(
        event="report_received", language="tr", subject="Aldık", body="Teşekkürler"
    )

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict == {
        "language": [
            "Choose one of the site's languages: en, es, fr, de, it, pt, ru, ja, ko, zh-hans, "
            "zh-hant, ar, hi."
        ]
    }


# --- the admin ---------------------------------------------------------------------------------


def test_an_admin_saves_a_good_text(client, ts_admin):
    client.force_login(ts_admin)

    response = client.post(
        reverse(ADD_URL),
        form_data(subject="Report {reference}", body="Thanks for {reference}.", _save="Save"),
    )

    assert response.status_code == 302
    saved = NotificationTemplate.objects.get()
    assert (saved.event, saved.language, saved.subject) == (
        "report_received",
        "en",
        "Report {reference}",
    )
    audit = AuditEvent.objects.get(action="notificationtemplate.created")
    assert audit.actor == ts_admin


def test_the_admin_refuses_an_unknown_placeholder_next_to_the_field(client, ts_admin):
    client.force_login(ts_admin)

    response = client.post(
        reverse(ADD_URL),
        form_data(subject="Report {reference}", body="{member} was reported.", _save="Save"),
    )

    assert response.status_code == 200
    assert error_messages(response, "body") == [
        "Unknown placeholder {member}. This message can use: {reference}, {category}."
    ]
    assert "Unknown placeholder {member}." in response.content.decode()
    assert not NotificationTemplate.objects.exists()


def test_preview_renders_the_sample_case_and_saves_nothing(client, ts_admin):
    client.force_login(ts_admin)

    response = client.post(
        reverse(ADD_URL),
        form_data(
            language="zh-hans",
            subject="举报 {reference}",
            body="关于“{category}”的举报 {reference}",
            _preview="Preview",
        ),
    )

    assert response.status_code == 200
    assert response.context["preview"]["subject"] == "举报 R-7KQ2-M9XD"
    assert response.context["preview"]["body"] == f"关于“{SPAM_EN}”的举报 R-7KQ2-M9XD"
    page = response.content.decode()
    assert "举报 R-7KQ2-M9XD" in page
    # The form comes back as written, ready to save.
    assert response.context["adminform"].form["subject"].value() == "举报 {reference}"
    assert not NotificationTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="notificationtemplate.").exists()


def test_preview_of_a_change_leaves_the_saved_text_as_it_was(client, ts_admin):
    row = template(event="cases_overdue", language="en", subject="{count} late", body="{cases}")
    client.force_login(ts_admin)
    url = reverse("admin:reports_notificationtemplate_change", args=[row.pk])

    response = client.post(
        url,
        form_data(
            event="cases_overdue",
            subject="[{tier}] {count} late in {category}",
            body="{cases}",
            _preview="Preview",
        ),
    )

    assert response.status_code == 200
    assert response.context["preview"]["subject"] == f"[Senior moderator] 3 late in {SPAM_EN}"
    row.refresh_from_db()
    assert row.subject == "{count} late"
    assert not AuditEvent.objects.filter(action__startswith="notificationtemplate.").exists()


def test_preview_with_an_unknown_placeholder_shows_the_error_instead(client, ts_admin):
    client.force_login(ts_admin)

    response = client.post(
        reverse(ADD_URL),
        form_data(subject="Report {reference} by {reporter}", body="Thanks.", _preview="Preview"),
    )

    assert response.status_code == 200
    assert response.context["preview"] is None
    assert error_messages(response, "subject") == [
        "Unknown placeholder {reporter}. This message can use: {reference}, {category}."
    ]
    assert not NotificationTemplate.objects.exists()


def test_a_new_text_page_lists_each_events_placeholders_and_starts_from_the_built_in_text(
    client, ts_admin
):
    client.force_login(ts_admin)

    page = client.get(reverse(ADD_URL)).content.decode()
    for event in NotificationEvent:
        assert str(event.label) in page
    assert "{reference}" in page and "{due}" in page

    response = client.get(reverse(ADD_URL), {"event": "report_received", "language": "zh-hans"})
    form = response.context["adminform"].form
    assert form["subject"].value() == "我们已收到你的举报 {reference}"


def test_the_statement_of_reasons_text_takes_only_a_subject(client, ts_admin):
    client.force_login(ts_admin)

    refused = client.post(
        reverse(ADD_URL),
        form_data(event="statement_of_reasons", subject="About {decision}", body="Hi", _save="1"),
    )
    saved = client.post(
        reverse(ADD_URL),
        form_data(event="statement_of_reasons", subject="About {decision}", _save="Save"),
    )

    assert refused.status_code == 200
    assert "Only the subject is used" in error_messages(refused, "body")[0]
    assert saved.status_code == 302
    assert NotificationTemplate.objects.get().subject == "About {decision}"


def test_preview_of_a_statement_template_fills_the_sample_case(client, ts_admin, spam):
    shipped, _created = StatementTemplate.objects.get_or_create(
        category=spam,
        action=DecisionAction.SUSPEND,
        language="en",
        defaults={"body": "Suspended: {facts}"},
    )
    before = shipped.body
    client.force_login(ts_admin)

    response = client.post(
        reverse("admin:reports_statementtemplate_change", args=[shipped.pk]),
        {
            "category": spam.pk,
            "action": DecisionAction.SUSPEND,
            "language": "en",
            "body": "Suspended for {duration} under {category}: {facts} Appeal: {appeal_url}",
            "_preview": "Preview",
        },
    )

    assert response.status_code == 200
    assert response.context["preview"], response.context["adminform"].form.errors
    assert response.context["preview"]["body"] == (
        f"Suspended for 7 days under {SPAM_EN}: "
        f"{texts.STATEMENT_SAMPLES['facts']} Appeal: {appeal_link()}"
    )
    shipped.refresh_from_db()
    assert shipped.body == before


def test_preview_of_a_statement_template_with_an_unknown_placeholder_shows_the_error(
    client, ts_admin, spam
):
    client.force_login(ts_admin)

    response = client.post(
        reverse("admin:reports_statementtemplate_add"),
        {
            "category": spam.pk,
            "action": DecisionAction.WARN,
            "language": "zh-hans",
            "body": "Reported by {reporter}.",
            "_preview": "Preview",
        },
    )

    assert response.status_code == 200
    assert response.context["preview"] is None
    assert "{reporter}" in error_messages(response, "body")[0]


def test_a_moderator_reads_the_notification_texts_but_cannot_change_them(client, spam_moderator):
    row = template(event="report_received", language="en", subject="R {reference}", body="T")
    client.force_login(spam_moderator)
    url = reverse("admin:reports_notificationtemplate_change", args=[row.pk])

    read = client.get(url)
    change = client.post(url, form_data(subject="Defaced", body="y", language="en"))
    add = client.post(reverse(ADD_URL), form_data(subject="x", body="y", language="zh-hans"))

    assert read.status_code == 200
    assert "R {reference}" in read.content.decode()
    assert change.status_code == 403
    assert add.status_code == 403
    row.refresh_from_db()
    assert row.subject == "R {reference}"
    assert NotificationTemplate.objects.count() == 1


def test_a_member_cannot_reach_the_admin_at_all(client, member):
    client.force_login(member)

    response = client.get(reverse(ADD_URL))

    assert response.status_code == 302


@pytest.mark.parametrize("subject", ["Hola\r\nBcc: everyone@example.com", "Two\nlines"])
def test_a_subject_on_two_lines_is_refused(subject):
    row = NotificationTemplate(event="report_received", language="es", subject=subject, body="Hi")

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict == {"subject": ["Write the subject on one line."]}
