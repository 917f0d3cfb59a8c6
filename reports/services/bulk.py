"""Bulk decisions: one decision applied to many cases of a queue, such as a spam wave.

Starting one validates the decision and writes one outbox message per chunk of cases. Each
chunk runs in its own transaction through the same `decide` as a single case, and moves the
counters the moderator watches.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import BulkDecision, Category, DecisionAction, Reason
from ..models.choices import TIMED_ACTIONS
from ..permissions import moderated_categories, visible_cases
from .audit import record_event
from .decisions import MAX_DURATION, CaseUnavailable, decide
from .outbox import enqueue, handles

CHUNK = 25
MAX_CASES = 1000


@transaction.atomic
def start_bulk_decision(
    *,
    moderator: User,
    category: Category,
    case_ids: list[int],
    action: str,
    duration: timedelta | None = None,
    reason: Reason | None = None,
    facts: str = "",
) -> BulkDecision:
    if not moderated_categories(moderator).filter(pk=category.pk).exists():
        raise PermissionDenied("This queue belongs to another team.")
    case_ids = sorted(set(case_ids))
    errors: dict[str, list[str]] = {}
    if not case_ids:
        errors["cases"] = [_("Select at least one case.")]
    elif len(case_ids) > MAX_CASES:
        errors["cases"] = [_("At most %(n)d cases at once.") % {"n": MAX_CASES}]
    elif visible_cases(moderator).filter(pk__in=case_ids, category=category).count() != len(
        case_ids
    ):
        errors["cases"] = [_("Some of those cases are not in this queue.")]
    if action not in DecisionAction.values:
        errors["action"] = [_("Choose one of the decisions.")]
    elif action in TIMED_ACTIONS and not (duration and timedelta(0) < duration <= MAX_DURATION):
        errors["duration"] = [_("Say how long this lasts, at most 365 days.")]
    if reason is not None and reason.category_id != category.pk:
        errors["reason"] = [_("Choose a reason of this case's category.")]
    if errors:
        raise ValidationError(errors)
    bulk = BulkDecision.objects.create(
        moderator=moderator,
        category=category,
        action=action,
        duration=duration if action in TIMED_ACTIONS else None,
        reason=reason,
        facts=facts.strip(),
        case_ids=case_ids,
        total=len(case_ids),
    )
    for start in range(0, len(case_ids), CHUNK):
        enqueue(
            "bulk_decide_chunk",
            key=f"bulk_decide_chunk:{bulk.pk}:{start}",
            payload={"bulk_id": bulk.pk, "case_ids": case_ids[start : start + CHUNK]},
        )
    record_event(
        action="bulk_decision.started",
        target=bulk,
        actor=moderator,
        after={"action": action, "cases": len(case_ids), "category": category.slug},
        message=bulk.facts,
    )
    return bulk


@handles("bulk_decide_chunk")
def decide_chunk(*, bulk_id: int, case_ids: list[int]) -> None:
    bulk = BulkDecision.objects.select_related("moderator", "reason").get(pk=bulk_id)
    decided = skipped = 0
    for case_id in case_ids:
        try:
            with transaction.atomic():
                decide(
                    case_id=case_id,
                    moderator=bulk.moderator,
                    action=bulk.action,
                    duration=bulk.duration,
                    reason=bulk.reason,
                    facts=bulk.facts,
                )
        except (CaseUnavailable, PermissionDenied, ValidationError):
            skipped += 1  # decided by someone else meanwhile, or no longer this moderator's
        else:
            decided += 1
    BulkDecision.objects.filter(pk=bulk_id).update(
        decided=F("decided") + decided, skipped=F("skipped") + skipped
    )
    BulkDecision.objects.filter(
        Q(pk=bulk_id, finished_at__isnull=True) & Q(total__lte=F("decided") + F("skipped"))
    ).update(finished_at=timezone.now())
