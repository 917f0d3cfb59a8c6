"""The statements to the Transparency Database in the admin, and the category and reason
mapping fields, for each persona."""

import pytest
from django.urls import reverse

from hellomod.admin_site import AUDIENCES, Audience
from reports.models import AuditAction, AuditEvent, EscalationTier, Reason
from reports.models.tdb import StatementStatus, TransparencyStatement
from tests.reports.test_configuration import post_category
from tests.reports.test_statements_sending import pending_statements

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:reports_transparencystatement_changelist"


@pytest.fixture(autouse=True)
def _statements_are_records(monkeypatch):
    # Statements point at decisions: records, for the T&S admin role (hellomod/admin_site.py).
    monkeypatch.setitem(AUDIENCES, "reports.transparencystatement", Audience.RECORDS)


@pytest.fixture
def rejected(spam):
    row, _sent = pending_statements(spam, 2)
    row.status = StatementStatus.REJECTED
    row.attempts = 1
    row.errors = {"decision_facts": ["The decision facts field is required."]}
    row.save()
    return row


def change_url(row) -> str:
    return reverse("admin:reports_transparencystatement_change", args=[row.pk])


def test_only_trust_and_safety_admins_read_the_statements(
    client, rejected, spam_moderator, senior, ts_admin
):
    for person, expected in ((spam_moderator, 403), (senior, 403), (ts_admin, 200)):
        client.force_login(person)
        assert client.get(reverse(CHANGELIST)).status_code == expected
        assert client.get(change_url(rejected)).status_code == expected
    client.logout()
    assert client.get(reverse(CHANGELIST)).status_code == 302  # to the sign-in page


def test_a_statement_shows_its_payload_and_its_errors(client, rejected, ts_admin):
    client.force_login(ts_admin)

    page = client.get(change_url(rejected)).content.decode()

    assert "<li><code>decision_facts</code>: The decision facts field is required.</li>" in page
    assert f"&quot;puid&quot;: &quot;{rejected.puid}&quot;" in page  # pretty-printed JSON
    assert reverse("admin:reports_decision_change", args=[rejected.decision_id]) in page
    assert 'name="_save"' not in page  # read-only


def test_the_list_filters_and_finds_by_puid(client, rejected, ts_admin):
    client.force_login(ts_admin)

    by_status = client.get(reverse(CHANGELIST), {"status__exact": "rejected"})
    by_puid = client.get(reverse(CHANGELIST), {"q": rejected.puid})

    assert list(by_status.context["cl"].result_list) == [rejected]
    assert list(by_puid.context["cl"].result_list) == [rejected]


def test_send_again_rebuilds_and_queues_a_rejected_statement(client, rejected, ts_admin):
    client.force_login(ts_admin)
    sent = TransparencyStatement.objects.exclude(pk=rejected.pk).get()
    sent.status, sent.sent_at = StatementStatus.SENT, sent.created_at
    sent.save()

    response = client.post(
        reverse(CHANGELIST),
        {"action": "send_again", "_selected_action": [rejected.pk, sent.pk]},
        follow=True,
    )

    assert response.status_code == 200
    rejected.refresh_from_db()
    assert rejected.status == StatementStatus.PENDING
    assert rejected.errors == {}
    assert rejected.payload["puid"] == rejected.puid
    assert rejected.payload["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    sent.refresh_from_db()
    assert sent.status == StatementStatus.SENT  # left alone
    messages = [str(m) for m in response.context["messages"]]
    assert "1 statement waits to be sent again." in messages
    assert any("left alone" in m for m in messages)
    [event] = AuditEvent.objects.filter(action=AuditAction.STATEMENT_RESENT)
    assert (event.actor, event.target_id, event.before["status"], event.after["status"]) == (
        ts_admin,
        str(rejected.pk),
        "rejected",
        "pending",
    )


def test_the_list_takes_a_fixed_number_of_queries(
    client, spam, ts_admin, django_assert_max_num_queries
):
    pending_statements(spam, 60)
    client.force_login(ts_admin)
    client.get(reverse(CHANGELIST))  # sessions and permissions warmed up

    with django_assert_max_num_queries(6):
        response = client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == 50


def test_a_category_maps_to_keywords_chosen_from_the_list(client, spam, spam_team, ts_admin):
    EscalationTier.objects.filter(category=spam).update(team=spam_team)
    client.force_login(ts_admin)
    page = client.get(reverse("admin:reports_category_change", args=[spam.pk]))
    html = page.content.decode()
    assert "Transparency Database" in html
    assert '<select name="statement_keywords"' in html and "multiple" in html
    assert '<option value="KEYWORD_PHISHING"' in html
    assert "KEYWORD_DISINFORMATION" not in html  # retired values are not offered

    response = post_category(
        client,
        spam,
        statement_category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        statement_keywords=["KEYWORD_PHISHING", "KEYWORD_INAUTHENTIC_ACCOUNTS"],
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.statement_category == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    assert spam.statement_keywords == ["KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_PHISHING"]

    refused = post_category(client, spam, statement_keywords=["KEYWORD_DISINFORMATION"])
    assert refused.status_code == 200
    assert "statement_keywords" in refused.context["adminform"].form.errors
    spam.refresh_from_db()
    assert spam.statement_keywords == ["KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_PHISHING"]


def test_a_reason_may_leave_its_mapping_empty_or_name_its_own(client, spam, spam_team, ts_admin):
    EscalationTier.objects.filter(category=spam).update(team=spam_team)
    reason = spam.reasons.create(slug="link", name="Harmful link")
    client.force_login(ts_admin)
    page = client.get(reverse("admin:reports_category_change", args=[spam.pk]))
    reasons = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.model is Reason
    )
    prefix = reasons.prefix
    index = [form.instance.pk for form in reasons.forms].index(reason.pk)

    assert post_category(client, spam).status_code == 302  # both empty: the category's
    reason.refresh_from_db()
    assert (reason.statement_category, reason.statement_keywords) == ("", [])

    response = post_category(
        client,
        spam,
        **{
            f"{prefix}-{index}-statement_category": "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
            f"{prefix}-{index}-statement_keywords": ["KEYWORD_PHISHING"],
        },
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.statement_category == "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"
    assert reason.statement_keywords == ["KEYWORD_PHISHING"]
