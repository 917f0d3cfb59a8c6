"""7. Emergencies behind a backlog: the urgent lane, and the task runs the dispatch sweep causes.

Ordinary e-mails wait on the broker, one task each, as a flood of work leaves them; a few more
are lost (their rows pending, nothing of them in the broker). Then the two lanes' workers start,
the dispatch sweep runs as the beat runs it, and self-harm reports come in one after another:
each is timed from the report to the alert written for the on-call seniors. Once everything has
run, the workers' logs tell how many tasks ran a message and how many found it already done (a
duplicate).
"""

import ast
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from bench.measure import (
    ROOT,
    Progress,
    _environment,
    _wait_for,
    peak_memory_mib,
    queue_emails,
    summary,
)
from bench.seed import Seeded
from reports.effects import outbox
from reports.effects.notifications import notify
from reports.models import Category, DeliveryStatus, Notification, OutboxMessage, Reason
from reports.services.intake import submit_report

# What the sweep sent before issue 15: every pending message older than the grace, whether it
# was still in the broker or not. Counted at each sweep beside what the sweep sends now.
_OLD_RULE_GRACE = timedelta(seconds=10)


def _worker(queues: str, name: str, *, concurrency: int, log: Path, mail_dir: Path):
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hellomod",
            "worker",
            f"--queues={queues}",
            f"--hostname={name}@%h",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            # INFO: each task's outcome is logged, which is how runs are counted.
            "--loglevel=INFO",
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


_OUTCOME = re.compile(r"run_outbox_messages?\[[^\]]+\] succeeded in [\d.]+s: (.+)$", re.M)


def count_runs(*logs: str) -> tuple[int, int]:
    """(real, duplicate) message runs in workers' logs: a run that finds its message already
    done, or taken by another worker at that moment, is a duplicate."""
    real = duplicate = 0
    for text in logs:
        for found in _OUTCOME.findall(text):
            outcome = ast.literal_eval(found)
            counts = outcome if isinstance(outcome, dict) else {outcome: 1}
            for what, n in counts.items():
                if what == "skipped":
                    duplicate += n
                elif what in ("done", "retry", "dead"):
                    real += n
    return real, duplicate


def _backlog(seeded: Seeded, count: int, progress: Progress) -> list[int]:
    """`count` e-mails to members, each its own task on the ordinary queue, as a flood of
    single messages (the sweep's re-sends that issue 15 found) leaves them."""
    keys = queue_emails(
        seeded,
        count,
        progress,
        event="bench_backlog",
        subject="Your weekly practice summary",
        body="You practised 4 times this week.",
        together=False,
    )
    return list(OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("pk", flat=True))


def _lost(seeded: Seeded, count: int, skip: int) -> list[int]:
    """E-mails whose rows are pending but whose task is nowhere: half were handed over long
    ago (a broker that restarted empty), half never (a process that died before publishing)."""
    recipients = User.objects.filter(pk__gte=seeded.first_member).order_by("pk")
    keys = []
    # Publishing does nothing here: the message is lost between the commit and the broker.
    with mock.patch.object(outbox, "publish", lambda *args, **kwargs: True), transaction.atomic():
        for member in recipients[skip : skip + count]:
            keys += [
                f"deliver_notification:{row.pk}"
                for row in notify(
                    recipient=member,
                    event="bench_lost",
                    key=f"lost:{member.pk}",
                    subject="A message the broker lost",
                    body="It must still arrive, once.",
                    channels=["email"],
                )
            ]
    lost = list(OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("pk", flat=True))
    long_ago = timezone.now() - settings.OUTBOX_LOST_AFTER - timedelta(minutes=1)
    half = len(lost) // 2
    OutboxMessage.objects.filter(pk__in=lost[:half]).update(published_at=long_ago)
    OutboxMessage.objects.filter(pk__in=lost[half:]).update(published_at=None, created_at=long_ago)
    return lost


class _Sweeper(threading.Thread):
    """The beat's dispatch sweep, every `every` seconds, on its own connection."""

    def __init__(self, every: float) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.stopping = threading.Event()
        self.sweeps = self.sent = self.old_rule_would_send = 0

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                now = timezone.now()
                self.old_rule_would_send += OutboxMessage.objects.filter(
                    status=DeliveryStatus.PENDING,
                    available_at__lte=now,
                    created_at__lte=now - _OLD_RULE_GRACE,
                ).count()
                self.sent += outbox.dispatch_pending()
                self.sweeps += 1
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)


