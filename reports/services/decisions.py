"""Decisions: what a moderator decides on a case, applied in one transaction, and undone exactly.

`decide` validates, applies the enforcement to the member and the content, records the strike,
resolves every report of the case, writes the audit events and queues the members' messages.
The messages wait for the undo window, so a decision its moderator takes back never reaches
anyone.

Four eyes: in a category whose policy asks a second moderator for bans, `decide(action=BAN)`
only records a proposal (`awaiting_confirmation`) and sends the case to the senior tier; nothing
is applied. `confirm_ban` by another moderator applies it exactly as `decide` would have, from
that moment; `reject_ban` closes the proposal and leaves the case open for a new decision. A
proposal keeps `awaiting_confirmation` set for good when it is rejected, so that flag always
means "this ban never took effect".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects import webhooks
from reports.models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseStatus,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    LadderStep,
    Policy,
    Reason,
    Report,
    ReportSource,
    ReportStatus,
    StatementTemplate,
    Strike,
    Tier,
)
from reports.models.choices import (
    OPEN_CASE_STATUSES,
    TIMED_ACTIONS,
    ContentKind,
    DecisionSource,
    EnforcementKind,
    EscalationCause,
    Ground,
    LiftCause,
    MediaType,
    Restriction,
)
from reports.permissions import can_view_case
from reports.services.audit import record_event
from reports.services.escalation import send_to_tier
from reports.services.sweeps import refresh_content_visibility, refresh_member_status
from reports.texts.durations import describe_duration
from reports.texts.placeholders import fill_placeholders

MAX_DURATION = timedelta(days=365)

# What each action does to the member, and what the EU Transparency Database calls it.
MEMBER_ENFORCEMENT = {
    DecisionAction.RESTRICT: EnforcementKind.RESTRICT_MEMBER,
    DecisionAction.SUSPEND: EnforcementKind.SUSPEND_MEMBER,
    DecisionAction.BAN: EnforcementKind.BAN_MEMBER,
}
RESTRICTION = {
    DecisionAction.NO_VIOLATION: Restriction.NONE,
    DecisionAction.WARN: Restriction.NONE,
    DecisionAction.REMOVE_CONTENT: Restriction.CONTENT_REMOVED,
    DecisionAction.RESTRICT: Restriction.SERVICE_PARTIALLY_SUSPENDED,
    DecisionAction.SUSPEND: Restriction.ACCOUNT_SUSPENDED,
    DecisionAction.BAN: Restriction.ACCOUNT_TERMINATED,
}
AUDIO_KINDS = {ContentKind.VOICE_MESSAGE, ContentKind.VOICE_ROOM}
MAX_REJECTION_NOTE = 2000


class CaseUnavailable(Exception):
    """The case cannot take this decision: someone else decided it, holds it, or it changed."""

    def __init__(self, message: str, *, case: Case, decided_by: User | None = None):
        super().__init__(message)
        self.case = case
        self.decided_by = decided_by


@dataclass(frozen=True)
class Suggestion:
    """The enforcement ladder's step for this member's next offence in this category."""

    offence: int
    action: str
    duration: timedelta | None

    @property
    def label(self) -> str:
        return DecisionAction(self.action).label


def case_version(case: Case) -> int:
    """A number that grows with every recorded change to the case (its latest audit event).

    The decision form carries it, so a decision made on a page that no longer shows the case
    as it is (a new report came in, someone escalated it) is refused instead of applied.
    """
    return AuditEvent.objects.filter(case=case).aggregate(latest=Max("id"))["latest"] or 0


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
    """
    offence = strikes_in_force(case.subject, category_id=case.category_id) + 1
    if ladder is not None:
        step = max(
            (s for s in ladder if s.offence <= offence), key=lambda s: s.offence, default=None
        )
    else:
        step = (
            LadderStep.objects.filter(category_id=case.category_id, offence__lte=offence)
            .order_by("-offence")
            .first()
        )
    if step is None:
        return None
    return Suggestion(offence=offence, action=step.action, duration=step.duration)


