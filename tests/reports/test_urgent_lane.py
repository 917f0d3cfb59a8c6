"""Lives at risk travel on a lane of their own; the dispatch sweep sends again only what is lost.

What reaches Celery is recorded in place of the broker (`sent`); the real worker and broker are
in test_urgent_lane_with_worker.py.
"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import TeamMembership
from reports import tasks
from reports.effects import outbox
from reports.models import (
    Case,
    DeliveryStatus,
    EscalationTier,
    OutboxMessage,
    Reason,
    Tier,
)
from reports.models.choices import EscalationCause
from reports.services.escalation import escalate
from reports.services.intake import submit_report
from reports.services.triage import triage_case
from tests.concurrency import run_at_once
from tests.conftest import make_member, make_moderator, make_team
from tests.test_settings import LOAD, run

URGENT = "urgent"
ORDINARY = "ordinary"


class Broker:
    """Stands in for Celery: what was handed over, on which queue; or refuses, when down."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, object, str]] = []
        self.down = False
        self._lock = threading.Lock()

    def send_task(self, name, *, args, retry, queue=None, **options):
        if self.down:
            raise ConnectionError("the broker is down")
        with self._lock:
            self.tasks.append((name.rsplit(".", 1)[1], args[0], URGENT if queue else ORDINARY))

    def messages(self) -> list[tuple[int, str]]:
        """Each message handed over, with its queue, in order (batches opened)."""
        out = []
        for _name, argument, queue in self.tasks:
            for message_id in argument if isinstance(argument, list) else [argument]:
                out.append((message_id, queue))
        return out


@pytest.fixture
def sent(monkeypatch) -> Broker:
    broker = Broker()
    monkeypatch.setattr(outbox.celery_app, "send_task", broker.send_task)
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    return broker


@pytest.fixture
def self_harm(hate) -> Reason:
    return Reason.objects.get(category=hate, slug="self-harm")


@pytest.fixture
def on_call(hate):
    team = make_team(hate, name="On call")
    EscalationTier.objects.filter(category=hate, tier=Tier.EMERGENCY).update(team=team)
    nurse = make_moderator(team=team, email="oncall@example.com")
    TeamMembership.objects.filter(user=nurse).update(is_on_call=True)
    return nurse


def message(
    *, published_ago: timedelta | None, urgent: bool = False, key: str = ""
) -> OutboxMessage:
    """A pending message handed to the broker that long ago (None: never)."""
    now = timezone.now()
    row = OutboxMessage.objects.create(
        topic="test_noop",
        idempotency_key=key or f"noop:{OutboxMessage.objects.count()}:{urgent}",
        payload={},
        urgent=urgent,
        published_at=None if published_ago is None else now - published_ago,
    )
    # Older than the sweep's grace, which only young messages get.
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=now - timedelta(hours=3))
    return row


# --- what is urgent -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_self_harm_report_is_triaged_on_the_urgent_queue_apart_from_its_receipt(
    hate, self_harm, member, reporter, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(reporter=reporter, subject=member, category=hate, reason=self_harm)

    triage = OutboxMessage.objects.get(topic="triage_case")
    receipt = OutboxMessage.objects.get(topic="notify_report_received")
    assert (triage.urgent, receipt.urgent) == (True, False)
    assert triage.published_at is not None and receipt.published_at is not None
    # The triage does not wait in a batch behind the receipt: a task of its own, first.
    assert sent.tasks == [
        ("run_outbox_message", triage.pk, URGENT),
        ("run_outbox_messages", [receipt.pk], ORDINARY),
    ]


