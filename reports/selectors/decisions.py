"""Reads about decisions: the case's version, the ladder's suggestion, a ban waiting for a second
moderator, what a bulk decision would touch.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from reports.models import AuditEvent, Case, Decision, DecisionAction, LadderStep, Strike


@dataclass(frozen=True)
class Suggestion:
    """The enforcement ladder's step for this member's next offence in this category."""

    offence: int
    action: str
    duration: timedelta | None

    @property
    def label(self) -> str:
        return DecisionAction(self.action).label


def case_version(case: Case) -> int:
    """A number that grows with every recorded change to the case (its latest audit event).

    The decision form carries it, so a decision made on a page that no longer shows the case
    as it is (a new report came in, someone escalated it) is refused instead of applied.
    """
    return AuditEvent.objects.filter(case=case).aggregate(latest=Max("id"))["latest"] or 0


def strikes_in_force(member: User, *, category_id: int | None = None, now=None) -> int:
    strikes = Strike.objects.filter(
        member=member, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    )
    if category_id is not None:
        strikes = strikes.filter(category_id=category_id)
    return strikes.count()


def suggest(case: Case, *, ladder: Sequence[LadderStep] | None = None) -> Suggestion | None:
    """The ladder's action for the subject's next offence in the case's category.

    `ladder` is the category's ladder when the caller has it already (the case page shows it).
    """
    offence = strikes_in_force(case.subject, category_id=case.category_id) + 1
    if ladder is not None:
        step = max(
            (s for s in ladder if s.offence <= offence), key=lambda s: s.offence, default=None
        )
    else:
        step = (
            LadderStep.objects.filter(category_id=case.category_id, offence__lte=offence)
            .order_by("-offence")
            .first()
        )
    if step is None:
        return None
    return Suggestion(offence=offence, action=step.action, duration=step.duration)


def pending_proposal(case: Case) -> Decision | None:
    """The ban on this case that waits for a second moderator, if there is one."""
    return (
        case.decisions.filter(awaiting_confirmation=True, reversed_at__isnull=True)
        .select_related("moderator")
        .first()
    )


def counts_touched(cases: Sequence[Case]) -> dict[str, int]:
    """How many members and pieces of content a bulk decision on these cases would touch."""
    return {
        "cases": len(cases),
        "members": len({c.subject_id for c in cases}),
        "contents": len({c.content_id for c in cases if c.content_id}),
    }
