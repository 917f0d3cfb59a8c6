"""The DSA transparency report (Art. 15 and 24): its figures, made from real reports, decisions
and appeals and read off the daily figures; the page, CSV, JSON and the command agree; who may
read it; what bad input gets; the monthly active recipients' admin."""

import csv
import io
import json
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import (
    ActiveRecipients,
    AppealOutcome,
    DailyFigure,
    Decision,
    DecisionAction,
    FlaggerMembership,
    FlaggerOrganisation,
    Metric,
    Report,
)
from reports.models.choices import DecisionSource, Ground, ReportSource
from reports.selectors.transparency import transparency_report
from reports.selectors.transparency_export import CSV_HEADER, report_rows
from reports.services.appeals.filing import appeal_decision, ask_for_review
from reports.services.appeals.outcomes import decide_appeal
from reports.services.decisions.decide import decide
from reports.services.figures import rebuild_figures
from reports.services.flaggers import mark_imprecise
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
MARCH = (date(2025, 3, 1), date(2025, 3, 31))
URL = "/moderation/transparency/"
# The actions of the scenario, each this long after its case's first report.
ACTION_TIMES = {
    "remove": timedelta(minutes=10),
    "suspend": timedelta(minutes=40),
    "warn": timedelta(hours=2),
    "restrict": timedelta(hours=5),
    "own": timedelta(days=1),
}


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def within_five_percent(estimate: int | None, exact: timedelta) -> bool:
    return estimate is not None and abs(estimate - exact.total_seconds()) <= (
        0.05 * exact.total_seconds()
    )


@pytest.fixture
def hotline(hate):
    organisation = FlaggerOrganisation.objects.create(
        name="Hate Speech Hotline",
        contact_email="notices@hotline.example",
        designated_on=date(2025, 1, 1),
        designated_by="Bundesnetzagentur",
        countries=["DE"],
    )
    organisation.expertise.set([hate])
    flagger = make_member(is_trusted_flagger=True, username="hotline-flagger")
    FlaggerMembership.objects.create(organisation=organisation, member=flagger)
    return organisation, flagger


@pytest.fixture
def scenario(spam, hate, hotline, reporter):
    """March 2025: notices from members (web and app), a trusted flagger and automatic
    detection; actions of five types on both grounds, one of them on hellomod's own initiative;
    two "no violation"; an appeal reversed, one upheld and a notifier's review upheld."""
    organisation, flagger = hotline
    team = make_team(spam, hate, name="Spam and hate")
    moderator = make_moderator(team=team, username="mo")
    seniors = [
        make_moderator(role="Senior moderator", team=team, username=f"senior{n}") for n in (1, 2)
    ]
    subjects = [make_member() for _ in range(7)]

    def reported(subject, category, person, source=ReportSource.WEB):
        return make_report(
            reporter=person,
            subject=subject,
            category=category,
            content=make_content(subject),
            source=source,
        )

    with at(T0):
        removed = reported(subjects[0], spam, reporter)
        make_report(
            reporter=make_member(),
            subject=subjects[0],
            category=spam,
            content=removed.content,
            source=ReportSource.APP,
        )
        suspended = reported(subjects[1], spam, make_member())
        warned = reported(subjects[2], hate, flagger, ReportSource.TRUSTED_FLAGGER)
        restricted = reported(subjects[3], hate, None, ReportSource.AUTOMATIC)
        cleared = reported(subjects[4], spam, reporter)
        imprecise = reported(subjects[5], hate, flagger, ReportSource.TRUSTED_FLAGGER)
        own = reported(subjects[6], spam, make_member())

    def decided(report, after, **how):
        with at(T0 + after):
            return decide(case_id=report.case_id, moderator=moderator, **how)

    decided(
        removed,
        ACTION_TIMES["remove"],
        action=DecisionAction.REMOVE_CONTENT,
        ground=Ground.ILLEGAL_CONTENT,
        legal_ground="§ 263 StGB (fraud)",
    )
    suspension = decided(
        suspended, ACTION_TIMES["suspend"], action=DecisionAction.SUSPEND, duration=timedelta(7)
    )
    decided(warned, ACTION_TIMES["warn"], action=DecisionAction.WARN)
    restriction = decided(
        restricted, ACTION_TIMES["restrict"], action=DecisionAction.RESTRICT, duration=timedelta(3)
    )
    no_violation = decided(cleared, timedelta(hours=1), action=DecisionAction.NO_VIOLATION)
    decided(imprecise, timedelta(hours=3), action=DecisionAction.NO_VIOLATION)
    own_decision = decided(own, ACTION_TIMES["own"], action=DecisionAction.REMOVE_CONTENT)
    # hellomod has no own-initiative path yet (every case starts from a report or a misuse
    # check); the decision is recorded as one, as that path will record it.
    Decision.objects.filter(pk=own_decision.pk).update(source=DecisionSource.OWN_INITIATIVE)
    with at(T0 + timedelta(hours=6)):
        mark_imprecise(report_id=imprecise.pk, moderator=seniors[0])

    # Complaints: decided 4 h, 10 h and 23 h after they were received.
    received = T0 + timedelta(days=2)
    with at(received):
        reversed_appeal = appeal_decision(
            appellant=subjects[1], decision=suspension, statement="They asked for the link."
        )
        upheld_appeal = appeal_decision(
            appellant=subjects[3], decision=restriction, statement="It was a joke."
        )
        review = ask_for_review(
            reporter=reporter,
            report=Report.objects.get(pk=cleared.pk),
            statement="He sent it ten times.",
        )
    for appeal, after, outcome in (
        (upheld_appeal, timedelta(hours=4), AppealOutcome.UPHELD),
        (review, timedelta(hours=10), AppealOutcome.UPHELD),
        (reversed_appeal, timedelta(hours=23), AppealOutcome.REVERSED),
    ):
        with at(received + after):
            decide_appeal(
                appeal_id=appeal.pk, moderator=seniors[1], outcome=outcome, answer="Looked again."
            )
    assert no_violation.action == "no_violation"
    with at(T0 + timedelta(days=40)):
        rebuild_figures(*MARCH)
    return {"organisation": organisation, "seniors": seniors}


