"""An admin translates a category's name into Japanese in its field; a Japanese member reads it."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from reports.models import AuditEvent, Category, EscalationTier
from tests.conftest import make_member, make_moderator, make_team
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JAPANESE_NAME = "迷惑な宣伝・勧誘"


def test_a_japanese_name_typed_in_the_admin_is_what_a_japanese_member_reads(
    page, live_server, screenshot
):
    spam = Category.objects.get(slug="spam-solicitation")
    EscalationTier.objects.filter(category=spam).update(team=make_team(spam))
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")
    make_member(username="yui", password="a-long-member-password", preferred_language="ja")
    seller = make_member(display_name="Sale Sam")
    with translation.override("ja"):
        shipped_name = translation.gettext(spam.name)

    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.goto(f"{live_server.url}/admin/reports/category/{spam.pk}/change/")
    field = page.locator("#id_name_ja")
    expect(field).to_be_hidden()  # the Translations section starts closed
    page.locator("summary", has_text="Translations").first.click()
    expect(field).to_be_visible()
    expect(field).to_have_accessible_name("Name (日本語 · Japanese):")
    # Empty, it shows what Japanese members read today: the shipped translation.
    expect(field).to_have_value("")
    expect(field).to_have_attribute("placeholder", shipped_name)
    field.scroll_into_view_if_needed()
    screenshot("admin-category-translations")

    field.fill(JAPANESE_NAME)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    spam.refresh_from_db()
    assert spam.translations["ja"] == {"name": JAPANESE_NAME}
    assert AuditEvent.objects.get(action="category.changed", category=spam).after == {
        "translations": spam.translations
    }

    page.context.clear_cookies()
    sign_in(page, live_server, "yui", "a-long-member-password")
    page.goto(f"{live_server.url}/report/?member={seller.public_id}")
    choice = page.locator(".choice-name", has_text=JAPANESE_NAME)
    expect(choice).to_have_count(1)
    expect(page.locator(".choice-name", has_text=shipped_name)).to_have_count(0)
    choice.scroll_into_view_if_needed()
    screenshot("report-form-japanese-category-name")