def compose_statement(
    case: Case,
    *,
    action: str,
    duration: timedelta | None = None,
    ends_at: datetime | None = None,
    facts: str = "",
    language: str | None = None,
    automated_detection: bool = False,
) -> str:
    """The statement of reasons as the member will read it, in their language.

    It ends by saying what automation had to do with it, as the Digital Services Act asks of
    a statement of reasons (Art. 17(3)(c)).
    """
    language = language or case.subject.preferred_language or "en"
    templates = {
        t.language: t.body
        for t in StatementTemplate.objects.filter(category_id=case.category_id, action=action)
    }
    body = templates.get(language) or templates.get("en")
    with translation.override(language):
        if body is None:
            body = _('Decision on "{category}": {facts}')
        values = _fixed_values(case, language)
        values.update(
            duration=describe_duration(duration),
            ends_at=(
                formats.date_format(timezone.localtime(ends_at), "DATETIME_FORMAT")
                if ends_at
                else ""
            ),
            facts=facts.strip(),
        )
        statement = fill_placeholders(body, values).strip()
        if action == DecisionAction.NO_VIOLATION:
            return statement
        if automated_detection:
            automation = _(
                "Automatic detection flagged this; a moderator reviewed it and took the decision."
            )
        else:
            automation = _(
                "A moderator took this decision after reviewing reports from members; no "
                "automated decision-making was involved."
            )
        return f"{statement}\n\n{automation}"


def _fixed_values(case: Case, language: str) -> dict[str, str]:
    """The placeholders known before the moderator chooses (call inside the member's language)."""
    return dict(
        category=case.category.translated("name", language),
        content_kind=(case.content.get_kind_display() if case.content_id else _("account")).lower(),
        appeal_url=settings.APPEAL_URL,
    )


def statement_as_decided(
    case: Case,
    *,
    action: str,
    duration: timedelta | None,
    facts: str,
    now: datetime,
    sources: set[str] | None = None,
) -> str:
    """The statement a decision taken at `now` sends, word for word (the case page shows it).

    `sources` are those of the case's reports, when the caller has read them already.
    """
    if sources is None:
        sources = set(Report.objects.filter(case=case).values_list("source", flat=True))
    return compose_statement(
        case,
        action=action,
        duration=duration,
        ends_at=now + duration if duration else None,
        facts=facts,
        automated_detection=ReportSource.AUTOMATIC in sources,
    )


def statement_previews(case: Case, templates: dict[str, str]) -> dict[str, str]:
    """Each action's statement with what is already known filled in; the page fills the rest.

    {duration}, {ends_at} and {facts} stay in place for the case page to fill as the moderator
    types.
    """
    language = case.subject.preferred_language or "en"
    with translation.override(language):
        values = _fixed_values(case, language)
        return {action: fill_placeholders(body, values) for action, body in templates.items()}


def _validate(
    case: Case,
    *,
    action: str,
    duration: timedelta | None,
    reason: Reason | None,
    ground: str,
    legal_ground: str,
) -> timedelta | None:
    errors: dict[str, list[str]] = {}
    if action not in DecisionAction.values:
        errors["action"] = [_("Choose one of the decisions.")]
    elif action in TIMED_ACTIONS:
        if duration is None or duration <= timedelta(0):
            errors["duration"] = [_("Say how long this lasts.")]
        elif duration > MAX_DURATION:
            errors["duration"] = [_("At most 365 days; for longer, ban.")]
    else:
        duration = None
    if action == DecisionAction.REMOVE_CONTENT and not case.content_id:
        errors["action"] = [_("This case is about a member, not a piece of content.")]
    if reason is not None and reason.category_id != case.category_id:
        errors["reason"] = [_("Choose a reason of this case's category.")]
    if ground not in Ground.values:
        errors["ground"] = [_("Choose a ground.")]
    elif ground == Ground.ILLEGAL_CONTENT and not legal_ground.strip():
        errors["legal_ground"] = [_("Name the law the content breaks.")]
    if errors:
        raise ValidationError(errors)
    return duration


