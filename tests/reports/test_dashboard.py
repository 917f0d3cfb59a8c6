"""The T&S dashboard: what a lead reads there each morning, made from real reports, decisions,
appeals and a trusted flagger's notices, counted by the figures' own rebuild."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reports.models import (
    AppealOutcome,
    Case,
    Category,
    DailyFigure,
    DecisionAction,
    FigureCursor,
    Metric,
    Tier,
)
from reports.selectors.dashboard import dashboard
from reports.services.appeals.filing import appeal_decision
from reports.services.appeals.outcomes import decide_appeal
from reports.services.claims import claim_next_emergency
from reports.services.decisions.decide import decide
from reports.services.figures import rebuild_figures, refresh_figures
from reports.services.flaggers import add_member, mark_imprecise
from reports.services.triage import triage_case
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.reports.test_flaggers import new_organisation

pytestmark = pytest.mark.django_db

URL = reverse("moderation:dashboard")
HOUR = timedelta(hours=1)


def today() -> date:
    return timezone.now().astimezone(UTC).date()


def reported(subject, category, reporter, **fields) -> Case:
    report = make_report(
        reporter=reporter,
        subject=subject,
        category=category,
        content=make_content(subject),
        **fields,
    )
    return Case.objects.get(pk=report.case_id)


@pytest.fixture
def lead(db):
    return make_moderator(role="Trust & Safety lead", username="lena", display_name="Lead Lena")


@pytest.fixture
def week(member, reporter, spam, hate, spam_moderator, senior, other_moderator, ts_admin):
    """A week of work, three days ago.

    Spam: Mo decides three cases 1, 2 and 72 hours after their report (the last one late);
    two are appealed, one reversed, one upheld. Hate: a no-violation decision, and a hotline's
    two notices (one acted on, one not, one marked imprecise). An emergency (a threat), claimed
    by a senior four minutes after it came in.
    """
    t0 = (timezone.now() - timedelta(days=6)).replace(hour=6, minute=0, second=0, microsecond=0)
    hotline = new_organisation(hate, actor=ts_admin)
    fritz = make_member(display_name="Flagging Fritz")
    add_member(hotline, member=fritz, actor=ts_admin)
    hate_senior = make_moderator(role="Senior moderator", team=other_moderator.teams.first())
    subjects = [member, make_member(), make_member()]
    with time_machine.travel(t0, tick=False):
        spam_cases = [reported(subject, spam, reporter) for subject in subjects]
        flagged = [reported(make_member(), hate, fritz) for _ in range(2)]
        plain_hate = reported(make_member(), hate, reporter)
        threatening = make_member()
        threat = make_report(
            reporter=reporter,
            subject=threatening,
            category=hate,
            content=make_content(threatening),
            reason=hate.reasons.get(slug="threat"),
        )
        triage_case(case_id=threat.case_id, report_id=threat.pk)
    with time_machine.travel(t0 + timedelta(minutes=4), tick=False):
        assert claim_next_emergency(moderator=hate_senior).pk == threat.case_id
    decisions = []
    for case, hours, action in zip(
        spam_cases,
        (1, 2, 72),
        (DecisionAction.SUSPEND, DecisionAction.WARN, DecisionAction.WARN),
        strict=True,
    ):
        with time_machine.travel(t0 + hours * HOUR, tick=False):
            decisions.append(
                decide(
                    case_id=case.pk,
                    moderator=spam_moderator,
                    action=action,
                    duration=timedelta(days=7) if action == DecisionAction.SUSPEND else None,
                    facts="Advert sent to forty learners.",
                )
            )
    with time_machine.travel(t0 + 30 * 60 * timedelta(seconds=1), tick=False):
        decide(case_id=plain_hate.pk, moderator=other_moderator, action=DecisionAction.NO_VIOLATION)
        decide(case_id=flagged[0].pk, moderator=other_moderator, action=DecisionAction.WARN)
        decide(case_id=flagged[1].pk, moderator=other_moderator, action=DecisionAction.NO_VIOLATION)
        mark_imprecise(report_id=flagged[1].reports.get().pk, moderator=ts_admin)
    with time_machine.travel(t0 + 4 * 24 * HOUR, tick=False):
        for decision, subject, outcome in zip(
            decisions[:2],
            subjects[:2],
            (AppealOutcome.REVERSED, AppealOutcome.UPHELD),
            strict=True,
        ):
            appeal = appeal_decision(appellant=subject, decision=decision, statement="Not spam.")
            decide_appeal(appeal_id=appeal.pk, moderator=senior, outcome=outcome, answer="Seen.")
    rebuild_figures(t0.date(), today())
    return SimpleNamespace(
        t0=t0,
        hotline=hotline,
        spam_cases=spam_cases,
        threat_case=Case.objects.get(pk=threat.case_id),
    )


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def csv_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def value(rows: list[dict], section: str, measure: str, **where) -> str:
    [found] = [
        row
        for row in rows
        if row["section"] == section
        and row["measure"] == measure
        and all(row[k] == str(v) for k, v in where.items())
    ]
    return found["value"]


def cells(html: str, heading: str) -> list[str]:
    """The cells of the table row whose heading is `heading`."""
    row = re.search(rf"<th scope=\"row\">{re.escape(heading)}</th>(.*?)</tr>", html, re.S)
    assert row, heading
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


# What a lead reads ----------------------------------------------------------------------------


def test_a_lead_reads_overturns_sla_and_time_to_action(client, lead, week, spam, spam_moderator):
    response = page(client, lead)
    assert response.status_code == 200
    html = response.content.decode()
    # Mo: two appealed decisions, one reversed → 50 %.
    assert cells(html, "Moderator Mo") == ["2", "2", "1", "1", "0", "50 %"]
    # Spam: two of three decisions by the due time, if the SLA is under three days.
    assert spam.sla < timedelta(days=3)
    # The first table naming spam is the SLA's, per category and tier.
    assert cells(html, escape(spam.name))[:3] == ["Moderator", "3", "67 %"]
    # Time to action: 1 h, 2 h and 72 h → median 2 h.
    board = dashboard(week.t0.date(), today(), categories=[spam.pk])
    median = board.time_to_action[spam.pk].median
    assert abs(median.total_seconds() - 7200) / 7200 < 0.05
    assert "Hate Speech Hotline" in html
    assert "No figures yet" not in html


def test_the_csv_holds_the_same_numbers(client, lead, week, spam, hate, spam_moderator):
    response = page(client, lead, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    start = today() - timedelta(days=29)
    assert response["Content-Disposition"] == (
        f'attachment; filename="hellomod-dashboard-{start:%Y-%m-%d}-to-{today():%Y-%m-%d}.csv"'
    )
    rows = csv_of(response)
    assert list(rows[0]) == ["section", "day", "category", "tier", "breakdown", "measure", "value"]
    mo = {"breakdown": "Moderator Mo"}
    assert value(rows, "appeals_by_moderator", "decided", **mo) == "2"
    assert value(rows, "appeals_by_moderator", "overturn_rate", **mo) == "0.5"
    assert value(rows, "sla_decisions", "within_sla_share", category=spam.slug, tier=1) == "0.6667"
    median = int(value(rows, "time_to_action", "median_seconds", category=spam.slug))
    assert abs(median - 7200) / 7200 < 0.05
    assert value(rows, "actions", "count", breakdown="no_violation") == "2"
    assert value(rows, "actions", "count", breakdown="warn") == "3"
    hotline = {"breakdown": "Hate Speech Hotline"}
    assert value(rows, "notices_by_flagger", "actioned_share", **hotline) == "0.5"
    assert value(rows, "notices_by_flagger", "no_violation_share", **hotline) == "0.5"
    assert value(rows, "notices_by_flagger", "imprecise", **hotline) == "1"
    assert value(rows, "emergencies", "first_actions", category="") == "1"
    emergency = int(value(rows, "emergencies", "median_seconds", category=""))
    assert abs(emergency - 240) / 240 < 0.05
    assert value(rows, "emergencies", "opened", category="") == "1"
    assert value(rows, "automation", "count", breakdown="human_detection+human_decision") == "6"
    queue_days = [row for row in rows if row["section"] == "queue" and row["measure"] == "open"]
    assert len(queue_days) == 30


def test_json_gives_the_rows_too(client, lead, week):
    response = page(client, lead, format="json")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["columns"][0] == "section"
    assert any(row[0] == "appeals_by_moderator" for row in body["rows"])


def test_the_category_filter_narrows_every_section(client, lead, week, spam, hate):
    rows = csv_of(page(client, lead, format="csv", category=[hate.slug]))
    assert {row["category"] for row in rows} <= {"", hate.slug}
    assert value(rows, "actions", "count", breakdown="warn") == "1"  # the hotline's notice
    assert not [row for row in rows if row["section"] == "appeals_by_moderator"]
    html = page(client, lead, category=[hate.slug]).content.decode()
    assert "Moderator Mo" not in html
    assert "Categories: 1 chosen" in html
    both = csv_of(page(client, lead, format="csv", category=[hate.slug, spam.slug]))
    assert value(both, "actions", "count", breakdown="warn") == "3"


def test_charts_are_well_formed_svg_with_the_labels_of_their_numbers(client, lead, week, spam):
    html = page(client, lead).content.decode()
    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) >= 8
    titles = []
    for chart in charts:
        root = ET.fromstring(chart)  # noqa: S314 - our own page's markup
        assert root.get("role") == "img"
        titles.append(root.find("{http://www.w3.org/2000/svg}title").text)
        assert "style=" not in chart
    assert "Overturn rate per moderator" in titles
    text = " ".join(charts)
    assert "Moderator Mo" in text
    assert "50 % of 2" in text
    assert spam.name in text


def test_an_empty_period_says_so_and_when_figures_were_refreshed(client, lead, spam):
    FigureCursor.objects.create(name="audit", position=1)
    response = page(client, lead, start="2020-01-01", end="2020-01-31")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No figures yet for this period." in html
    assert "Figures last refreshed" in html
    assert "<svg" not in html


# Bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-03-10", "end": "2025-03-01"}, "The period starts after it ends."),
        ({"start": "2020-01-01", "end": "2025-01-01"}, "Choose a period of at most three years."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"end": "0001-01-02"}, "Choose a later day."),
        ({"category": "no-such-category"}, "Select a valid choice."),
        ({"format": "xlsx"}, "Unknown format"),
    ],
)
def test_bad_filters_get_a_message_and_a_400(client, lead, params, message):
    response = page(client, lead, **params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_bad_filters_of_a_download_get_a_400_with_the_errors(client, lead):
    response = page(client, lead, format="csv", start="2025-13-01")
    assert response.status_code == 400
    assert "start" in json.loads(response.content)["errors"]


# Who sees it ------------------------------------------------------------------------------------


PERSONAS = {
    "member": lambda: make_member(),
    "moderator": lambda: make_moderator(
        team=make_team(Category.objects.get(slug="spam-solicitation"))
    ),
    "senior": lambda: make_moderator(role="Senior moderator"),
    "lead": lambda: make_moderator(role="Trust & Safety lead"),
    "ts_admin": lambda: make_moderator(role="Trust & Safety admin"),
    "superuser": lambda: make_member(is_staff=True, is_superuser=True),
}
ALLOWED = {"lead", "ts_admin", "superuser"}


@pytest.mark.parametrize("fmt", ["", "csv", "json"])
@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
def test_only_leads_admins_and_superusers_see_the_dashboard(client, persona, fmt):
    if persona != "anonymous":
        client.force_login(PERSONAS[persona]())
    response = client.get(URL, {"format": fmt} if fmt else {})
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_a_lead_who_lost_staff_status_is_refused(client):
    lead = make_moderator(role="Trust & Safety lead", is_staff=False)
    client.force_login(lead)
    assert client.get(URL).status_code == 404


def test_the_moderation_pages_link_the_dashboard_for_leads_only(client, spam_team, spam_moderator):
    lead = make_moderator(role="Trust & Safety lead", team=spam_team)
    client.force_login(lead)
    home = client.get(reverse("moderation:home"))
    assert f'href="{URL}"' in home.content.decode()
    client.force_login(spam_moderator)
    assert f'href="{URL}"' not in client.get(reverse("moderation:home")).content.decode()


def test_a_lead_without_a_queue_of_their_own_starts_at_the_dashboard(client, lead, member):
    """The top bar's "Moderation" leads a lead in no team to the figures, not to a 404."""
    client.force_login(lead)
    response = client.get(reverse("moderation:home"))
    assert (response.status_code, response["Location"]) == (302, URL)
    client.force_login(make_moderator(username="teamless"))  # a moderator in no team yet
    assert client.get(reverse("moderation:home")).status_code == 404
    client.force_login(member)
    assert client.get(reverse("moderation:home")).status_code == 404