@pytest.fixture
def lead(spam_team):
    return make_moderator(role="Trust & Safety lead", team=spam_team, username="lead")


def test_the_report_counts_notices_actions_times_and_complaints(scenario, spam, hate):
    ActiveRecipients.objects.create(month=date(2025, 2, 1), count=900_000)
    ActiveRecipients.objects.create(month=date(2025, 3, 1), count=1_000_000, eu_count=400_000)

    report = transparency_report(*MARCH)

    notices = report["notices"]
    assert notices["received"] == 8
    assert notices["by_source"] == {
        "members": 5,
        "web": 4,
        "app": 1,
        "trusted_flagger": 2,
        "automatic": 1,
    }
    # The suspension reversed on appeal settled its report as "no violation" after all.
    assert notices["closed"] == {"actioned": 5, "no_violation": 3, "dismissed": 0, "total": 8}
    assert notices["imprecise"] == 1
    [flagger] = notices["trusted_flaggers"]
    assert (flagger["name"], flagger["received"], flagger["imprecise"]) == (
        "Hate Speech Hotline",
        2,
        1,
    )
    assert flagger["closed"] == {"actioned": 1, "no_violation": 1, "dismissed": 0, "total": 2}
    by_category = {row["category"]: row for row in notices["by_category"]}
    assert by_category[spam.slug]["received"] == 5
    assert by_category[hate.slug]["by_source"]["trusted_flagger"] == 2

    actions = report["actions"]
    assert actions["total"] == 5
    assert actions["no_violation"] == 2
    assert actions["by_ground"] == {"illegal": 1, "incompatible": 4}
    assert {k: v for k, v in actions["by_type"].items() if v} == {
        "warn": 1,
        "remove_content": 2,
        "restrict": 1,
        "suspend": 1,
    }
    assert actions["reversed_on_appeal"] == 1
    spam_actions = next(row for row in actions["by_category"] if row["category"] == spam.slug)
    assert (spam_actions["total"], spam_actions["by_ground"]["illegal"]) == (3, 1)

    assert report["automation"]["decisions"] == 7
    assert report["automation"]["automated_detection"] == 1
    assert report["automation"]["automated_decision"] == 0

    own = report["own_initiative"]
    assert (own["total"], own["by_type"]["remove_content"]) == (1, 1)
    assert [row["category"] for row in own["by_category"]] == [spam.slug]

    timing = report["time_to_action"]
    exact = statistics.median(ACTION_TIMES.values())
    assert timing["actions"] == 5
    assert within_five_percent(timing["median_seconds"], exact), timing
    per_category = {row["category"]: row for row in timing["by_category"]}
    exact_hate = statistics.median([ACTION_TIMES["warn"], ACTION_TIMES["restrict"]])
    assert per_category[hate.slug]["actions"] == 2
    # With two actions the histogram's median lies in the first one's bucket.
    assert ACTION_TIMES["warn"].total_seconds() <= per_category[hate.slug]["median_seconds"]
    assert per_category[hate.slug]["median_seconds"] <= exact_hate.total_seconds()

    complaints = report["complaints"]
    assert (complaints["received"], complaints["decided"]) == (3, 3)
    assert complaints["outcomes"] == {"upheld": 2, "reversed": 1, "replaced": 0}
    assert within_five_percent(complaints["median_decision_seconds"], timedelta(hours=10))
    assert complaints["by_kind"]["member"]["outcomes"] == {
        "upheld": 1,
        "reversed": 1,
        "replaced": 0,
    }
    assert complaints["by_kind"]["notifier"]["decided"] == 1
    assert within_five_percent(
        complaints["by_kind"]["notifier"]["median_decision_seconds"], timedelta(hours=10)
    )

    assert report["suspensions"] == {
        "illegal_content": 0,
        "unfounded_notices": 0,
        "unfounded_complaints": 0,
    }
    recipients = report["active_recipients"]
    assert (recipients["average"], recipients["eu_average"], recipients["missing"]) == (
        1_000_000,
        400_000,
        [],
    )
    assert report["period"] == {"start": "2025-03-01", "end": "2025-03-31", "days": 31}