def _member_state(member: User) -> dict[str, Any]:
    return {
        "status": member.status,
        "suspended_until": member.suspended_until,
        "restricted_until": member.restricted_until,
        "strike_count": member.strike_count,
    }


def _media_type(content: Content | None) -> str:
    if content is None:
        return MediaType.TEXT
    if content.kind in AUDIO_KINDS:
        return MediaType.AUDIO
    if content.kind == ContentKind.LIVE_STREAM:
        return MediaType.VIDEO
    if content.media or content.kind == ContentKind.PROFILE_PHOTO:
        return MediaType.IMAGE
    return MediaType.TEXT


def _lock_case(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "content", "subject", "claimed_by")
        .get(pk=case_id)
    )


def _check_workable(case: Case, *, moderator: User, now: datetime) -> None:
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


def pending_proposal(case: Case) -> Decision | None:
    """The ban on this case that waits for a second moderator, if there is one."""
    return (
        case.decisions.filter(awaiting_confirmation=True, reversed_at__isnull=True)
        .select_related("moderator")
        .first()
    )


def _refuse_if_proposed(case: Case) -> None:
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


def _needs_second_moderator(case: Case, action: str) -> bool:
    return (
        action == DecisionAction.BAN
        and Policy.objects.filter(category_id=case.category_id, four_eyes_for_bans=True).exists()
    )


def _resolve_reports(case: Case, *, action: str, now: datetime) -> None:
    upheld = action != DecisionAction.NO_VIOLATION
    reports = Report.objects.filter(case=case, status=ReportStatus.OPEN)
    reporter_ids = list(reports.exclude(reporter=None).values_list("reporter_id", flat=True))
    reports.update(
        status=ReportStatus.ACTIONED if upheld else ReportStatus.NO_VIOLATION, resolved_at=now
    )
    counter = "reports_upheld" if upheld else "reports_rejected"
    User.objects.filter(pk__in=reporter_ids).update(**{counter: F(counter) + 1})


def _close_case(case: Case, *, now: datetime) -> dict[str, Any]:
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


def _apply_to_content(
    decision: Decision, case: Case, *, remove: bool, actor: User, now: datetime
) -> list[Enforcement]:
    """Remove the content, or give back content hidden pending review; returns what was done.

    Every removing decision records its own removal, even of content already removed under
    another case, so that undoing one decision leaves the other's removal standing.
    """
    content = Content.objects.select_for_update().get(pk=case.content_id)
    for hidden in Enforcement.objects.select_for_update().filter(
        case=case, kind=EnforcementKind.HIDE_CONTENT, lifted_at__isnull=True
    ):
        hidden.lifted_at, hidden.lift_cause = now, LiftCause.REVIEWED
        hidden.save(update_fields=["lifted_at", "lift_cause"])
        webhooks.announce(webhooks.LIFT, enforcement=hidden, now=now)
    enforcements = []
    if remove:
        enforcements.append(
            Enforcement.objects.create(
                kind=EnforcementKind.REMOVE_CONTENT,
                case=case,
                decision=decision,
                content=content,
                previous_state={"visibility": content.visibility},
                starts_at=now,
            )
        )
    _audit_visibility(content, actor=actor, case=case, decision=decision, now=now)
    return enforcements


def _audit_visibility(
    content: Content, *, actor: User, case: Case, decision: Decision, now: datetime
) -> None:
    before = refresh_content_visibility(content, now=now)
    if content.visibility != before:
        record_event(
            action=AuditAction.CONTENT_VISIBILITY_CHANGED,
            target=content,
            actor=actor,
            case=case,
            before={"visibility": before},
            after={"visibility": content.visibility, "decision": decision.pk},
        )


def _decide_content(
    decision: Decision, case: Case, *, remove_content: bool, actor: User, now: datetime
) -> list[Enforcement]:
    if not case.content_id:
        return []
    remove = decision.action == DecisionAction.REMOVE_CONTENT or (
        remove_content and decision.action != DecisionAction.NO_VIOLATION
    )
    return _apply_to_content(decision, case, remove=remove, actor=actor, now=now)


