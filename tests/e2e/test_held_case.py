"""A held case in Chromium: left by typing another address, by the back button or by closing its
tab it goes back to the queue, reloaded it stays; a senior takes it over and the former holder's
open page learns it."""

import time

import pytest
from playwright.sync_api import expect

from accounts.models import User
from reports.models import Case, CaseStatus, Category
from reports.services.claims import claim_case
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.workers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-moderator-pass"


def spam_case(spam) -> Case:
    author = make_member(display_name="Shop Sam", native_language="ja")
    content = make_content(author, text="フォロワーを安く売ります", language="ja")
    return submit_report(
        reporter=make_member(), subject=author, category=spam, content=content
    ).case


def holder_of(case: Case):
    case.refresh_from_db()
    return case.status, case.claimed_by.username if case.claimed_by else None


def test_a_case_left_by_typing_another_address_goes_back_to_the_queue(page, live_server):
    spam = Category.objects.get(slug="spam-solicitation")
    make_moderator(team=make_team(spam), username="mo", password=PASSWORD)
    case = spam_case(spam)
    sign_in(page, live_server, "mo", PASSWORD)
    page.goto(f"{live_server.url}/moderation/queues/{spam.slug}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/moderation/cases/{case.pk}/**")
    assert holder_of(case) == (CaseStatus.CLAIMED, "mo")

    # A reload draws the case again for its holder, who keeps it.
    page.reload()
    page.get_by_role("button", name="Release").wait_for()
    time.sleep(1.5)  # the old page's beacon has long arrived
    assert holder_of(case) == (CaseStatus.CLAIMED, "mo")

    # The member's record, opened from the case, keeps it for the moderator who comes back.
    page.locator(".member .target-name a").click()
    page.wait_for_url("**/moderation/members/**")
    time.sleep(1)
    assert holder_of(case) == (CaseStatus.CLAIMED, "mo")
    page.go_back()
    page.get_by_role("button", name="Release").wait_for()
    assert holder_of(case) == (CaseStatus.CLAIMED, "mo")

    # Another address typed in: the case is free again.
    page.goto(f"{live_server.url}/reports/mine/")
    wait_for(lambda: holder_of(case) == (CaseStatus.OPEN, None), what="the case to be given back")

    # Held again and opened by its address, then left by the back button.
    claim_case(case_id=case.pk, moderator=User.objects.get(username="mo"))
    page.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    page.get_by_role("button", name="Release").wait_for()
    page.go_back()
    page.wait_for_url("**/reports/mine/")
    wait_for(lambda: holder_of(case) == (CaseStatus.OPEN, None), what="the case to be given back")

    # Held again in a tab of its own, which is closed.
    claim_case(case_id=case.pk, moderator=User.objects.get(username="mo"))
    tab = page.context.new_page()
    tab.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    tab.get_by_role("button", name="Release").wait_for()
    tab.close(run_before_unload=True)
    wait_for(lambda: holder_of(case) == (CaseStatus.OPEN, None), what="the case to be given back")


def test_a_senior_takes_over_and_the_holder_s_page_learns_it(
    browser, page, live_server, screenshot
):
    spam = Category.objects.get(slug="spam-solicitation")
    team = make_team(spam, name="Spam team")
    make_moderator(team=team, username="mo", display_name="Moderator Mo", password=PASSWORD)
    make_moderator(
        role="Senior moderator",
        team=team,
        username="sam",
        display_name="Senior Sam",
        password=PASSWORD,
    )
    make_moderator(team=team, username="cy", display_name="Colleague Cy", password=PASSWORD)
    case = spam_case(spam)
    sign_in(page, live_server, "mo", PASSWORD)
    page.goto(f"{live_server.url}/moderation/queues/{spam.slug}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/moderation/cases/{case.pk}/**")
    page.get_by_role("button", name="Release").wait_for()
    screenshot("moderation-held-case-holder")

    # A colleague who is not a senior reads it, the panel off, and cannot take it over.
    colleague = browser.new_context(viewport={"width": 1360, "height": 860}, locale="en-GB")
    colleague_page = colleague.new_page()
    sign_in(colleague_page, live_server, "cy", PASSWORD)
    colleague_page.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    expect(colleague_page.locator("#held")).to_contain_text("Moderator Mo holds this case")
    expect(colleague_page.locator("#decide-form button[value=queue]")).to_be_disabled()
    expect(colleague_page.get_by_role("button", name="Take over")).to_have_count(0)
    colleague.close()

    senior = browser.new_context(viewport={"width": 1360, "height": 860}, locale="en-GB")
    senior_page = senior.new_page()
    sign_in(senior_page, live_server, "sam", PASSWORD)
    senior_page.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    held = senior_page.locator("#held")
    expect(held).to_contain_text("Moderator Mo holds this case")
    expect(held).to_contain_text("(in 1")  # "in 14 min"
    expect(senior_page.locator("#decide-form button[value=queue]")).to_be_disabled()
    expect(senior_page.locator("#decide-held")).to_have_text(
        "Moderator Mo holds this case: you cannot decide it now."
    )
    screenshot_of(senior_page, "moderation-held-case-other")

    senior_page.get_by_role("button", name="Take over").click()
    senior_page.get_by_text("You hold case").wait_for()
    expect(senior_page.locator("#decide-form button[value=queue]")).to_be_enabled()
    assert holder_of(case) == (CaseStatus.CLAIMED, "sam")

    # The holder's open page learns it when it next renews its lease (here: shown again).
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    banner = page.locator(".banner.taken-over")
    expect(banner).to_contain_text("Senior Sam took this case over at")
    expect(page.locator("#decide-form button[value=queue]")).to_be_disabled()
    expect(page.locator("#decide-held")).to_contain_text("Senior Sam took this case over at")
    expect(page.get_by_role("button", name="Release")).to_have_count(0)
    screenshot("moderation-taken-over-banner")

    # Their next page says it once; leaving never gives back the senior's claim.
    page.get_by_role("link", name="Queues").click()
    expect(page.locator(".banner.taken-over")).to_contain_text(
        f"Senior Sam took case #{case.pk} over from you at"
    )
    screenshot("moderation-taken-over-next-page")
    time.sleep(1)
    assert holder_of(case) == (CaseStatus.CLAIMED, "sam")

    # The senior decides; the case page offers one Undo, and its trail tells the story.
    senior_page.keyboard.press("2")
    senior_page.get_by_label("In your words").fill("Sold followers in the Japanese room.")
    senior_page.get_by_role("button", name="Submit", exact=True).click()
    senior_page.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    expect(senior_page.get_by_role("button", name="Undo")).to_have_count(1)
    trail = senior_page.locator("table.audit")
    expect(trail).to_contain_text("Held by: Moderator Mo → Senior Sam")
    expect(trail).to_contain_text("Decision: Warn")
    expect(trail).not_to_contain_text("case.")
    screenshot_of(senior_page, "moderation-audit-trail")
    senior.close()


def screenshot_of(other_page, name):
    """The screenshot fixture draws the test's own page; another person's is saved beside it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    other_page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
