"""A moderator works the spam queue by keyboard: next case, blurred evidence, suspend 7 days."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import MemberStatus
from reports.evidence import clean_image
from reports.models import Case, CaseStatus, Category
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.workers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def screenshot_of_a_chat() -> io.BytesIO:
    image = Image.new("RGB", (720, 480), (250, 250, 250))
    for row in range(6):
        image.paste((40 + row * 20, 90, 200), (40, 40 + row * 70, 600, 90 + row * 70))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def test_moderator_takes_the_next_case_and_suspends_with_the_keyboard(
    browser, page, live_server, screenshot, settings
):
    # The reporter learns the outcome once the decision can no longer be undone.
    settings.DECISION_UNDO_WINDOW = timedelta(seconds=3)
    spam = Category.objects.get(slug="spam-solicitation")
    make_moderator(
        team=make_team(spam, name="Spam team"),
        username="mo",
        display_name="Moderator Mo",
        password="a-long-moderator-pass",
    )
    reporter = make_member(username="ren", password="a-long-member-password")
    spammer = make_member(display_name="Shop Sam <script>alert(1)</script>")
    message = make_content(spammer, text="Cheap followers! Add me on WhatsApp <b>now</b>")
    first = submit_report(
        reporter=reporter,
        subject=spammer,
        category=spam,
        content=message,
        description="He sends this to everyone in the Spanish room.",
        evidence=[clean_image(screenshot_of_a_chat())],
    ).case
    Case.objects.filter(pk=first.pk).update(priority=500)
    second = submit_report(reporter=make_member(), subject=make_member(), category=spam).case

    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    screenshot("moderation-home")
    page.get_by_role("link", name="All languages").click()
    page.get_by_role("heading", name=spam.name).wait_for()
    screenshot("moderation-queue")

    page.keyboard.press("n")
    page.wait_for_url(f"**/moderation/cases/{first.pk}/?tier=1")
    page.get_by_text("Cheap followers! Add me on WhatsApp <b>now</b>").wait_for()
    thumb = page.locator(".evidence .thumb img")
    assert "blur" in thumb.evaluate("img => getComputedStyle(img).filter")
    screenshot("moderation-case-blurred")
    page.locator(".evidence .thumb").click()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.evidence .thumb img')).filter === 'none'"
    )

    page.keyboard.press("5")  # suspend; the cursor moves to the number of days
    page.keyboard.type("7")
    page.get_by_label("In your words").fill("Sent the same advert to 40 members.")
    assert "suspended for 7 days" in page.locator("#statement").inner_text()
    # The server's wording replaces the page's own: the closing sentence, the facts kept.
    statement = page.locator("#statement")
    expect(statement).to_contain_text("no automated decision-making was involved")
    expect(statement).to_contain_text("Sent the same advert to 40 members.")
    # The end in the member's own date format, with the zone it is told in.
    expect(statement).to_contain_text(re.compile(r"until [A-Z][a-z]+\.? \d{1,2}, \d{4}, .+ UTC"))
    screenshot("moderation-case-deciding")
    page.keyboard.press("Control+Enter")

    page.wait_for_url(f"**/moderation/cases/{second.pk}/?tier=1")
    page.get_by_text("Members hear of it at").wait_for()
    screenshot("moderation-next-case")

    spammer.refresh_from_db()
    assert spammer.status == MemberStatus.SUSPENDED
    assert abs(spammer.suspended_until - (timezone.now() + timedelta(days=7))) < timedelta(
        minutes=2
    )
    assert Case.objects.get(pk=first.pk).status == CaseStatus.DECIDED
    assert Case.objects.get(pk=second.pk).claimed_by.username == "mo"

    # Leaving a case without deciding gives it back to the queue at once.
    page.get_by_role("link", name="Queues").click()
    page.get_by_role("heading", name="Your queues").wait_for()
    wait_for(
        lambda: Case.objects.get(pk=second.pk).status == CaseStatus.OPEN,
        what="the case to go back to the queue",
    )

    member_context = browser.new_context(viewport={"width": 1200, "height": 800})
    member_page = member_context.new_page()
    sign_in(member_page, live_server, "ren", "a-long-member-password")
    member_page.goto(f"{live_server.url}/reports/mine/")
    row = member_page.locator("tr", has_text=first.reports.get().reference)
    decided_at = first.reports.get().resolved_at
    if timezone.now() < decided_at + settings.DECISION_UNDO_WINDOW:
        assert row.get_by_text("Being reviewed").is_visible()
    wait_for(lambda: timezone.now() > decided_at + settings.DECISION_UNDO_WINDOW, what="undo")
    member_page.reload()
    assert row.get_by_text("Action taken").is_visible()
    assert "We took action" in row.inner_text()
    member_context.close()
