"""Who holds a case, and how a moderator lost one they held: the case page's banners and the
answer its lease renewal gives the page of a moderator whose case a senior took over."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from reports.models import AuditAction, AuditEvent

# The events that change who holds a case.
HOLD_ACTIONS = (
    AuditAction.CASE_CLAIMED,
    AuditAction.CASE_TAKEN_OVER,
    AuditAction.CASE_RELEASED,
    AuditAction.CASE_LEASE_EXPIRED,
)


@dataclass(frozen=True)
class TakeOver:
    """A senior took over a case from the moderator who held it."""

    case_id: int
    by: str
    at: datetime

    def as_session(self) -> dict:
        return {"case": self.case_id, "by": self.by, "at": self.at.isoformat()}


def _take_over_from(event: AuditEvent | None, moderator: User) -> TakeOver | None:
    if event is None or event.action != AuditAction.CASE_TAKEN_OVER:
        return None
    if event.before.get("claimed_by") != moderator.pk:
        return None
    taker = event.actor
    return TakeOver(
        case_id=event.case_id, by=taker.display_name or taker.username, at=event.created_at
    )


def taken_over_in(events: Iterable[AuditEvent], moderator: User) -> TakeOver | None:
    """The take-over this moderator lost the case to, from a case's events (newest first), if
    it is the latest change of who holds it. No query: the case page has its events already."""
    latest = next((event for event in events if event.action in HOLD_ACTIONS), None)
    return _take_over_from(latest, moderator)


def taken_over_from(case_id: int, moderator: User) -> TakeOver | None:
    """The same, read for one case in one query (the case's trail index)."""
    latest = (
        AuditEvent.objects.filter(case_id=case_id, action__in=HOLD_ACTIONS)
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    return _take_over_from(latest, moderator)
