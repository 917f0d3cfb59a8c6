"""`make bench` at a small volume: every measurement runs end to end and checks what it did.

The timings are not asserted here (they belong to the full run on a quiet machine); what each
measurement did is: how many rows it seeded, that no case was handed out twice, that every
report it sent was written, that the second sweep changed nothing, that every notification was
e-mailed once, that emergencies were alerted behind a backlog and no message ran twice.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REPORTS = 3000


def _bench_urls() -> tuple[str, str]:
    database = settings.DATABASES["default"]
    name = f"test_{database['NAME']}_bench"
    database_url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"
    redis_url = urlsplit(settings.REDIS_URL)._replace(path="/7").geturl()
    return database_url, redis_url


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    database_url, redis_url = _bench_urls()
    output = tmp_path_factory.mktemp("bench") / "results.json"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
    }
    arguments = [
        sys.executable, "-m", "bench", "--quiet",
        "--reports", str(REPORTS), "--samples", "10", "--depth", "30",
        "--claims", "60", "--paced-claims", "20", "--naive-claims", "30", "--intake-seconds", "2",
        "--web-workers", "2", "--overdue", "60", "--notifications", "100",
        "--backlog", "300", "--emergencies", "3", "--lost", "10", "--sweep-seconds", "1",
        "--flood-reports", "30", "--growth", "1000", "--nothing-tasks", "100",
        "--operations", "10",
        "--output", str(output),
    ]  # fmt: skip
    try:
        run = subprocess.run(  # noqa: S603
            arguments,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        parts = urlsplit(database_url)
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    assert run.returncode == 0, run.stderr[-4000:]
    figures = json.loads(output.read_text())
    figures["printed"] = run.stdout
    return figures


def test_seeds_the_volume_asked_for_with_many_reports_per_case(results):
    seeded = results["seeding"]
    assert seeded["reports"] == REPORTS
    assert 0.2 * REPORTS < seeded["cases"] < 0.5 * REPORTS
    assert 0 < seeded["open_cases"] < seeded["cases"]
    assert seeded["members"] >= 0.4 * REPORTS


def test_measures_the_queue_page_beside_the_admin_and_the_raw_query(results):
    queue = results["queue_page"]
    for name in (
        "bare_page",
        "queue_first",
        "queue_deep",
        "sql_first",
        "sql_deep",
        "admin_first",
    ):
        assert queue[name]["n"] == 10
        assert 0 < queue[name]["p50_ms"] <= queue[name]["p95_ms"] <= queue[name]["max_ms"]
    assert queue["stock_admin_first"]["n"] == 10
    assert queue["depth"] == 30
    # A deep page costs the queries a first page costs: keyset pagination, no OFFSET.
    assert queue["queue_deep"]["queries"] == queue["queue_first"]["queries"]


def test_next_case_never_hands_a_case_out_twice(results):
    claims = results["next_case"]
    assert claims["moderators"] == 50
    # Each run claims at most 80 % of the waiting cases, so that the queue never runs dry, and
    # the 50 at once as many as they could at the smaller volume, so that both do the same work.
    most = int(0.8 * claims["waiting"])
    smaller = results["growth"]["1000"]["next_case"]["hellomod"]["claims"]
    assert claims["hellomod"]["claims"] == min(60, most, smaller)
    for run, claimed in (("paced", 20), ("naive", 30)):
        assert claims[run]["claims"] == min(claimed, most)
    for run in ("hellomod", "paced"):
        assert claims[run]["handed_out_twice"] == 0


def test_intake_writes_a_report_for_every_request_answered(results):
    intake = results["intake"]
    for endpoint in ("hellomod", "floor"):
        figures = intake[endpoint]
        assert figures["errors"] == 0
        assert figures["requests"] > 0
        # wrk counts answered requests; the server may have answered a few more as it stopped.
        assert figures["rows_written"] >= figures["requests"]
        # What each request cost the machine was measured while it ran.
        assert figures["server_cpu_ms_per_request"] > 0
        assert figures["wal_bytes_per_request"] > 0
    assert intake["server_errors_logged"] == 0
    memory = intake["web_worker_memory"]
    assert memory["processes"] == 3  # the master and two workers
    assert 20 < memory["largest_process_mib"] < memory["all_processes_mib"]


def test_a_flood_on_a_decided_moment_joins_it_and_is_timed_beside_ordinary_intake(results):
    floods = results["floods"]
    assert floods["reports_each"] == 30
    assert floods["additional_reports"] == 30  # each joined the decided case; none reopened it
    assert floods["ordinary"]["p50_ms"] > 0 and floods["collapsing"]["p50_ms"] > 0


def test_the_sweep_escalates_each_overdue_case_once(results):
    sweep = results["sweep"]
    assert sweep["overdue"] == sweep["escalated"] == 60
    assert sweep["second_run_escalated"] == 0
    assert sweep["second_run_changed_nothing"] is True


def test_every_notification_is_emailed_once(results):
    delivery = results["delivery"]
    assert delivery["notifications"] == delivery["delivered"] == delivery["emails_written"] == 100
    assert delivery["per_second"] > 0
    assert delivery["worker_memory"]["largest_process_mib"] > 20


def test_delivery_is_measured_beside_tasks_that_do_nothing_on_the_same_worker(results):
    nothing = results["nothing_tasks"]
    assert nothing["tasks"] == 100
    assert nothing["seconds"] > 0 and nothing["per_second"] > 0
    assert "no-op tasks" in results["printed"]


def test_each_operation_is_costed_and_the_capacity_model_uses_those_figures(results):
    operations = results["operations"]
    for name in ("report", "claim", "decision"):
        assert operations[name]["count"] == 10
    assert operations["notification"]["count"] == 10
    for name in ("report", "claim", "decision", "notification"):
        cost = operations[name]
        # A notification's statements are its group's, shared by the e-mails sent together.
        assert cost["statements"] > 0
        assert cost["python_cpu_ms"] > 0
        assert cost["wal_bytes"] > 0
    capacity = results["capacity"]
    reports = capacity["per_month"]["reports"]
    assert reports == 40_000_000 * 0.005
    # The Celery CPU of a month is the measured cost of a notification times how many there are.
    expected = capacity["per_month"]["notifications"] * operations["notification"]["python_cpu_ms"]
    assert capacity["cpu_core_seconds_per_month"]["celery"] == round(expected / 1000)
    storage = results["storage"]
    assert storage["reports_report"]["rows"] >= REPORTS
    assert capacity["stored_bytes_per_month"] > 0


def test_growth_mode_measures_the_growing_paths_at_each_volume(results):
    smaller = results["growth"]["1000"]
    assert smaller["seeding"]["reports"] == 1000
    for path in ("queue_page", "next_case", "intake"):
        assert path in smaller
    assert smaller["next_case"]["hellomod"]["handed_out_twice"] == 0
    ratios = results["growth_ratios"]["1000"]
    for path in ("queue page p50 ms", "next case ms per claim, 50 at once", "intake ms per report"):
        assert ratios[path]["ratio"] == round(ratios[path]["large"] / ratios[path]["small"], 2)
    assert "Growth (cost at the full volume" in results["printed"]


def test_emergencies_are_alerted_behind_the_backlog_and_each_message_runs_once(results):
    emergency = results["emergency"]
    assert emergency["emergencies"] == 3
    assert emergency["waiting_min"] > 0  # each came in while ordinary work was waiting
    assert 0 < emergency["p50_s"] <= emergency["p95_s"] <= emergency["max_s"]
    # The sweep ran, sent the lost messages again, and nothing else: each ran once.
    assert emergency["sweeps"] > 0
    assert emergency["lost_run"] == emergency["lost"] == 10
    assert emergency["sweep_sent"] == 10
    assert emergency["left_pending"] == 0
    assert emergency["real_runs"] >= 300 + 10 + 3
    assert emergency["duplicate_runs"] == 0


def test_prints_one_table_and_records_the_machine(results):
    printed = results["printed"]
    for row in (
        "Seeding",
        "Queue page",
        "Next case",
        "Intake",
        "Escalation sweep",
        "Delivery",
        "Emergency",
        "Duplicate task runs",
    ):
        assert row in printed
    assert "Targets:" in printed
    machine = results["machine"]
    assert machine["cores"] >= 1
    assert machine["postgresql"]
    assert machine["memory_mib"] > 0
    # The 13 targets and the 3 growth ratios, then the 10 of earlier issues.
    assert [t["wave"] for t in results["targets"]].count("this wave") == 16
    assert [t["wave"] for t in results["targets"]].count("earlier") == 10


def test_the_figures_are_built_once_and_read_by_the_dashboard_and_the_report(results):
    figures = results["figures"]
    assert figures["rows"] > 0 and figures["days"] >= 60  # the seed's decisions span 60 days
    assert figures["rerun_written"] == figures["rerun_deleted"] == 0
    assert figures["steady_run_written"] == 0
    for page in (
        "dashboard_30_days",
        "dashboard_365_days",
        "dashboard_365_days_cold",
        "transparency_365_days",
    ):
        assert figures[page]["n"] == 10
        assert 0 < figures[page]["p50_ms"] <= figures[page]["p95_ms"]
    # A year of figures costs the queries a month costs: the pages read aggregates.
    assert figures["dashboard_365_days"]["queries"] == figures["dashboard_30_days"]["queries"]
    # Drawn anew, the page reads the figures; kept, it does not.
    assert figures["dashboard_365_days_cold"]["queries"] > figures["dashboard_365_days"]["queries"]
    assert "Dashboard, 30 days / a year" in results["printed"]
