"""A senior decides an appeal, once, in one transaction:

- **uphold**: the decision stands; the appellant reads why.
- **reverse** (a member's appeal): everything the decision did is taken back. Its enforcements
  (and those of the cases closed with it) are lifted, removed content is given back unless
  something else still removes it, the strike is revoked, the member's standing and ladder
  position are recomputed, the reports it upheld count as not upheld, and the platform hears
  `member.restriction_lifted` / `content.restored` naming the appeal.
- **replace** (a member's appeal): the decision is reversed and a milder one takes its place,
  counted from when the original started (time already served counts), with its own strike.
- **reverse** (a reporter's review): the "no violation" decision is set aside and the case opens
  again for any moderator but the one who decided it; every other open review of the same
  decision is answered with it.

The decision's moderator, and the moderator who confirmed it, never decide its appeal. Messages
go through the outbox once the transaction commits (effects/appeal_messages.py).
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects.outbox import enqueue
from reports.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    AuditAction,
    Decision,
    DecisionAction,
)
from reports.models.categories import ACTION_ORDER
from reports.models.choices import TIMED_ACTIONS
from reports.selectors.appeals import party_refusal, removed_content
from reports.services.appeals.reversals import replace_decision, reverse_decision
from reports.services.appeals.reviews import reopen_for_review
from reports.services.appeals.work import check_decides_appeals
from reports.services.audit import record_event
from reports.services.decisions.terms import MAX_DURATION
from reports.storable import storable_text, unstorable_message

MAX_ANSWER_LENGTH = 4000
# What a milder decision may be: a sanction short of the one appealed (never "no violation",
# which is a reversal, nor care, which is no answer to an appeal).
REPLACEMENTS = (
    DecisionAction.WARN,
    DecisionAction.REMOVE_CONTENT,
    DecisionAction.RESTRICT,
    DecisionAction.SUSPEND,
)


class AppealUnavailable(Exception):
    """The appeal cannot be decided by this senior now: decided already, held, or their own."""

    def __init__(self, message: str, *, appeal: Appeal):
        super().__init__(message)
        self.appeal = appeal


def replacement_errors(
    decision: Decision, *, action: str, duration: timedelta | None, remove_content: bool = False
) -> tuple[timedelta | None, dict[str, list[str]]]:
    """What is wrong with a milder decision in place of `decision`, and its duration.

    Milder on every point: it never takes down content the decision appealed left up.
    """
    if action not in REPLACEMENTS:
        return None, {"action": [_("Choose the milder decision that replaces this one.")]}
    if action == DecisionAction.REMOVE_CONTENT and not decision.case.content_id:
        return None, {"action": [_("This case is about a member, not a piece of content.")]}
    if (action == DecisionAction.REMOVE_CONTENT or remove_content) and not removed_content(
        decision
    ):
        return None, {
            "remove_content": [
                _(
                    "The decision appealed left the content up; a milder decision cannot take "
                    "it down."
                )
            ]
        }
    if action not in TIMED_ACTIONS:
        duration = None
    elif duration is None or duration <= timedelta(0):
        return None, {"duration": [_("Say how long this lasts.")]}
    elif duration > MAX_DURATION:
        return None, {"duration": [_("At most 365 days; for longer, ban.")]}
    milder = ACTION_ORDER.index(action) < ACTION_ORDER.index(decision.action) or (
        action == decision.action and duration is not None and duration < decision.duration
    )
    if not milder:
        return None, {
            "action": [
                _("A replacement must be milder than the decision appealed (%(decision)s).")
                % {"decision": DecisionAction(decision.action).label}
            ]
        }
    return duration, {}


@transaction.atomic
def decide_appeal(
    *,
    appeal_id: int,
    moderator: User,
    outcome: str,
    answer: str,
    action: str = "",
    duration: timedelta | None = None,
    remove_content: bool = False,
) -> Appeal:
    """Decide an appeal with `outcome`, answering the appellant in `answer`.

    `action`, `duration` and `remove_content` describe the milder decision of a replacement.
    Raises AppealUnavailable (decided already, held by another senior, the senior's own
    decision), ValidationError for bad terms, PermissionDenied outside the senior's categories.
    Two seniors deciding at once make one outcome: the appeal row is locked and checked.
    """
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("category", "report")
        .get(pk=appeal_id)
    )
    check_decides_appeals(moderator, appeal.category_id)
    now = timezone.now()
    if not appeal.is_open:
        raise AppealUnavailable(_("This appeal was already decided."), appeal=appeal)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__category", "case__content", "case__subject", "case__reason")
        .get(pk=appeal.decision_id)
    )
    appeal.decision, appeal.case = decision, decision.case
    if refusal := party_refusal(appeal, moderator):
        raise AppealUnavailable(refusal, appeal=appeal)
    if appeal.is_held_by_someone_else(moderator.pk, now=now):
        raise AppealUnavailable(_("Another senior is working on this appeal."), appeal=appeal)
    errors: dict[str, list[str]] = {}
    answer = answer.strip()
    if not answer:
        errors["answer"] = [_("Write the answer the appellant reads: what you looked at and why.")]
    elif not storable_text(answer):
        errors["answer"] = [unstorable_message()]
    elif len(answer) > MAX_ANSWER_LENGTH:
        errors["answer"] = [_("Keep it under %(limit)d characters.") % {"limit": MAX_ANSWER_LENGTH}]
    allowed = (
        AppealOutcome.values
        if appeal.kind == AppealKind.MEMBER
        else [AppealOutcome.UPHELD, AppealOutcome.REVERSED]
    )
    if outcome not in allowed:
        errors["outcome"] = [_("Choose an outcome.")]
    elif outcome == AppealOutcome.REPLACED:
        duration, problems = replacement_errors(
            decision, action=action, duration=duration, remove_content=remove_content
        )
        errors.update(problems)
    if errors:
        raise ValidationError(errors)

    appeal.answer = answer
    others: list[Appeal] = []
    if decision.is_reversed:
        # Only a reporter's review meets a decision already set aside: another review of it
        # reopened the case a moment ago. It can only be answered as reopened.
        if outcome != AppealOutcome.REVERSED:
            raise AppealUnavailable(
                _(
                    "Another review of this decision reopened the case a moment ago; this "
                    "review can only be answered as reopened."
                ),
                appeal=appeal,
            )
    elif outcome == AppealOutcome.REVERSED and appeal.kind == AppealKind.MEMBER:
        reverse_decision(appeal, decision, moderator=moderator, now=now)
    elif outcome == AppealOutcome.REPLACED:
        appeal.replacement = replace_decision(
            appeal,
            decision,
            moderator=moderator,
            action=action,
            duration=duration,
            remove_content=remove_content,
            now=now,
        )
    elif outcome == AppealOutcome.REVERSED:
        others = reopen_for_review(appeal, decision, moderator=moderator, now=now)
    _close(appeal, outcome=outcome, moderator=moderator, now=now)
    for other in others:
        other.answer = appeal.answer
        _close(other, outcome=AppealOutcome.REVERSED, moderator=moderator, now=now)
    return appeal


def _close(appeal: Appeal, *, outcome: str, moderator: User, now: datetime) -> None:
    appeal.status, appeal.outcome = AppealStatus.DECIDED, outcome
    appeal.decided_by, appeal.decided_at = moderator, now
    appeal.claimed_by, appeal.lease_expires_at = None, None
    appeal.save(
        update_fields=[
            "status",
            "outcome",
            "answer",
            "decided_by",
            "decided_at",
            "claimed_by",
            "lease_expires_at",
            "replacement",
        ]
    )
    record_event(
        action=AuditAction.APPEAL_DECIDED,
        target=appeal,
        actor=moderator,
        case=appeal.case_id,
        before={"status": AppealStatus.OPEN},
        after={
            "status": appeal.status,
            "outcome": outcome,
            "kind": appeal.kind,
            "decision": appeal.decision_id,
            "replacement": appeal.replacement_id,
            "seconds_to_decision": round((now - appeal.received_at).total_seconds()),
        },
        message=appeal.answer,
    )
    enqueue(
        "notify_appeal_decided",
        key=f"notify_appeal_decided:{appeal.pk}",
        payload={"appeal_id": appeal.pk},
    )