# Speed ------------------------------------------------------------------------------------------


def _fill(spam: Category, hate: Category, days: int, moderator_id: int) -> None:
    """Figures of `days` days, as the beat task would leave them, a few rows a day per metric."""
    rows = []
    end = today()
    for n in range(days):
        day = end - timedelta(days=n)
        for category in (spam, hate):
            common = {"day": day, "category": category}
            rows += [
                DailyFigure(**common, metric=Metric.QUEUE_OPEN, tier=1, count=40),
                DailyFigure(**common, metric=Metric.QUEUE_OVERDUE, tier=1, count=3),
                DailyFigure(
                    **common,
                    metric=Metric.DECISIONS,
                    tier=1,
                    action="warn",
                    ground="incompatible",
                    source="notice",
                    count=12,
                    within_sla=10,
                    durations={"100": 6, "110": 6},
                ),
                DailyFigure(
                    **common,
                    metric=Metric.FIRST_ACTIONS,
                    tier=Tier.EMERGENCY,
                    count=1,
                    within_sla=1,
                    durations={"60": 1},
                ),
                DailyFigure(**common, metric=Metric.CASES_OPENED, tier=1, count=20),
                DailyFigure(
                    **common,
                    metric=Metric.APPEALS_DECIDED,
                    moderator=moderator_id,
                    outcome="reversed",
                    count=1,
                    durations={"90": 1},
                ),
                DailyFigure(
                    **common,
                    metric=Metric.NOTICES_CLOSED,
                    source="web",
                    outcome="actioned",
                    count=9,
                ),
            ]
    DailyFigure.objects.bulk_create(rows)


