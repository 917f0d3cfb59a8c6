"""A Trust & Safety lead opens the dashboard in the morning, on a laptop and on a phone, and
narrows it to one category."""

import random
from datetime import UTC, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import AppealOutcome, Case, Category, DecisionAction
from reports.services.appeals.filing import appeal_decision
from reports.services.appeals.outcomes import decide_appeal
from reports.services.claims import claim_next_emergency
from reports.services.decisions.decide import decide
from reports.services.figures import rebuild_figures
from reports.services.triage import triage_case
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLUGS = ["spam-solicitation", "hate-abuse", "harassment", "malware-scraping"]
ACTIONS = [DecisionAction.WARN, DecisionAction.REMOVE_CONTENT, DecisionAction.NO_VIOLATION]


def three_weeks_of_work() -> dict:
    """Reports in four categories over three weeks, decided after minutes to days by two
    moderators, some appealed; a few emergencies claimed by a senior."""
    generator = random.Random(18)
    categories = list(Category.objects.filter(slug__in=SLUGS))
    team = make_team(*categories, name="Everything team")
    moderators = [
        make_moderator(team=team, display_name="Moderator Mo"),
        make_moderator(team=team, display_name="Ana Lima-Kovačević"),
    ]
    seniors = [make_moderator(role="Senior moderator", team=team, display_name="Senior Sam")]
    start = (timezone.now() - timedelta(days=21)).replace(hour=8, minute=0, second=0)
    threat = Category.objects.get(slug="hate-abuse").reasons.get(slug="threat")
    to_appeal = []
    for day in range(21):
        for n in range(generator.randint(2, 5)):
            category = generator.choice(categories)
            subject = make_member()
            opened = start + timedelta(days=day, hours=n)
            with time_machine.travel(opened, tick=False):
                emergency = category.slug == "hate-abuse" and generator.random() < 0.2
                report = make_report(
                    reporter=make_member(),
                    subject=subject,
                    category=category,
                    content=make_content(subject),
                    reason=threat if emergency else None,
                )
                if emergency:
                    with transaction.atomic():
                        triage_case(case_id=report.case_id, report_id=report.pk)
            if emergency:
                minutes = timedelta(minutes=generator.randint(2, 30))
                with time_machine.travel(opened + minutes, tick=False), transaction.atomic():
                    claim_next_emergency(moderator=seniors[0])
                continue
            if day > 18 and generator.random() < 0.5:
                continue  # still in the queue
            delay = timedelta(minutes=generator.lognormvariate(5, 1.2))
            with time_machine.travel(opened + delay, tick=False):
                decision = decide(
                    case_id=report.case_id,
                    moderator=generator.choice(moderators),
                    action=generator.choice(ACTIONS),
                    facts="Seen in the room.",
                )
            if decision.action != DecisionAction.NO_VIOLATION and generator.random() < 0.3:
                to_appeal.append((decision, subject, opened + delay + timedelta(days=1)))
    for n, (decision, subject, when) in enumerate(to_appeal):
        with time_machine.travel(min(when, timezone.now()), tick=False):
            appeal = appeal_decision(appellant=subject, decision=decision, statement="Unfair.")
            decide_appeal(
                appeal_id=appeal.pk,
                moderator=seniors[0],
                outcome=AppealOutcome.REVERSED if n % 3 == 0 else AppealOutcome.UPHELD,
                answer="Looked again.",
            )
    rebuild_figures(start.astimezone(UTC).date(), timezone.now().astimezone(UTC).date())
    return {"categories": categories, "cases": Case.objects.count()}


def test_a_lead_reads_the_dashboard_on_a_laptop_and_a_phone(page, live_server, screenshot):
    work = three_weeks_of_work()
    make_moderator(role="Trust & Safety lead", username="lena", password="a-long-lead-pass")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "lena", "a-long-lead-pass")
    page.goto(f"{live_server.url}/moderation/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Queue depth")).to_be_visible()
    expect(page.get_by_role("img", name="Overturn rate per moderator")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    screenshot("dashboard-laptop")

    # The numbers beneath a chart open on a click.
    page.locator("summary", has_text="Appeals per moderator").click()
    expect(page.get_by_role("row", name="Moderator Mo")).to_be_visible()

    # One category only.
    hate = Category.objects.get(slug="hate-abuse")
    page.get_by_text("Categories: all").click()
    page.get_by_label(hate.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Categories: 1 chosen")).to_be_visible()
    expect(page.get_by_role("heading", name="Emergencies")).to_be_visible()
    screenshot("dashboard-laptop-hate")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/moderation/dashboard/")
    expect(page.get_by_role("heading", name="Queue depth")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot("dashboard-phone")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    assert work["cases"] > 20
