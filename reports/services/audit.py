from typing import Any

from django.db import models

from reports.models import AuditEvent, Case, Category


def record_event(
    *,
    action: str,
    target: models.Model,
    actor: models.Model | None = None,
    actor_label: str = "",
    case: Case | None = None,
    category: Category | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of the change it records."""
    if actor is None and not actor_label:
        raise ValueError("an audit event needs a person (actor) or a job (actor_label)")
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label,
        case=case,
        category=category,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        before=before or {},
        after=after or {},
        message=message,
    )
