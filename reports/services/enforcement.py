"""What a decision does to the member and the content: enforcements applied, strikes added, the
member's standing refreshed, each on the audit trail and announced to the platform.
"""

from datetime import datetime, timedelta
from typing import Any

from accounts.models import User
from reports.effects import webhooks
from reports.models import (
    AuditAction,
    Case,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    Policy,
    Strike,
)
from reports.models.choices import EnforcementKind, LiftCause
from reports.selectors.decisions import strikes_in_force
from reports.services.audit import record_event
from reports.services.sweeps import refresh_content_visibility, refresh_member_status

# What each action does to the member, and what the EU Transparency Database calls it.
MEMBER_ENFORCEMENT = {
    DecisionAction.RESTRICT: EnforcementKind.RESTRICT_MEMBER,
    DecisionAction.SUSPEND: EnforcementKind.SUSPEND_MEMBER,
    DecisionAction.BAN: EnforcementKind.BAN_MEMBER,
}


def member_state(member: User) -> dict[str, Any]:
    return {
        "status": member.status,
        "suspended_until": member.suspended_until,
        "restricted_until": member.restricted_until,
        "strike_count": member.strike_count,
    }


def apply_to_content(
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
    audit_visibility(content, actor=actor, case=case, decision=decision, now=now)
    return enforcements


def audit_visibility(
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


def decide_content(
    decision: Decision, case: Case, *, remove_content: bool, actor: User, now: datetime
) -> list[Enforcement]:
    if not case.content_id:
        return []
    remove = decision.action == DecisionAction.REMOVE_CONTENT or (
        remove_content and decision.action != DecisionAction.NO_VIOLATION
    )
    return apply_to_content(decision, case, remove=remove, actor=actor, now=now)


def audit_enforcement(enforcement: Enforcement, *, actor: User, case: Case) -> None:
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


def apply_to_member(
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
        previous_state=member_state(member),
        starts_at=now,
        ends_at=decision.ends_at,
    )


def add_strike(decision: Decision, member: User, *, now: datetime) -> None:
    policy = Policy.objects.filter(category_id=decision.case.category_id).first()
    lifetime = policy.strike_lifetime if policy else timedelta(days=365)
    Strike.objects.create(
        member=member,
        decision=decision,
        category_id=decision.case.category_id,
        expires_at=now + lifetime,
    )


def refresh_member(member: User, *, now: datetime) -> None:
    refresh_member_status(member)
    member.strike_count = strikes_in_force(member, now=now)
    member.save(update_fields=["strike_count"])
