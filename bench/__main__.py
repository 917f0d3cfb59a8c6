"""`python -m bench`: a fresh database, seeded with COPY, then every hot path measured.

The database named by DATABASE_URL is dropped and created again: its name must contain "bench".
In the Redis of REDIS_URL, what an earlier run left under the bench's prefix and queues goes.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300, help="requests per page measured")
    parser.add_argument("--depth", type=int, default=10_000, help="rows before the deep page")
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--paced-claims", type=int, default=1_000)
    parser.add_argument("--paced-rate", type=float, default=150.0, help="claims/s offered")
    parser.add_argument("--naive-claims", type=int, default=2_000)
    parser.add_argument("--intake-seconds", type=int, default=20)
    # Three gunicorn workers served the most reports/s on 2 cores shared with PostgreSQL
    # (2 to 4 within noise of each other; 5 and 8 fewer).
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--overdue", type=int, default=10_000)
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--backlog", type=int, default=10_000, help="ordinary messages waiting")
    parser.add_argument("--emergencies", type=int, default=20)
    parser.add_argument("--lost", type=int, default=100, help="messages the broker lost")
    parser.add_argument("--sweep-seconds", type=float, default=15.0, help="as the beat sweeps")
    parser.add_argument(
        "--flood-reports", type=int, default=300, help="reports on one decided moment"
    )
    parser.add_argument(
        "--growth",
        type=int,
        nargs="*",
        default=[],
        help="smaller volumes measured first, each in a fresh database (queue page, next case, "
        "intake), to compare with the full run",
    )
    parser.add_argument("--nothing-tasks", type=int, default=10_000, help="delivery's anchor")
    parser.add_argument("--operations", type=int, default=200, help="each, for the unit costs")
    parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser.parse_args()


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the bench's database name must contain 'bench'")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _forget_earlier_runs() -> None:
    """Delete what an earlier run left in Redis (rate-limit counts, queued tasks), and only
    that: the keys of the bench's cache prefix, and its Celery queue on the broker."""
    import redis
    from django.conf import settings

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    places = [
        (settings.REDIS_URL, [f"{settings.CACHES['default']['KEY_PREFIX']}:*"]),
        (settings.CELERY_BROKER_URL, [f"{queue}*", f"_kombu.binding.{queue}*"]),
    ]
    for url, patterns in places:
        client = redis.Redis.from_url(url)
        for pattern in patterns:
            for key in client.scan_iter(match=pattern, count=1000):
                client.delete(key)


def _machine(connection) -> dict:
    import django
    import redis
    from django.conf import settings

    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        None,
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = redis.Redis.from_url(settings.REDIS_URL).info("server")["redis_version"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_mib": memory,
        "postgresql": postgres,
        "redis": redis_version,
        "python": platform.python_version(),
        "django": django.get_version(),
        "commit": commit,
    }


class Bars:
    """One progress bar per phase, on stderr."""

    def __init__(self, quiet: bool) -> None:
        from tqdm import tqdm

        self.tqdm = tqdm
        self.quiet = quiet
        self.bars: dict[str, object] = {}

    def advance(self, what: str, n: int) -> None:
        if not self.quiet:
            self._bar(what, None).update(n)

    def at(self, what: str, done: int, total: int) -> None:
        if not self.quiet:
            bar = self._bar(what, total)
            bar.update(done - bar.n)

    def _bar(self, what: str, total: int | None):
        if what not in self.bars:
            for bar in self.bars.values():
                bar.close()
            self.bars = {what: self.tqdm(total=total, desc=what, unit=" rows", leave=False)}
        return self.bars[what]

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars = {}


def _seeding(seeded) -> dict:
    return {
        "members": seeded.members,
        "contents": seeded.contents,
        "cases": seeded.cases,
        "open_cases": seeded.open_cases,
        "reports": seeded.reports,
        "decisions": seeded.decisions,
        "seconds": round(seeded.seconds, 1),
        "reports_per_second": round(seeded.reports / seeded.seconds),
    }


