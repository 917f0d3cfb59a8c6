"""Claims: "next case" hands each waiting case to one moderator at a time, for a lease.

A senior may take over a case another moderator holds; the page the holder leaves gives its
case back, unless a newer page of the same case (a reload, another tab) renewed the lease since.
"""

import json
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, QuerySet
from django.utils import timezone

from accounts.models import User
from reports.models import AuditAction, AuditEvent, Case, CaseStatus, Category, Decision, Tier
from reports.models.choices import WAITING_CASE_STATUSES
from reports.permissions import (
    can_view_case,
    is_policy_admin,
    moderated_categories,
    works_escalated,
)
from reports.selectors.queues import QUEUE_ORDER, emergency_cases, on_call
from reports.services.audit import record_event


def workable_tiers(moderator: User) -> list[int]:
    """Seniors work every tier; moderators the frontline queue."""
    if moderator.has_perm("reports.work_escalated"):
        return list(Tier.values)
    return [Tier.FRONTLINE]


def _waiting(cases: QuerySet[Case], *, moderator: User) -> QuerySet[Case]:
    """The cases among these that wait for this moderator, in the queue's order."""
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
        .order_by(*QUEUE_ORDER)
    )


def _on_call_emergencies(moderator: User) -> QuerySet[Case]:
    """The emergencies of every category this moderator works, if they are on call in any of
    their teams; none otherwise. Whether they are on call is a condition of the query."""
    return emergency_cases(moderator).filter(Exists(on_call(moderator)))


def _quoted(model, *fields: str) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(name).column) for name in fields]


_CASE = connection.ops.quote_name(Case._meta.db_table)
_CASE_COLUMNS = ", ".join(
    connection.ops.quote_name(field.column) for field in Case._meta.concrete_fields
)
_AUDIT = connection.ops.quote_name(AuditEvent._meta.db_table)
_AUDIT_COLUMNS = ", ".join(
    _quoted(
        AuditEvent,
        "created_at",
        "actor",
        "actor_label",
        "action",
        "case",
        "category",
        "target_type",
        "target_id",
        "before",
        "after",
        "message",
    )
)
_STATUS, _CLAIMED_BY, _LEASE, _FIRST_ACTION = _quoted(
    Case, "status", "claimed_by", "lease_expires_at", "first_action_at"
)
# The write of a claim, after the lanes it picks from (`picked`: the case's id, status and
# holder before, locked): the case is leased, and its audit event written, in one statement,
# so a claim is one round trip and its own transaction. Only names of the models' tables and
# columns are written into it; every value is a parameter.
_CLAIM = f"""
picked AS ({{picked}}),
claimed AS (
    UPDATE {_CASE} SET {_STATUS} = %s, {_CLAIMED_BY} = %s, {_LEASE} = %s,
        {_FIRST_ACTION} = COALESCE({_CASE}.{_FIRST_ACTION}, %s)
    FROM picked WHERE {_CASE}."id" = picked."id"
    RETURNING {_CASE}.*, picked.{_STATUS} AS before_status,
        picked.{_CLAIMED_BY} AS before_claimed_by
),
audit AS (
    INSERT INTO {_AUDIT} ({_AUDIT_COLUMNS})
    SELECT %s, %s, '', %s, claimed."id", NULL, %s, claimed."id"::text,
        jsonb_build_object(
            'status', claimed.before_status, 'claimed_by', claimed.before_claimed_by
        ),
        %s::jsonb, ''
    FROM claimed
)
SELECT {_CASE_COLUMNS} FROM claimed
"""  # noqa: S608


def _lane(cases: QuerySet[Case]) -> tuple[str, list] | None:
    """The first of these cases, in their order, that no other claim is locking, locked until
    the claim commits; None when the lane is certain to be empty (a moderator of no team).

    SKIP LOCKED lets any number of moderators ask at once: each gets a different case, and
    nobody waits for another's transaction.
    """
    try:
        sql, params = cases.values("id", "status", "claimed_by_id")[:1].query.sql_with_params()
    except EmptyResultSet:
        return None
    # The claim writes no key column: NO KEY UPDATE, so that a report filed on the case
    # meanwhile (a foreign key to it) is not kept waiting.
    lock = connection.ops.for_update_sql(skip_locked=True, of=(_CASE,), no_key=True)
    return f"{sql} {lock}", list(params)


