"""What every decision shares: the checks before it, its row, and everything it does once it takes
effect (`apply_decision`), for `decide` and for a confirmed ban alike.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects.outbox import enqueue
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Decision,
    DecisionAction,
    Policy,
    Reason,
    Report,
    ReportSource,
    ReportStatus,
)
from reports.models.choices import (
    OPEN_CASE_STATUSES,
    DecisionSource,
    Ground,
)
from reports.permissions import can_view_case
from reports.selectors.decisions import pending_proposal
from reports.services.audit import record_event
from reports.services.decisions.misuse_terms import misuse_of
from reports.services.decisions.terms import RESTRICTION, media_type
from reports.services.decisions.welfare import gives_strike, reach_out
from reports.services.enforcement import (
    add_strike,
    apply_to_member,
    audit_enforcement,
    decide_content,
    member_state,
    refresh_member,
)
from reports.services.misuse import queue_illegal_check, queue_unfounded_checks
from reports.texts.statements import statement_as_decided


class CaseUnavailable(Exception):
    """The case cannot take this decision: someone else decided it, holds it, or it changed."""

    def __init__(self, message: str, *, case: Case, decided_by: User | None = None):
        super().__init__(message)
        self.case = case
        self.decided_by = decided_by


def lock_case(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "content", "subject", "claimed_by", "reason")
        .get(pk=case_id)
    )


def check_workable(case: Case, *, moderator: User, now: datetime) -> None:
    if not can_view_case(moderator, case):
        raise PermissionDenied("This case belongs to another team or tier.")
    if case.status not in OPEN_CASE_STATUSES:
        latest = case.decisions.select_related("moderator").order_by("-created_at").first()
        raise CaseUnavailable(
            _("This case was already decided."),
            case=case,
            decided_by=latest.moderator if latest else None,
        )
    if case.is_held_by_someone_else(moderator.pk, now=now):
        raise CaseUnavailable(_("Another moderator is working on this case."), case=case)
    if not case.may_be_decided_by(moderator.pk):
        raise CaseUnavailable(
            _(
                "A reporter's review set your earlier decision on this case aside; another "
                "moderator decides it again."
            ),
            case=case,
        )


def refuse_if_proposed(case: Case) -> None:
    proposal = pending_proposal(case)
    if proposal is not None:
        who = proposal.moderator.display_name or proposal.moderator.username
        raise CaseUnavailable(
            _(
                "%(who)s proposed a ban on this case; it waits for a second moderator. "
                "Confirm or reject the proposal before deciding anything else."
            )
            % {"who": who},
            case=case,
        )


def needs_second_moderator(category_id: int, action: str) -> bool:
    return (
        action == DecisionAction.BAN
        and Policy.objects.filter(category_id=category_id, four_eyes_for_bans=True).exists()
    )


def resolve_reports(case: Case, *, action: str, now: datetime, decision_id: int) -> None:
    upheld = action != DecisionAction.NO_VIOLATION
    reports = Report.objects.filter(case=case, status=ReportStatus.OPEN)
    reporter_ids = list(reports.exclude(reporter=None).values_list("reporter_id", flat=True))
    reports.update(
        status=ReportStatus.ACTIONED if upheld else ReportStatus.NO_VIOLATION, resolved_at=now
    )
    counter = "reports_upheld" if upheld else "reports_rejected"
    User.objects.filter(pk__in=reporter_ids).update(**{counter: F(counter) + 1})
    if not upheld:
        # Misuse (DSA Art. 23): are these reporters' reports frequently manifestly unfounded?
        queue_unfounded_checks(reporter_ids, decision_id=decision_id)


def close_case(case: Case, *, now: datetime) -> dict[str, Any]:
    before = {"status": case.status, "claimed_by": case.claimed_by_id, "tier": case.tier}
    case.status = CaseStatus.DECIDED
    case.resolved_at = now
    case.claimed_by = None
    case.lease_expires_at = None
    case.first_action_at = case.first_action_at or now
    case.save(
        update_fields=["status", "resolved_at", "claimed_by", "lease_expires_at", "first_action_at"]
    )
    return before


def record_decision(
    case: Case,
    *,
    moderator: User,
    action: str,
    duration: timedelta | None,
    reason: Reason | None,
    facts: str,
    ground: str,
    legal_ground: str,
    now: datetime,
    primary: Decision | None = None,
    awaiting_confirmation: bool = False,
    proposal_removes_content: bool = True,
    proposal_reason_chosen: bool = False,
    confirmed_by: User | None = None,
    justification: str = "",
) -> Decision:
    ends_at = now + duration if duration else None
    sources = set(Report.objects.filter(case=case).values_list("source", flat=True))
    reason = reason or case.reason
    public_id = uuid.uuid4()  # known before the row: the statement links to its appeal page
    return Decision.objects.create(
        uuid=public_id,
        case=case,
        moderator=moderator,
        action=action,
        duration=duration,
        reason=reason,
        statement_of_reasons=statement_as_decided(
            case,
            action=action,
            duration=duration,
            facts=facts,
            now=now,
            sources=sources,
            reason=reason,
            decision_uuid=public_id,
        ),
        facts=facts.strip(),
        ground=ground,
        legal_ground=legal_ground.strip() if ground == Ground.ILLEGAL_CONTENT else "",
        terms_ground=f"{case.category.name}: {reason.name}" if reason else case.category.name,
        restriction=RESTRICTION[DecisionAction(action)],
        media_type=media_type(case.content),
        content_language=case.language,
        source=(
            DecisionSource.TRUSTED_FLAGGER
            if ReportSource.TRUSTED_FLAGGER in sources
            else DecisionSource.NOTICE
        ),
        automated_detection=ReportSource.AUTOMATIC in sources,
        automated_decision=False,
        starts_at=now,
        ends_at=ends_at,
        primary=primary,
        awaiting_confirmation=awaiting_confirmation,
        proposal_removes_content=proposal_removes_content,
        proposal_reason_chosen=proposal_reason_chosen,
        confirmed_by=confirmed_by,
        confirmed_at=now if confirmed_by else None,
        justification=justification.strip(),
        misuse=misuse_of(case, action),
    )


def apply_decision(
    decision: Decision,
    case: Case,
    member: User,
    *,
    actor: User,
    chosen_reason: Reason | None,
    remove_content: bool,
    others: Sequence[Case],
    event: str,
    now: datetime,
) -> None:
    """Everything a decision does, from `now`: enforcement, strike, closing, audit, messages.

    `decide` calls it for a decision it just recorded, `confirm_ban` for a confirmed proposal;
    `actor` is whoever made it take effect. The case, the companions and the member are locked.
    """
    member_before = member_state(member)
    enforcements = decide_content(
        decision, case, remove_content=remove_content, actor=actor, now=now
    )
    on_member = apply_to_member(decision, case, member, actor=actor, now=now)
    if on_member is not None:
        enforcements.append(on_member)
    if gives_strike(decision, case):
        add_strike(decision, member, now=now)
        if decision.ground == Ground.ILLEGAL_CONTENT:
            queue_illegal_check(member.pk, decision_id=decision.pk)  # DSA Art. 23
    refresh_member(member, now=now)
    for enforcement in enforcements:
        audit_enforcement(enforcement, actor=actor, case=case)
    case_before = close_case(case, now=now)
    resolve_reports(case, action=decision.action, now=now, decision_id=decision.pk)
    record_event(
        action=event,
        target=decision,
        actor=actor,
        case=case,
        before={"case": case_before, "member": member_before},
        after={
            "case": {"status": case.status},
            "member": member_state(member),
            "action": decision.action,
            "duration": decision.duration,
            "ends_at": decision.ends_at,
            "reason": decision.reason_id,
            "enforcements": [e.pk for e in enforcements],
            "justification": decision.justification,
        },
        message=decision.facts,
    )
    reach_out(decision, case, member, actor=actor, now=now)
    for other in others:
        decide_companion(
            other,
            primary=decision,
            actor=actor,
            # The moderator's chosen reason goes with the other cases of its own category only;
            # the others keep the reason their reports gave.
            reason=(
                chosen_reason
                if chosen_reason and chosen_reason.category_id == other.category_id
                else None
            ),
            remove_content=remove_content,
            now=now,
        )
    queue_messages(decision, now=now)


def lock_companions(
    case: Case,
    case_ids: Iterable[int],
    *,
    moderator: User,
    now: datetime,
    action: str | None = None,
) -> list[Case]:
    """The member's other open cases to close with a decision, locked.

    A ban (`action`) does not close a case whose category wants a second moderator for bans:
    that case waits for its own proposal and confirmation.
    """
    others = []
    for other_id in sorted(set(case_ids) - {case.pk}):
        # SKIP LOCKED: a case another moderator is deciding right now is theirs; waiting for
        # it could deadlock with them taking this one as their companion.
        other = (
            Case.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("category", "content", "subject", "claimed_by", "reason")
            .filter(pk=other_id)
            .first()
        )
        if other is None:
            continue
        if other.subject_id != case.subject_id:
            raise ValidationError({"also_cases": [_("Those cases are about another member.")]})
        try:
            check_workable(other, moderator=moderator, now=now)
            # A ban proposed there waits for its own second moderator.
            refuse_if_proposed(other)
        except (CaseUnavailable, PermissionDenied):
            continue  # decided or taken meanwhile, or not this moderator's: left as it is
        if action is not None and needs_second_moderator(other.category_id, action):
            continue
        others.append(other)
    return others


def decide_companion(
    case: Case,
    *,
    primary: Decision,
    actor: User,
    reason: Reason | None,
    remove_content: bool,
    now: datetime,
) -> Decision:
    """Close another open case of the member with the primary decision.

    Its content is treated as the primary's (removed, or given back when hidden for review);
    the member's enforcement and strike stay with the primary decision.
    """
    decision = record_decision(
        case,
        moderator=primary.moderator,
        action=primary.action,
        duration=primary.duration,
        reason=reason,
        facts=primary.facts,
        ground=primary.ground,
        legal_ground=primary.legal_ground,
        now=now,
        primary=primary,
        confirmed_by=primary.confirmed_by,
        justification=primary.justification,
    )
    for enforcement in decide_content(
        decision, case, remove_content=remove_content, actor=actor, now=now
    ):
        audit_enforcement(enforcement, actor=actor, case=case)
    before = close_case(case, now=now)
    resolve_reports(case, action=primary.action, now=now, decision_id=decision.pk)
    record_event(
        action=AuditAction.DECISION_RECORDED,
        target=decision,
        actor=actor,
        case=case,
        before={"case": before},
        after={"case": {"status": case.status}, "action": primary.action, "with": primary.pk},
        message=primary.facts,
    )
    return decision


def queue_messages(decision: Decision, *, now: datetime) -> None:
    """Members are told once the undo window has passed: a decision taken back reaches nobody."""
    enqueue(
        "notify_decision",
        key=f"notify_decision:{decision.pk}",
        payload={"decision_id": decision.pk},
        not_before=now + settings.DECISION_UNDO_WINDOW,
    )
