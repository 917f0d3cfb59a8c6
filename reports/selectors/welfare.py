"""Reads for a member who may be at risk: which crisis lines they are offered, whether a reason
is met with care, and what a case's reasons ask of a decision.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User
from reports.models import CrisisResource, Handling, Reason
from reports.models.categories import ACTION_ORDER


def _languages_of(person: User) -> set[str]:
    """The languages a person reads, as a crisis line's language would name them ("zh", "en")."""
    codes = {person.native_language, (person.preferred_language or "").split("-")[0]}
    return {code.lower() for code in codes if code}


def _speaks(line: CrisisResource, languages: set[str]) -> bool:
    return not line.language or line.language.split("-")[0].lower() in languages


def crisis_lines_for(person: User) -> list[CrisisResource]:
    """The crisis lines to offer this person: their country's, then the international ones.

    Within each group, lines in a language the person reads (or in any language) come first and
    alone; only when a group has none of those are its other lines offered, since a line in
    another language beats no line at all. The international lines always follow, for a member
    whose country has no line yet, or who is travelling, or finds the first line closed.
    """
    country = (person.country or "").upper()
    rows = CrisisResource.objects.filter(is_active=True).filter(
        Q(country="") | Q(country__iexact=country) if country else Q(country="")
    )
    languages = _languages_of(person)
    national: list[CrisisResource] = []
    international: list[CrisisResource] = []
    for line in rows.order_by("position", "name", "pk"):
        (international if not line.country else national).append(line)

    def readable(group: list[CrisisResource]) -> list[CrisisResource]:
        fitting = [line for line in group if _speaks(line, languages)]
        return fitting or group

    return readable(national) + readable(international)


def is_welfare(reason: Reason | None) -> bool:
    return reason is not None and reason.handling == Handling.WELFARE


@dataclass(frozen=True)
class Floor:
    """The least a decision should do under the strictest of some reasons, and which one asks."""

    action: str
    reason: Reason

    @property
    def rank(self) -> int:
        return ACTION_ORDER.index(self.action)


def floor_of(reasons: Iterable[Reason | None]) -> Floor | None:
    """The highest minimum action among these reasons; None when none sets one.

    "No violation" as a minimum asks for nothing, so it is no floor.
    """
    floors = [
        Floor(action=reason.minimum_action, reason=reason)
        for reason in reasons
        if reason is not None and reason.minimum_action in ACTION_ORDER[1:]
    ]
    return max(floors, key=lambda floor: floor.rank, default=None)


def needs_care(reason: Reason | None) -> bool:
    """A report under this reason may be about a life at risk: the reporter is told what to do
    right now before anything else."""
    return reason is not None and (reason.handling == Handling.WELFARE or reason.is_critical)
