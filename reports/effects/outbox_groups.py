"""Messages run several to a transaction: the outbox's batch tasks for topics that can share
their bookkeeping (e-mails), each message still run at most once to success."""

import logging
import time
from collections.abc import Callable
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.effects.outbox import _count_failure, mark_unpublished, run_message
from reports.models import DeliveryStatus, OutboxMessage

logger = logging.getLogger(__name__)


class Together:
    """How several messages of one topic run in one transaction (`handles_together`).

    One instance serves a batch (one task), so that what is costly to open, such as a connection
    to the mail server, is opened once; `close()` ends it. For each group of the batch, in the
    transaction that locked the group's messages: `lock(payloads)` reads and locks what they act
    on, in one go; `run(index)` makes one message's effect outside the database, and raises if
    it fails; `finish(indexes)` records in one go the effects of those that succeeded.
    """

    def lock(self, payloads: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def run(self, index: int) -> None:
        raise NotImplementedError

    def finish(self, indexes: list[int]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what the batch opened."""


# topic → how its messages run several at a time; its `handles` handler still runs one alone.
_together: dict[str, type[Together]] = {}


def handles_together(topic: str) -> Callable[[type[Together]], type[Together]]:
    """Register how a topic's messages run several at a time, beside its handler."""

    def register(runner: type[Together]) -> type[Together]:
        _together[topic] = runner
        return runner

    return register


# Messages per transaction when they run together.
GROUP_SIZE = 10


def run_messages(message_ids: list[int], *, seconds: float) -> dict[str, int]:
    """Run a batch of messages, each at most once; returns how many had each outcome.

    Messages of a topic registered with `handles_together` run in groups of GROUP_SIZE, one
    transaction each: one SELECT … FOR UPDATE SKIP LOCKED locks the group's pending messages,
    the topic reads and locks what they act on in one query, makes each message's effect (an
    e-mail, over one connection to the mail server for the whole batch), and records those that
    succeeded in one UPDATE, as one more UPDATE marks their messages done. A message that fails
    is counted on its own, with its own backoff, as `run_message` counts it; the others of its
    group are recorded all the same. The rest (other topics, and what a group did not take:
    done already, being run by another worker) runs one message at a time, as `run_message`.

    Why small groups, and the effect made inside the transaction: an e-mail leaves before the
    transaction that records it commits. The rows stay locked until then, so no other worker
    sends the same e-mail; should that commit fail (the database goes away, the worker is
    killed), the group's e-mails go again on the retry, as a single message's would. Ten
    messages bound that, and how long a slow mail server keeps a transaction open, while their
    bookkeeping costs 6 statements rather than 60.

    What the batch leaves (out of time after `seconds`, or the database failed) is marked
    unpublished: the broker no longer holds it, so the next sweep sends it.
    """
    outcomes: dict[str, int] = {}
    finished: set[int] = set()
    unsent: list[int] = []
    opened: dict[str, Together] = {}
    deadline = time.monotonic() + seconds

    def count(message_id: int, outcome: str) -> None:
        finished.add(message_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    try:
        for start in range(0, len(message_ids), GROUP_SIZE):
            group = message_ids[start : start + GROUP_SIZE]
            alone = group
            if _together and time.monotonic() <= deadline:
                try:
                    ran = _run_together(group, opened)
                except SoftTimeLimitExceeded:
                    raise
                except Exception:  # the database itself failed: leave the group to the sweep
                    logger.exception("outbox messages %s could not be run", group)
                    for message_id in group:
                        count(message_id, "error")
                    unsent += group
                    continue
                for message_id, outcome in ran.items():
                    count(message_id, outcome)
                alone = [message_id for message_id in group if message_id not in ran]
            for message_id in alone:
                if time.monotonic() > deadline:
                    break
                try:
                    outcome = run_message(message_id)
                except SoftTimeLimitExceeded:
                    raise
                except Exception:  # the database itself failed: leave this one to the sweep
                    logger.exception("outbox message %s could not be run", message_id)
                    outcome = "error"
                    unsent.append(message_id)
                count(message_id, outcome)
    except SoftTimeLimitExceeded:
        mark_unpublished(unsent + [pk for pk in message_ids if pk not in finished])
        raise
    finally:
        for together in opened.values():
            try:
                together.close()
            except Exception:
                logger.exception("closing what a batch of outbox messages opened failed")
    left = [pk for pk in message_ids if pk not in finished]
    if left:
        outcomes["left"] = len(left)
    if unsent or left:
        mark_unpublished(unsent + left)
    return outcomes


def _run_together(message_ids: list[int], opened: dict[str, Together]) -> dict[int, str]:
    """Run, in one transaction, the pending messages among these whose topic runs together;
    returns the outcome of each message it took. Raises SoftTimeLimitExceeded once what ran is
    recorded, when the task's time is up."""
    outcomes: dict[int, str] = {}
    stopped: SoftTimeLimitExceeded | None = None
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, status=DeliveryStatus.PENDING, topic__in=list(_together))
            .order_by("topic", "pk")
        )
        done: list[int] = []
        for start, message in enumerate(messages):
            if stopped is not None:
                break
            if start and messages[start - 1].topic == message.topic:
                continue
            of_topic = [m for m in messages[start:] if m.topic == message.topic]
            if message.topic not in opened:
                opened[message.topic] = _together[message.topic]()
            together = opened[message.topic]
            together.lock([m.payload for m in of_topic])
            succeeded: list[int] = []
            for index, each in enumerate(of_topic):
                if stopped is not None:
                    break
                try:
                    together.run(index)
                except SoftTimeLimitExceeded as exc:
                    stopped = exc
                    outcomes[each.pk] = _count_failure(each, exc)
                except Exception as exc:
                    outcomes[each.pk] = _count_failure(each, exc)
                    logger.exception("outbox message %s failed (%s)", each.pk, outcomes[each.pk])
                else:
                    succeeded.append(index)
            together.finish(succeeded)
            done += [of_topic[index].pk for index in succeeded]
        if done:
            OutboxMessage.objects.filter(pk__in=done).update(
                status=DeliveryStatus.DONE,
                attempts=F("attempts") + 1,
                processed_at=timezone.now(),
                last_error="",
            )
            outcomes.update(dict.fromkeys(done, "done"))
    if stopped is not None:
        raise stopped
    return outcomes
