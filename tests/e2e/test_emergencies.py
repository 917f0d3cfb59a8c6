"""An on-call senior opens their home: the self-harm case waits on top, not 27th in a table."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import TeamMembership
from reports.models import Case, CaseStatus, Category, Reason, Tier
from reports.services.claims import claim_next_emergency
from reports.services.intake import submit_report
from reports.services.triage import triage_case
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.workers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def a_busy_evening(categories) -> None:
    """Open cases in every category, some overdue, some escalated, one older emergency."""
    now = timezone.now()
    for n, category in enumerate(categories):
        for k in range(3):
            subject = make_member(display_name=f"Member {n}-{k}")
            case = submit_report(
                reporter=make_member(),
                subject=subject,
                category=category,
                content=make_content(subject, text=f"Message {n}-{k} in {category.name}"),
                description="Seen in the Spanish room.",
            ).case
            Case.objects.filter(pk=case.pk).update(
                priority=150 + 40 * k, due_at=now + timedelta(hours=2 * k - 1 + n)
            )
        if n % 3 == 0:
            Case.objects.filter(pk=case.pk).update(tier=Tier.SENIOR, status=CaseStatus.ESCALATED)
    hate = Category.objects.get(slug="hate-abuse")
    threat = Case.objects.filter(category=hate).first()
    Case.objects.filter(pk=threat.pk).update(
        reason=Reason.objects.get(category=hate, slug="threat"),
        tier=Tier.EMERGENCY,
        status=CaseStatus.ESCALATED,
        priority=960,
        escalated_at=now - timedelta(minutes=38),
        due_at=now + timedelta(minutes=22),
    )


def test_on_call_senior_sees_the_emergency_on_top_of_home_and_takes_it(
    page, live_server, screenshot
):
    categories = list(Category.objects.filter(purpose="reports").order_by("position", "name"))
    hate = Category.objects.get(slug="hate-abuse")
    senior = make_moderator(
        role="Senior moderator",
        username="sana",
        display_name="Senior Sana",
        password="a-long-senior-password",
    )
    TeamMembership.objects.create(
        team=make_team(*categories, name="Seniors on call"), user=senior, is_on_call=True
    )
    a_busy_evening(categories)
    subject = make_member(display_name="Lonely Lin")
    report = submit_report(
        reporter=make_member(),
        subject=subject,
        category=hate,
        reason=Reason.objects.get(category=hate, slug="self-harm"),
        content=make_content(subject, text="Nobody would notice if I was gone. Tonight."),
        description="She says she will hurt herself tonight.",
    )
    with transaction.atomic():  # as the worker runs it
        triage_case(case_id=report.case_id, report_id=report.pk)
    at_risk = Case.objects.get(pk=report.case_id)
    assert at_risk.tier == Tier.EMERGENCY

    sign_in(page, live_server, "sana", "a-long-senior-password")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    panel = page.locator("section.emergencies")
    expect(panel).to_contain_text("2 waiting")
    expect(panel).to_contain_text(re.compile(r"the oldest for 3[89] min"))
    expect(panel).to_contain_text("You are on call")
    # The lane comes before the cases the senior holds and the table of queues.
    assert page.locator("main section, main table").first.get_attribute("class") == (
        "panel emergencies waiting"
    )
    screenshot("emergencies-senior-home")

    panel.get_by_role("link", name="See them all").click()
    page.get_by_role("heading", name="Emergencies").wait_for()
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(re.compile(r"in 2[0-2] min"))
    expect(rows.nth(1)).to_contain_text("Lonely Lin")
    expect(rows.nth(1)).to_contain_text(hate.name)
    screenshot("emergencies-page")

    # "Next case" in any queue hands the on-call senior the emergency due first.
    page.get_by_role("link", name="Queues").click()
    page.get_by_role("row", name="Spam").get_by_role("button", name="Start").first.click()
    page.wait_for_url("**/moderation/cases/*/**")
    threat = Case.objects.get(tier=Tier.EMERGENCY, priority=960)
    assert f"/moderation/cases/{threat.pk}/" in page.url
    threat.refresh_from_db()
    assert threat.claimed_by_id == senior.pk

    # Leaving its page for another address gives the threat back to the lane at once, where it
    # is due first again: 'n' there hands it back.
    page.goto(f"{live_server.url}/moderation/emergencies/")
    wait_for(
        lambda: Case.objects.get(pk=threat.pk).status == CaseStatus.ESCALATED,
        what="the threat to go back to the lane",
    )
    page.keyboard.press("n")
    page.wait_for_url(f"**/moderation/cases/{threat.pk}/?tier={Tier.EMERGENCY}")
    # A colleague on call takes the next one: Lin's.
    colleague = make_moderator(role="Senior moderator", username="sol")
    TeamMembership.objects.create(team=make_team(hate), user=colleague, is_on_call=True)
    assert claim_next_emergency(moderator=colleague).pk == at_risk.pk

    # With both in hand, the lane says so quietly (in another tab: the case stays open).
    home = page.context.new_page()
    home.goto(f"{live_server.url}/moderation/")
    expect(home.locator("section.emergencies")).to_contain_text("No emergency is waiting.")
    expect(home.locator("section.emergencies")).to_contain_text("2 are in moderators")
    home.screenshot(path=str(SCREENSHOTS / "emergencies-senior-home-none-waiting.png"))
    threat.refresh_from_db()
    assert (threat.status, threat.claimed_by_id) == (CaseStatus.CLAIMED, senior.pk)