def test_the_months_of_a_period_are_averaged_and_the_missing_ones_named(db):
    ActiveRecipients.objects.create(month=date(2025, 1, 1), count=900_000)
    ActiveRecipients.objects.create(month=date(2025, 3, 1), count=1_000_001)

    recipients = transparency_report(date(2025, 1, 1), date(2025, 4, 30))["active_recipients"]

    assert recipients["average"] == 950_000  # (900,000 + 1,000,001) / 2, rounded
    assert recipients["missing"] == ["2025-02", "2025-04"]
    assert recipients["eu_average"] is None
    nothing = transparency_report(date(2024, 1, 1), date(2024, 12, 31))["active_recipients"]
    assert (nothing["average"], len(nothing["missing"])) == (None, 12)


def test_a_period_without_figures_gives_zeros(scenario):
    report = transparency_report(date(2024, 1, 1), date(2024, 12, 31))

    assert report["notices"]["received"] == 0
    assert report["notices"]["by_category"] == []
    assert report["actions"]["total"] == 0
    assert report["time_to_action"]["median_seconds"] is None
    assert report["complaints"]["median_decision_seconds"] is None
    figures = [
        value
        for section, _item, _breakdown, value in report_rows(report)
        if section not in ("period", "active_recipients")
    ]
    assert figures and set(figures) <= {0, ""}
    assert report["active_recipients"]["average"] is None


def read_csv(text: str) -> dict[tuple, str]:
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_HEADER
    figures = {tuple(row[:3]): row[3] for row in rows[1:]}
    assert len(figures) == len(rows) - 1, "one row per figure"
    return figures


