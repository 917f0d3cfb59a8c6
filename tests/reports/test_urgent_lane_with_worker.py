"""The urgent lane on real workers, a real Redis and real PostgreSQL: an emergency overtakes a
backlog of ordinary work, and the dispatch sweep sends again only what is lost."""

import re
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from accounts.models import TeamMembership
from hellomod.celery import app as celery_app
from reports.effects import outbox
from reports.models import (
    Case,
    DeliveryStatus,
    EscalationTier,
    Notification,
    OutboxMessage,
    Reason,
    Tier,
)
from reports.services.intake import submit_report
from tests.conftest import make_member, make_moderator, make_team
from tests.workers import RedisServer, Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

BACKLOG = 10_000
# Workers take a moment to start, and the ordinary one starts on the backlog at once.
HEADROOM = 1_000


def on_call_nurse(hate):
    team = make_team(hate, name="On call")
    EscalationTier.objects.filter(category=hate, tier=Tier.EMERGENCY).update(team=team)
    nurse = make_moderator(team=team, email="oncall@example.com")
    TeamMembership.objects.filter(user=nurse).update(is_on_call=True)
    return nurse


def fill_the_broker(count: int) -> list[int]:
    """`count` ordinary messages, written in one statement and each handed to the broker."""
    now = timezone.now()
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            topic="test_backlog", idempotency_key=f"backlog:{n}", payload={}, published_at=now
        )
        for n in range(count)
    )
    with celery_app.producer_or_acquire() as producer:
        for row in rows:
            celery_app.send_task(outbox.RUN_MESSAGE_TASK, args=[row.pk], producer=producer)
    return [row.pk for row in rows]


def test_a_self_harm_report_overtakes_ten_thousand_messages_waiting_in_the_broker(
    hate, tmp_path, monkeypatch, settings
):
    nurse = on_call_nurse(hate)
    self_harm = Reason.objects.get(category=hate, slug="self-harm")
    broker = RedisServer()
    worker = None
    try:
        # This test's broker, which no other worker reads: it is full before its workers start.
        monkeypatch.setenv("CELERY_BROKER_URL", broker.url)
        monkeypatch.setitem(celery_app.conf, "broker_url", broker.url)
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
        fill_the_broker(BACKLOG + HEADROOM)
        worker = Worker(broker_url=broker.url, mail_dir=tmp_path / "mail", log=tmp_path / "w.log")
        queue = redis.Redis.from_url(broker.url)
        waiting = queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
        assert waiting >= BACKLOG

        started = time.monotonic()
        report = submit_report(
            reporter=make_member(),
            subject=make_member(),
            category=hate,
            reason=self_harm,
            description="He says he will end it tonight.",
        )
        alert = wait_for(
            lambda: Notification.objects.filter(recipient=nurse, event="case_emergency").first(),
            timeout=5,
            what="the on-call alert",
        )
        seconds = time.monotonic() - started

        assert seconds <= 5
        assert str(report.case_id) in alert.subject
        assert Case.objects.get(pk=report.case_id).tier == Tier.EMERGENCY
        still_waiting = OutboxMessage.objects.filter(
            topic="test_backlog", status=DeliveryStatus.PENDING
        ).count()
        assert still_waiting >= BACKLOG // 2, f"{still_waiting} of the backlog still waiting"
        # The nurse's e-mail travels on the urgent queue too.
        wait_for(
            lambda: any("oncall@example.com" in p.read_text() for p in worker_mails(tmp_path)),
            timeout=5,
            what="the on-call e-mail",
        )
        print(f"alert written {seconds:.2f} s after the report, {waiting:,} messages waiting")
    finally:
        if worker:
            worker.stop()
        broker.stop()
        # What the workers left went with this test's broker: nothing for the next test to await.
        OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.DONE
        )


def worker_mails(tmp_path):
    folder = tmp_path / "mail"
    return list(folder.glob("*.log")) if folder.exists() else []


def outcomes(logs, offsets) -> list[str]:
    """What each task the workers ran since the offsets returned ('done', 'skipped' …)."""
    found = []
    for path, offset in zip(logs, offsets, strict=True):
        text = path.read_bytes()[offset:].decode(errors="replace")
        found += re.findall(r"run_outbox_message\[[^\]]+\] succeeded in [\d.]+s: '(\w+)'", text)
    return found


def test_the_sweep_sends_again_what_is_lost_and_never_what_is_in_the_broker_or_running(
    celery_worker, tmp_path, settings
):
    settings.OUTBOX_GRACE = timedelta(0)
    logs = [celery_worker.log, celery_worker.urgent_log]
    offsets = [path.stat().st_size for path in logs]
    long_ago = timezone.now() - timedelta(hours=2)

    def lost(key: str, *, published_at, urgent: bool = False) -> OutboxMessage:
        return OutboxMessage.objects.create(
            topic="test_backlog",
            idempotency_key=key,
            payload={},
            urgent=urgent,
            published_at=published_at,
        )

    # Running: its row is locked by the worker, though it was handed over long ago.
    marker = tmp_path / "started"
    running = OutboxMessage.objects.create(
        topic="test_slow_effect",
        idempotency_key="slow",
        payload={"marker": str(marker), "seconds": 3, "label": "slow"},
        published_at=long_ago,
    )
    assert outbox.publish(running.pk)
    wait_for(marker.exists, what="the slow message to start")
    # Waiting in the broker: behind the running one, for the only ordinary worker.
    waiting = outbox.enqueue("test_backlog", key="waiting", payload={})
    # Lost: handed over long ago and not in the broker; never handed over; urgent and lost.
    gone = lost("gone", published_at=long_ago)
    never = lost("never", published_at=None)
    urgent = lost("urgent", published_at=timezone.now() - timedelta(minutes=5), urgent=True)

    assert outbox.dispatch_pending() == 3
    assert outbox.dispatch_pending() == 0

    # The urgent one is run on its own lane while the ordinary worker is still busy.
    wait_for(
        lambda: OutboxMessage.objects.filter(pk=urgent.pk, status=DeliveryStatus.DONE).exists(),
        timeout=5,
        what="the urgent lost message",
    )
    assert OutboxMessage.objects.get(pk=running.pk).status == DeliveryStatus.PENDING
    every = [running, waiting, gone, never, urgent]
    wait_for(
        lambda: (
            not OutboxMessage.objects.filter(
                pk__in=[m.pk for m in every], status=DeliveryStatus.PENDING
            ).exists()
        ),
        what="every message to be run",
    )
    # Each ran once: no task found its message already done.
    wait_for(lambda: len(outcomes(logs, offsets)) >= 5, what="the workers' logs")
    time.sleep(0.5)
    assert sorted(outcomes(logs, offsets)) == ["done"] * 5
