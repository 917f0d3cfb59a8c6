"""A member appeals a suspension from its message in the inbox and later reads the answer; a
reporter asks for a review of a report that ended with no violation found.

Every page is photographed at a phone's width (390 px) and a desktop's (1280 px).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.effects.outbox import run_message
from reports.models import (
    Appeal,
    AppealOutcome,
    Case,
    DecisionAction,
    Notification,
    OutboxMessage,
)
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.e2e.conftest import SCREENSHOTS as screenshot_dir
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.workers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
ANSWER = "We read the whole conversation again: the learners had asked you for the link."


@pytest.fixture
def told_at_once(settings):
    """Members hear of a decision a second after it, not five minutes."""
    settings.DECISION_UNDO_WINDOW = timedelta(seconds=1)


@pytest.fixture
def photograph(page, screenshot):
    """Each page at both widths; on a phone nothing in the page scrolls sideways.

    (The page, not the header: the member navigation is the site's own, see base.html.)
    """

    def take(name: str, *, wide_table: bool = False) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 860})
            screenshot(f"{name}-{width}")
            overflow = page.evaluate(
                "(() => { const m = document.querySelector('main');"
                " return m.scrollWidth - m.clientWidth; })()"
            )
            assert wide_table or overflow <= 0, f"{name} is {overflow} px too wide at {width} px"
        page.set_viewport_size({"width": 1280, "height": 860})

    return take


def suspension(member, spam):
    """A week's suspension of `member` for a message, decided by a moderator of spam."""
    moderator = make_moderator(team=make_team(spam), username="mo", display_name="Moderator Mo")
    content = make_content(member, text="Join my paid course, link in my profile!")
    report = make_report(reporter=make_member(), subject=member, category=spam, content=content)
    decision = decide(
        case_id=Case.objects.get(pk=report.case_id).pk,
        moderator=moderator,
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=7),
        facts="Sent the same advert for a paid course to forty learners.",
    )
    wait_for(lambda: timezone.now() > decision.notified_at, what="the undo window")
    # The statement of reasons reaches the inbox, as the worker would hand it over.
    message = OutboxMessage.objects.get(topic="notify_decision", payload__decision_id=decision.pk)
    assert run_message(message.pk) == "done"
    return decision


