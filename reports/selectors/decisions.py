"""Reads about decisions: the case's version, the ladder's suggestion, a ban waiting for a second
moderator, what a bulk decision would touch.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from reports.models import (
    AuditAction,
    AuditEvent,
    Case,
    Decision,
    DecisionAction,
    LadderStep,
    Strike,
)
from reports.models.categories import ACTION_ORDER
from reports.models.choices import TIMED_ACTIONS
from reports.selectors.welfare import Floor, floor_of, is_welfare

# How long a suspension or restriction that a reason's floor asks for lasts, where the ladder
# has no step that strong to take it from.
FLOOR_DURATION = timedelta(days=7)


@dataclass(frozen=True)
class Suggestion:
    """The enforcement ladder's step for this member's next offence in this category.

    `floor` is the reason's minimum action when it raised the ladder's step to meet it.
    """

    offence: int
    action: str
    duration: timedelta | None
    floor: Floor | None = None

    @property
    def label(self) -> str:
        return DecisionAction(self.action).label

    @property
    def floor_label(self) -> str:
        return DecisionAction(self.floor.action).label if self.floor else ""


# Recorded on the case without changing what a decision about it rests on.
BESIDE_THE_DECISION = (
    AuditAction.CASE_REFERRED,
    AuditAction.LEGAL_HOLD_PLACED,
    AuditAction.LEGAL_HOLD_LIFTED,
    AuditAction.BUNDLE_REQUESTED,
    AuditAction.BUNDLE_BUILT,
    AuditAction.BUNDLE_DOWNLOADED,
)


def case_version(case: Case) -> int:
    """A number that grows with every recorded change to the case (its latest audit event).

    The decision form carries it, so a decision made on a page that no longer shows the case
    as it is (a new report came in, someone escalated it) is refused instead of applied. A
    referral, a hold or a bundle leaves the case as it was: a colleague's open form stays good.
    """
    events = AuditEvent.objects.filter(case=case).exclude(action__in=BESIDE_THE_DECISION)
    return events.aggregate(latest=Max("id"))["latest"] or 0


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

    - A member who may be at risk (a welfare reason) gets no suggestion: care is chosen, and
      no sanction is ever put in front of the moderator.
    - A reason's minimum action raises the step to meet it: to the ladder's first step that
      strong (and its duration), else to the minimum itself, lasting FLOOR_DURATION.
    - A critical reason without a minimum suggests nothing rather than a warning or less: a
      ladder's first steps are written for rudeness, not for threats to someone's life.
    """
    reason = case.reason
    if is_welfare(reason):
        return None
    offence = strikes_in_force(case.subject, category_id=case.category_id) + 1
    if ladder is None:
        ladder = list(LadderStep.objects.filter(category_id=case.category_id).order_by("offence"))
    step = max((s for s in ladder if s.offence <= offence), key=lambda s: s.offence, default=None)
    floor = floor_of([reason])
    if floor is not None and (step is None or ACTION_ORDER.index(step.action) < floor.rank):
        return _raised_to(floor, ladder, offence=offence, about_content=bool(case.content_id))
    if step is None:
        return None
    light = ACTION_ORDER.index(step.action) <= ACTION_ORDER.index(DecisionAction.WARN)
    if light and reason is not None and reason.is_critical:
        return None
    return Suggestion(offence=offence, action=step.action, duration=step.duration)


def _raised_to(
    floor: Floor, ladder: Sequence[LadderStep], *, offence: int, about_content: bool
) -> Suggestion:
    def possible(action: str) -> bool:
        return about_content or action != DecisionAction.REMOVE_CONTENT

    step = next(
        (
            s
            for s in sorted(ladder, key=lambda s: s.offence)
            if ACTION_ORDER.index(s.action) >= floor.rank and possible(s.action)
        ),
        None,
    )
    if step is not None:
        return Suggestion(offence=offence, action=step.action, duration=step.duration, floor=floor)
    duration = FLOOR_DURATION if floor.action in TIMED_ACTIONS else None
    return Suggestion(offence=offence, action=floor.action, duration=duration, floor=floor)


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
