"""One decision, end to end: taken in the browser, counted by the next run of the daily figures,
read in the transparency report and on the dashboard by a lead, and sent to the EU Transparency
Database as one valid statement, once."""

import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import (
    Case,
    Category,
    DailyFigure,
    Decision,
    Metric,
    StatementStatus,
    TransparencyStatement,
)
from reports.services.figures import refresh_figures
from reports.services.intake import submit_report
from reports.services.statements import queue_statements, submit_statements
from reports.tdb.validator import validate
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.workers import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_decision_in_the_browser_reaches_the_figures_the_report_and_the_database_once(
    browser, page, live_server, settings, tdb
):
    settings.DECISION_UNDO_WINDOW = timedelta(seconds=2)
    spam = Category.objects.get(slug="spam-solicitation")
    team = make_team(spam, name="Spam team")
    make_moderator(team=team, username="mo", password="a-long-moderator-pass")
    make_moderator(
        role="Trust & Safety lead", team=team, username="lee", password="a-long-lead-password"
    )
    spammer = make_member(display_name="Shop Sam", email="sam@example.com")
    advert = make_content(spammer, text="Cheap followers! Add me on WhatsApp now")
    case = submit_report(
        reporter=make_member(), subject=spammer, category=spam, content=advert
    ).case
    refresh_figures()  # the beat's run before the decision: nothing decided yet
    today = timezone.now().astimezone(UTC).date()
    assert not DailyFigure.objects.filter(metric=Metric.DECISIONS).exists()

    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    page.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    page.keyboard.press("5")  # suspend; the cursor moves to the number of days
    page.keyboard.type("7")
    page.get_by_label("In your words").fill("Sent the same advert to 40 members.")
    page.keyboard.press("Control+Enter")
    page.get_by_text("Members hear of it at").wait_for()
    decision = Decision.objects.get(case=case)
    assert decision.action == "suspend"
    wait_for(lambda: timezone.now() > decision.notified_at, what="the undo window to pass")

    # The next run of the figures counts it on today's row.
    refresh_figures()
    [row] = DailyFigure.objects.filter(metric=Metric.DECISIONS, category=spam)
    assert (row.day, row.action, row.count) == (today, "suspend", 1)

    # The lead reads it in the transparency report and on the dashboard.
    lead = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    lead_page = lead.new_page()
    sign_in(lead_page, live_server, "lee", "a-long-lead-password")
    lead_page.goto(f"{live_server.url}/moderation/transparency/?start={today}&end={today}")
    actions = lead_page.locator("#actions")
    expect(actions).to_contain_text("Suspend")
    report = json.loads(
        lead_page.request.get(
            f"{live_server.url}/moderation/transparency/?start={today}&end={today}&format=json"
        ).text()
    )
    assert json.dumps(report).count('"suspend"') >= 1
    lead_page.screenshot(path=str(SCREENSHOTS / "transparency-after-decision.png"), full_page=True)
    lead_page.goto(f"{live_server.url}/moderation/dashboard/?start={today}&end={today}")
    expect(lead_page.locator("main")).to_contain_text(spam.name)
    lead.close()

    # One valid statement, sent once, with nothing that names the member.
    assert queue_statements() >= 1
    assert submit_statements().get("sent") == 1
    assert not submit_statements().get("sent")
    queue_statements()  # built once: a second pass adds nothing
    [statement] = TransparencyStatement.objects.all()
    assert statement.status == StatementStatus.SENT
    [request] = tdb.requests
    [sent] = request.body["statements"]
    assert sent["puid"] == f"hellomod-{decision.uuid}" == statement.puid
    assert sent["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert validate(sent) == {}
    text = json.dumps(sent)
    for personal in ("Shop Sam", "sam@example.com", spammer.public_id, spammer.username):
        assert personal not in text
    assert Case.objects.get(pk=case.pk).status == "decided"
