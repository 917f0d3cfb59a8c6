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

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects import webhooks
from reports.effects.outbox import enqueue
from reports.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    AuditAction,
    Case,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    Report,
    ReportStatus,
    Visibility,
)
from reports.models.categories import ACTION_ORDER
from reports.models.choices import TIMED_ACTIONS, LiftCause
from reports.services.appeals.work import check_decides_appeals
from reports.services.audit import record_event
from reports.services.decisions.reversal import lift_enforcements, mark_reversed, revoke_strikes
from reports.services.decisions.terms import MAX_DURATION, RESTRICTION
from reports.services.decisions.welfare import gives_strike
from reports.services.enforcement import (
    add_strike,
    apply_to_content,
    apply_to_member,
    audit_enforcement,
    audit_visibility,
    member_state,
    refresh_member,
)
from reports.texts.statements import compose_statement, is_welfare_case

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
    decision: Decision, *, action: str, duration: timedelta | None
) -> tuple[timedelta | None, dict[str, list[str]]]:
    """What is wrong with a milder decision in place of `decision`, and its duration."""
    if action not in REPLACEMENTS:
        return None, {"action": [_("Choose the milder decision that replaces this one.")]}
    if action == DecisionAction.REMOVE_CONTENT and not decision.case.content_id:
        return None, {"action": [_("This case is about a member, not a piece of content.")]}
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
    remove_content: bool = True,
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
    if moderator.pk in decision.deciders or moderator.pk == appeal.appellant_id:
        raise AppealUnavailable(
            _("You took part in this decision; another senior decides its appeal."), appeal=appeal
        )
    if appeal.is_held_by_someone_else(moderator.pk, now=now):
        raise AppealUnavailable(_("Another senior is working on this appeal."), appeal=appeal)
    errors: dict[str, list[str]] = {}
    answer = answer.strip()
    if not answer:
        errors["answer"] = [_("Write the answer the appellant reads: what you looked at and why.")]
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
        duration, problems = replacement_errors(decision, action=action, duration=duration)
        errors.update(problems)
    if errors:
        raise ValidationError(errors)

    appeal.answer = answer
    if decision.is_reversed:
        # Only a reporter's review meets a decision already set aside: another review of it
        # reopened the case a moment ago. This one is answered with the same outcome.
        outcome = AppealOutcome.REVERSED
    elif outcome == AppealOutcome.REVERSED and appeal.kind == AppealKind.MEMBER:
        _reverse(appeal, decision, moderator=moderator, now=now)
    elif outcome == AppealOutcome.REPLACED:
        appeal.replacement = _replace(
            appeal,
            decision,
            moderator=moderator,
            action=action,
            duration=duration,
            remove_content=remove_content,
            now=now,
        )
    elif outcome == AppealOutcome.REVERSED:
        _reopen_for_review(appeal, decision, moderator=moderator, now=now)
    _close(appeal, outcome=outcome, moderator=moderator, now=now)
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


def _take_back(
    decision: Decision, *, moderator: User, why: str, now: datetime
) -> tuple[User, dict, list[Decision], list[Enforcement]]:
    """Lift the decision's enforcements and those of the cases closed with it, revoke its strike
    and mark them reversed; the member is locked and their standing not yet refreshed."""
    decisions = [
        decision,
        *decision.companions.select_for_update(of=("self",)).select_related("case"),
    ]
    member = User.objects.select_for_update().get(pk=decision.case.subject_id)
    before = member_state(member)
    lifted = lift_enforcements(decisions, cause=LiftCause.APPEAL, actor=moderator, now=now)
    revoke_strikes(decisions, now=now)
    mark_reversed(decisions, by=moderator, why=why, now=now)
    return member, before, decisions, lifted


