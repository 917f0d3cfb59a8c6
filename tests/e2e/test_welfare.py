"""A member reports someone who says they will end their life: the receipt says what to do right
now; the on-call senior is offered care, not a sanction, and sends support resources."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import TeamMembership
from reports.models import Case, CaseStatus, Category, Notification, Reason, Report, Strike, Tier
from reports.services.intake import submit_report
from reports.services.triage import triage_case
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = "Nobody would notice if I was gone. I have the pills ready for tonight."


@pytest.mark.parametrize(
    ("language", "country", "labels"),
    [
        (
            "en",
            "GB",
            {
                "category": "Hate, abuse, threats or harmful content",
                "reason": "Self-harm or suicide",
                "send": "Send report",
            },
        ),
        (
            "zh-hans",
            "US",
            {
                "category": "仇恨、辱骂、威胁或有害内容",
                "reason": "自我伤害或自杀",
                "send": "发送举报",
            },
        ),
    ],
)
def test_the_receipt_of_a_self_harm_report_opens_with_what_to_do_right_now(
    page, live_server, screenshot, language, country, labels
):
    make_member(
        username="friend",
        password="a-long-member-password",
        preferred_language=language,
        country=country,
    )
    lin = make_member(display_name="Lonely Lin")
    message = make_content(lin, text=WORDS)

    sign_in(page, live_server, "friend", "a-long-member-password")
    page.goto(f"{live_server.url}/report/?member={lin.public_id}&content={message.pk}")
    page.get_by_text(labels["category"], exact=True).click()
    page.get_by_label(labels["reason"]).check()
    page.get_by_role("button", name=labels["send"]).click()

    box = page.locator("section.right-now")
    box.wait_for()
    # First on the page, before the reference number and "what happens next".
    assert page.locator("main > section, main > div, main > h2").first.get_attribute("class") == (
        "right-now"
    )
    if country == "GB":
        expect(box).to_contain_text("Call the emergency services now: 999.")
        expect(box.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    else:
        expect(box.get_by_role("link", name="988").first).to_have_attribute("href", "tel:988")
    expect(box).to_contain_text("Find A Helpline")
    screenshot(f"welfare-receipt-{language}")
    assert Report.objects.get().reason.slug == "self-harm"


def test_the_on_call_senior_is_offered_care_first_and_sends_support(page, live_server, screenshot):
    hate = Category.objects.get(slug="hate-abuse")
    senior = make_moderator(
        role="Senior moderator",
        username="sana",
        display_name="Senior Sana",
        password="a-long-senior-password",
    )
    TeamMembership.objects.create(
        team=make_team(hate, name="On call"), user=senior, is_on_call=True
    )
    lin = make_member(display_name="Lonely Lin", country="GB", preferred_language="en")
    report = submit_report(
        reporter=make_member(),
        subject=lin,
        category=hate,
        reason=Reason.objects.get(category=hate, slug="self-harm"),
        content=make_content(lin, text=WORDS),
        description="She says she will hurt herself tonight.",
    )
    with transaction.atomic():  # as the worker runs it
        triage_case(case_id=report.case_id, report_id=report.pk)
    case = Case.objects.get(pk=report.case_id)
    assert case.tier == Tier.EMERGENCY

    sign_in(page, live_server, "sana", "a-long-senior-password")
    page.goto(f"{live_server.url}/moderation/cases/{case.pk}/?tier={Tier.EMERGENCY}")
    panel = page.locator("#decide-form")
    expect(panel.locator("#at-risk")).to_contain_text("This member may be at risk.")
    # Care comes first, nothing is chosen, nothing is suggested, and the "why" waits unseen.
    legends = panel.locator("fieldset.actions legend")
    expect(legends.first).to_have_text("Care for the member")
    expect(panel.locator("fieldset.actions").first.locator("label").first).to_contain_text(
        "Send support resources"
    )
    expect(panel.locator("input[name=action]:checked")).to_have_count(0)
    expect(panel.locator(".suggestion")).to_have_count(0)
    expect(panel.locator(".field.why")).to_be_hidden()
    screenshot("welfare-case-panel")

    page.keyboard.press("2")  # a warning: the "why" field shows, and takes the cursor
    expect(panel.locator(".field.why")).to_be_visible()
    expect(panel.get_by_label("Why this decision")).to_be_focused()
    screenshot("welfare-case-panel-sanction-needs-why")
    page.keyboard.press("Escape")

    page.keyboard.press("7")  # support resources
    expect(panel.locator(".field.why")).to_be_hidden()
    expect(panel.locator(".also-remove")).to_be_hidden()
    statement = panel.locator("#statement")
    expect(statement).to_contain_text("Samaritans: call 116 123")
    expect(statement).to_contain_text("This is not a warning")
    screenshot("welfare-case-panel-support")
    panel.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_text("the member was sent support resources")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert not Strike.objects.exists()
    support = Notification.objects.get(recipient=lin, event="support_resources", channel="in_app")
    assert "Samaritans: call 116 123" in support.body
