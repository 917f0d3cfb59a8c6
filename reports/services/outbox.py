"""The transactional outbox: side effects recorded with the change that causes them."""

from typing import Any

from ..models import OutboxMessage


def enqueue(topic: str, *, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """Record a side effect to run once the current transaction commits.

    The key makes the row idempotent: enqueueing the same key twice keeps the first row.
    """
    message, _ = OutboxMessage.objects.get_or_create(
        idempotency_key=key, defaults={"topic": topic, "payload": payload}
    )
    return message
