"""The measurements: each hot path, timed beside its anchor in the same run."""

import contextlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import needs_second_factor
from bench.costs import MachineCPU, process_cpu_ms, wal_position, wal_since
from bench.models import FloorRow
from bench.seed import Seeded
from reports.effects.notifications import notify
from reports.effects.outbox import batched
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Category,
    DeliveryStatus,
    Notification,
    OutboxMessage,
    Report,
    Tier,
)
from reports.models.categories import REPORTABLE
from reports.permissions import queue_cases
from reports.selectors.filters import CaseFilter
from reports.selectors.queues import QUEUE_ORDER, after_cursor, encode_cursor
from reports.services.claims import claim_next_case
from reports.services.escalation import escalate_overdue

ROOT = Path(__file__).resolve().parent.parent
Progress = Callable[[str, int, int], object]


def summary(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _timed(call: Callable[[], object], samples: int, progress: Progress, what: str) -> list[float]:
    for _ in range(min(5, samples)):
        call()  # warm: templates compiled, connections open, plans cached
    seconds = []
    for n in range(samples):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
        progress(what, n + 1, samples)
    return seconds


def _get(client: Client, url: str) -> Callable[[], object]:
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return call


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def signed_in(user: User) -> Client:
    """A client signed in as this person; staff also pass the second factor on its page.

    With DEBUG off, as here, every staff page asks for the second factor first: the pages are
    measured after it, as a moderator works them.
    """
    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.t() <= device.last_t:
            totp.time += device.step  # the current code was used: the next one is accepted
        code = f"{totp.token():0{device.digits}d}"
        response = client.post(reverse("accounts:second-factor"), {"code": code})
        if response.status_code != 302:
            raise RuntimeError(
                f"the second factor of {user.username} answered {response.status_code}"
            )
    return client


# 2. Queue page ------------------------------------------------------------------------------


def queue_pages(seeded: Seeded, *, samples: int, depth: int, progress: Progress) -> dict:
    moderator = User.objects.get(pk=seeded.moderators[-1])  # a frontline moderator
    category = Category.objects.get(pk=seeded.spam_category_id)
    waiting = Case.objects.filter(
        category=category, tier=Tier.FRONTLINE, status__in=[CaseStatus.OPEN]
    )
    in_queue = waiting.count()
    depth = max(1, min(depth, in_queue - 60))
    deep_case = waiting.order_by(*QUEUE_ORDER)[depth - 1]
    cursor = encode_cursor(deep_case)

    client = signed_in(moderator)
    url = reverse("moderation:queue", args=[category.slug])
    deep_url = f"{url}?after={cursor}"
    admin = signed_in(User.objects.get(pk=seeded.admin_id))
    same_filter = f"?category__id__exact={category.pk}&status__exact=open&tier__exact=1"
    stock_url = "/bench/stock-admin/reports/case/" + same_filter
    stock_deep_url = f"{stock_url}&p={depth // 50 + 1}"
    product_admin_url = "/admin/reports/case/" + same_filter
    search_url = f"/admin/reports/case/?q={deep_case.subject.public_id}"

    # The page's main query, as the view builds it, without Django around it: the floor.
    filters = CaseFilter(
        QueryDict(""),
        queryset=queue_cases(moderator, category),
        category=category,
        user=moderator,
    )
    assert filters.is_valid()
    main = filters.qs.select_related("subject", "content", "reason", "claimed_by").order_by(
        *QUEUE_ORDER
    )
    first_sql = main[:51].query.sql_with_params()
    deep_sql = after_cursor(
        main, (deep_case.tier, deep_case.priority, deep_case.due_at, deep_case.pk)
    )[:51].query.sql_with_params()

    def raw(sql_params):
        def call():
            with connection.cursor() as cursor:
                cursor.execute(*sql_params)
                return cursor.fetchall()

        return call

    pages = {
        "bare_page": _get(client, reverse("bench-bare")),
        "queue_first": _get(client, url),
        "queue_deep": _get(client, deep_url),
        "sql_first": raw(first_sql),
        "sql_deep": raw(deep_sql),
        "stock_admin_first": _get(admin, stock_url),
        "stock_admin_deep": _get(admin, stock_deep_url),
        "admin_first": _get(admin, product_admin_url),
        "admin_search": _get(admin, search_url),
    }
    result = {"open_in_queue": in_queue, "depth": depth}
    for name, call in pages.items():
        # The admin pages are the anchors: fewer samples keep the run short.
        n = samples if not name.startswith("stock") else max(10, samples // 5)
        result[name] = summary(_timed(call, n, progress, name))
        if not name.startswith("sql"):
            result[name]["queries"] = _queries(call)
    return result


# 3. Next case -------------------------------------------------------------------------------


def _naive_claim(moderator: User, category: Category) -> Case | None:
    """What a first version often does: read the first open case, then mark it as taken."""
    case = (
        Case.objects.filter(category=category, status=CaseStatus.OPEN, tier=Tier.FRONTLINE)
        .order_by(*QUEUE_ORDER)
        .first()
    )
    if case is None:
        return None
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLAIMED,
        claimed_by=moderator,
        lease_expires_at=timezone.now() + settings.CASE_LEASE,
    )
    return case


def _claimer(moderator_id, category_id, naive, think, counter, target, barrier, out) -> None:
    connections.close_all()  # never share the parent's connection
    moderator = User.objects.get(pk=moderator_id)
    category = Category.objects.get(pk=category_id)
    pause = random.Random(moderator_id)
    taken: list[tuple[int, float]] = []
    barrier.wait(timeout=120)
    while True:
        if think:
            time.sleep(pause.expovariate(1 / think))
        with counter.get_lock():
            if counter.value >= target:
                break
            counter.value += 1
        started = time.perf_counter()
        if naive:
            case = _naive_claim(moderator, category)
        else:
            case = claim_next_case(moderator=moderator, category=category, tiers=[Tier.FRONTLINE])
        elapsed = time.perf_counter() - started
        if case is None:
            break
        taken.append((case.pk, elapsed))
    connections.close_all()
    out.put(taken)


def _give_back_claims() -> int:
    # On-call seniors among the fifty are handed emergencies first: those go back escalated.
    return Case.objects.filter(status=CaseStatus.CLAIMED).update(
        status=Case.unclaimed_status_in_sql(), claimed_by=None, lease_expires_at=None
    )


def next_case(
    seeded: Seeded,
    *,
    claims: int,
    paced_claims: int,
    paced_rate: float,
    naive_claims: int,
    progress: Progress,
) -> dict:
    """50 moderators, one process and one connection each, asking for the next case.

    - "hellomod": all of them at once, each asking again as soon as they have a case: the
      throughput, and the latency of a queue 50 deep (Little's law: about 50 / throughput);
    - "paced": each asks after a random pause (exponential) whose mean makes `paced_rate`
      claims/s together (150: a team of 50 deciding a case a minute each asks about once a
      second, so three times that): the latency a moderator sees while the others are served;
    - "naive": all at once, through a read-then-update claimer without a lock.

    Each run claims at most 80 % of the waiting cases (the claims are given back between
    runs): a queue that runs dry would measure an empty queue.
    """
    context = multiprocessing.get_context("fork")
    waiting = Case.objects.filter(
        category_id=seeded.spam_category_id, tier=Tier.FRONTLINE, status=CaseStatus.OPEN
    ).count()
    most = max(1, int(0.8 * waiting))
    moderators = len(seeded.moderators)
    result = {"moderators": moderators, "waiting": waiting}
    runs = (
        ("hellomod", False, 0.0, min(claims, most)),
        ("paced", False, moderators / paced_rate, min(paced_claims, most)),
        ("naive", True, 0.0, min(naive_claims, most)),
    )
    for label, naive, think, target in runs:
        _give_back_claims()
        connections.close_all()
        counter = context.Value("i", 0)
        barrier = context.Barrier(len(seeded.moderators) + 1)
        out = context.Queue()
        workers = [
            context.Process(
                target=_claimer,
                args=(pk, seeded.spam_category_id, naive, think, counter, target, barrier, out),
            )
            for pk in seeded.moderators
        ]
        for worker in workers:
            worker.start()
        barrier.wait(timeout=120)
        started = time.perf_counter()
        taken: list[tuple[int, float]] = []
        for _ in workers:
            taken.extend(out.get(timeout=600))
            progress(f"next case ({label})", len(taken), target)
        elapsed = time.perf_counter() - started
        for worker in workers:
            worker.join(timeout=60)
        ids = [case_id for case_id, _ in taken]
        result[label] = {
            "claims": len(ids),
            "claims_per_second": round(len(ids) / elapsed, 1),
            "handed_out_twice": len(ids) - len(set(ids)),
            **summary([seconds for _, seconds in taken]),
        }
    held = (
        Case.objects.filter(status=CaseStatus.CLAIMED)
        .values("claimed_by")
        .annotate(n=Count("id"))
        .count()
    )
    result["naive"]["moderators_holding_cases"] = held
    _give_back_claims()
    return result


# 4. Intake ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **extra}


def _wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"waited {timeout} s for {what}")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return b" 200 " in conn.recv(64)
    except OSError:
        return False