@pytest.mark.django_db
def test_a_spam_report_is_triaged_with_ordinary_work(
    spam, member, reporter, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(reporter=reporter, subject=member, category=spam)

    assert not OutboxMessage.objects.filter(urgent=True).exists()
    triage = OutboxMessage.objects.get(topic="triage_case")
    receipt = OutboxMessage.objects.get(topic="notify_report_received")
    assert sent.tasks == [("run_outbox_messages", [triage.pk, receipt.pk], ORDINARY)]


@pytest.mark.django_db
def test_the_on_call_alert_of_an_emergency_is_urgent_and_a_seniors_alert_is_not(
    hate, spam, self_harm, member, reporter, on_call, sent, django_capture_on_commit_callbacks
):
    report = submit_report(reporter=reporter, subject=member, category=hate, reason=self_harm)
    with django_capture_on_commit_callbacks(execute=True):
        triage_case(case_id=report.case_id, report_id=report.pk)

    assert Case.objects.get(pk=report.case_id).tier == Tier.EMERGENCY
    alert = on_call.notifications.get(event="case_emergency", channel="email")
    email = OutboxMessage.objects.get(payload__notification_id=alert.pk)
    assert email.urgent
    assert (email.pk, URGENT) in sent.messages()

    seniors = make_team(spam, name="Seniors")
    EscalationTier.objects.filter(category=spam, tier=Tier.SENIOR).update(team=seniors)
    senior = make_moderator(role="Senior moderator", team=seniors)
    spam_case = submit_report(reporter=make_member(), subject=make_member(), category=spam).case
    escalate(spam_case, to_tier=Tier.SENIOR, cause=EscalationCause.MODERATOR, actor_label="test")
    alert = senior.notifications.get(channel="email")
    assert not OutboxMessage.objects.get(payload__notification_id=alert.pk).urgent


# --- the dispatch sweep -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_leaves_what_is_waiting_in_the_broker(sent):
    waiting = message(published_ago=timedelta(0))
    urgent = message(published_ago=timedelta(0), urgent=True)

    assert outbox.dispatch_pending() == 0
    just_inside = min(settings.OUTBOX_URGENT_LOST_AFTER, settings.OUTBOX_LOST_AFTER)
    with time_machine.travel(timezone.now() + just_inside - timedelta(seconds=5), tick=False):
        assert outbox.dispatch_pending() == 0
    with time_machine.travel(timezone.now() + settings.OUTBOX_URGENT_LOST_AFTER * 2, tick=False):
        assert outbox.dispatch_pending() == 1  # only the urgent one counts as lost by then
    assert sent.messages() == [(urgent.pk, URGENT)]
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_the_sweep_sends_what_is_lost_once_and_urgent_first_on_its_queue(sent):
    long_ago = message(published_ago=settings.OUTBOX_LOST_AFTER + timedelta(minutes=1))
    never = message(published_ago=None)
    urgent_lost = message(
        published_ago=settings.OUTBOX_URGENT_LOST_AFTER + timedelta(seconds=5), urgent=True
    )
    still_waiting = message(published_ago=settings.OUTBOX_URGENT_LOST_AFTER * 2)
    done = message(published_ago=None)
    OutboxMessage.objects.filter(pk=done.pk).update(status=DeliveryStatus.DONE)

    assert outbox.dispatch_pending() == 3
    assert sent.messages()[0] == (urgent_lost.pk, URGENT)
    assert sorted(sent.messages()) == sorted(
        [(urgent_lost.pk, URGENT), (long_ago.pk, ORDINARY), (never.pk, ORDINARY)]
    )
    # Handed over now: the next sweep leaves them to the broker.
    assert outbox.dispatch_pending() == 0
    assert len(sent.tasks) == 3
    long_ago.refresh_from_db()
    assert timezone.now() - long_ago.published_at < timedelta(seconds=30)
    assert still_waiting.pk not in [pk for pk, _ in sent.messages()]


@pytest.mark.django_db
def test_a_publish_that_fails_is_taken_back_and_the_next_sweep_sends_it(
    spam, member, reporter, sent, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_GRACE = timedelta(0)
    sent.down = True
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(reporter=reporter, subject=member, category=spam)
    assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    sent.down = False
    outbox._broker_down_until = 0.0
    assert outbox.dispatch_pending() == 2
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_sweep_that_meets_the_broker_down_keeps_the_rest_for_the_next(sent):
    lost = [message(published_ago=None) for _ in range(3)]
    sent.down = True

    assert outbox.dispatch_pending() == 0
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 3

    sent.down = False
    outbox._broker_down_until = 0.0
    assert outbox.dispatch_pending() == 3
    assert sorted(pk for pk, _ in sent.messages()) == sorted(m.pk for m in lost)


@pytest.mark.django_db
def test_a_failed_run_is_sent_again_when_its_retry_is_due(sent, monkeypatch):
    def failing(**payload):
        raise RuntimeError("the mail server went away")

    monkeypatch.setitem(outbox._handlers, "test_noop", failing)
    failed = message(published_ago=timedelta(0))

    assert outbox.run_message(failed.pk) == "retry"
    failed.refresh_from_db()
    assert failed.published_at is None  # its task is over: nothing of it is in the broker
    assert outbox.dispatch_pending() == 0  # not before its backoff
    with time_machine.travel(failed.available_at + timedelta(seconds=1), tick=False):
        assert outbox.dispatch_pending() == 1
    assert sent.messages() == [(failed.pk, ORDINARY)]


@pytest.mark.django_db
def test_a_delayed_message_is_sent_by_the_sweep_once_due(sent):
    later = timezone.now() + timedelta(minutes=5)
    delayed = outbox.enqueue("test_noop", key="later", payload={}, not_before=later)

    assert delayed.published_at is None
    assert outbox.dispatch_pending() == 0
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        assert outbox.dispatch_pending() == 1
        assert outbox.dispatch_pending() == 0


@pytest.mark.django_db
def test_what_a_batch_had_no_time_for_is_left_to_the_next_sweep(sent, monkeypatch):
    monkeypatch.setitem(outbox._handlers, "test_noop", lambda **payload: None)
    batch = [message(published_ago=timedelta(0)) for _ in range(3)]
    monkeypatch.setattr(tasks, "BATCH_SECONDS", -1)

    assert tasks.run_outbox_messages([m.pk for m in batch]) == {"left": 3}
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 3
    assert outbox.dispatch_pending() == 3


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_lost_message_once(sent, monkeypatch):
    handed: list[int] = []
    monkeypatch.setattr(  # the suite keeps tests without a worker off the broker; not this one
        outbox, "publish", lambda message_id, urgent=False: handed.append(message_id) or True
    )
    lost = [message(published_ago=None, key=f"lost-{n}") for n in range(60)]

    sent_by_each = run_at_once(lambda _: outbox.dispatch_pending(limit=40), range(2))

    assert sum(sent_by_each) == 60
    assert sorted(handed) == sorted(m.pk for m in lost)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_passes_over_a_message_being_run(sent, monkeypatch):
    monkeypatch.setattr(outbox, "publish", lambda message_id, urgent=False: True)
    running = message(published_ago=settings.OUTBOX_LOST_AFTER * 2, key="running")
    locked, release = threading.Event(), threading.Event()

    def run_it():
        try:
            with transaction.atomic():
                outbox._lock_pending(running.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    worker = threading.Thread(target=run_it)
    worker.start()
    try:
        assert locked.wait(timeout=10)
        assert outbox.dispatch_pending() == 0
    finally:
        release.set()
        worker.join(timeout=30)
    assert outbox.dispatch_pending() == 1  # once the run let go without finishing it


def test_the_beat_runs_the_sweep_on_the_urgent_lane():
    """A lost emergency is sent again within a sweep, not once the ordinary backlog is done."""
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-outbox"]
    route = outbox.celery_app.amqp.router.route(dict(entry["options"]), entry["task"])

    assert route["queue"].name == settings.OUTBOX_URGENT_QUEUE


# --- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"OUTBOX_LOST_AFTER_SECONDS": "soon"}, "OUTBOX_LOST_AFTER_SECONDS must be a whole number"),
        ({"OUTBOX_LOST_AFTER_SECONDS": "30"}, "OUTBOX_LOST_AFTER_SECONDS must be at least 120"),
        (
            {"OUTBOX_URGENT_LOST_AFTER_SECONDS": "1"},
            "OUTBOX_URGENT_LOST_AFTER_SECONDS must be at least 10",
        ),
        (
            {"OUTBOX_LOST_AFTER_SECONDS": "300", "OUTBOX_URGENT_LOST_AFTER_SECONDS": "600"},
            "must not be longer than OUTBOX_LOST_AFTER_SECONDS",
        ),
    ],
)
def test_a_bad_lost_after_window_stops_the_start(env, expected):
    result = run(LOAD, DEBUG="1", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert expected in result.stderr