def _audit_enforcement(enforcement: Enforcement, *, actor: User, case: Case) -> None:
    record_event(
        action=AuditAction.ENFORCEMENT_APPLIED,
        target=enforcement,
        actor=actor,
        case=case,
        before=enforcement.previous_state,
        after={
            "kind": enforcement.kind,
            "ends_at": enforcement.ends_at,
            "member": enforcement.member.public_id if enforcement.member_id else None,
            "content": enforcement.content_id,
        },
    )
    webhooks.announce(webhooks.applied(enforcement), enforcement=enforcement)


def _apply_to_member(
    decision: Decision, case: Case, member: User, *, actor: User, now: datetime
) -> Enforcement | None:
    kind = MEMBER_ENFORCEMENT.get(DecisionAction(decision.action))
    if kind is None:
        return None
    return Enforcement.objects.create(
        kind=kind,
        case=case,
        decision=decision,
        member=member,
        previous_state=_member_state(member),
        starts_at=now,
        ends_at=decision.ends_at,
    )


def _add_strike(decision: Decision, member: User, *, now: datetime) -> None:
    policy = Policy.objects.filter(category_id=decision.case.category_id).first()
    lifetime = policy.strike_lifetime if policy else timedelta(days=365)
    Strike.objects.create(
        member=member,
        decision=decision,
        category_id=decision.case.category_id,
        expires_at=now + lifetime,
    )


def _refresh_member(member: User, *, now: datetime) -> None:
    refresh_member_status(member)
    member.strike_count = strikes_in_force(member, now=now)
    member.save(update_fields=["strike_count"])


def _record(
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
    confirmed_by: User | None = None,
) -> Decision:
    ends_at = now + duration if duration else None
    sources = set(Report.objects.filter(case=case).values_list("source", flat=True))
    reason = reason or case.reason
    return Decision.objects.create(
        case=case,
        moderator=moderator,
        action=action,
        duration=duration,
        reason=reason,
        statement_of_reasons=statement_as_decided(
            case, action=action, duration=duration, facts=facts, now=now, sources=sources
        ),
        facts=facts.strip(),
        ground=ground,
        legal_ground=legal_ground.strip() if ground == Ground.ILLEGAL_CONTENT else "",
        terms_ground=f"{case.category.name}: {reason.name}" if reason else case.category.name,
        restriction=RESTRICTION[DecisionAction(action)],
        media_type=_media_type(case.content),
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
        confirmed_by=confirmed_by,
        confirmed_at=now if confirmed_by else None,
    )


@transaction.atomic
def decide(
    *,
    case_id: int,
    moderator: User,
    action: str,
    duration: timedelta | None = None,
    reason: Reason | None = None,
    facts: str = "",
    ground: str = Ground.INCOMPATIBLE_CONTENT,
    legal_ground: str = "",
    remove_content: bool = True,
    also_case_ids: Iterable[int] = (),
    expected_version: int | None = None,
) -> Decision:
    """Decide a case and apply everything the decision implies, or nothing at all.

    `remove_content` also takes down the reported content with an action on the member (warn,
    restrict, suspend, ban); "remove content" always does. `also_case_ids` closes the member's
    other open cases with the same decision (their reports are resolved; the member gets one
    enforcement and one strike). Raises CaseUnavailable when someone else decided or holds the
    case, when a ban proposed on it waits for a second moderator, or when `expected_version`
    shows the page was out of date; ValidationError for bad values; PermissionDenied for a case
    outside the moderator's categories.

    A ban in a category with four eyes for bans is only proposed: see `confirm_ban`.
    """
    now = timezone.now()
    case = _lock_case(case_id)
    _check_workable(case, moderator=moderator, now=now)
    _refuse_if_proposed(case)
    if expected_version is not None and case_version(case) != expected_version:
        raise CaseUnavailable(
            _("This case changed since you opened it; look at it again before deciding."),
            case=case,
        )
    duration = _validate(
        case,
        action=action,
        duration=duration,
        reason=reason,
        ground=ground,
        legal_ground=legal_ground,
    )
    proposing = _needs_second_moderator(case, action)
    # A proposal takes its companions along to the confirmation, where the second moderator
    # sees them; a ban applied at once leaves out companions that want a second moderator.
    others = _lock_companions(
        case, also_case_ids, moderator=moderator, now=now, action=None if proposing else action
    )
    if proposing:
        return _propose_ban(
            case,
            moderator=moderator,
            reason=reason,
            facts=facts,
            ground=ground,
            legal_ground=legal_ground,
            remove_content=remove_content,
            others=others,
            now=now,
        )
    member = User.objects.select_for_update().get(pk=case.subject_id)
    decision = _record(
        case,
        moderator=moderator,
        action=action,
        duration=duration,
        reason=reason,
        facts=facts,
        ground=ground,
        legal_ground=legal_ground,
        now=now,
    )
    _apply(
        decision,
        case,
        member,
        actor=moderator,
        chosen_reason=reason,
        remove_content=remove_content,
        others=others,
        event="decision.recorded",
        now=now,
    )
    return decision


