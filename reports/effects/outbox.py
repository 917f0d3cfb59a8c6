"""The transactional outbox: side effects recorded with the change that causes them.

A change writes an OutboxMessage in its own transaction. Once that commits, the message is sent
to Celery at once; if that fails (the broker is down, the process dies between commit and
publish) the beat sweep `dispatch_pending` sends it again later. Whoever runs a message first
locks its row, runs its handler and marks it done in one transaction, so a message delivered
twice runs once.

A message records when it was handed to the broker (`published_at`), so that the sweep sends
again only what is lost, never what is still waiting in the broker or running. Urgent messages
(a life may be at risk) travel on a queue of their own, which a worker of its own serves.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from hellomod.celery import app as celery_app
from reports.models import DeliveryStatus, OutboxMessage

logger = logging.getLogger(__name__)

# topic → handler(**payload); filled by `@handles` in the modules that own each topic.
_handlers: dict[str, Callable[..., Any]] = {}


# topic → what to record when a message of that topic gives up (e.g. mark its e-mail dead).
_on_dead: dict[str, Callable[..., Any]] = {}


def handles(
    topic: str, *, on_dead: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the handler of a topic; `on_dead(error=..., attempts=..., **payload)` runs, in
    the same transaction, when a message of the topic is marked dead."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        _handlers[topic] = handler
        if on_dead is not None:
            _on_dead[topic] = on_dead
        return handler

    return register


def enqueue(
    topic: str,
    *,
    key: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
    urgent: bool = False,
) -> OutboxMessage:
    """Record a side effect to run once the current transaction commits (or at `not_before`).

    The key makes the row idempotent: enqueueing the same key twice keeps the first row. A
    delayed message is left to the beat sweep, which sends it once it is due. An urgent one
    goes on the urgent queue, on its own even inside `batched()`.
    """
    # Written as published in the same INSERT, rather than by an UPDATE after the publish: a
    # round trip saved on every request; a publish that fails takes it back (`publish`).
    published_at = timezone.now() if not_before is None else None
    if transaction.get_connection().features.can_return_columns_from_insert:
        message = _insert_new(
            topic=topic,
            key=key,
            payload=payload,
            available_at=not_before,
            urgent=urgent,
            published_at=published_at,
        )
        if message is None:
            return OutboxMessage.objects.get(idempotency_key=key)
    else:  # SQLite before 3.35 has no RETURNING
        defaults: dict[str, Any] = {
            "topic": topic,
            "payload": payload,
            "urgent": urgent,
            "published_at": published_at,
        }
        if not_before is not None:
            defaults["available_at"] = not_before
        message, created = OutboxMessage.objects.get_or_create(
            idempotency_key=key, defaults=defaults
        )
        if not created:
            return message
    if not_before is None:
        collected = getattr(_collecting, "ids", None)
        if urgent:
            transaction.on_commit(lambda: publish(message.pk, urgent=True))
        elif collected is not None:
            collected.append(message.pk)
        else:
            transaction.on_commit(lambda: publish(message.pk))
    return message


def _insert_new(
    *,
    topic: str,
    key: str,
    payload: dict[str, Any],
    available_at: datetime | None,
    urgent: bool,
    published_at: datetime | None,
) -> OutboxMessage | None:
    """Insert the message unless its key exists; None when it does.

    One INSERT … ON CONFLICT DO NOTHING (PostgreSQL and SQLite alike) where get_or_create
    would take four statements (a SELECT, then a savepoint around the INSERT): every report
    writes two messages, so this is on intake's hot path.
    """
    now = timezone.now()
    message = OutboxMessage(
        topic=topic,
        payload=payload,
        idempotency_key=key,
        status=DeliveryStatus.PENDING,
        available_at=available_at or now,
        created_at=now,
        urgent=urgent,
        published_at=published_at,
    )
    connection = transaction.get_connection()
    meta = OutboxMessage._meta
    columns = ["topic", "payload", "idempotency_key", "status", "attempts", "last_error"]
    columns += ["available_at", "created_at", "urgent", "published_at"]
    values = [
        meta.get_field(name).get_db_prep_save(getattr(message, name), connection)
        for name in columns
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({quote('idempotency_key')}) DO NOTHING RETURNING {quote('id')}",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    message.pk = row[0]
    message._state.adding = False
    message._state.db = connection.alias
    return message


@dataclass(frozen=True)
class Message:
    """One side effect for `enqueue_many`: the arguments of `enqueue`."""

    topic: str
    key: str
    payload: dict[str, Any]
    not_before: datetime | None = None
    urgent: bool = False


def enqueue_many(messages: Sequence[Message]) -> list[OutboxMessage]:
    """Record several side effects in one INSERT; returns the rows it wrote.

    As `enqueue` for each, inside `batched()`: a key that exists keeps its row (and is not
    returned), a delayed message waits for the sweep, an urgent one is published on its own on
    the urgent queue, and the others are published together once the transaction commits.
    """
    if not messages:
        return []
    if not transaction.get_connection().features.can_return_columns_from_insert:
        # SQLite before 3.35 has no RETURNING: one message at a time.
        with batched():
            written = [
                enqueue(
                    m.topic, key=m.key, payload=m.payload, not_before=m.not_before, urgent=m.urgent
                )
                for m in messages
            ]
        return written
    written = _insert_many(messages)
    with batched():
        collected = _collecting.ids
        for message in written:
            if message.published_at is None:  # delayed: the sweep sends it when due
                continue
            if message.urgent:
                transaction.on_commit(lambda pk=message.pk: publish(pk, urgent=True))
            else:
                collected.append(message.pk)
    return written


def _insert_many(messages: Sequence[Message]) -> list[OutboxMessage]:
    """One INSERT … ON CONFLICT DO NOTHING of all the messages; the rows it wrote, in order."""
    now = timezone.now()
    rows: dict[str, OutboxMessage] = {}
    for m in messages:
        rows.setdefault(
            m.key,
            OutboxMessage(
                topic=m.topic,
                payload=m.payload,
                idempotency_key=m.key,
                status=DeliveryStatus.PENDING,
                available_at=m.not_before or now,
                created_at=now,
                urgent=m.urgent,
                # Written as published, as `enqueue` does; a failed publish takes it back.
                published_at=now if m.not_before is None else None,
            ),
        )
    connection = transaction.get_connection()
    meta = OutboxMessage._meta
    columns = ["topic", "payload", "idempotency_key", "status", "attempts", "last_error"]
    columns += ["available_at", "created_at", "urgent", "published_at"]
    values = [
        meta.get_field(name).get_db_prep_save(getattr(row, name), connection)
        for row in rows.values()
        for name in columns
    ]
    quote = connection.ops.quote_name
    one = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES {', '.join([one] * len(rows))} "
            f"ON CONFLICT ({quote('idempotency_key')}) DO NOTHING "
            f"RETURNING {quote('id')}, {quote('idempotency_key')}",
            values,
        )
        ids = {key: pk for pk, key in cursor.fetchall()}
    written = []
    for key, row in rows.items():
        if key in ids:
            row.pk = ids[key]
            row._state.adding = False
            row._state.db = connection.alias
            written.append(row)
    return written


# Messages per Celery task when they are published together.
BATCH_SIZE = 50
_collecting = threading.local()


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Publish the messages enqueued inside this block together, BATCH_SIZE per task.

    For code that writes many messages at once (a sweep's alerts, a decision's notices to every
    reporter): one task per batch costs the broker and the worker a fraction of one per message.
    Use it inside the transaction that writes the messages; they are published when it commits.
    Urgent messages are published one by one on their own queue: none waits in a batch.
    """
    outer = getattr(_collecting, "ids", None)
    if outer is not None:  # already collecting: the outermost block publishes
        yield
        return
    ids: list[int] = []
    _collecting.ids = ids
    try:
        yield
    finally:
        _collecting.ids = None
        # Also when the block raised: what it committed before is published now, and the ids
        # of rows that rolled back only come back "skipped".
        if ids:
            transaction.on_commit(lambda: publish_many(ids))


