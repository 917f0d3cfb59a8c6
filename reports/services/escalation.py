"""Escalation: moving cases up a tier, one at a time or as the overdue sweep does, in bulk."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import AuditAction, Case, CaseStatus, EscalationTier, Tier
from reports.models.choices import OPEN_CASE_STATUSES, EscalationCause
from reports.permissions import can_view_case
from reports.services.audit import audit_event, record_event, record_events

SWEEP = "job:escalate-overdue"
# The overdue sweep moves frontline cases to seniors and seniors' to the T&S lead; the lead tier
# and the emergency tier have no tier above them and are chased by their alerts instead.
NEXT_TIER = {Tier.FRONTLINE: Tier.SENIOR, Tier.SENIOR: Tier.LEAD}


def tier_sla(category_id: int, tier: int) -> timedelta:
    sla = (
        EscalationTier.objects.filter(category_id=category_id, tier=tier)
        .values_list("sla", flat=True)
        .first()
    )
    return sla or timedelta(hours=4)


def escalate(
    case: Case,
    *,
    to_tier: int,
    cause: str,
    actor: User | None = None,
    actor_label: str = "",
    note: str = "",
) -> bool:
    """Move one locked case up to a tier; returns False when it is already there or closed.

    Whoever held the case lets go of it: it waits for the people of the new tier.
    """
    if case.status not in OPEN_CASE_STATUSES or case.tier >= to_tier:
        return False
    send_to_tier(case, tier=to_tier, cause=cause, actor=actor, actor_label=actor_label, note=note)
    return True


def send_to_tier(
    case: Case,
    *,
    tier: int,
    cause: str,
    actor: User | None = None,
    actor_label: str = "",
    note: str = "",
) -> None:
    """Put one locked open case in a tier's queue, held by nobody, due by that tier's SLA.

    The tier may be the case's own: a ban waiting for a second moderator goes back to the
    queue of the tier it is at.
    """
    from reports.effects.notifications import alert_tier

    now = timezone.now()
    before = {"tier": case.tier, "status": case.status, "due_at": case.due_at}
    case.tier = tier
    case.status = CaseStatus.ESCALATED
    case.claimed_by = None
    case.lease_expires_at = None
    case.due_at = now + tier_sla(case.category_id, tier)
    case.escalated_at = now
    case.escalation_cause = cause
    case.save(
        update_fields=[
            "tier",
            "status",
            "claimed_by",
            "lease_expires_at",
            "due_at",
            "escalated_at",
            "escalation_cause",
        ]
    )
    record_event(
        action=AuditAction.CASE_ESCALATED,
        target=case,
        actor=actor,
        actor_label=actor_label,
        case=case,
        before=before,
        after={"tier": tier, "status": case.status, "due_at": case.due_at, "cause": cause},
        message=note,
    )
    alert_tier(
        case,
        tier=tier,
        event="case_emergency" if tier == Tier.EMERGENCY else "case_escalated",
        why=EscalationCause(cause).label,
    )


def escalate_overdue(*, now: datetime | None = None, batch_size: int = 2000) -> int:
    """Escalate every open case past its due time by one tier; returns how many moved.

    Each batch is locked with SKIP LOCKED and leaves with a new due time in the future, so a
    second sweep running at the same time, or right after, finds nothing more to do. A batch
    is updated with one statement per category and tier it holds (the new tier and due time
    are the same for all of those cases), and its alerts go one per person and category.
    """
    from reports.effects.notifications import alert_tier_about_many

    now = now or timezone.now()
    moved = 0
    while True:
        with transaction.atomic():
            batch = list(
                Case.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("category")
                .filter(status__in=OPEN_CASE_STATUSES, due_at__lte=now, tier__in=list(NEXT_TIER))
                # A case a moderator is working on right now is left to them; if their lease
                # runs out undecided, the next sweep escalates it.
                .exclude(status=CaseStatus.CLAIMED, lease_expires_at__gt=now)
                .order_by("due_at")[:batch_size]
            )
            if not batch:
                return moved
            slas = {
                (row.category_id, row.tier): row.sla
                for row in EscalationTier.objects.filter(
                    category_id__in={c.category_id for c in batch}
                )
            }
            events = []
            for case in batch:
                to_tier = NEXT_TIER[Tier(case.tier)]
                due = now + slas.get((case.category_id, to_tier), timedelta(hours=4))
                events.append(
                    audit_event(
                        action=AuditAction.CASE_ESCALATED,
                        actor_label=SWEEP,
                        case=case,
                        target=case,
                        before={"tier": case.tier, "status": case.status, "due_at": case.due_at},
                        after={
                            "tier": to_tier,
                            "status": "escalated",
                            "due_at": due,
                            "cause": EscalationCause.OVERDUE,
                        },
                    )
                )
                case.tier, case.due_at = to_tier, due
            groups: dict[tuple[int, int], list[Case]] = {}
            for case in batch:
                groups.setdefault((case.category_id, case.tier), []).append(case)
            for cases in groups.values():
                Case.objects.filter(pk__in=[c.pk for c in cases]).update(
                    tier=cases[0].tier,
                    due_at=cases[0].due_at,
                    status=CaseStatus.ESCALATED,
                    claimed_by=None,
                    lease_expires_at=None,
                    escalated_at=now,
                    escalation_cause=EscalationCause.OVERDUE,
                )
            record_events(events)
            for (_, tier), cases in groups.items():
                alert_tier_about_many(
                    cases, tier=tier, event="cases_overdue", key=f"{now.isoformat()}:{moved}"
                )
            moved += len(batch)


@transaction.atomic
def escalate_case(*, case_id: int, moderator: User, note: str) -> Case:
    """A moderator asks the next tier up to take a case, saying why."""
    case = Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case_id)
    if not can_view_case(moderator, case):
        raise PermissionDenied("This case belongs to another team or tier.")
    if case.status not in OPEN_CASE_STATUSES:
        raise ValidationError({"note": [_("This case is already closed.")]})
    if case.is_held_by_someone_else(moderator.pk, now=timezone.now()):
        raise ValidationError({"note": [_("Another moderator is working on this case.")]})
    to_tier = NEXT_TIER.get(Tier(case.tier))
    if to_tier is None:
        raise ValidationError({"note": [_("This case is already at the highest tier.")]})
    if not note.strip():
        raise ValidationError({"note": [_("Say why the next tier should look at it.")]})
    escalate(
        case, to_tier=to_tier, cause=EscalationCause.MODERATOR, actor=moderator, note=note.strip()
    )
    return case
