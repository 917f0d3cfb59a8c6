"""A moderator selects a spam wave with the keyboard and removes it in one decision."""

import pytest

from reports.models import BulkDecision, Category, Visibility
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_moderator_removes_a_spam_wave_in_bulk(celery_worker, page, live_server, screenshot):
    spam = Category.objects.get(slug="spam-solicitation")
    make_moderator(
        team=make_team(spam, name="Spam team"), username="mo", password="a-long-moderator-pass"
    )
    messages = []
    for n in range(3):
        author = make_member(display_name=f"Seller {n}")
        messages.append(make_content(author, text=f"Followers for sale, wave 23/11, #{n}"))
        submit_report(reporter=make_member(), subject=author, category=spam, content=messages[-1])

    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    page.goto(f"{live_server.url}/moderation/queues/{spam.slug}/")
    for _ in range(3):
        page.keyboard.press("j")
        page.keyboard.press("x")
    assert page.locator("input[name=cases]:checked").count() == 3
    page.locator("select[name=action]").select_option("remove_content")
    page.locator("input[name=facts]").fill("Follower-selling wave of 23 November.")
    page.get_by_role("button", name="Review…").click()

    confirm = "Apply “Remove content” to 3 cases: 3 members and 3 pieces of content."
    page.get_by_text(confirm).wait_for()
    screenshot("moderation-bulk-confirm")
    page.get_by_role("button", name="Confirm: decide 3 cases").click()

    page.get_by_text("Finished.").wait_for(timeout=30_000)
    assert page.get_by_text("3 decided, 0 skipped, of 3 (100%).").is_visible()
    screenshot("moderation-bulk-finished")
    job = BulkDecision.objects.get()
    assert (job.decided, job.finished_at is not None) == (3, True)
    for message in messages:
        message.refresh_from_db()
        assert message.visibility == Visibility.REMOVED
