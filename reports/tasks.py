"""Celery tasks: each takes ids, calls a service, and is safe to run twice."""

import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from reports.effects import notifications, outbox
from reports.services import enforcement, escalation, figures, statements, sweeps


@shared_task(acks_late=True)
def run_outbox_message(message_id: int) -> str:
    return outbox.run_message(message_id)


logger = logging.getLogger(__name__)

# A batch stops after this long; what it did not reach stays pending for the dispatch sweep,
# well inside the task's time limits even when a mail server answers slowly.
BATCH_SECONDS = 60


@shared_task(acks_late=True)
def run_outbox_messages(message_ids: list[int]) -> dict[str, int]:
    """A batch of messages, each run in its own transaction, as run_outbox_message would.

    What the batch leaves (out of time, or the database failed) is marked unpublished: the
    broker no longer holds it, so the next sweep sends it.
    """
    outcomes: dict[str, int] = {}
    unsent: list[int] = []
    deadline = time.monotonic() + BATCH_SECONDS
    for index, message_id in enumerate(message_ids):
        if time.monotonic() > deadline:
            unsent += message_ids[index:]
            outcomes["left"] = len(message_ids) - index
            break
        try:
            outcome = outbox.run_message(message_id)
        except SoftTimeLimitExceeded:
            outbox.mark_unpublished(unsent + message_ids[index + 1 :])
            raise
        except Exception:  # the database itself failed: leave this one to the sweep, go on
            logger.exception("outbox message %s could not be run", message_id)
            outcome = "error"
            unsent.append(message_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if unsent:
        outbox.mark_unpublished(unsent)
    return outcomes


@shared_task
def dispatch_outbox() -> int:
    return outbox.dispatch_pending()


@shared_task
def escalate_overdue_cases() -> int:
    return escalation.escalate_overdue()


@shared_task
def release_expired_leases() -> int:
    return sweeps.release_expired_leases()


@shared_task
def lift_expired_enforcements() -> int:
    return enforcement.lift_expired_enforcements()


@shared_task
def purge_old_evidence() -> int:
    return sweeps.purge_old_evidence()


@shared_task
def send_queue_digests() -> int:
    return notifications.send_queue_digests()


@shared_task
def refresh_figures() -> int:
    """The dashboard's and the transparency report's daily figures: returns the days redone."""
    return len(figures.refresh_figures().days)


@shared_task
def queue_statements() -> int:
    return statements.queue_statements()


@shared_task
def submit_statements() -> dict[str, int]:
    return statements.submit_statements()