# After a failed publish, requests stop trying for a few seconds: with the broker down, each
# attempt would otherwise make a member wait for a connection timeout.
BROKER_PAUSE_SECONDS = 5.0
_broker_down_until = 0.0


# The tasks that run messages, by name: the task module imports this one, not the other way.
RUN_MESSAGE_TASK = "reports.tasks.run_outbox_message"
RUN_MESSAGES_TASK = "reports.tasks.run_outbox_messages"


def _send(task_name: str, argument, what: str, *, urgent: bool = False) -> bool:
    """Hand one task to Celery; False when the broker cannot take it now (the sweep will)."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    options = dict(settings.OUTBOX_PUBLISH_OPTIONS)
    if urgent:
        options["queue"] = settings.OUTBOX_URGENT_QUEUE
    try:
        celery_app.send_task(task_name, args=[argument], retry=False, **options)
    except Exception as exc:  # the broker is the outside world here: never fail the request
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("%s not published now (%s); the sweep will", what, exc)
        return False
    return True


def publish(message_id: int, *, urgent: bool = False) -> bool:
    """Hand a message to Celery, on the urgent queue if it is urgent; False when the broker
    cannot take it now (the sweep will).

    The caller has recorded the message as published (enqueue's INSERT, the sweep's claim);
    a publish that fails marks it unpublished again, for the next sweep.
    """
    if _send(RUN_MESSAGE_TASK, message_id, f"outbox message {message_id}", urgent=urgent):
        return True
    mark_unpublished([message_id])
    return False


def publish_many(message_ids: list[int]) -> int:
    """Hand messages to Celery in batches; returns how many were handed over."""
    sent = 0
    for start in range(0, len(message_ids), BATCH_SIZE):
        chunk = message_ids[start : start + BATCH_SIZE]
        if not _send(RUN_MESSAGES_TASK, chunk, f"{len(chunk)} outbox messages"):
            mark_unpublished(message_ids[start:])
            break
        sent += len(chunk)
    return sent


def mark_unpublished(message_ids: list[int]) -> None:
    """Nothing of these messages is in the broker any more: the next sweep sends them."""
    try:
        OutboxMessage.objects.filter(pk__in=message_ids, status=DeliveryStatus.PENDING).update(
            published_at=None
        )
    except DatabaseError:
        # After a commit this must not fail the request; they then count as lost in time.
        logger.exception("outbox messages %s could not be marked unpublished", message_ids)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min … capped at an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def run_message(message_id: int) -> str:
    """Run one outbox message at most once; returns what happened, for logs and tests.

    The handler's writes and the message's "done" commit together. When the handler fails, all
    of it rolls back and the failure is recorded in a transaction of its own: no savepoint
    around every handler, which would cost two more round trips per message.
    """
    try:
        with transaction.atomic():
            message = _lock_pending(message_id)
            if message is None:
                return "skipped"  # done already, dead, or being run by another worker right now
            handler = _handlers.get(message.topic)
            if handler is None:
                raise LookupError(f"no handler for topic {message.topic!r}")
            handler(**message.payload)
            message.attempts += 1
            message.status = DeliveryStatus.DONE
            message.processed_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "status", "processed_at", "last_error"])
            return "done"
    except SoftTimeLimitExceeded as exc:
        # Counted like any failure, so that a message that always runs too long ends dead; then
        # the task stops, inside the minute its hard limit leaves.
        _record_failure(message_id, exc)
        raise
    except Exception as exc:
        outcome = _record_failure(message_id, exc)
        logger.exception("outbox message %s failed (%s)", message_id, outcome)
        return outcome


def _lock_pending(message_id: int, *, wait: bool = False) -> OutboxMessage | None:
    return (
        OutboxMessage.objects.select_for_update(skip_locked=not wait)
        .filter(pk=message_id, status=DeliveryStatus.PENDING)
        .first()
    )


def _record_failure(message_id: int, exc: BaseException) -> str:
    """Count a failed run: later retry with backoff, or dead after OUTBOX_MAX_ATTEMPTS.

    The failed run's lock went with its rollback. If another worker took the message in that
    moment, this waits for it: a run that succeeded leaves nothing to record, one that failed
    is counted too.
    """
    with transaction.atomic():
        message = _lock_pending(message_id, wait=True)
        if message is None:
            return "skipped"  # another worker ran it in the meantime
        return _count_failure(message, exc)


def _count_failure(message: OutboxMessage, exc: BaseException) -> str:
    """Count a failed run of a message locked by the caller's transaction."""
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    message.published_at = None  # its task is over: the sweep sends the retry when due
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status = DeliveryStatus.DEAD
        message.processed_at = timezone.now()
        _mark_dead(message)
    else:
        message.available_at = timezone.now() + backoff(message.attempts)
    message.save(
        update_fields=[
            "attempts",
            "last_error",
            "status",
            "processed_at",
            "available_at",
            "published_at",
        ]
    )
    return "dead" if message.status == DeliveryStatus.DEAD else "retry"


