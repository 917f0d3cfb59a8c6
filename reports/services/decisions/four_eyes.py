"""Four eyes for bans.

In a category whose policy asks a second moderator for bans, `decide(action=BAN)` only records
a proposal (`awaiting_confirmation`) and sends the case to the senior tier; nothing is applied.
`confirm_ban` by another moderator applies it exactly as `decide` would have, from that moment;
`reject_ban` closes the proposal and leaves the case open for a new decision. A proposal keeps
`awaiting_confirmation` set for good when it is rejected, so that flag always means "this ban
never took effect".
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import AuditAction, Case, Decision, DecisionAction, Reason, Tier
from reports.models.choices import OPEN_CASE_STATUSES, EscalationCause
from reports.permissions import can_view_case
from reports.selectors.decisions import case_version
from reports.services.audit import record_event
from reports.services.decisions.core import (
    CaseUnavailable,
    apply_decision,
    lock_case,
    lock_companions,
    record_decision,
)
from reports.services.escalation import send_to_tier

MAX_REJECTION_NOTE = 2000


def propose_ban(
    case: Case,
    *,
    moderator: User,
    reason: Reason | None,
    facts: str,
    ground: str,
    legal_ground: str,
    remove_content: bool,
    others: Sequence[Case],
    now: datetime,
    justification: str = "",
) -> Decision:
    """Record a ban that waits for a second moderator, and send the case to them.

    Nothing else happens: no enforcement, strike, closed report or message. What the proposal
    would also do (remove the content, close the member's other cases) is kept on its row for
    `confirm_ban` to apply; the other cases stay open until then.
    """
    decision = record_decision(
        case,
        moderator=moderator,
        action=DecisionAction.BAN,
        duration=None,
        reason=reason,
        facts=facts,
        ground=ground,
        legal_ground=legal_ground,
        now=now,
        awaiting_confirmation=True,
        proposal_removes_content=remove_content,
        proposal_reason_chosen=reason is not None,
        justification=justification,
    )
    Decision.proposal_companions.through.objects.bulk_create(
        Decision.proposal_companions.through(decision=decision, case=other) for other in others
    )
    case_before = {"status": case.status, "tier": case.tier, "claimed_by": case.claimed_by_id}
    _send_for_confirmation(case, proposer=moderator)
    record_event(
        action=AuditAction.DECISION_PROPOSED,
        target=decision,
        actor=moderator,
        case=case,
        before={"case": case_before},
        after={
            "case": {"status": case.status, "tier": case.tier},
            "action": decision.action,
            "reason": decision.reason_id,
            "chosen_reason": reason.pk if reason else None,
            "remove_content": remove_content,
            "also_cases": [other.pk for other in others],
            "justification": decision.justification,
        },
        message=decision.facts,
    )
    return decision


def _send_for_confirmation(case: Case, *, proposer: User) -> None:
    """Put the case in the senior queue (or its own, higher tier's), held by nobody."""
    send_to_tier(
        case,
        tier=max(case.tier, Tier.SENIOR),
        cause=EscalationCause.CONFIRMATION,
        actor=proposer,
        note=_("A ban waits for a second moderator."),
    )


def _lock_proposal(decision_id: int, *, moderator: User) -> tuple[Case, Decision, datetime]:
    """Lock a proposed ban and its case for a second moderator, or say why they cannot act.

    The decision is locked before the case, in the order `undo_decision` locks them, so two
    moderators acting on the same proposal queue up here and the second finds it settled.
    """
    # Only rows that never change are joined: a join is read as it was before the lock was
    # granted, so a confirmer who waited would see the decision's new confirmed_by_id next to
    # the old, empty, confirmed_by.
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("moderator", "reason")
        .get(pk=decision_id)
    )
    case = lock_case(decision.case_id)
    now = timezone.now()
    if not can_view_case(moderator, case):
        raise PermissionDenied("This case belongs to another team or tier.")
    if decision.confirmed_at is not None:
        who = decision.confirmed_by.display_name or decision.confirmed_by.username
        raise CaseUnavailable(
            _("%(who)s confirmed this ban already.") % {"who": who},
            case=case,
            decided_by=decision.confirmed_by,
        )
    if decision.is_reversed:
        who = decision.reversed_by.display_name or decision.reversed_by.username
        raise CaseUnavailable(
            _("%(who)s rejected this ban already; the case waits for a new decision.")
            % {"who": who},
            case=case,
        )
    if not decision.awaiting_confirmation:
        raise CaseUnavailable(_("This decision does not wait for a confirmation."), case=case)
    if case.status not in OPEN_CASE_STATUSES:
        raise CaseUnavailable(_("This case was closed meanwhile."), case=case)
    if decision.moderator_id == moderator.pk:
        raise PermissionDenied(
            _("You proposed this ban; a second moderator has to confirm or reject it.")
        )
    # The proposer holding the case does not stop a colleague; a third moderator does.
    if case.is_held_by_someone_else(moderator.pk, decision.moderator_id, now=now):
        raise CaseUnavailable(_("Another moderator is working on this case."), case=case)
    return case, decision, now


@transaction.atomic
def confirm_ban(
    *, decision_id: int, moderator: User, expected_version: int | None = None
) -> Decision:
    """A second moderator confirms a proposed ban: it takes effect now, as `decide` applies it.

    The ban starts, and its undo window runs, from the confirmation; the confirmer is the one
    who may undo it. Raises PermissionDenied for the proposer or a moderator who cannot see the
    case, CaseUnavailable when someone confirmed or rejected it first or the page is stale.
    """
    case, decision, now = _lock_proposal(decision_id, moderator=moderator)
    if expected_version is not None and case_version(case) != expected_version:
        raise CaseUnavailable(
            _("This case changed since you opened it; look at it again before confirming."),
            case=case,
        )
    others = lock_companions(
        case,
        decision.proposal_companions.values_list("pk", flat=True),
        moderator=moderator,
        now=now,
    )
    member = User.objects.select_for_update().get(pk=case.subject_id)
    decision.awaiting_confirmation = False
    decision.confirmed_by, decision.confirmed_at = moderator, now
    decision.starts_at = now
    decision.save(
        update_fields=["awaiting_confirmation", "confirmed_by", "confirmed_at", "starts_at"]
    )
    apply_decision(
        decision,
        case,
        member,
        actor=moderator,
        chosen_reason=decision.reason if decision.proposal_reason_chosen else None,
        remove_content=decision.proposal_removes_content,
        others=others,
        event="decision.confirmed",
        now=now,
    )
    return decision


@transaction.atomic
def reject_ban(*, decision_id: int, moderator: User, note: str) -> Case:
    """A second moderator turns a proposed ban down, saying why; the case waits for a decision.

    The proposal is kept, reversed, with the note as its reason. The case stays open at its
    tier for anyone there, the rejecting moderator included, to decide again.
    """
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Say why the ban should not be applied.")]})
    if len(note) > MAX_REJECTION_NOTE:
        raise ValidationError(
            {"note": [_("At most %(n)d characters.") % {"n": MAX_REJECTION_NOTE}]}
        )
    case, decision, now = _lock_proposal(decision_id, moderator=moderator)
    decision.reversed_at, decision.reversed_by = now, moderator
    decision.reversal_reason = note
    decision.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    record_event(
        action=AuditAction.DECISION_REJECTED,
        target=decision,
        actor=moderator,
        case=case,
        before={"awaiting_confirmation": True},
        after={"rejected_by": moderator.pk, "case": {"status": case.status, "tier": case.tier}},
        message=note,
    )
    return case
