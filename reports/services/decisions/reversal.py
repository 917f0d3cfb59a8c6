"""Taking back what decisions did: their enforcements lifted, their strikes revoked. Shared by the
moderator's own undo and by an appeal that reverses or replaces a decision.
"""

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import AuditAction, Decision, Enforcement, Strike
from reports.services.audit import record_event


def lift_enforcements(
    decisions: Sequence[Decision], *, cause: str, actor: User, now: datetime
) -> list[Enforcement]:
    """Lift every enforcement of these decisions still in force, on the record; returns them.

    The caller refreshes the member's standing and the content's visibility afterwards, and
    tells the platform in its own words (undone, or reversed on appeal).
    """
    lifted = list(
        Enforcement.objects.select_for_update(of=("self",))
        .select_related("case", "member", "content__author")
        .filter(decision__in=decisions, lifted_at__isnull=True)
        .order_by("pk")
    )
    for enforcement in lifted:
        enforcement.lifted_at, enforcement.lift_cause = now, cause
        enforcement.save(update_fields=["lifted_at", "lift_cause"])
        record_event(
            action=AuditAction.ENFORCEMENT_LIFTED,
            target=enforcement,
            actor=actor,
            case=enforcement.case,
            after={"cause": cause, "kind": enforcement.kind},
        )
    return lifted


def revoke_strikes(decisions: Sequence[Decision], *, now: datetime) -> int:
    """The decisions' strikes stop counting towards the ladder (the rows stay, for history)."""
    return Strike.objects.filter(decision__in=decisions, revoked_at__isnull=True).update(
        revoked_at=now
    )


def mark_reversed(decisions: Sequence[Decision], *, by: User, why: str, now: datetime) -> None:
    for decision in decisions:
        decision.reversed_at, decision.reversed_by, decision.reversal_reason = now, by, why
        decision.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])


def undo_reason(decision: Decision) -> str:
    return (
        _("Undone by the moderator who confirmed it.")
        if decision.confirmed_by_id
        else _("Undone by the moderator who decided.")
    )