def _apply(
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
    member_before = _member_state(member)
    enforcements = _decide_content(
        decision, case, remove_content=remove_content, actor=actor, now=now
    )
    on_member = _apply_to_member(decision, case, member, actor=actor, now=now)
    if on_member is not None:
        enforcements.append(on_member)
    if decision.action != DecisionAction.NO_VIOLATION:
        _add_strike(decision, member, now=now)
    _refresh_member(member, now=now)
    for enforcement in enforcements:
        _audit_enforcement(enforcement, actor=actor, case=case)
    case_before = _close_case(case, now=now)
    _resolve_reports(case, action=decision.action, now=now)
    record_event(
        action=event,
        target=decision,
        actor=actor,
        case=case,
        before={"case": case_before, "member": member_before},
        after={
            "case": {"status": case.status},
            "member": _member_state(member),
            "action": decision.action,
            "duration": decision.duration,
            "ends_at": decision.ends_at,
            "reason": decision.reason_id,
            "enforcements": [e.pk for e in enforcements],
        },
        message=decision.facts,
    )
    for other in others:
        _decide_companion(
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
    _queue_messages(decision, now=now)


def _lock_companions(
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
            .select_related("category", "content", "subject", "claimed_by")
            .filter(pk=other_id)
            .first()
        )
        if other is None:
            continue
        if other.subject_id != case.subject_id:
            raise ValidationError({"also_cases": [_("Those cases are about another member.")]})
        try:
            _check_workable(other, moderator=moderator, now=now)
            # A ban proposed there waits for its own second moderator.
            _refuse_if_proposed(other)
        except (CaseUnavailable, PermissionDenied):
            continue  # decided or taken meanwhile, or not this moderator's: left as it is
        if action is not None and _needs_second_moderator(other, action):
            continue
        others.append(other)
    return others


def _decide_companion(
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
    decision = _record(
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
    )
    for enforcement in _decide_content(
        decision, case, remove_content=remove_content, actor=actor, now=now
    ):
        _audit_enforcement(enforcement, actor=actor, case=case)
    before = _close_case(case, now=now)
    _resolve_reports(case, action=primary.action, now=now)
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


# --- four eyes for bans -------------------------------------------------------------------------


def _propose_ban(
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
) -> Decision:
    """Record a ban that waits for a second moderator, and send the case to them.

    Nothing else happens: no enforcement, strike, closed report or message. What the proposal
    would also do (remove the content, close the member's other cases) is kept in its audit
    event, which `confirm_ban` reads back; the other cases stay open until then.
    """
    decision = _record(
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


@dataclass(frozen=True)
class ProposalTerms:
    """What a proposed ban does besides the ban itself, as its moderator chose it."""

    remove_content: bool = True
    also_case_ids: tuple[int, ...] = ()
    chosen_reason_id: int | None = None


def proposal_terms(decision: Decision) -> ProposalTerms:
    event = (
        AuditEvent.objects.filter(
            action=AuditAction.DECISION_PROPOSED, target_type="decision", target_id=str(decision.pk)
        )
        .order_by("-id")
        .first()
    )
    after = event.after if event else {}
    return ProposalTerms(
        remove_content=bool(after.get("remove_content", True)),
        also_case_ids=tuple(int(pk) for pk in after.get("also_cases", ())),
        chosen_reason_id=after.get("chosen_reason"),
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
    case = _lock_case(decision.case_id)
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
    terms = proposal_terms(decision)
    others = _lock_companions(case, terms.also_case_ids, moderator=moderator, now=now)
    member = User.objects.select_for_update().get(pk=case.subject_id)
    decision.awaiting_confirmation = False
    decision.confirmed_by, decision.confirmed_at = moderator, now
    decision.starts_at = now
    decision.save(
        update_fields=["awaiting_confirmation", "confirmed_by", "confirmed_at", "starts_at"]
    )
    _apply(
        decision,
        case,
        member,
        actor=moderator,
        chosen_reason=decision.reason if terms.chosen_reason_id else None,
        remove_content=terms.remove_content,
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


def _queue_messages(decision: Decision, *, now: datetime) -> None:
    from reports.effects.outbox import enqueue

    enqueue(
        "notify_decision",
        key=f"notify_decision:{decision.pk}",
        payload={"decision_id": decision.pk},
        not_before=now + settings.DECISION_UNDO_WINDOW,
    )


def undo_deadline(decision: Decision) -> datetime:
    # From the decision's own clock (starts_at), which also times its messages: the messages
    # become due exactly when undoing stops being possible. A confirmed ban starts, and its
    # messages are queued, when it is confirmed.
    return decision.starts_at + settings.DECISION_UNDO_WINDOW


def _undoer_id(decision: Decision) -> int | None:
    """Who may take a decision back: its moderator, or for a confirmed ban the confirmer.

    The confirmer made the ban take effect, so they hold the undo, as a moderator does for
    their own decision; the proposer alone cannot lift what two people agreed on.
    """
    return decision.confirmed_by_id or decision.moderator_id


@transaction.atomic
def undo_decision(*, decision_id: int, moderator: User) -> Case:
    """Take back one's own decision within the undo window; the case returns to its moderator.

    Enforcements are lifted, content visibility and the member's status restored, the strike
    revoked and the reports reopened; nobody was told yet, so nobody is told now. A confirmed
    ban is undone by its confirmer, to whom the case returns; a proposal that still waits, or
    was rejected, applied nothing and has nothing to undo.
    """
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision_id)
    )
    now = timezone.now()  # after the lock: the messages' task waits on it too
    if _undoer_id(decision) != moderator.pk:
        raise PermissionDenied(
            "Only the moderator who decided (or who confirmed a ban) can undo a decision."
        )
    if decision.awaiting_confirmation:
        raise ValidationError(_("This ban was never applied; there is nothing to undo."))
    if decision.primary_id is not None:
        raise ValidationError(_("Undo the decision this one was taken with."))
    if decision.is_reversed:
        raise ValidationError(_("This decision was already undone."))
    if now >= undo_deadline(decision):
        raise ValidationError(
            _("The time to undo this decision has passed; it can be reviewed on appeal.")
        )
    decisions = [
        decision,
        *decision.companions.select_for_update(of=("self",)).select_related("case"),
    ]
    member = User.objects.select_for_update().get(pk=decision.case.subject_id)
    member_before = _member_state(member)
    touched_content: set[int] = set()
    for enforcement in (
        Enforcement.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(decision__in=decisions, lifted_at__isnull=True)
    ):
        enforcement.lifted_at, enforcement.lift_cause = now, LiftCause.UNDONE
        enforcement.save(update_fields=["lifted_at", "lift_cause"])
        if enforcement.content_id:
            touched_content.add(enforcement.content_id)
        record_event(
            action=AuditAction.ENFORCEMENT_LIFTED,
            target=enforcement,
            actor=moderator,
            case=enforcement.case,
            after={"cause": LiftCause.UNDONE, "kind": enforcement.kind},
        )
        webhooks.announce(webhooks.REVERSAL, enforcement=enforcement, now=now)
    for each in decisions:
        touched_content |= _rehide_reviewed_content(each)
    for content in Content.objects.select_for_update().filter(pk__in=touched_content):
        _audit_visibility(content, actor=moderator, case=decision.case, decision=decision, now=now)
    Strike.objects.filter(decision=decision, revoked_at__isnull=True).update(revoked_at=now)
    _refresh_member(member, now=now)
    for each in decisions:
        each.reversed_at, each.reversed_by = now, moderator
        each.reversal_reason = (
            _("Undone by the moderator who confirmed it.")
            if decision.confirmed_by_id
            else _("Undone by the moderator who decided.")
        )
        each.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        try:
            with transaction.atomic():
                _reopen(
                    each,
                    moderator=moderator,
                    holder=moderator if each is decision else None,
                    now=now,
                )
        except IntegrityError:
            # A new report opened another case on the same subject meanwhile; only one of
            # them may be open, so the undo stops here and changes nothing.
            raise ValidationError(
                _("A new case on this member was opened since; decide it there instead.")
            ) from None
    record_event(
        action=AuditAction.DECISION_UNDONE,
        target=decision,
        actor=moderator,
        case=decision.case,
        before={"member": member_before},
        after={"member": _member_state(member), "companions": [d.pk for d in decisions[1:]]},
    )
    return Case.objects.get(pk=decision.case_id)


def _rehide_reviewed_content(decision: Decision) -> set[int]:
    """Content held for review that this decision gave back is held again; returns its ids."""
    reviewed = Enforcement.objects.select_for_update().filter(
        case_id=decision.case_id,
        kind=EnforcementKind.HIDE_CONTENT,
        lift_cause=LiftCause.REVIEWED,
        lifted_at__gte=decision.starts_at,
    )
    ids = set()
    for enforcement in reviewed:
        enforcement.lifted_at, enforcement.lift_cause = None, ""
        enforcement.save(update_fields=["lifted_at", "lift_cause"])
        webhooks.announce(webhooks.HIDE, enforcement=enforcement)
        ids.add(enforcement.content_id)
    return ids


def _reopen(decision: Decision, *, moderator: User, holder: User | None, now: datetime) -> None:
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    upheld = decision.action != DecisionAction.NO_VIOLATION
    reports = Report.objects.filter(case=case, resolved_at__gte=decision.starts_at)
    reporter_ids = list(reports.exclude(reporter=None).values_list("reporter_id", flat=True))
    reports.update(status=ReportStatus.OPEN, resolved_at=None)
    counter = "reports_upheld" if upheld else "reports_rejected"
    User.objects.filter(pk__in=reporter_ids, **{f"{counter}__gt": 0}).update(
        **{counter: F(counter) - 1}
    )
    before = {"status": case.status}
    if holder is not None:
        case.status, case.claimed_by = CaseStatus.CLAIMED, holder
        case.lease_expires_at = now + settings.CASE_LEASE
    else:
        case.status = CaseStatus.OPEN if case.tier == 1 else CaseStatus.ESCALATED
    case.resolved_at = None
    case.save(update_fields=["status", "claimed_by", "lease_expires_at", "resolved_at"])
    record_event(
        action=AuditAction.CASE_REOPENED,
        target=case,
        actor=moderator,
        case=case,
        before=before,
        after={"status": case.status, "undone": decision.pk},
    )


def can_undo(decision: Decision, user: User, *, now: datetime | None = None) -> bool:
    return (
        _undoer_id(decision) == user.pk
        and not decision.awaiting_confirmation
        and decision.primary_id is None
        and not decision.is_reversed
        and (now or timezone.now()) < undo_deadline(decision)
    )


def counts_touched(cases: Sequence[Case]) -> dict[str, int]:
    """How many members and pieces of content a bulk decision on these cases would touch."""
    return {
        "cases": len(cases),
        "members": len({c.subject_id for c in cases}),
        "contents": len({c.content_id for c in cases if c.content_id}),
    }
