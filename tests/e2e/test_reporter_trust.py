"""A senior opens the misuse case of a member whose reports keep being unfounded, and a moderator
the pattern case of a member several language partners reported: screenshots of both, at the
width of a moderator's screen."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from reports.effects import outbox
from reports.models import (
    Case,
    Category,
    DecisionAction,
    EscalationTier,
    OutboxMessage,
    Tier,
)
from reports.models.choices import CaseKind
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def run(topic: str) -> None:
    while message := OutboxMessage.objects.filter(topic=topic, status="pending").first():
        assert outbox.run_message(message.pk) == "done"


@override_settings(REPORTS_PER_HOUR=500)
def test_a_senior_reads_a_misuse_case_and_a_pattern_case(page, live_server, screenshot):
    spam = Category.objects.get(slug="spam-solicitation")
    flirting = Category.objects.get(slug="dating-sexual")
    misuse = Category.objects.get(slug="reporting-misuse")
    team = make_team(spam, flirting, misuse, name="Seniors")
    EscalationTier.objects.filter(category__in=[spam, flirting, misuse]).update(team=team)
    mo = make_moderator(team=team, username="mo", display_name="Moderator Mo")
    make_moderator(
        role="Senior moderator",
        team=team,
        username="sana",
        display_name="Senior Sana",
        password="a-long-senior-password",
    )
    # A member who reports strangers' messages again and again; each is judged fine.
    grudge = make_member(display_name="Grudge Gary")
    for _n in range(12):
        stranger = make_member()
        report = make_report(
            reporter=grudge, subject=stranger, category=spam, content=make_content(stranger)
        )
        decide(case_id=report.case_id, moderator=mo, action=DecisionAction.NO_VIOLATION)
        run("check_misuse")
    misuse_case = Case.objects.get(kind=CaseKind.MISUSE)
    # Three language partners report one member's flirting, in three chats.
    flirt = make_member(display_name="Flirty Frank")
    for text in ("You are so cute, are you single?", "Send me a photo", "Let's meet tonight"):
        report = make_report(
            reporter=make_member(),
            subject=flirt,
            category=flirting,
            content=make_content(flirt, text=text),
        )
        run("triage_case")
    pattern = Case.objects.get(kind=CaseKind.PATTERN)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "sana", "a-long-senior-password")
    page.goto(f"{live_server.url}/moderation/cases/{misuse_case.pk}/?tier={Tier.SENIOR}")
    expect(page.get_by_text("Reports this case looks at")).to_be_visible()
    expect(page.locator(".why-opened")).to_contain_text(
        "10 of the 10 reports this member sent that were decided within 30 days were found to "
        "be no violation (100 %)"
    )
    expect(page.locator("body")).to_contain_text("Suspend from reporting")
    screenshot("trust-misuse-case")
    page.goto(f"{live_server.url}/moderation/cases/{pattern.pk}/")
    expect(page.get_by_text("Reports this case looks at")).to_be_visible()
    expect(page.locator(".why-opened")).to_contain_text(
        "3 different members reported this member, in 3 different conversations"
    )
    for linked in pattern.linked_reports.all():
        expect(page.locator("body")).to_contain_text(linked.reference)
    screenshot("trust-pattern-case")
