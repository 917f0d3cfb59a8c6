"""What one operation costs: CPU, SQL statements and WAL, per report, claim, decision and
notification. The capacity model of the README is computed from these figures.

Each operation runs here, in this process, on one database connection, one after another: the
Python CPU is this process's, PostgreSQL's is the CPU of this connection's backend process, the
statements are those Django sent, and the WAL is how far the log moved.
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int) -> int:
    """CPU time (user + system) a process has used, in clock ticks; 0 once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _postgres_processes() -> dict[int, int]:
    out = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pid = int(comm.parent.name)
                out[pid] = _ticks(pid)
        except OSError:
            continue
    return out


def _machine_busy_ticks() -> int:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and waiting for I/O
    return sum(fields[:8]) - idle


@dataclass
class CPU:
    busy_ms: float
    postgres_ms: float


class MachineCPU:
    """CPU the whole machine used from now on, and how much of it PostgreSQL's processes.

    A PostgreSQL process that exits in between takes its time with it: the loads measured keep
    their connections open.
    """

    def __init__(self) -> None:
        self.busy = _machine_busy_ticks()
        self.postgres = _postgres_processes()

    def since(self) -> CPU:
        now = _postgres_processes()
        postgres = sum(ticks - self.postgres.get(pid, 0) for pid, ticks in now.items())
        busy = _machine_busy_ticks() - self.busy
        return CPU(busy * 1000 / TICKS_PER_SECOND, postgres * 1000 / TICKS_PER_SECOND)


def process_cpu_ms(pids: list[int]) -> float:
    return sum(_ticks(pid) for pid in pids) * 1000 / TICKS_PER_SECOND


def wal_position() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        return cursor.fetchone()[0]


def wal_since(position: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [position])
        return int(cursor.fetchone()[0])


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def per_operation(run: Callable[[int], object], count: int) -> dict[str, float]:
    """Run `run(n)` for n in range(count) and divide what it cost by `count`."""
    connection.ensure_connection()
    backend = _backend_pid()
    wal = wal_position()
    backend_before = _ticks(backend)
    python_before = time.process_time()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        for n in range(count):
            run(n)
    elapsed = time.perf_counter() - started
    python_ms = (time.process_time() - python_before) * 1000
    postgres_ms = (_ticks(backend) - backend_before) * 1000 / TICKS_PER_SECOND
    wal_bytes = wal_since(wal)
    return {
        "count": count,
        "wall_ms": round(elapsed * 1000 / count, 2),
        "python_cpu_ms": round(python_ms / count, 2),
        "postgres_cpu_ms": round(postgres_ms / count, 2),
        "cpu_ms": round((python_ms + postgres_ms) / count, 2),
        "statements": round(len(captured.captured_queries) / count, 1),
        "wal_bytes": round(wal_bytes / count),
    }


def _rows_written() -> dict[str, int]:
    """Rows of the tables an operation writes to (their ids only grow: the last id tells)."""
    from django.db.models import Max

    from reports.models import AuditEvent, Case, Decision, Notification, OutboxMessage, Report

    return {
        model._meta.db_table: model.objects.aggregate(last=Max("pk"))["last"] or 0
        for model in (Report, Case, Decision, AuditEvent, Notification, OutboxMessage)
    }