def _mark_dead(message: OutboxMessage) -> None:
    """Let the topic record its dead message; the message is dead even if that fails."""
    on_dead = _on_dead.get(message.topic)
    if on_dead is None:
        return
    try:
        with transaction.atomic():
            on_dead(error=message.last_error, attempts=message.attempts, **message.payload)
    except Exception:
        logger.exception("recording dead outbox message %s (%s) failed", message.pk, message.topic)


# --- Several messages of a topic at a time ---------------------------------------------------


def dispatch_pending(*, limit: int = 500) -> int:
    """Send again the pending messages that are due and lost; returns how many were sent.

    Lost: never handed to the broker (its publish failed, it was delayed, its last run failed
    and its retry is due), or handed over longer ago than OUTBOX_LOST_AFTER (urgent ones:
    OUTBOX_URGENT_LOST_AFTER). Anything else is waiting in the broker or running, and sending
    it again would only make a duplicate task; a message being run holds its row lock, which
    SKIP LOCKED passes over. The claim marks the messages published in the transaction that
    locked them, so two sweeps at once never send the same message twice. A message is left
    OUTBOX_GRACE after it was written: a publish that failed at commit is not retried at once.
    """
    now = timezone.now()
    lost = (
        Q(published_at__isnull=True, created_at__lte=now - settings.OUTBOX_GRACE)
        | Q(urgent=False, published_at__lte=now - settings.OUTBOX_LOST_AFTER)
        | Q(urgent=True, published_at__lte=now - settings.OUTBOX_URGENT_LOST_AFTER)
    )
    due = Q(status=DeliveryStatus.PENDING, available_at__lte=now) & lost
    with transaction.atomic():
        claimed = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("-urgent", "available_at")
            .values_list("pk", "urgent")[:limit]
        )
        OutboxMessage.objects.filter(due, pk__in=[pk for pk, _ in claimed]).update(published_at=now)
    # One task per message: these are mostly retries, the slow ones (a mail server or a
    # webhook that timed out), and each should only hold up itself.
    for index, (pk, urgent) in enumerate(claimed):
        if not (publish(pk, urgent=True) if urgent else publish(pk)):
            # The broker is away: the rest are not tried now, and stay for the next sweep.
            mark_unpublished([pk for pk, _ in claimed[index + 1 :]])
            return index
    return len(claimed)