def _settle(
    appeal: Appeal,
    decision: Decision,
    member: User,
    lifted: list[Enforcement],
    *,
    moderator: User,
    now: datetime,
) -> None:
    """Recompute the member's standing and the contents' visibility, and tell the platform what
    the appeal ended: restrictions lifted, content visible again."""
    refresh_member(member, now=now)
    about_appeal = {"appeal": {"reference": appeal.reference, "outcome": appeal.outcome}}
    restored: set[int] = set()
    contents = {e.content_id for e in lifted if e.content_id}
    for content in Content.objects.select_for_update().filter(pk__in=contents).order_by("pk"):
        before = content.visibility
        audit_visibility(content, actor=moderator, case=decision.case, decision=decision, now=now)
        if content.visibility == Visibility.VISIBLE and before != Visibility.VISIBLE:
            restored.add(content.pk)
    standing = {
        "member_status": member.status,
        "suspended_until": member.suspended_until.isoformat() if member.suspended_until else None,
        "restricted_until": (
            member.restricted_until.isoformat() if member.restricted_until else None
        ),
    }
    for enforcement in lifted:
        if enforcement.member_id:
            webhooks.announce(
                webhooks.RESTRICTION_LIFTED,
                enforcement=enforcement,
                now=now,
                extra={**about_appeal, **standing},
            )
        elif enforcement.content_id in restored:
            webhooks.announce(
                webhooks.CONTENT_RESTORED,
                enforcement=enforcement,
                now=now,
                extra={**about_appeal, **standing},
            )


def _reports_not_upheld(decisions: list[Decision]) -> None:
    """The reports the decisions upheld count as not upheld: the reporters' accuracy follows."""
    reports = Report.objects.none()
    for decision in decisions:
        reports |= Report.objects.filter(
            case_id=decision.case_id,
            status=ReportStatus.ACTIONED,
            resolved_at__gte=decision.starts_at,
        )
    reporters = Counter(reports.exclude(reporter=None).values_list("reporter_id", flat=True))
    reports.update(status=ReportStatus.NO_VIOLATION)
    by_count: dict[int, list[int]] = {}
    for reporter_id, count in reporters.items():
        by_count.setdefault(count, []).append(reporter_id)
    for count, ids in by_count.items():
        User.objects.filter(pk__in=ids, reports_upheld__gte=count).update(
            reports_upheld=F("reports_upheld") - count,
            reports_rejected=F("reports_rejected") + count,
        )


def _reverse(appeal: Appeal, decision: Decision, *, moderator: User, now: datetime) -> None:
    appeal.outcome = AppealOutcome.REVERSED
    member, before, decisions, lifted = _take_back(
        decision,
        moderator=moderator,
        why=_("Reversed on appeal %(reference)s.") % {"reference": appeal.reference},
        now=now,
    )
    _reports_not_upheld(decisions)
    _settle(appeal, decision, member, lifted, moderator=moderator, now=now)
    record_event(
        action=AuditAction.DECISION_REVERSED,
        target=decision,
        actor=moderator,
        case=decision.case,
        before={"member": before},
        after={
            "member": member_state(member),
            "appeal": appeal.reference,
            "companions": [d.pk for d in decisions[1:]],
            "enforcements": [e.pk for e in lifted],
        },
        message=appeal.answer,
    )


