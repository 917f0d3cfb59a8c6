"""The whole lane, through the real worker: a member reports someone who says they will end their
life; within seconds the on-call senior finds it on top of their home, is offered care first and
sends support resources; the member at risk gets their country's crisis line, no strike."""

import time

import pytest
from playwright.sync_api import expect

from accounts.models import TeamMembership
from reports.models import Case, Category, EscalationTier, Notification, Strike, Tier
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.workers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = "Nobody would notice if I was gone. I have the pills ready for tonight."


def test_a_self_harm_report_reaches_the_on_call_senior_who_sends_support(
    celery_worker, browser, page, live_server, screenshot
):
    hate = Category.objects.get(slug="hate-abuse")
    senior = make_moderator(
        role="Senior moderator",
        username="sana",
        display_name="Senior Sana",
        password="a-long-senior-password",
    )
    on_call = make_team(hate, name="On call")
    TeamMembership.objects.create(team=on_call, user=senior, is_on_call=True)
    # The emergency tier's alerts go to its team's people on call.
    EscalationTier.objects.filter(category=hate, tier=Tier.EMERGENCY).update(team=on_call)
    make_member(username="friend", password="a-long-member-password", country="GB")
    lin = make_member(display_name="Lonely Lin", country="GB", preferred_language="en")
    message = make_content(lin, text=WORDS)

    sign_in(page, live_server, "friend", "a-long-member-password")
    page.goto(f"{live_server.url}/report/?member={lin.public_id}&content={message.pk}")
    page.get_by_text(hate.name, exact=True).click()
    page.get_by_label("Self-harm or suicide").check()
    page.get_by_label("What happened?").fill("She says she will hurt herself tonight.")
    sent = time.monotonic()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("section.right-now")).to_contain_text("116 123")
    screenshot("lives-at-risk-receipt")

    # The worker triages it on the urgent queue: emergency tier, the on-call senior alerted.
    case = wait_for(
        lambda: Case.objects.filter(subject=lin, tier=Tier.EMERGENCY).first(),
        timeout=20,
        what="the self-harm case to reach the emergency tier",
    )
    wait_for(
        lambda: Notification.objects.filter(recipient=senior, case=case).exists(),
        timeout=20,
        what="the on-call alert",
    )
    reached = time.monotonic() - sent

    senior_page = browser.new_context(viewport={"width": 1360, "height": 860}).new_page()
    sign_in(senior_page, live_server, "sana", "a-long-senior-password")
    senior_page.goto(f"{live_server.url}/moderation/")
    panel = senior_page.locator("section.emergencies")
    expect(panel).to_contain_text("1 waiting")
    # The panel is the first thing on the home page, before any queue.
    assert (
        senior_page.locator("main section.panel")
        .first.get_attribute("class")
        .startswith("panel emergencies")
    )
    senior_page.screenshot(path=str(SCREENSHOTS / "lives-at-risk-senior-home.png"), full_page=True)

    senior_page.get_by_role("button", name="Next emergency").click()
    senior_page.wait_for_url(f"**/moderation/cases/{case.pk}/**")
    decide = senior_page.locator("#decide-form")
    expect(decide.locator("#at-risk")).to_contain_text("This member may be at risk.")
    expect(decide.locator("input[name=action]:checked")).to_have_count(0)
    senior_page.keyboard.press("7")  # send support resources
    expect(decide.locator("#statement")).to_contain_text("Samaritans: call 116 123")
    decide.get_by_role("button", name="Submit", exact=True).click()
    expect(senior_page.get_by_text("the member was sent support resources")).to_be_visible()

    support = wait_for(
        lambda: Notification.objects.filter(recipient=lin, event="support_resources").first(),
        timeout=20,
        what="the support message",
    )
    assert "116 123" in support.body
    assert not Strike.objects.filter(member=lin).exists()
    # On an idle machine this is two or three seconds; the bench measures it under load.
    assert reached < 20
