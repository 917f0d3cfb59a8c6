"""A Trust & Safety lead opens the transparency report, chooses March 2025, reads its figures and
finds the CSV and JSON of the same period; a printed copy leaves out the form and the links."""

from datetime import date

import pytest
from playwright.sync_api import expect

from reports.models import ActiveRecipients
from tests.conftest import make_moderator
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.reports.test_transparency_report import hotline, scenario  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_lead_reads_the_report_of_a_month(page, live_server, screenshot, scenario, spam_team):  # noqa: F811
    ActiveRecipients.objects.create(month=date(2025, 3, 1), count=1_200_000, eu_count=450_000)
    make_moderator(
        role="Trust & Safety lead",
        team=spam_team,
        username="lena",
        display_name="Lena (T&S lead)",
        password="a-long-lead-password",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "lena", "a-long-lead-password")

    page.goto(f"{live_server.url}/moderation/transparency/")
    expect(page.get_by_role("heading", name="Transparency report", level=1)).to_be_visible()
    # The month just closed, with nothing in it yet.
    expect(page.locator("#recipients")).to_contain_text("Not entered")
    screenshot("transparency-default-period")

    page.get_by_label("From").fill("2025-03-01")
    page.get_by_label("To (inclusive)").fill("2025-03-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()

    expect(page.locator(".lead")).to_contain_text("from 2025-03-01 to 2025-03-31")
    expect(page.locator("#recipients .figure")).to_contain_text("1,200,000")
    expect(page.locator("#notices")).to_contain_text("Hate Speech Hotline")
    expect(page.locator(".median-overall")).to_contain_text("hour")
    expect(page.locator("#suspensions")).to_contain_text("manifestly unfounded complaints")
    query = "?start=2025-03-01&end=2025-03-31"
    expect(page.locator("a.csv-link")).to_have_attribute(
        "href", f"/moderation/transparency/{query}&format=csv"
    )
    expect(page.locator("a.json-link")).to_have_attribute(
        "href", f"/moderation/transparency/{query}&format=json"
    )
    screenshot("transparency-march-2025")

    # A typo in the period: the form says what is wrong, next to the field.
    page.get_by_label("From").fill("2025-04-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.locator("#id_start_error")).to_contain_text("starts after it ends")
    screenshot("transparency-bad-period")

    page.goto(f"{live_server.url}/moderation/transparency/{query}")
    page.emulate_media(media="print")
    expect(page.locator("form.period")).to_be_hidden()
    screenshot("transparency-print")