def _fresh_run(volume: int, bars: "Bars", phase) -> tuple[object, dict]:
    """A fresh database and Redis, migrated and seeded with `volume` reports."""
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import seed

    connections.close_all()
    _fresh_database(os.environ["DATABASE_URL"])
    _forget_earlier_runs()
    call_command("migrate", verbosity=0)
    phase(f"seeding {volume:,} reports")
    seeded = seed(volume, progress=bars.advance)
    return seeded, _seeding(seeded)


def _growing_paths(args, seeded, bars, phase, *, claims: int | None = None) -> dict:
    """The paths whose cost must not grow with the data: queue page, next case, intake.

    `claims`: as many claims as a smaller volume's queue allowed, so that each volume's
    claimers do the same work (a claim's cost rises as a burst of claims leaves dead index
    entries ahead of the queue, until vacuum).
    """
    from bench import measure

    out = {}
    phase("queue page, its anchors, admin changelists, raw SQL")
    out["queue_page"] = measure.queue_pages(
        seeded, samples=args.samples, depth=args.depth, progress=bars.at
    )
    phase("next case: 50 moderators at once, paced, naive")
    out["next_case"] = measure.next_case(
        seeded,
        claims=min(args.claims, claims or args.claims),
        paced_claims=args.paced_claims,
        paced_rate=args.paced_rate,
        naive_claims=args.naive_claims,
        progress=bars.at,
    )
    phase("intake under gunicorn, with wrk, beside the floor")
    out["intake"] = measure.intake(
        seeded,
        seconds=args.intake_seconds,
        workers=args.web_workers,
        connections_=args.connections,
    )
    return out


def main() -> None:
    args = _arguments()
    _fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection

    from bench import costs, figures, lanes, measure
    from bench.report import growth, table, verdicts

    bars = Bars(args.quiet)
    started = time.monotonic()

    def phase(title: str) -> None:
        bars.close()
        print(f"· {title} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)

    results: dict = {
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "growth": {},
    }
    for volume in sorted(v for v in set(args.growth) if v < args.reports):
        seeded, seeding = _fresh_run(volume, bars, phase)
        results["growth"][str(volume)] = {
            "seeding": seeding,
            **_growing_paths(args, seeded, bars, phase),
        }
    seeded, results["seeding"] = _fresh_run(args.reports, bars, phase)
    smaller = [g["next_case"]["hellomod"]["claims"] for g in results["growth"].values()]
    results.update(_growing_paths(args, seeded, bars, phase, claims=min(smaller, default=None)))
    phase("escalation sweep")
    results["sweep"] = measure.sweep(overdue=args.overdue)
    phase("delivery's anchor: tasks that do nothing, on the same worker")
    results["nothing_tasks"] = measure.nothing_tasks(
        tasks=args.nothing_tasks, concurrency=args.worker_concurrency
    )
    phase("delivery through the outbox and a Celery worker")
    results["delivery"] = measure.delivery(
        seeded,
        notifications=args.notifications,
        concurrency=args.worker_concurrency,
        progress=bars.at,
    )
    phase(f"emergencies behind {args.backlog:,} waiting messages, the sweep running")
    results["emergency"] = lanes.emergencies(
        seeded,
        backlog=args.backlog,
        count=args.emergencies,
        lost=args.lost,
        concurrency=args.worker_concurrency,
        sweep_seconds=args.sweep_seconds,
        progress=bars.at,
    )
    phase(f"intake: {args.flood_reports:,} reports on one moment judged fine, beside ordinary ones")
    results["floods"] = measure.flood(seeded, reports=args.flood_reports, progress=bars.at)
    phase("daily figures: built, rerun, and the dashboard and the report reading them")
    results["figures"] = figures.figures(seeded, samples=args.samples, progress=bars.at)
    phase(f"what one report, claim, decision and notification cost ({args.operations} each)")
    results["operations"] = costs.operations(seeded, count=args.operations, progress=bars.at)
    results["storage"] = costs.storage(seeded)
    bars.close()
    results["growth_ratios"] = growth(results)
    results["targets"] = verdicts(results)
    results["capacity"] = costs.capacity(results)
    results["machine"] = _machine(connection)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["total_seconds"] = round(time.monotonic() - started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