def test_the_page_costs_the_same_queries_for_a_week_or_a_year(client, lead, spam, hate):
    client.force_login(lead)
    client.get(URL)  # sessions, permissions and the like warmed up
    counts = {}
    for days in (7, 365):
        DailyFigure.objects.all().delete()
        _fill(spam, hate, days, lead.pk)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"start": today() - timedelta(days=days - 1)})
        assert response.status_code == 200
        assert "Lead" in response.content.decode()
        counts[days] = len(queries)
    assert counts[7] == counts[365]
    # The selector's eight, the figures' version, the categories, and the session, user,
    # permissions and alerts of every moderation page.
    assert counts == {7: 14, 365: 14}


def test_the_drawn_figures_are_kept_until_the_next_refresh(client, lead, spam, spam_moderator):
    """A second reader of the same period gets the page without its eight queries; once beat
    refreshes the figures, the page shows the new ones."""
    client.force_login(lead)
    first = reported(make_member(), spam, make_member())
    decide(case_id=first.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    refresh_figures()
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL).content.decode()
    assert len(queries) == 14 - 8
    assert "1 decision in the period." in again

    second = reported(make_member(), spam, make_member())
    decide(case_id=second.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    assert "1 decision in the period." in client.get(URL).content.decode()  # the kept page
    refresh_figures()
    fresh = client.get(URL).content.decode()
    assert "2 decisions in the period." in fresh


def test_the_selector_reads_eight_queries_whatever_the_period(
    spam, hate, lead, django_assert_num_queries
):
    _fill(spam, hate, 365, lead.pk)
    with django_assert_num_queries(8):
        board = dashboard(today() - timedelta(days=364), today())
    assert board.decisions == 365 * 2 * 12
    assert board.appeals_by_moderator[lead.pk].rate == 1.0