def test_the_page_csv_json_and_command_agree(client, scenario, lead):
    query = {"start": "2025-03-01", "end": "2025-03-31"}
    client.force_login(lead)

    page = client.get(URL, query)
    as_csv = client.get(URL, {**query, "format": "csv"})
    as_json = client.get(URL, {**query, "format": "json"})
    command_json, command_csv = io.StringIO(), io.StringIO()
    call_command(
        "transparency_report", "--from", "2025-03-01", "--to", "2025-03-31", stdout=command_json
    )
    call_command(
        "transparency_report",
        "--from=2025-03-01",
        "--to=2025-03-31",
        "--format=csv",
        stdout=command_csv,
    )

    assert page.status_code == as_csv.status_code == as_json.status_code == 200
    assert as_csv["Content-Disposition"] == (
        'attachment; filename="transparency-report-2025-03-01-to-2025-03-31.csv"'
    )
    figures = json.loads(as_json.content)
    assert figures == json.loads(command_json.getvalue()) == transparency_report(*MARCH)
    assert as_csv.content.decode() == command_csv.getvalue()
    rows = read_csv(command_csv.getvalue())
    assert rows[("notices", "by_source.trusted_flagger", "")] == "2"
    assert rows[("actions", "by_ground.illegal", "")] == "1"
    assert rows[("time_to_action", "median_seconds", "")] == str(
        figures["time_to_action"]["median_seconds"]
    )
    organisation = scenario["organisation"].pk
    assert rows[("notices", "trusted_flaggers.imprecise", f"flagger={organisation}")] == "1"
    assert rows[("suspensions", "unfounded_complaints", "")] == "0"
    assert len(rows) == len(list(report_rows(figures)))

    html = page.content.decode()
    assert "Hate Speech Hotline" in html
    assert "Median time to action" in html
    assert (
        'href="/moderation/transparency/?start=2025-03-01&amp;end=2025-03-31&amp;format=csv"'
        in html
    )
    assert "manifestly unfounded complaints" in html


def test_bad_dates_get_the_forms_errors_never_a_500(client, lead):
    client.force_login(lead)
    for query, field in (
        ({"start": "2025-13-01", "end": "2025-12-31"}, "start"),
        ({"start": "2025-03-31", "end": "2025-03-01"}, "start"),
        ({"start": "2020-01-01", "end": "2025-01-01"}, "start"),
        ({"start": "2025-03-01"}, "end"),
        ({"start": "2025-03-01", "end": "2025-03-31", "format": "xml"}, "format"),
    ):
        page = client.get(URL, query)
        assert page.status_code == 400, query
        assert 'aria-invalid="true"' in page.content.decode() or field == "format"
        answer = client.get(URL, {**query, "format": "json"} if field != "format" else query)
        assert answer.status_code == 400
        if field != "format":
            assert field in answer.json()["errors"], query
    answer = client.get(URL, {"start": "2025-03-31", "end": "2025-03-01", "format": "json"})
    assert answer.json()["errors"]["start"][0]["message"] == "The period starts after it ends."


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--from", "2025-03-31", "--to", "2025-03-01"], "starts after it ends"),
        (["--from", "2025-02-30", "--to", "2025-03-01"], "--from"),
        (["--from", "2020-01-01", "--to", "2025-03-01"], "three years"),
        (["--from", "2025-03-01"], "--to"),
        (["--from", "2025-03-01", "--to", "2025-03-02", "--format", "xml"], "invalid choice"),
    ],
)
def test_the_command_refuses_bad_arguments_clearly(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("transparency_report", *arguments, stdout=io.StringIO())


def test_the_default_period_is_the_last_full_month(client, lead):
    client.force_login(lead)
    with at(datetime(2025, 3, 3, 12, 0, tzinfo=UTC)):
        page = client.get(URL)
        answer = client.get(URL, {"format": "json"})
    assert page.status_code == 200
    assert answer.json()["period"] == {"start": "2025-02-01", "end": "2025-02-28", "days": 28}
    assert "Previous calendar year" in page.content.decode()


@pytest.fixture
def personas(spam_team, hate):
    return {
        "member": make_member(),
        "moderator": make_moderator(team=spam_team, username="front"),
        "senior": make_moderator(role="Senior moderator", team=spam_team, username="senior"),
        "lead": make_moderator(role="Trust & Safety lead", team=spam_team, username="lead"),
        "ts_admin": make_moderator(role="Trust & Safety admin", username="ts-admin"),
        "superuser": make_member(username="root", is_staff=True, is_superuser=True),
        "inactive_lead": make_moderator(
            role="Trust & Safety lead", username="gone", is_active=False
        ),
    }


READERS = {"lead", "ts_admin", "superuser"}


@pytest.mark.parametrize("output", ["", "csv", "json"])
def test_only_leads_admins_and_superusers_read_the_report(client, personas, output):
    query = {"format": output} if output else {}
    anonymous = client.get(URL, query)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    for name, person in personas.items():
        client.force_login(person)
        answer = client.get(URL, query)
        if name in READERS:
            assert answer.status_code == 200, name
        elif name == "inactive_lead":
            assert answer.status_code in (302, 404), name
        else:
            assert answer.status_code == 404, name
        client.logout()


def test_the_report_takes_a_fixed_number_of_queries_whatever_the_period(client, lead, spam, hate):
    """At scale: a year of daily figures (inserted here, as the beat task would have)."""
    categories = [spam.pk, hate.pk]
    rows = []
    for n in range(365):
        day = date(2025, 1, 1) + timedelta(days=n)
        for category in categories:
            for metric, extra in (
                (Metric.NOTICES, {"source": "web"}),
                (Metric.NOTICES_CLOSED, {"source": "web", "outcome": "actioned"}),
                (Metric.DECISIONS, {"action": "warn", "ground": "incompatible"}),
                (Metric.APPEALS_RECEIVED, {"source": "member", "action": "warn"}),
                (Metric.APPEALS_DECIDED, {"source": "member", "outcome": "upheld"}),
            ):
                timed = metric in (Metric.DECISIONS, Metric.APPEALS_DECIDED)
                rows.append(
                    DailyFigure(
                        day=day,
                        metric=metric,
                        category_id=category,
                        count=3,
                        durations={"80": 1, "100": 2} if timed else {},
                        **extra,
                    )
                )
    DailyFigure.objects.bulk_create(rows)
    client.force_login(lead)
    counts = {}
    for days in (7, 365):
        query = {"start": "2025-01-01", "end": str(date(2025, 1, 1) + timedelta(days=days - 1))}
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {**query, "format": "json"}).status_code == 200
        counts[days] = len(queries)
        figures = transparency_report(
            date.fromisoformat(query["start"]), date.fromisoformat(query["end"])
        )
        assert figures["notices"]["received"] == 3 * 2 * days
    assert counts[7] == counts[365]
    with CaptureQueriesContext(connection) as queries:
        transparency_report(date(2025, 1, 1), date(2025, 12, 31))
    assert len(queries) == 5
    # The page: the session, the user, the report's five queries, and the subnav's badge.
    assert counts[365] <= 10


