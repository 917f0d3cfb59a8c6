"""The category page in sections: short when closed, and an error never hides in a closed one."""

import pytest
from playwright.sync_api import expect

from reports.models import Category, EscalationTier, LadderStep
from tests.conftest import make_moderator, make_team
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTIONS = [
    "Translations",
    "Reasons",
    "Policy",
    "Tiers (the frontline SLA follows the category's SLA)",
    "Enforcement ladder",
    "Statements of reasons",
    "Transparency Database",
]


@pytest.fixture
def category_page(page, live_server):
    spam = Category.objects.get(slug="spam-solicitation")
    EscalationTier.objects.filter(category=spam).update(team=make_team(spam))
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.goto(f"{live_server.url}/admin/reports/category/{spam.pk}/change/")
    return spam


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def section(page, name: str):
    """One of the page's own sections (a reason's sections inside it have smaller headings)."""
    heading = page.get_by_role("heading", level=2, name=name, exact=True)
    return page.locator("details", has=page.locator("summary", has=heading)).last


def test_the_category_page_opens_short_with_its_sections_closed(category_page, page, screenshot):
    summaries = page.locator("#category_form details > summary h2")
    # The essentials open, every other section a closed heading, in this order.
    assert [s.strip() for s in summaries.all_text_contents()] == SECTIONS
    expect(page.locator("#id_name")).to_be_visible()
    expect(page.locator("#id_sla_0")).to_be_visible()
    expect(page.locator("#id_severity")).to_be_visible()
    expect(page.get_by_role("link", name="Every change, with before and after")).to_be_visible()
    closed = height(page)
    screenshot("admin-category-sections-closed")

    section(page, "Policy").locator(":scope > summary").click()
    expect(page.locator("#id_policy-0-escalation_threshold")).to_be_visible()
    screenshot("admin-category-policy-open")
    page.locator("#policy-0 .field-escalation_window").screenshot(
        path=str(SCREENSHOTS / "admin-duration-widget.png")
    )

    for name in SECTIONS:
        details = section(page, name)
        if details.get_attribute("open") is None:
            details.locator(":scope > summary").click()
    opened = height(page)

    print(f"category page at 1280×800: {closed} px closed, {opened} px with every section open")
    assert closed < 2_500
    assert opened > 3 * closed  # what the page was as one form


def test_an_error_in_a_closed_section_opens_it(category_page, page, screenshot):
    # A gap in the ladder is an error of the whole ladder, not of one of its rows.
    section(page, "Enforcement ladder").locator(":scope > summary").click()
    last = LadderStep.objects.filter(category=category_page).order_by("offence").last()
    page.locator(f"input[value='{last.offence}'][name$='-offence']").fill("9")
    # A translation too long for a name, in the closed Translations section.
    page.locator("#id_name_ja").evaluate("(field, text) => { field.value = text }", "名" * 81)
    section(page, "Enforcement ladder").locator(":scope > summary").click()  # closed again
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    ladder_error = page.get_by_text("Number the offences 1, 2, 3 … without gaps or repeats")
    expect(ladder_error).to_be_visible()
    expect(page.get_by_text("Ensure this value has at most 80 characters")).to_be_visible()
    expect(page.locator("#id_name_ja")).to_be_visible()
    # The sections without an error stay closed.
    expect(page.locator("#id_policy-0-escalation_threshold")).to_be_hidden()
    screenshot("admin-category-error-opens-its-section")
    assert LadderStep.objects.filter(category=category_page, offence=9).count() == 0