def _request_file(
    seeded: Seeded, path: Path, *, lines: int, reporters: int, offset: int = 0
) -> None:
    """Lines of `token<TAB>json body`: each reporter reports different members.

    `offset` picks another set of reporters (and another draw of members), so that a warm-up
    file repeats nothing of the measured one.
    """
    rng = random.Random(4 + offset)
    first, last = seeded.first_member, seeded.first_member + seeded.members - 1
    reporter_ids = list(range(first + offset, first + offset + reporters))
    tokens = {t.user_id: t.key for t in Token.objects.filter(user_id__in=reporter_ids)}
    Token.objects.bulk_create(
        [Token(key=Token.generate_key(), user_id=pk) for pk in reporter_ids if pk not in tokens]
    )
    tokens = dict(Token.objects.filter(user_id__in=reporter_ids).values_list("user_id", "key"))
    slugs = list(Category.objects.filter(REPORTABLE).values_list("slug", flat=True))
    public_ids = dict(
        User.objects.filter(pk__gte=first, pk__lte=last).values_list("pk", "public_id")
    )
    with path.open("w") as out:
        for n in range(lines):
            reporter = reporter_ids[n % len(reporter_ids)]
            subject = reporter
            while subject == reporter:
                subject = rng.randint(first, last)
            body = {
                "member": public_ids[subject],
                "category": rng.choice(slugs),
                "description": "They keep sending me links to a paid group.",
            }
            out.write(f"{tokens[reporter]}\t{json.dumps(body)}\n")