def operations(seeded, *, count: int, progress) -> dict:
    """A report through the API, a claim, a decision and an e-mail notification, `count` each.

    The reports are new cases from members the intake measurement did not use; the claims and
    decisions are a frontline moderator's on the spam queue; the notifications are e-mails run
    by the outbox's task body in this process, to the file e-mail backend.
    """
    import json
    import random
    import tempfile

    from django.test import Client, override_settings
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from bench.measure import queue_emails
    from hellomod.celery import app
    from reports.models import Case, CaseStatus, Category, DecisionAction, OutboxMessage, Tier
    from reports.services.claims import claim_next_case
    from reports.services.decisions.decide import decide
    from reports.tasks import run_outbox_messages

    rng = random.Random(20)
    first, last = seeded.first_member, seeded.first_member + seeded.members - 1
    reporters = list(range(last - count + 1, last + 1))  # the intake measurement starts at first
    Token.objects.bulk_create(
        [Token(key=Token.generate_key(), user_id=pk) for pk in reporters], ignore_conflicts=True
    )
    tokens = dict(Token.objects.filter(user_id__in=reporters).values_list("user_id", "key"))
    subjects = dict(
        User.objects.filter(pk__gte=first, pk__lt=last - count).values_list("pk", "public_id")[
            : 50 * count
        ]
    )
    targets = rng.sample(sorted(subjects), count)
    category = Category.objects.get(pk=seeded.spam_category_id)
    client = Client()

    def report(n: int) -> None:
        response = client.post(
            "/api/v1/reports/",
            data=json.dumps(
                {
                    "member": subjects[targets[n]],
                    "category": category.slug,
                    "description": "They keep sending me links to a paid group.",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {tokens[reporters[n]]}",
        )
        if response.status_code != 201:
            raise RuntimeError(f"a report answered {response.status_code}: {response.content!r}")
        progress("costs: reports", n + 1, count)

    moderator = User.objects.get(pk=seeded.moderators[-2])
    claimed: list[int] = []

    def claim(n: int) -> None:
        case = claim_next_case(moderator=moderator, category=category, tiers=[Tier.FRONTLINE])
        if case is None:
            raise RuntimeError("the spam queue ran out of cases to claim")
        claimed.append(case.pk)
        progress("costs: claims", n + 1, count)

    def decision(n: int) -> None:
        decide(case_id=claimed[n], moderator=moderator, action=DecisionAction.WARN)
        progress("costs: decisions", n + 1, count)

    result = {}
    for name, run in (("report", report), ("claim", claim), ("decision", decision)):
        before = _rows_written()
        result[name] = per_operation(run, count)
        after = _rows_written()
        result[name]["rows"] = {
            table: round((after[table] - before[table]) / count, 2) for table in after
        }
    if Case.objects.filter(pk__in=claimed, status=CaseStatus.DECIDED).count() != count:
        raise RuntimeError("a decision measured did not decide its case")

    keys = queue_emails(
        seeded,
        count,
        progress,
        event="decision_taken",
        subject="We reviewed a report about your account",
        body="We removed a message that broke the community rules on spam.",
        together=True,
        skip=seeded.members // 2,
    )
    app.control.purge()  # run here, not by a worker
    ids = list(OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("pk", flat=True))
    batches = [ids[start : start + 50] for start in range(0, len(ids), 50)]
    with (
        tempfile.TemporaryDirectory(prefix="bench-mail-") as mail_dir,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=mail_dir,
        ),
    ):
        sent = per_operation(lambda n: run_outbox_messages(batches[n]), len(batches))
        mails = sum(
            path.read_text(errors="replace").count("\nSubject: ")
            for path in Path(mail_dir).iterdir()
        )
    if mails != len(ids):
        raise RuntimeError(f"{mails} e-mails written for {len(ids)} notifications")
    per_batch = len(ids) / len(batches)
    result["notification"] = {
        key: (round(value / per_batch, 2) if key not in ("count",) else len(ids))
        for key, value in sent.items()
    }
    result["notification"]["statements"] = round(sent["statements"] / per_batch, 1)
    result["notification"]["wal_bytes"] = round(sent["wal_bytes"] / per_batch)
    result["notification"]["batch"] = round(per_batch)
    return result


def storage(seeded) -> dict:
    """Bytes on disk (rows, indexes, TOAST) of the tables that grow with reports, per report."""
    from reports.models import AuditEvent, Case, Decision, Notification, OutboxMessage, Report

    out = {}
    with connection.cursor() as cursor:
        for model in (Report, Case, AuditEvent, Notification, OutboxMessage, Decision):
            table = model._meta.db_table
            cursor.execute(
                "SELECT pg_total_relation_size(%s), (SELECT count(*) FROM " + table + ")",  # noqa: S608
                [table],
            )
            size, rows = cursor.fetchone()
            out[table] = {
                "rows": rows,
                "bytes": size,
                "bytes_per_report": round(size / seeded.reports),
                "rows_per_report": round(rows / seeded.reports, 3),
            }
    return out


# The capacity model's assumptions, beside the measured figures it multiplies.
MEMBERS = 40_000_000
REPORTING_SHARE_PER_MONTH = 0.005  # members who report someone in a month
REPORTS_PER_REPORTING_MEMBER = 1.0
BUSIEST_HOUR_FACTOR = 3.0  # the busiest hour of a month against its average hour
HEADROOM = 10.0  # a wave of reports (a raid, a scam campaign) ten times the usual month
CORE_TARGET_UTILISATION = 0.5
PAGES_PER_DECISION = 2  # the queue page and the case page
# What members are told: each reporter a receipt and the outcome, the member decided about the
# decision (an e-mail and an inbox message each, costed as the e-mail measured).
NOTIFICATIONS_PER_REPORT = 2
NOTIFICATIONS_PER_DECISION = 1
SECONDS_PER_MONTH = 30 * 24 * 3600


def capacity(results: dict) -> dict:
    """What MEMBERS members need, from the bench's own figures (`operations`, `storage`,
    `seeding`, `queue_page`). Every input is named in the output, so each figure can be
    traced to the run."""
    ops, seeding = results["operations"], results["seeding"]
    reports = MEMBERS * REPORTING_SHARE_PER_MONTH * REPORTS_PER_REPORTING_MEMBER
    cases = reports * seeding["cases"] / seeding["reports"]
    per_month = {
        "reports": round(reports),
        "cases": round(cases),
        "claims": round(cases),
        "decisions": round(cases),
        "notifications": round(
            reports * NOTIFICATIONS_PER_REPORT + cases * NOTIFICATIONS_PER_DECISION
        ),
        "page_views": round(cases * PAGES_PER_DECISION),
    }
    page_ms = results["queue_page"]["queue_first"]["p50_ms"]
    web_cpu_ms = (
        reports * ops["report"]["python_cpu_ms"]
        + cases * (ops["claim"]["python_cpu_ms"] + ops["decision"]["python_cpu_ms"])
        + per_month["page_views"] * page_ms
    )
    worker_cpu_ms = per_month["notifications"] * ops["notification"]["python_cpu_ms"]
    postgres_cpu_ms = (
        reports * ops["report"]["postgres_cpu_ms"]
        + cases * (ops["claim"]["postgres_cpu_ms"] + ops["decision"]["postgres_cpu_ms"])
        + per_month["notifications"] * ops["notification"]["postgres_cpu_ms"]
    )
    wal = (
        reports * ops["report"]["wal_bytes"]
        + cases * (ops["claim"]["wal_bytes"] + ops["decision"]["wal_bytes"])
        + per_month["notifications"] * ops["notification"]["wal_bytes"]
    )
    # The seed writes reports, cases and decisions in production's proportions; the audit
    # trail, notifications and outbox of its history are not seeded, so their tables' sizes
    # here are those of the bench's own operations and say nothing per report.
    seeded_tables = ("reports_report", "reports_case", "reports_decision")
    stored = sum(results["storage"][t]["bytes_per_report"] for t in seeded_tables) * reports

    def cores(cpu_ms_per_month: float) -> float:
        busiest = cpu_ms_per_month / SECONDS_PER_MONTH / 1000 * BUSIEST_HOUR_FACTOR * HEADROOM
        return round(busiest / CORE_TARGET_UTILISATION, 3)

    rows_per_month = {
        table: round(results["storage"][table]["rows_per_report"] * reports)
        for table in seeded_tables
    }
    return {
        "assumptions": {
            "members": MEMBERS,
            "reporting_share_per_month": REPORTING_SHARE_PER_MONTH,
            "reports_per_reporting_member": REPORTS_PER_REPORTING_MEMBER,
            "busiest_hour_factor": BUSIEST_HOUR_FACTOR,
            "headroom": HEADROOM,
            "core_target_utilisation": CORE_TARGET_UTILISATION,
            "pages_per_decision": PAGES_PER_DECISION,
            "cases_per_report": round(seeding["cases"] / seeding["reports"], 3),
            "notifications_per_report": NOTIFICATIONS_PER_REPORT,
            "notifications_per_decision": NOTIFICATIONS_PER_DECISION,
            "page_ms": page_ms,
        },
        "per_month": per_month,
        "busiest_hour_per_second": {
            key: round(value / SECONDS_PER_MONTH * BUSIEST_HOUR_FACTOR, 3)
            for key, value in per_month.items()
        },
        "cpu_core_seconds_per_month": {
            "web": round(web_cpu_ms / 1000),
            "celery": round(worker_cpu_ms / 1000),
            "postgresql": round(postgres_cpu_ms / 1000),
        },
        "cores_at_busiest_hour_with_headroom": {
            "web": cores(web_cpu_ms),
            "celery": cores(worker_cpu_ms),
            "postgresql": cores(postgres_cpu_ms),
        },
        "wal_bytes_per_month": round(wal),
        "stored_bytes_per_month": round(stored),
        "rows_per_month": rows_per_month,
    }