def _reporters(count: int) -> list[tuple[User, User]]:
    """A new reporter and a new subject for each emergency: each report opens a case of its own."""
    stamp = int(time.time())
    people = []
    for n in range(count):
        for role in ("reporter", "subject"):
            person = User(
                username=f"bench-emergency-{stamp}-{n}-{role}",
                display_name=f"Emergency {n} {role}",
                email=f"bench-emergency-{stamp}-{n}-{role}@hellomod.localhost",
                native_language="en",
            )
            person.set_unusable_password()
            people.append(person)
    made = User.objects.bulk_create(people)
    return list(zip(made[::2], made[1::2], strict=True))


def _due_and_pending():
    return OutboxMessage.objects.filter(
        status=DeliveryStatus.PENDING, available_at__lte=timezone.now()
    )


def emergencies(
    seeded: Seeded,
    *,
    backlog: int,
    count: int,
    lost: int,
    concurrency: int,
    sweep_seconds: float,
    progress: Progress,
) -> dict:
    from hellomod.celery import app

    app.control.purge()
    # What earlier phases left pending (intake's triage, which no worker ran) is not this
    # measurement's work, and its tasks went with the purge.
    OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).delete()
    hate = Category.objects.get(slug="hate-abuse")
    self_harm = Reason.objects.get(category=hate, slug="self-harm")
    people = _reporters(count)
    backlog_ids = _backlog(seeded, backlog, progress)
    lost_ids = _lost(seeded, lost, skip=backlog)
    ordinary, urgent = settings.CELERY_TASK_DEFAULT_QUEUE, settings.OUTBOX_URGENT_QUEUE
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    folder = Path(tempfile.mkdtemp(prefix="bench-lanes-"))
    logs = [folder / "ordinary.log", folder / "urgent.log"]
    mail = folder / "mail"
    # As the Procfile runs them: the ordinary worker takes urgent work too when it is free. The
    # urgent one starts first, so that the backlog is whole when the first emergency comes.
    lanes = [
        (urgent, 1, logs[1]),
        (f"{ordinary},{urgent}", concurrency, logs[0]),
    ]
    workers = []
    sweeper = _Sweeper(sweep_seconds)
    result: dict = {
        "backlog": len(backlog_ids),
        "lost": len(lost_ids),
        "sweep_seconds": sweep_seconds,
    }
    try:
        for queues, processes, log in lanes:
            workers.append(_worker(queues, log.stem, concurrency=processes, log=log, mail_dir=mail))
            _wait_for(
                lambda log=log: "ready." in log.read_text(errors="replace"),
                timeout=120,
                what=f"the {log.stem} worker",
            )
        started = time.monotonic()
        sweeper.start()
        seconds, waiting = [], []
        for n, (reporter, subject) in enumerate(people):
            waiting.append(broker.llen(ordinary))
            begun = time.perf_counter()
            report = submit_report(
                reporter=reporter,
                subject=subject,
                category=hate,
                reason=self_harm,
                description="She says she will hurt herself tonight.",
            )
            alerted = Notification.objects.filter(case_id=report.case_id, event="case_emergency")
            while not alerted.exists():
                if time.perf_counter() - begun > 120:
                    raise RuntimeError(f"no on-call alert for case {report.case_id} in 120 s")
                time.sleep(0.005)
            seconds.append(time.perf_counter() - begun)
            progress("emergencies", n + 1, count)
        deadline = time.monotonic() + 900
        backlog_left = OutboxMessage.objects.filter(
            pk__in=backlog_ids, status=DeliveryStatus.PENDING
        )
        drained = None
        while time.monotonic() < deadline:
            left = backlog_left.count()
            progress("backlog run", len(backlog_ids) - left, len(backlog_ids))
            if not left and drained is None:
                drained = time.monotonic() - started
            if drained is not None and not _due_and_pending().exists():
                break
            time.sleep(0.5)
        result["worker_memory"] = [peak_memory_mib(worker.pid) for worker in workers]
    finally:
        sweeper.stop()
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    real, duplicate = count_runs(*(log.read_text(errors="replace") for log in logs))
    shutil.rmtree(folder, ignore_errors=True)
    times = summary(seconds)
    result.update(
        {
            "emergencies": len(seconds),
            "waiting_min": min(waiting),
            "waiting_max": max(waiting),
            "p50_s": round(times["p50_ms"] / 1000, 3),
            "p95_s": round(times["p95_ms"] / 1000, 3),
            "max_s": round(times["max_ms"] / 1000, 3),
            "backlog_seconds": round(drained, 1) if drained is not None else None,
            "left_pending": _due_and_pending().count(),
            "lost_run": OutboxMessage.objects.filter(
                pk__in=lost_ids, status=DeliveryStatus.DONE
            ).count(),
            "sweeps": sweeper.sweeps,
            "sweep_sent": sweeper.sent,
            "old_rule_would_send": sweeper.old_rule_would_send,
            "real_runs": real,
            "duplicate_runs": duplicate,
            "duplicate_percent": round(100 * duplicate / real, 3) if real else None,
        }
    )
    return result
