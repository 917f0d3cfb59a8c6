"""The audit trail's one writer: every AuditEvent row is inserted by `record_events`.

Each change writes its events in its own transaction, so the trail never tells of a change that
was rolled back, nor misses one that was kept.
"""

from collections.abc import Sequence
from typing import Any

from django.db import models

from reports.models import AuditAction, AuditEvent, Case, Category


def audit_event(
    *,
    action: AuditAction,
    target: models.Model | tuple[str, int],
    actor: models.Model | None = None,
    actor_label: str = "",
    case: Case | int | None = None,
    category: Category | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEvent:
    """One event, not yet written; `target` is a row, or (model name, id) when only ids are at hand.

    A person (`actor`) or a job (`actor_label`, "job:…") did it; an event with neither is a bug.
    """
    if actor is None and not actor_label:
        raise ValueError("an audit event needs a person (actor) or a job (actor_label)")
    if isinstance(target, models.Model):
        target_type, target_id = target._meta.model_name, target.pk
    else:
        target_type, target_id = target
    return AuditEvent(
        action=AuditAction(action),
        actor=actor,
        actor_label=actor_label,
        case_id=case.pk if isinstance(case, Case) else case,
        category=category,
        target_type=target_type,
        target_id=str(target_id),
        before=before or {},
        after=after or {},
        message=message,
    )


def record_events(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """Write events in one INSERT; call it inside the transaction of the change they record."""
    return AuditEvent.objects.bulk_create(events) if events else []


def record_event(**event: Any) -> AuditEvent:
    """Write one event (the arguments of `audit_event`)."""
    return record_events([audit_event(**event)])[0]