def _picking(lanes: list[QuerySet[Case]]) -> tuple[str, tuple] | None:
    """The statement's WITH queries that pick a case from the first lane that has one (`picked`
    among them), and their parameters; None when every lane is certain to be empty."""
    compiled = [lane for lane in map(_lane, lanes) if lane is not None]
    if not compiled:
        return None
    ctes, params, picked = [], [], []
    for n, (sql, lane_params) in enumerate(compiled):
        ctes.append(f"lane_{n} AS ({sql})")
        params += lane_params
        # PostgreSQL reads a WITH query only as far as it is asked to: a lane whose condition
        # fails (an earlier lane found a case) is never read, and locks nothing.
        read = f"SELECT * FROM lane_{n}"  # noqa: S608 (names of our own making)
        if n:
            read += " WHERE " + " AND ".join(f"NOT EXISTS (SELECT FROM lane_{m})" for m in range(n))
        picked.append(read)
    sql = "WITH " + ",\n".join(ctes) + "," + _CLAIM.format(picked=" UNION ALL ".join(picked))
    return sql, tuple(params)


# A queue's lanes compiled, per moderator and queue: building and compiling the querysets
# costs more CPU than the whole claim does in PostgreSQL. The key holds everything the SQL is
# made of (who asks, with which standing, which queue); the teams and on-call rota are read by
# the statement itself, so a change to them is seen at once.
_COMPILED: dict[tuple, tuple[str, tuple] | None] = {}
_COMPILED_MOST = 2048


def _compiled(key: tuple | None, lanes: Callable[[], list[QuerySet[Case]]]):
    if key is None:
        return _picking(lanes())
    try:
        return _COMPILED[key]
    except KeyError:
        if len(_COMPILED) >= _COMPILED_MOST:
            _COMPILED.clear()
        found = _COMPILED[key] = _picking(lanes())
        return found


def _standing(moderator: User) -> tuple:
    """What, besides their id, decides the SQL of a moderator's lanes (moderated_categories,
    works_escalated): a moderator whose role changes gets their lanes compiled anew."""
    return (
        moderator.is_active,
        moderator.is_staff,
        is_policy_admin(moderator),
        moderator.has_perm("reports.work_queue"),
        works_escalated(moderator),
    )


def _claim_first(
    lanes: Callable[[], list[QuerySet[Case]]],
    *,
    moderator: User,
    now: datetime,
    key: tuple | None = None,
) -> Case | None:
    """Lease to this moderator the first waiting case of the first of these lanes that has one,
    on the record; None when every lane is empty.

    One statement, which is its own transaction when no other surrounds it. `key`, when given,
    names the lanes for the cache of their compiled SQL (see _COMPILED).
    """
    picking = _compiled(key, lanes)
    if picking is None:
        return None
    sql, params = picking
    lease = now + settings.CASE_LEASE
    after = {"status": CaseStatus.CLAIMED, "lease_expires_at": lease}
    claim = [CaseStatus.CLAIMED.value, moderator.pk, lease, now]
    audit = [now, moderator.pk, AuditAction.CASE_CLAIMED.value, Case._meta.model_name]
    audit.append(json.dumps(after, cls=AuditEvent._meta.get_field("after").encoder))
    case = next(iter(Case.objects.raw(sql, [*params, *claim, *audit])), None)
    if case is not None:
        case.claimed_by = moderator
    return case


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

    One statement when a case is handed out; the team check is one of its conditions, and is
    asked on its own only when nothing was, to tell an empty queue from another team's.
    """
    workable = tuple(t for t in workable_tiers(moderator) if tiers is None or t in tiers)

    def lanes() -> list[QuerySet[Case]]:
        ours = Exists(moderated_categories(moderator).filter(pk=category.pk))
        waiting = Case.objects.filter(ours, category=category, tier__in=workable)
        if language:
            waiting = waiting.filter(language=language)
        lanes = [_waiting(waiting, moderator=moderator)]
        if works_escalated(moderator):
            emergencies = _on_call_emergencies(moderator).filter(ours)
            lanes.insert(0, _waiting(emergencies, moderator=moderator))
        return lanes

    key = ("queue", moderator.pk, _standing(moderator), category.pk, workable, language or "")
    case = _claim_first(lanes, moderator=moderator, now=timezone.now(), key=key)
    if case is None and not moderated_categories(moderator).filter(pk=category.pk).exists():
        raise PermissionDenied("This queue belongs to another team.")
    return case


def claim_next_emergency(*, moderator: User) -> Case | None:
    """Lease the waiting emergency due first, in any category this moderator works, or None."""
    if not works_escalated(moderator):
        raise PermissionDenied("Emergencies are worked by senior moderators.")
    return _claim_first(
        lambda: [_waiting(emergency_cases(moderator), moderator=moderator)],
        moderator=moderator,
        now=timezone.now(),
        key=("emergencies", moderator.pk, _standing(moderator)),
    )


def _lease(case: Case, *, moderator: User, now: datetime) -> Case:
    """Hand a case this transaction has locked to a moderator for CASE_LEASE, on the record."""
    return _claim_first(lambda: [Case.objects.filter(pk=case.pk)], moderator=moderator, now=now)


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
