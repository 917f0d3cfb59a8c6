"""What the security pass changed, as people see it in the browser: a name holding an invisible
direction override refused next to its field, the second factor's page in a staff language for a
moderator who reads Arabic, and a reporter's odd words shown as written on the case's trail."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from reports.models import Category, EscalationTier
from tests.conftest import give_authenticator, make_member, make_moderator, make_report, make_team
from tests.e2e.test_sign_in_and_admin import pass_second_factor, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_name_with_a_direction_override_is_refused_next_to_its_field(
    page, live_server, screenshot
):
    spam = Category.objects.get(slug="spam-solicitation")
    EscalationTier.objects.filter(category=spam).update(team=make_team(spam))
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")

    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.goto(f"{live_server.url}/admin/reports/category/{spam.pk}/change/")
    page.locator("summary", has_text="Translations").first.click()
    page.locator("#id_name_es").fill("Publicidad \u202emoc.elpmaxe")
    page.get_by_role("button", name="Save", exact=True).click()

    field = page.locator("#id_name_es")
    expect(field).to_be_visible()  # the section holding the error opens by itself
    expect(page.locator(".errorlist", has_text="invisible direction characters")).to_be_visible()
    field.scroll_into_view_if_needed()
    screenshot("admin-translation-direction-override-refused")
    assert Category.objects.get(pk=spam.pk).translations.get("es") is None


def test_an_arabic_reading_moderator_passes_the_second_factor_in_english(
    page, live_server, screenshot
):
    spam = Category.objects.get(slug="spam-solicitation")
    make_moderator(
        team=make_team(spam),
        username="samir",
        password="a-long-moderator-pass",
        preferred_language="ar",
    )
    device = give_authenticator(User.objects.get(username="samir"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("samir")
    page.get_by_label("Password").fill("a-long-moderator-pass")
    with page.expect_navigation():
        page.locator("form [type=submit]").last.click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Second step of signing in")).to_be_visible()
    screenshot("second-factor-for-an-arabic-reader")
    pass_second_factor(page, device)
    page.goto(f"{live_server.url}/moderation/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


def test_a_reporters_odd_words_read_as_written_on_the_trail(page, live_server, screenshot):
    spam = Category.objects.get(slug="spam-solicitation")
    make_moderator(team=make_team(spam), username="mo", password="a-long-moderator-pass")
    reporter, subject = make_member(), make_member()
    first = make_report(reporter=reporter, subject=subject, category=spam, description="")
    make_report(reporter=reporter, subject=subject, category=spam, description="P9999999999D")

    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    page.goto(f"{live_server.url}/moderation/cases/{first.case_id}/")

    line = page.locator("table.audit td.details", has_text="P9999999999D")
    expect(line).to_have_text("Details: — → P9999999999D")
    line.scroll_into_view_if_needed()
    screenshot("case-trail-odd-words")
