"""Claims: "next case" hands each waiting case to one moderator at a time, for a lease.

A senior may take over a case another moderator holds; the page the holder leaves gives its
case back, unless a newer page of the same case (a reload, another tab) renewed the lease since.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, QuerySet
from django.utils import timezone

from accounts.models import User
from reports.models import AuditAction, Case, CaseStatus, Category, Decision, Tier
from reports.models.choices import WAITING_CASE_STATUSES
from reports.permissions import can_view_case, moderated_categories, works_escalated
from reports.selectors.queues import QUEUE_ORDER, emergency_cases, on_call
from reports.services.audit import record_event


def workable_tiers(moderator: User) -> list[int]:
    """Seniors work every tier; moderators the frontline queue."""
    if moderator.has_perm("reports.work_escalated"):
        return list(Tier.values)
    return [Tier.FRONTLINE]


def _first_waiting(cases: QuerySet[Case], *, moderator: User) -> Case | None:
    """Lock the first of these cases, in the queue's order, that nobody holds or is locking.

    SKIP LOCKED lets any number of moderators ask at once: each gets a different case, and
    nobody waits for another's transaction.
    """
    # A ban this moderator proposed waits for someone else's second look.
    own_proposals = Decision.objects.filter(
        awaiting_confirmation=True,
        moderator=moderator,
        reversed_at__isnull=True,
        confirmed_at__isnull=True,
    )
    return (
        cases.filter(status__in=WAITING_CASE_STATUSES)
        .exclude(pk__in=own_proposals.values("case_id"))
        # A case reopened on a reporter's review goes to anyone but the moderator who decided it.
        .exclude(not_for=moderator)
        .select_for_update(skip_locked=True)
        .order_by(*QUEUE_ORDER)
        .first()
    )


def _on_call_emergency(moderator: User) -> Case | None:
    """The waiting emergency due first, if this moderator is on call in any of their teams.

    One query: whether they are on call is a condition of it, not a query of its own.
    """
    lane = emergency_cases(moderator).filter(Exists(on_call(moderator)))
    return _first_waiting(lane, moderator=moderator)


@transaction.atomic
def claim_next_case(
    *,
    moderator: User,
    category: Category,
    language: str | None = None,
    tiers: list[int] | None = None,
) -> Case | None:
    """Lease the most urgent waiting case of a queue to this moderator, or None if it is empty.

    The queue is a category, optionally narrowed to one content language and to some tiers,
    in the queue's order (selectors.queues.QUEUE_ORDER). A moderator on call is handed the
    emergencies of every category they work first, whichever queue they asked.
    """
    if not moderated_categories(moderator).filter(pk=category.pk).exists():
        raise PermissionDenied("This queue belongs to another team.")
    now = timezone.now()
    if works_escalated(moderator) and (case := _on_call_emergency(moderator)) is not None:
        return _lease(case, moderator=moderator, now=now)
    waiting = Case.objects.filter(
        category=category,
        tier__in=[t for t in workable_tiers(moderator) if tiers is None or t in tiers],
    )
    if language:
        waiting = waiting.filter(language=language)
    case = _first_waiting(waiting, moderator=moderator)
    if case is None:
        return None
    return _lease(case, moderator=moderator, now=now)


@transaction.atomic
def claim_next_emergency(*, moderator: User) -> Case | None:
    """Lease the waiting emergency due first, in any category this moderator works, or None."""
    if not works_escalated(moderator):
        raise PermissionDenied("Emergencies are worked by senior moderators.")
    case = _first_waiting(emergency_cases(moderator), moderator=moderator)
    if case is None:
        return None
    return _lease(case, moderator=moderator, now=timezone.now())


def _lease(case: Case, *, moderator: User, now) -> Case:
    """Hand a locked case to a moderator for CASE_LEASE, on the record."""
    before = {"status": case.status, "claimed_by": case.claimed_by_id}
    case.status = CaseStatus.CLAIMED
    case.claimed_by = moderator
    case.lease_expires_at = now + settings.CASE_LEASE
    case.first_action_at = case.first_action_at or now
    case.save(update_fields=["status", "claimed_by", "lease_expires_at", "first_action_at"])
    record_event(
        action=AuditAction.CASE_CLAIMED,
        target=case,
        actor=moderator,
        case=case,
        before=before,
        after={"status": case.status, "lease_expires_at": case.lease_expires_at},
    )
    return case


def _held_by(case_id: int, moderator: User) -> Case | None:
    return (
        Case.objects.select_for_update()
        .filter(pk=case_id, status=CaseStatus.CLAIMED, claimed_by=moderator)
        .first()
    )


@transaction.atomic
def renew_lease(*, case_id: int, moderator: User) -> Case | None:
    """Keep holding a case while its page is open; None when the moderator no longer holds it.

    Not audited: a page renews every minute, and the claim itself is on record.
    """
    case = _held_by(case_id, moderator)
    if case is None:
        return None
    case.lease_expires_at = timezone.now() + settings.CASE_LEASE
    case.save(update_fields=["lease_expires_at"])
    return case


@transaction.atomic
def release_case(*, case_id: int, moderator: User, lease: datetime | None = None) -> bool:
    """Give a held case back to its queue; False when this moderator was not holding it.

    `lease` is the lease a page that is being left last saw (it renews the lease while open):
    the case goes back only if the lease is still that one. A reload, or the same case open in
    another tab, renewed it since, and keeps the case.
    """
    case = _held_by(case_id, moderator)
    if case is None or (lease is not None and case.lease_expires_at != lease):
        return False
    case.status = Case.unclaimed_status(case.tier)
    case.claimed_by = None
    case.lease_expires_at = None
    case.save(update_fields=["status", "claimed_by", "lease_expires_at"])
    record_event(
        action=AuditAction.CASE_RELEASED,
        target=case,
        actor=moderator,
        case=case,
        before={"status": CaseStatus.CLAIMED, "claimed_by": moderator.pk},
        after={"status": case.status},
    )
    return True


@transaction.atomic
def claim_case(*, case_id: int, moderator: User) -> Case:
    """Take one particular case (opened from the queue list) if nobody else holds it."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if not can_view_case(moderator, case):
        raise PermissionDenied("This case belongs to another team or tier.")
    now = timezone.now()
    if case.status == CaseStatus.CLAIMED and case.claimed_by_id == moderator.pk:
        return case
    if not case.may_be_decided_by(moderator.pk):
        return case
    free = case.status in (CaseStatus.OPEN, CaseStatus.ESCALATED) or (
        case.status == CaseStatus.CLAIMED and case.lease_expires_at <= now
    )
    if not free:
        return case
    return _lease(case, moderator=moderator, now=now)