def _replace(
    appeal: Appeal,
    decision: Decision,
    *,
    moderator: User,
    action: str,
    duration: timedelta | None,
    remove_content: bool,
    now: datetime,
) -> Decision:
    appeal.outcome = AppealOutcome.REPLACED
    member, before, _decisions, lifted = _take_back(
        decision,
        moderator=moderator,
        why=_("Replaced on appeal %(reference)s with a milder decision.")
        % {"reference": appeal.reference},
        now=now,
    )
    case = decision.case
    # Time already served counts: the milder decision runs from when the original started.
    starts = decision.starts_at
    ends = starts + duration if duration else None
    replacement = Decision.objects.create(
        case=case,
        moderator=moderator,
        action=action,
        duration=duration,
        reason=decision.reason,
        statement_of_reasons=compose_statement(
            case,
            action=action,
            duration=duration,
            ends_at=ends,
            facts=decision.facts,
            automated_detection=decision.automated_detection,
            welfare=is_welfare_case(case, decision.reason),
            # Taken on appeal: what remains for a member who disagrees is a dispute body.
            appeal_url=settings.DISPUTE_SETTLEMENT_URL,
        ),
        facts=decision.facts,
        ground=decision.ground,
        legal_ground=decision.legal_ground,
        terms_ground=decision.terms_ground,
        restriction=RESTRICTION[DecisionAction(action)],
        media_type=decision.media_type,
        content_language=decision.content_language,
        source=decision.source,
        automated_detection=decision.automated_detection,
        starts_at=starts,
        ends_at=ends,
        replaces=decision,
        justification=appeal.answer,
    )
    enforcements = []
    removes = action == DecisionAction.REMOVE_CONTENT or (remove_content and bool(case.content_id))
    if case.content_id and removes:
        enforcements += apply_to_content(replacement, case, remove=True, actor=moderator, now=now)
    if ends is None or ends > now:  # a period already over leaves nothing to enforce
        on_member = apply_to_member(replacement, case, member, actor=moderator, now=now)
        if on_member is not None:
            enforcements.append(on_member)
    for enforcement in enforcements:
        audit_enforcement(enforcement, actor=moderator, case=case)
    if gives_strike(replacement, case):
        add_strike(replacement, member, now=starts)
    _settle(appeal, decision, member, lifted, moderator=moderator, now=now)
    record_event(
        action=AuditAction.DECISION_REPLACED,
        target=decision,
        actor=moderator,
        case=case,
        before={"member": before},
        after={
            "member": member_state(member),
            "appeal": appeal.reference,
            "replacement": replacement.pk,
            "action": action,
            "duration": duration,
            "ends_at": ends,
            "enforcements": [e.pk for e in enforcements],
        },
        message=appeal.answer,
    )
    return replacement


def _reopen_for_review(
    appeal: Appeal, decision: Decision, *, moderator: User, now: datetime
) -> None:
    """A reporter's review succeeded: the case opens again, for anyone but its decider."""
    mark_reversed(
        [decision],
        by=moderator,
        why=_("Set aside on review %(reference)s; the case is decided again.")
        % {"reference": appeal.reference},
        now=now,
    )
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "reason")
        .get(pk=decision.case_id)
    )
    reports = Report.objects.filter(
        case=case, status=ReportStatus.NO_VIOLATION, resolved_at__gte=decision.starts_at
    )
    reporters = list(reports.exclude(reporter=None).values_list("reporter_id", flat=True))
    reports.update(status=ReportStatus.OPEN, resolved_at=None)
    User.objects.filter(pk__in=reporters, reports_rejected__gt=0).update(
        reports_rejected=F("reports_rejected") - 1
    )
    before = {"status": case.status, "not_for": case.not_for_id}
    case.status = Case.unclaimed_status(case.tier)
    case.resolved_at = None
    case.not_for_id = decision.moderator_id
    case.due_at = now + (case.reason.effective_sla if case.reason else case.category.sla)
    try:
        with transaction.atomic():
            case.save(update_fields=["status", "resolved_at", "not_for", "due_at"])
    except IntegrityError:
        # Another case on the same member (or content) opened since; only one may be open.
        raise ValidationError(
            {
                "outcome": [
                    _(
                        "A newer case about the same member is open; decide it first, then "
                        "come back to this review."
                    )
                ]
            }
        ) from None
    record_event(
        action=AuditAction.CASE_REOPENED,
        target=case,
        actor=moderator,
        case=case,
        before=before,
        after={"status": case.status, "review": appeal.reference, "not_for": case.not_for_id},
        message=appeal.answer,
    )
    # The other reporters who asked for a review of this decision get the same answer.
    others = (
        Appeal.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(decision=decision, status=AppealStatus.OPEN)
        .exclude(pk=appeal.pk)
    )
    for other in others:
        other.answer = appeal.answer
        _close(other, outcome=AppealOutcome.REVERSED, moderator=moderator, now=now)
