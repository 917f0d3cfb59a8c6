"""Members read hellomod in their own language: a Spanish member who picks Español in the menu
hears the outcome of her report in Spanish, and an Arabic member reads his receipt and the
statement of reasons about him right to left."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from reports.models import Decision, Report
from reports.services.decisions.decide import decide
from reports.texts import messages as texts
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.i18n.mixing import foreign_parts, latin_words
from tests.i18n.telling import tell_members_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def suspend_and_tell(case_id: int, category) -> Decision:
    """A moderator of the category suspends the case's member for a week; everyone is told."""
    decision = decide(
        case_id=case_id,
        moderator=make_moderator(team=make_team(category)),
        action="suspend",
        duration=timedelta(days=7),
        facts="",
    )
    tell_members_now(decision)
    return decision


def test_a_spanish_member_picks_espanol_and_hears_the_outcome_in_spanish(
    page, live_server, screenshot, spam
):
    sofia = make_member(
        username="sofia", password="a-long-member-password", email="sofia@example.com"
    )
    spammer = make_member(display_name="Shop Sam")
    report = make_report(
        reporter=sofia, subject=spammer, category=spam, content=make_content(spammer)
    )

    sign_in(page, live_server, "sofia", "a-long-member-password")
    page.get_by_label("Language").select_option(label="Español")
    page.wait_for_url("**/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    with translation.override("es"):
        expect(page.get_by_role("heading", level=1)).to_have_text(translation.gettext("Safety"))
    assert User.objects.get(pk=sofia.pk).preferred_language == "es"

    suspend_and_tell(report.case_id, spam)

    with translation.override("es"):
        subject = str(texts.DEFAULTS["outcome_actioned"][0]) % {"reference": report.reference}
    outcome = next(m for m in mail.outbox if m.to == ["sofia@example.com"] and m.subject == subject)
    with translation.override("en"):
        english = str(texts.DEFAULTS["outcome_actioned"][1]) % {
            "reference": report.reference,
            "category": spam.name,
        }
    assert outcome.subject != f"About your report {report.reference}"
    assert spam.translated("name", "es") in outcome.body
    assert (
        foreign_parts(outcome.body, language="es", english=english, english_values=[spam.name])
        == []
    )

    page.goto(f"{live_server.url}/notifications/")
    page.get_by_text(subject).first.wait_for()
    screenshot("inbox-es")


def test_an_arabic_member_reads_his_receipt_and_statement_right_to_left(
    page, live_server, screenshot, spam
):
    amal = make_member(username="amal", password="a-long-member-password", preferred_language="ar")
    spammer = make_member(display_name="Shop Sam")
    message = make_content(spammer, text="Cheap followers, add me on WhatsApp")

    sign_in(page, live_server, "amal", "a-long-member-password")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{live_server.url}/report/?member={spammer.public_id}&content={message.pk}")
    page.get_by_text(spam.translated("name", "ar"), exact=True).click()
    with translation.override("ar"):
        page.get_by_role("button", name=translation.gettext("Send report")).click()
        page.get_by_role(
            "heading", name=translation.gettext("Thank you, we received your report")
        ).wait_for()
    report = Report.objects.get(reporter=amal)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert latin_words(page.locator("main").inner_text().replace("Shop Sam", "")) == []
    screenshot("receipt-ar")

    # Amal is reported in turn, and suspended.
    case = make_report(
        reporter=spammer, subject=amal, category=spam, content=make_content(amal)
    ).case
    decision = suspend_and_tell(case.pk, spam)
    page.goto(f"{live_server.url}/decisions/{decision.uuid}/")
    statement = page.locator(".inbox-body").first
    statement.wait_for()
    text = statement.inner_text()
    assert latin_words(text) == []
    assert spam.translated("name", "ar") in text
    assert statement.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert report.reference  # the report above was sent and kept
    screenshot("statement-ar")