def _wrk(port: int, path: str, requests: Path, *, seconds: int, connections_: int) -> dict:
    out = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections_),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--script",
            str(ROOT / "bench" / "post.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(requests),
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    seconds_run = figures["duration_us"] / 1e6
    # wrk counts answered requests, refused ones among them (status >= 400); connection
    # errors and timeouts are not requests it counted.
    errors = sum(figures["errors"].values())
    return {
        "requests": figures["requests"],
        "errors": errors,
        "per_second": round((figures["requests"] - figures["errors"]["status"]) / seconds_run, 1),
        "p50_ms": round(figures["latency_us"]["p50"] / 1000, 2),
        "p95_ms": round(figures["latency_us"]["p95"] / 1000, 2),
        "max_ms": round(figures["latency_us"]["max"] / 1000, 2),
    }


WARM_UP_SECONDS = 2


def _under_load(server_pid: int, load: Callable[[], dict]) -> dict:
    """Run a load against the server and add what each request cost the machine: CPU of the
    server's processes, of PostgreSQL, of the load generator, and WAL written."""
    import resource

    servers = _family(server_pid)
    server_before = process_cpu_ms(servers)
    generator = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = MachineCPU()
    wal = wal_position()
    result = load()
    cpu = machine.since()
    wal_bytes = wal_since(wal)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    generator_ms = (
        after.ru_utime + after.ru_stime - generator.ru_utime - generator.ru_stime
    ) * 1000
    answered = max(1, result["requests"])
    result.update(
        {
            "server_cpu_ms_per_request": round(
                (process_cpu_ms(servers) - server_before) / answered, 2
            ),
            "postgres_cpu_ms_per_request": round(cpu.postgres_ms / answered, 2),
            "load_generator_cpu_ms_per_request": round(generator_ms / answered, 2),
            "machine_cpu_ms_per_request": round(cpu.busy_ms / answered, 2),
            "wal_bytes_per_request": round(wal_bytes / answered),
        }
    )
    return result


def intake(seeded: Seeded, *, seconds: int, workers: int, connections_: int) -> dict:
    """POST /api/v1/reports/ under gunicorn with wrk, beside the floor endpoint."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk")
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    requests_file = Path(tempfile.mkstemp(prefix="bench-requests-", suffix=".tsv")[1])
    warm_up_file = Path(tempfile.mkstemp(prefix="bench-warm-up-", suffix=".tsv")[1])
    reporters = min(5000, seeded.members // 3)
    _request_file(seeded, requests_file, lines=max(2000, seconds * 1000), reporters=reporters)
    _request_file(
        seeded, warm_up_file, lines=WARM_UP_SECONDS * 1000, reporters=reporters, offset=reporters
    )
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hellomod.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_environment(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _answers(port), timeout=60, what="gunicorn")
        # Both endpoints warm up first: each worker has imported, connected and planned.
        for path in ("/api/v1/reports/", "/bench/floor/"):
            _wrk(port, path, warm_up_file, seconds=WARM_UP_SECONDS, connections_=connections_)
        result = {"workers": workers, "connections": connections_, "seconds": seconds}
        for label, path, rows in (
            ("hellomod", "/api/v1/reports/", Report.objects),
            ("floor", "/bench/floor/", FloorRow.objects),
        ):
            before = rows.count()
            result[label] = _under_load(
                server.pid,
                lambda path=path: _wrk(
                    port, path, requests_file, seconds=seconds, connections_=connections_
                ),
            )
            result[label]["rows_written"] = rows.count() - before
        result["web_worker_memory"] = peak_memory_mib(server.pid)
    finally:
        _stop(server)
        requests_file.unlink(missing_ok=True)
        warm_up_file.unlink(missing_ok=True)
    result["server_errors_logged"] = log.read_text(errors="replace").count("Traceback")
    log.unlink(missing_ok=True)
    return result


# 5. Escalation sweep ------------------------------------------------------------------------


def sweep(*, overdue: int) -> dict:
    rng = random.Random(5)
    now = timezone.now()
    waiting = list(
        Case.objects.filter(status=CaseStatus.OPEN, tier=Tier.FRONTLINE).values_list(
            "pk", flat=True
        )
    )
    chosen = rng.sample(waiting, min(overdue, len(waiting)))
    Case.objects.filter(pk__in=chosen).update(due_at=now - timedelta(minutes=30))
    open_cases = Case.objects.filter(status__in=["open", "claimed", "escalated"]).count()

    def state():
        return (
            Case.objects.filter(status=CaseStatus.ESCALATED).count(),
            AuditEvent.objects.filter(action="case.escalated").count(),
            OutboxMessage.objects.count(),
            Notification.objects.count(),
        )

    started = time.perf_counter()
    moved = escalate_overdue()
    first = time.perf_counter() - started
    before = state()
    started = time.perf_counter()
    moved_again = escalate_overdue()
    second = time.perf_counter() - started
    return {
        "open_cases": open_cases,
        "overdue": len(chosen),
        "escalated": moved,
        "seconds": round(first, 3),
        "second_run_escalated": moved_again,
        "second_run_seconds": round(second, 3),
        "second_run_changed_nothing": moved_again == 0 and state() == before,
    }


# 6. Delivery --------------------------------------------------------------------------------


def queue_emails(
    seeded: Seeded,
    count: int,
    progress: Progress,
    *,
    event: str,
    subject: str,
    body: str,
    together: bool,
    skip: int = 0,
) -> list[str]:
    """One e-mail to each of `count` members (after the first `skip`), 500 to a transaction;
    returns the outbox keys.

    `together` publishes each transaction's messages in batches, as a sweep or a decision with
    many reporters does; otherwise each is its own task.
    """
    recipients = list(
        User.objects.filter(pk__gte=seeded.first_member).order_by("pk")[skip : skip + count]
    )
    keys = []
    for start in range(0, len(recipients), 500):
        with transaction.atomic(), batched() if together else contextlib.nullcontext():
            for member in recipients[start : start + 500]:
                keys += [
                    f"deliver_notification:{row.pk}"
                    for row in notify(
                        recipient=member,
                        event=event,
                        key=f"{event}:{member.pk}",
                        subject=subject,
                        body=body,
                        channels=["email"],
                    )
                ]
        progress(f"{event} queued", min(start + 500, len(recipients)), len(recipients))
    return keys


def _worker(concurrency: int, mail_dir: Path, log: Path) -> subprocess.Popen:
    """A Celery worker as production runs one: prefork, on the bench's default queue."""
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hellomod",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=_environment(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
        ),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _family(pid: int) -> list[int]:
    """A process and every process under it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    family, todo = [], [pid]
    while todo:
        current = todo.pop()
        family.append(current)
        todo += children.get(current, [])
    return family


def peak_memory_mib(pid: int) -> dict[str, float]:
    """The peak resident memory (VmHWM) of the largest process of a family, and of them all.

    Forked workers share their parent's pages until they write them: the sum counts those
    twice, the largest process is what one worker needs.
    """
    peaks = []
    for member in _family(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return {
        "largest_process_mib": round(max(peaks, default=0.0), 1),
        "processes": len(peaks),
        "all_processes_mib": round(sum(peaks), 1),
    }


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def nothing_tasks(*, tasks: int, concurrency: int) -> dict:
    """The anchor of delivery: tasks that do nothing, through the same broker and worker.

    A stamp task runs before them and one after (prefetch is 1): the span between the two is
    what the worker took for the tasks.
    """
    import redis

    from bench.tasks import nothing, stamp
    from hellomod.celery import app

    app.control.purge()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("bench:nothing:first", "bench:nothing:last")
    with app.producer_or_acquire() as producer:
        stamp.apply_async(("bench:nothing:first",), producer=producer)
        for _ in range(tasks):
            nothing.apply_async(producer=producer)
        stamp.apply_async(("bench:nothing:last",), producer=producer)
    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    worker = _worker(concurrency, mail_dir, log)
    try:
        _wait_for(lambda: client.exists("bench:nothing:last"), timeout=600, what="no-op tasks")
        memory = peak_memory_mib(worker.pid)
    finally:
        _stop(worker)
    first = float(client.get("bench:nothing:first"))
    last = float(client.get("bench:nothing:last"))
    shutil.rmtree(mail_dir, ignore_errors=True)
    log.unlink(missing_ok=True)
    return {
        "tasks": tasks,
        "worker_concurrency": concurrency,
        "seconds": round(last - first, 3),
        "per_second": round(tasks / (last - first), 1),
        "worker_memory": memory,
    }


def delivery(seeded: Seeded, *, notifications: int, concurrency: int, progress: Progress) -> dict:
    """Notifications through the outbox, a Celery worker on Redis and the e-mail backend.

    Written 500 to a transaction, as a sweep or a decision with many reporters writes them, and
    published together on commit; the worker starts once they wait on the broker.
    """
    from hellomod.celery import app

    app.control.purge()  # what intake queued for triage is not this measurement's work
    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    keys = queue_emails(
        seeded,
        notifications,
        progress,
        event="decision_taken",
        subject="We reviewed a report about your account",
        body="We removed a message that broke the community rules on spam.",
        together=True,
    )
    ours = OutboxMessage.objects.filter(idempotency_key__in=keys)
    total = ours.count()
    log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    busy = MachineCPU()
    wal = wal_position()
    worker = _worker(concurrency, mail_dir, log)
    try:
        deadline = time.monotonic() + 600
        done = 0
        while done < total and time.monotonic() < deadline:
            time.sleep(0.5)
            done = ours.filter(status=DeliveryStatus.DONE).count()
            progress("notifications delivered", done, total)
        memory = peak_memory_mib(worker.pid)
    finally:
        _stop(worker)
    cpu = busy.since()
    wal_bytes = wal_since(wal)
    times = sorted(ours.filter(status=DeliveryStatus.DONE).values_list("processed_at", flat=True))
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else 0.0
    sent = sum(path.read_text(errors="replace").count("\nSubject: ") for path in mail_dir.iterdir())
    shutil.rmtree(mail_dir, ignore_errors=True)
    log.unlink(missing_ok=True)
    return {
        "notifications": total,
        "delivered": len(times),
        "emails_written": sent,
        "worker_concurrency": concurrency,
        "seconds": round(span, 3),
        "per_second": round(len(times) / span, 1) if span else None,
        "worker_memory": memory,
        "machine_cpu_ms_per_notification": round(cpu.busy_ms / max(1, len(times)), 2),
        "postgres_cpu_ms_per_notification": round(cpu.postgres_ms / max(1, len(times)), 2),
        "wal_bytes_per_notification": round(wal_bytes / max(1, len(times))),
    }


# 8. Intake under a flood on one decided moment ------------------------------------------------


def flood(seeded: Seeded, *, reports: int, progress: Progress) -> dict:
    """Reports on one moment already judged 'no violation' beside ordinary reports, in one run.

    Each new reporter's report on the decided moment joins its case (services/collapse.py); each
    ordinary report opens a case on a message of its own. The two are sent alternately, by
    distinct members, through the same service as the API, so that they share the machine's
    moods; the issue's target is collapsing intake within 20 % of ordinary intake.
    """
    from reports.models import DecisionAction
    from reports.services.decisions.decide import decide
    from reports.services.intake import submit_report

    category = Category.objects.get(pk=seeded.spam_category_id)
    moderator = User.objects.get(pk=seeded.moderators[-1])
    people = list(
        User.objects.filter(is_staff=False, is_active=True).order_by("-pk")[: 2 * reports + 2]
    )
    author, first, people = people[0], people[1], people[2:]
    viral = _bench_content(author, "Everyone: this app changed my life!")
    first_report = submit_report(reporter=first, subject=author, category=category, content=viral)
    decide(case_id=first_report.case_id, moderator=moderator, action=DecisionAction.NO_VIOLATION)
    cases_before = Case.objects.count()

    ordinary, flooded, queries = [], [], {"ordinary": 0, "collapsing": 0}
    for n in range(reports):
        plain = _bench_content(author, f"A message of its own, number {n}.")
        for kind, reporter, content, out in (
            ("ordinary", people[2 * n], plain, ordinary),
            ("collapsing", people[2 * n + 1], viral, flooded),
        ):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                submit_report(reporter=reporter, subject=author, category=category, content=content)
            out.append(time.perf_counter() - started)
            queries[kind] += len(captured.captured_queries)
        progress("flood", n + 1, reports)

    case = Case.objects.get(pk=first_report.case_id)
    if case.status != CaseStatus.DECIDED or case.additional_reports != reports:
        raise RuntimeError(
            f"the decided case was {case.status} with {case.additional_reports} reports after "
            f"the decision; {reports} were sent"
        )
    if Case.objects.count() - cases_before != reports:
        raise RuntimeError("a collapsing report opened a case, or an ordinary one did not")
    result = {
        "reports_each": reports,
        "ordinary": summary(ordinary),
        "collapsing": summary(flooded),
        "queries_per_report": {k: round(v / reports, 1) for k, v in queries.items()},
        "additional_reports": case.additional_reports,
    }
    result["ratio_p50"] = round(result["collapsing"]["p50_ms"] / result["ordinary"]["p50_ms"], 3)
    result["ratio_mean"] = round(sum(flooded) / sum(ordinary), 3)
    result["within_20_percent"] = result["ratio_p50"] <= 1.2
    return result


def _bench_content(author: User, text: str):
    from reports.models import Content

    return Content.objects.create(
        author=author,
        kind="message",
        external_id=f"bench-flood-{time.perf_counter_ns()}",
        text=text,
        language="en",
    )