def test_a_ts_admin_enters_a_month_and_a_moderator_cannot(client, ts_admin, spam_moderator):
    add = reverse("admin:reports_activerecipients_add")
    client.force_login(spam_moderator)
    assert client.get(add).status_code == 403
    assert client.post(add, {"month": "2025-03", "count": "5"}).status_code == 403

    client.force_login(ts_admin)
    page = client.get(add)
    assert page.status_code == 200
    assert 'type="month"' in page.content.decode()
    answer = client.post(add, {"month": "2025-03", "count": "1200000", "eu_count": "500000"})
    assert answer.status_code == 302
    row = ActiveRecipients.objects.get()
    assert (row.month, row.count, row.eu_count) == (date(2025, 3, 1), 1_200_000, 500_000)

    for data, message in (
        ({"month": "2025-03", "count": "3"}, "This month is entered already"),
        ({"month": "March", "count": "3"}, "Enter a month such as 2025-03."),
        ({"month": "2025-04", "count": "3", "eu_count": "4"}, "active recipients in all (3)"),
        ({"month": "2999-01", "count": "3"}, "is not over yet"),
    ):
        page = client.post(add, data)
        assert page.status_code == 200, data
        assert message in page.content.decode(), data
    assert ActiveRecipients.objects.count() == 1
    listing = client.get(reverse("admin:reports_activerecipients_changelist"))
    assert "2025-03" in listing.content.decode()


def test_a_trusted_flaggers_notice_through_the_app_counts_as_the_flaggers(db, hate, hotline):
    """The totals and the per-flagger table agree: the notice is the organisation's, whichever
    channel its member used."""
    _organisation, flagger = hotline
    subject = make_member()
    with at(T0):
        make_report(
            reporter=flagger,
            subject=subject,
            category=hate,
            content=make_content(subject),
            source=ReportSource.APP,
        )
    with at(T0 + timedelta(days=40)):
        rebuild_figures(*MARCH)

    notices = transparency_report(*MARCH)["notices"]

    assert notices["by_source"]["trusted_flagger"] == 1
    assert notices["by_source"]["app"] == notices["by_source"]["members"] == 0
    assert [f["received"] for f in notices["trusted_flaggers"]] == [1]
