"""A senior works the appeals of their category in the browser: the overview, the queue (their own
decision marked and never handed to them), the appeal page, and a milder decision in place of a
suspension. Screenshots at 1280 px wide of the queue and of the appeal page, open and decided.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from reports.evidence import clean_image
from reports.models import Appeal, AppealOutcome, Category, DecisionAction, Report
from reports.services.appeals.filing import appeal_decision, ask_for_review
from reports.services.decisions.decide import decide
from tests.conftest import (
    image_bytes,
    make_content,
    make_member,
    make_moderator,
    make_report,
    make_team,
    upload,
)
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = (
    "I read the messages in the Spanish room and your explanation. The link was to your own "
    "study group, but you sent it to forty people you had not talked to. That is spam, so a "
    "restriction stands; thirty days of suspension was more than this deserved."
)


def decided(moderator, member, category, *, action, days=None, text, reporter=None, hours=30):
    """A reported message, decided `hours` ago (so the member has long been told)."""
    with time_machine.travel(timezone.now() - timedelta(hours=hours), tick=False):
        report = make_report(
            reporter=reporter or make_member(display_name="Reporter Rosa"),
            subject=member,
            category=category,
            content=make_content(member, text=text),
            description="Sent to me and to everyone in the Spanish room, twice.",
            evidence=[clean_image(upload(data=image_bytes(colour=(200, 80, 60))))],
        )
        return decide(
            case_id=report.case_id,
            moderator=moderator,
            action=action,
            duration=timedelta(days=days) if days else None,
            facts="Sent the same link to forty learners within an hour, after a warning.",
        )


def test_a_senior_replaces_a_suspension_with_a_milder_decision(page, live_server, screenshot):
    spam = Category.objects.get(slug="spam-solicitation")
    team = make_team(spam, name="Spam team")
    mo = make_moderator(team=team, username="mo", display_name="Moderator Mo")
    sana = make_moderator(
        role="Senior moderator",
        team=team,
        username="sana",
        display_name="Senior Sana",
        password="a-long-senior-password",
    )
    rita = make_member(display_name="Rita Romero")
    suspension = decided(
        mo,
        rita,
        spam,
        action=DecisionAction.SUSPEND,
        days=30,
        text="Join my Spanish study group! Free lessons: chat.example/grupo-rita",
    )
    appeal = appeal_decision(
        appellant=rita,
        decision=suspension,
        statement=(
            "That link is my own study group, not an advert. I asked in the room first and "
            "nobody minded. Thirty days for one link is far too much."
        ),
        evidence=[clean_image(upload(data=image_bytes(colour=(60, 160, 90))))],
    )
    # A review the senior holds nothing against, and an appeal of Sana's own decision.
    quiet = make_member(display_name="Quiet Quentin")
    no_violation = decided(
        mo, quiet, spam, action=DecisionAction.NO_VIOLATION, text="Anyone for a call?", hours=50
    )
    report = Report.objects.get(case=no_violation.case)
    review = ask_for_review(
        reporter=report.reporter, report=report, statement="He invites strangers to calls."
    )
    own = appeal_decision(
        appellant=(vic := make_member(display_name="Victor Vance")),
        decision=decided(
            sana, vic, spam, action=DecisionAction.REMOVE_CONTENT, text="Buy essays here", hours=60
        ),
        statement="I was only joking.",
    )
    Appeal.objects.filter(pk=own.pk).update(due_at=timezone.now() - timedelta(hours=2))
    Appeal.objects.filter(pk=review.pk).update(due_at=timezone.now() + timedelta(days=5))

    page.set_viewport_size({"width": 1280, "height": 900})

    def shot(name: str) -> None:
        page.wait_for_load_state("networkidle")  # the screenshots' thumbnails have arrived
        screenshot(name)

    sign_in(page, live_server, "sana", "a-long-senior-password")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    page.locator("nav.subnav").get_by_role("link", name="Appeals").click()
    row = page.get_by_role("row", name=spam.name)
    expect(row).to_contain_text("3")
    expect(row.locator("td").nth(1)).to_have_text("1")  # one overdue: Victor's
    shot("senior-appeals-overview")

    row.get_by_role("link", name=spam.name).click()
    rows = page.locator("table.appeal-list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Your decision: another senior decides it.")
    expect(rows.first).to_contain_text("late")
    expect(rows.nth(1)).to_contain_text(appeal.reference)
    expect(rows.nth(2)).to_contain_text("Reporter's review")
    shot("senior-appeals-queue")

    # Victor's appeal is of Sana's own decision: she may read it, not answer it.
    rows.first.get_by_role("link", name=own.reference).click()
    expect(page.locator("#appeal-form .refusal")).to_contain_text(
        "You took part in this decision: another senior decides its appeal."
    )
    expect(page.get_by_role("button", name="Decide and send the answer")).to_be_disabled()
    expect(page.get_by_role("button", name="Take this appeal")).to_have_count(0)
    shot("senior-appeal-own-decision")
    page.go_back()

    # Next appeal (the key n) skips Victor's appeal of Sana's own decision.
    page.keyboard.press("n")
    page.wait_for_url(f"**/moderation/appeal/{appeal.pk}/")
    appeal.refresh_from_db()
    assert appeal.claimed_by_id == sana.pk
    expect(page.get_by_text("You hold this appeal")).to_be_visible()
    expect(page.locator(".the-appeal")).to_contain_text("That link is my own study group")
    expect(page.locator(".appealed-decision")).to_contain_text("Moderator Mo")
    expect(page.locator(".appealed-decision pre.statement")).to_contain_text("suspended for 30")
    shot("senior-appeal-open")

    # The milder decision's terms show once "replace" is chosen.
    form = page.locator("#appeal-form")
    expect(form.get_by_label("Days", exact=True)).to_be_hidden()
    form.get_by_label("Replace with a milder decision").check()
    form.get_by_label("Restrict", exact=True).check()
    form.get_by_label("Days", exact=True).fill("7")
    form.get_by_label("Answer to the member").fill(ANSWER)
    shot("senior-appeal-open-replacing")
    form.get_by_role("button", name="Decide and send the answer").click()

    page.wait_for_url(f"**/moderation/appeals/{spam.slug}/")
    expect(page.locator(".messages")).to_contain_text(
        f"Appeal {appeal.reference} decided: Replaced with a milder decision."
    )
    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.REPLACED
    assert (appeal.replacement.action, appeal.replacement.duration.days) == ("restrict", 7)

    page.get_by_role("link", name="Latest decided").click()
    expect(page.locator("table.appeal-list tbody tr")).to_have_count(1)
    shot("senior-appeals-queue-decided")
    page.get_by_role("link", name=appeal.reference).click()
    expect(page.locator(".appeal-outcome")).to_contain_text("Senior Sana")
    expect(page.locator(".appeal-outcome")).to_contain_text("Restrict · 7 days")
    shot("senior-appeal-decided")

    # The reporter's review: the report in question stands out, the outcomes are the review's.
    page.goto(f"{live_server.url}/moderation/appeal/{review.pk}/")
    expect(page.locator(".report.under-review")).to_contain_text(report.reference)
    expect(page.locator("#appeal-form")).to_contain_text("Reopen the case for another moderator")
    shot("senior-appeal-review")
