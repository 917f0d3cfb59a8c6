"""What an appeal that succeeds does to the decision: everything it did is taken back (reversed),
or a milder decision takes its place, counted from when the original started (replaced)."""

import uuid
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects import webhooks
from reports.models import (
    Appeal,
    AppealOutcome,
    AuditAction,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    Report,
    ReportStatus,
    Visibility,
)
from reports.models.choices import LiftCause
from reports.services.audit import record_event
from reports.services.decisions.reversal import lift_enforcements, mark_reversed, revoke_strikes
from reports.services.decisions.terms import RESTRICTION
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
from reports.texts.statements import appeal_link, compose_statement, is_welfare_case


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


def reverse_decision(appeal: Appeal, decision: Decision, *, moderator: User, now: datetime) -> None:
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


def replace_decision(
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
    public_id = uuid.uuid4()
    replacement = Decision.objects.create(
        uuid=public_id,
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
            # Its page says it was taken on appeal, and where a member who still disagrees can
            # turn: an out-of-court dispute settlement body.
            appeal_url=appeal_link(public_id),
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
