"""Celery tasks: each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task

from reports.effects import notifications, outbox, outbox_groups
from reports.services import enforcement, escalation, figures, statements, sweeps


@shared_task(acks_late=True)
def run_outbox_message(message_id: int) -> str:
    return outbox.run_message(message_id)


# A batch stops after this long; what it did not reach stays pending for the dispatch sweep,
# well inside the task's time limits even when a mail server answers slowly.
BATCH_SECONDS = 60


@shared_task(acks_late=True)
def run_outbox_messages(message_ids: list[int]) -> dict[str, int]:
    """A batch of messages, each run at most once; e-mails several to a transaction."""
    return outbox_groups.run_messages(message_ids, seconds=BATCH_SECONDS)


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
