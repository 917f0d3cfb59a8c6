"""Bulk decisions: one decision applied to many cases of a queue, such as a spam wave.

Starting one validates the decision and writes one outbox message per chunk of cases. Each
chunk runs in its own transaction through the same `decide` as a single case, and moves the
counters the moderator watches.
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects.outbox import enqueue, handles
from reports.models import AuditAction, BulkDecision, Category, Reason
from reports.permissions import moderated_categories, visible_cases
from reports.services.audit import record_event
from reports.services.decisions.core import CaseUnavailable, needs_second_moderator
from reports.services.decisions.decide import decide
from reports.services.decisions.terms import term_errors

logger = logging.getLogger(__name__)

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
    rows = list(
        visible_cases(moderator)
        .filter(pk__in=case_ids[: MAX_CASES + 1], category=category)
        .values_list("pk", "subject_id", "content_id", "reason_id")
        .order_by("subject_id", "pk")
    )
    errors: dict[str, list[str]] = {}
    if not case_ids:
        errors["cases"] = [_("Select at least one case.")]
    elif len(case_ids) > MAX_CASES:
        errors["cases"] = [_("At most %(n)d cases at once.") % {"n": MAX_CASES}]
    elif len(rows) != len(case_ids):
        errors["cases"] = [_("Some of those cases are not in this queue.")]
    duration, term_problems = term_errors(
        category_id=category.pk,
        action=action,
        duration=duration,
        reason=reason,
        cases=len(rows),
        about_members=sum(1 for row in rows if row[2] is None),
        # A welfare reason or a minimum action among them asks for a case-by-case decision.
        case_reasons=list(Reason.objects.filter(pk__in={row[3] for row in rows if row[3]})),
        bulk=True,
    )
    errors.update(term_problems)
    if "action" not in errors and needs_second_moderator(category.pk, action):
        errors["action"] = [
            _("Bans in this category need a second moderator; propose them one case at a time.")
        ]
    if errors:
        raise ValidationError(errors)
    bulk = BulkDecision.objects.create(
        moderator=moderator,
        category=category,
        action=action,
        duration=duration,
        reason=reason,
        facts=facts.strip(),
        case_ids=case_ids,
        total=len(case_ids),
    )
    # One decision per member: their selected cases close together, with one enforcement,
    # one strike and one statement of reasons, as when a moderator closes them one by one.
    groups: dict[int, list[int]] = {}
    for pk, subject_id, _content, _reason in rows:
        groups.setdefault(subject_id, []).append(pk)
    chunk: list[list[int]] = []
    for number, group in enumerate([*groups.values(), None]):
        if group is not None:
            chunk.append(group)
        if chunk and (group is None or sum(map(len, chunk)) >= CHUNK):
            enqueue(
                "bulk_decide_chunk",
                key=f"bulk_decide_chunk:{bulk.pk}:{number}",
                payload={"bulk_id": bulk.pk, "groups": chunk},
            )
            chunk = []
    record_event(
        action=AuditAction.BULK_DECISION_STARTED,
        target=bulk,
        actor=moderator,
        after={"action": action, "cases": len(case_ids), "category": category.slug},
        message=bulk.facts,
    )
    return bulk


@handles("bulk_decide_chunk")
def decide_chunk(*, bulk_id: int, groups: list[list[int]]) -> None:
    """Decide each member's selected cases; one bad case never stops the rest of the wave."""
    bulk = BulkDecision.objects.select_related("moderator", "reason").get(pk=bulk_id)
    decided = skipped = failed = 0
    for group in groups:
        done = _decide_group(bulk, group)
        if done is None:
            failed += len(group)
        else:
            decided += done
            skipped += len(group) - done
    BulkDecision.objects.filter(pk=bulk_id).update(
        decided=F("decided") + decided,
        skipped=F("skipped") + skipped,
        failed=F("failed") + failed,
    )
    BulkDecision.objects.filter(
        Q(pk=bulk_id, finished_at__isnull=True)
        & Q(total__lte=F("decided") + F("skipped") + F("failed"))
    ).update(finished_at=timezone.now())


def _decide_group(bulk: BulkDecision, group: list[int]) -> int | None:
    """Decide one member's cases as one decision; returns how many closed (None on an error).

    The first case that can still be decided carries the decision; the others close with it.
    """
    for position, case_id in enumerate(group):
        try:
            with transaction.atomic():
                decision = decide(
                    case_id=case_id,
                    moderator=bulk.moderator,
                    action=bulk.action,
                    duration=bulk.duration,
                    reason=bulk.reason,
                    facts=bulk.facts,
                    also_case_ids=group[position + 1 :],
                )
        except (CaseUnavailable, PermissionDenied, ValidationError):
            continue  # decided or taken by someone else meanwhile: skipped
        except Exception:
            logger.exception("bulk decision %s: case %s failed", bulk.pk, case_id)
            return None
        return 1 + decision.companions.count()
    return 0