def test_a_member_appeals_from_the_inbox_and_reads_the_answer(
    browser, page, live_server, photograph, told_at_once
):
    from reports.models import Category

    spam = Category.objects.get(slug="spam-solicitation")
    member = make_member(username="rita", password="a-long-member-password")
    decision = suspension(member, spam)
    senior = make_moderator(
        role="Senior moderator",
        team=make_team(spam),
        username="sana",
        display_name="Senior Sana",
        password="a-long-senior-password",
    )

    sign_in(page, live_server, "rita", "a-long-member-password")
    capture = page.screenshot()  # a real screen, as a member would attach
    page.goto(f"{live_server.url}/notifications/")
    statement = Notification.objects.get(recipient=member, decision=decision, channel="in_app")
    photograph("appeal-1-inbox")
    page.get_by_role("link", name=statement.subject).click()
    page.get_by_role("link", name="Appeal this decision").wait_for()
    photograph("appeal-2-statement-message")

    page.get_by_role("link", name="Appeal this decision").click()
    page.get_by_role("heading", name="Appeal this decision").wait_for()
    assert page.get_by_text("Sent the same advert for a paid course").first.is_visible()
    assert not page.get_by_text("Moderator Mo").count()
    photograph("appeal-3-decision")

    page.get_by_label("Why do you disagree with this decision?").fill(
        "I teach at that school.\nThe learners asked me for the link in our class chat."
    )
    # A file that is no image is explained next to the field; what they wrote stays.
    page.get_by_label("Screenshots (optional)").set_input_files(
        files=[{"name": "chat.svg", "mimeType": "image/svg+xml", "buffer": b"<svg></svg>"}]
    )
    page.get_by_role("button", name="Send my appeal").click()
    page.get_by_text("chat.svg: This file is not a JPEG, PNG, WebP or GIF image.").wait_for()
    assert (
        "class chat" in page.get_by_label("Why do you disagree with this decision?").input_value()
    )
    assert not Appeal.objects.exists()
    photograph("appeal-4-form-error")

    page.get_by_label("Screenshots (optional)").set_input_files(
        files=[{"name": "class-chat.png", "mimeType": "image/png", "buffer": capture}]
    )
    photograph("appeal-5-form-filled")
    page.get_by_role("button", name="Send my appeal").click()

    page.get_by_role("heading", name="Thank you, we received your appeal").wait_for()
    appeal = Appeal.objects.get()
    assert appeal.reference.startswith("A-")
    assert page.locator(".reference").inner_text() == appeal.reference
    assert appeal.evidence.count() == 1
    photograph("appeal-6-receipt")

    # A senior who had no part in the decision answers, in a browser of their own.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    senior_page = desk.new_page()
    senior_page.set_default_timeout(10_000)
    sign_in(senior_page, live_server, "sana", "a-long-senior-password")
    senior_page.goto(f"{live_server.url}/moderation/appeals/{spam.slug}/")
    senior_page.get_by_role("button", name="Next appeal").first.click()
    senior_page.wait_for_url(f"**/moderation/appeal/{appeal.pk}/")
    form = senior_page.locator("#appeal-form")
    form.get_by_label("Reverse: take back everything").check()
    form.get_by_label("Answer to the member").fill(ANSWER)
    form.get_by_role("button", name="Decide and send the answer").click()
    senior_page.wait_for_url(f"**/moderation/appeals/{spam.slug}/")
    senior_page.screenshot(
        path=str(screenshot_dir / "appeal-senior-reversed-1280.png"), full_page=True
    )
    desk.close()
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by) == (AppealOutcome.REVERSED, senior)
    member.refresh_from_db()
    assert member.status == "active"

    page.get_by_role("link", name="Decisions about me", exact=True).click()
    row = page.locator(".decision-row", has_text="Account suspended")
    row.get_by_text("Reversed on appeal").wait_for()
    assert row.get_by_text("Decision reversed").is_visible()
    assert row.get_by_text(ANSWER).is_visible()
    photograph("appeal-7-decisions-reversed")

    row.get_by_role("link", name=appeal.reference).click()
    page.get_by_role("heading", name="We looked at your appeal").wait_for()
    assert page.get_by_text(ANSWER).is_visible()
    photograph("appeal-8-receipt-answered")


def test_a_reporter_asks_for_a_review_from_my_reports(page, live_server, photograph, told_at_once):
    from reports.models import Category

    spam = Category.objects.get(slug="spam-solicitation")
    reporter = make_member(username="ren", password="a-long-member-password")
    moderator = make_moderator(team=make_team(spam), username="mo")
    report = make_report(
        reporter=reporter, subject=make_member(display_name="Shop Sam"), category=spam
    )
    decision = decide(
        case_id=report.case_id, moderator=moderator, action=DecisionAction.NO_VIOLATION
    )
    wait_for(lambda: timezone.now() > decision.notified_at, what="the undo window")

    sign_in(page, live_server, "ren", "a-long-member-password")
    page.goto(f"{live_server.url}/reports/mine/")
    photograph("review-1-my-reports", wide_table=True)
    page.get_by_role("link", name="Ask for a review").click()
    page.get_by_role("heading", name="Ask us to look at your report again").wait_for()
    page.get_by_label("Why should we look at your report again?").fill(
        "He wrote to me again today with the same link."
    )
    photograph("review-2-form")
    page.get_by_role("button", name="Ask for a review").click()
    page.get_by_role("heading", name="Thank you, we received your request for a review").wait_for()
    review = Appeal.objects.get()
    assert review.report == report
    photograph("review-3-receipt")
    page.get_by_role("link", name="See my reports").click()
    assert page.locator("tr", has_text=report.reference).get_by_text(review.reference).is_visible()
    photograph("review-4-my-reports-after", wide_table=True)


def test_a_chinese_member_reads_the_decision_page_and_the_list(
    page, live_server, photograph, told_at_once
):
    from reports.models import Category

    spam = Category.objects.get(slug="spam-solicitation")
    member = make_member(
        username="lin", password="a-long-member-password", preferred_language="zh-hans"
    )
    decision = suspension(member, spam)

    sign_in(page, live_server, "lin", "a-long-member-password")
    page.goto(f"{live_server.url}/decisions/{decision.uuid}/")
    page.locator("#appeal textarea").wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    photograph("appeal-zh-decision")
    page.goto(f"{live_server.url}/decisions/")
    page.locator(".decision-row").wait_for()
    photograph("appeal-zh-decisions")