class HolderChanged(Exception):
    """The case is no longer held by the moderator the page showed: someone took it over first,
    or it was released or decided meanwhile. `case` is the case as it is now."""

    def __init__(self, case: Case):
        super().__init__("The case's holder changed.")
        self.case = case


@transaction.atomic
def take_over_case(*, case_id: int, moderator: User, holder_id: int | None) -> Case:
    """A senior takes a case another moderator holds: the claim moves to them, with a fresh lease.

    `holder_id` is the holder the senior's page showed. When two seniors take over at once, the
    case's row lock lets one through; the other finds another holder than the one they saw and
    is refused (HolderChanged), so a case never changes hands twice on one look.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    if not can_view_case(moderator, case):
        raise PermissionDenied("This case belongs to another team or tier.")
    if not works_escalated(moderator):
        raise PermissionDenied("Only senior moderators take a case over.")
    now = timezone.now()
    if case.claimed_by_id == moderator.pk and case.status == CaseStatus.CLAIMED:
        return case
    if case.claimed_by_id != holder_id or not case.is_held_by_someone_else(moderator.pk, now=now):
        raise HolderChanged(case)
    if not case.may_be_decided_by(moderator.pk):
        raise PermissionDenied("A reporter's review gives this case to another moderator.")
    before = {"claimed_by": case.claimed_by_id, "lease_expires_at": case.lease_expires_at}
    case.claimed_by = moderator
    case.lease_expires_at = now + settings.CASE_LEASE
    case.first_action_at = case.first_action_at or now
    case.save(update_fields=["claimed_by", "lease_expires_at", "first_action_at"])
    record_event(
        action=AuditAction.CASE_TAKEN_OVER,
        target=case,
        actor=moderator,
        case=case,
        before=before,
        after={"claimed_by": moderator.pk, "lease_expires_at": case.lease_expires_at},
    )
    return case
