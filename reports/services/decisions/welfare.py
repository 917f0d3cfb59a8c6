"""Decisions about a member who may be at risk, and decisions that a reason's severity bounds.

The rules (checked by `terms.term_errors` for one case and for a bulk decision alike):

- A **welfare case** is one whose reason, or the reason the moderator chose, has welfare
  handling. Its decisions are care: send support resources, ask for an urgent welfare check,
  or remove graphic content without a strike. Anything else on it — a sanction, or closing it
  with "no violation" — needs a written justification ("they encourage others to self-harm",
  "the words are song lyrics"): closing a case about a life at risk without care is the
  decision a reviewer most needs the reason for.
- A reason's **minimum action** is a floor: deciding less needs a justification. "No violation"
  is less than any floor and needs one too — a report of a threat closed as false is exactly
  the decision a lead reviews after something happens; one sentence ("a line from a film,
  quoted between friends") is cheap next to that. A welfare action on a case with a floor is
  less than the floor as well. The floor is the highest among the case's reason, the reason
  chosen and the reasons of the other cases closed with it, so relabelling a case or closing
  it as a companion does not step around it.
- A justification is recorded on the decision and in its audit event.
- Welfare actions are decided one case at a time: never in bulk, never closing other cases.

What a welfare action does (`reach_out`) happens at once, not after the undo window: the
support message reaches the member, and a welfare check reaches the platform (signed webhook
`member.welfare_check`) and the people on call, with its own audit event. Waiting five minutes
for an undo that a caring message never needs would only keep help from someone at risk. So a
welfare check cannot be undone (the platform may be on its way); support can, and the message
stands.
"""

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects import webhooks
from reports.effects.notifications import alert_welfare_check, notify
from reports.models import AuditAction, Case, Decision, DecisionAction, Reason
from reports.models.categories import ACTION_ORDER
from reports.models.choices import SANCTIONS, WELFARE_ACTIONS, CaseKind
from reports.selectors.welfare import floor_of, is_welfare
from reports.services.audit import record_event
from reports.texts import messages as texts

MAX_JUSTIFICATION = 2000


def justification_errors(
    *,
    action: str,
    reasons: Sequence[Reason | None],
    justification: str,
    bulk: bool = False,
    companions: int = 0,
) -> dict[str, list[str]]:
    """What a decision with `action` on cases under `reasons` lacks; {} when nothing.

    A `bulk` decision carries no justification: the cases that would need one are decided one
    at a time.
    """
    if action not in DecisionAction.values:
        return {}
    welfare = action in WELFARE_ACTIONS
    if welfare and bulk:
        return {"action": [_("Support and welfare checks are decided one case at a time.")]}
    if welfare and companions:
        return {
            "also_cases": [
                _(
                    "Support and welfare checks close this case only; decide the member's other "
                    "cases on their own."
                )
            ]
        }
    why = _missing_why(action, reasons)
    if why is None:
        if len(justification) > MAX_JUSTIFICATION:
            return {"justification": [_("At most %(n)d characters.") % {"n": MAX_JUSTIFICATION}]}
        return {}
    if bulk:
        return {
            "action": [
                _(
                    "Some of the selected cases are about a member who may be at risk, or their "
                    "reason asks for more than this; decide them one at a time."
                )
            ]
        }
    if not justification.strip():
        return {"justification": [why]}
    if len(justification) > MAX_JUSTIFICATION:
        return {"justification": [_("At most %(n)d characters.") % {"n": MAX_JUSTIFICATION}]}
    return {}


def _missing_why(action: str, reasons: Sequence[Reason | None]) -> str | None:
    """Why this action needs a written justification under these reasons, or None."""
    # Removing graphic content is care too: it needs no justification on a welfare case.
    sanction = action in SANCTIONS and action != DecisionAction.REMOVE_CONTENT
    if sanction and any(is_welfare(reason) for reason in reasons):
        if action == DecisionAction.NO_VIOLATION:
            return _(
                "This member may be at risk. Say why the case needs neither support nor action, "
                "e.g. the words are song lyrics."
            )
        return _(
            "This member may be at risk. Say why a sanction rather than support, e.g. they "
            "encourage others to hurt themselves."
        )
    floor = floor_of(reasons)
    if floor is None or action == floor.action:
        return None
    if action in WELFARE_ACTIONS or ACTION_ORDER.index(action) < floor.rank:
        values = {
            "reason": floor.reason.name,
            "minimum": DecisionAction(floor.action).label,
        }
        if action == DecisionAction.NO_VIOLATION:
            return (
                _("“%(reason)s” calls for at least %(minimum)s. Say why there is no violation.")
                % values
            )
        return (
            _("“%(reason)s” calls for at least %(minimum)s. Say why less is right here.") % values
        )
    return None


def justification_prompt(action: str, reasons: Sequence[Reason | None]) -> str | None:
    """What the case page asks in its "why" field when this action is chosen; None when it
    needs no justification."""
    return _missing_why(action, reasons) if action in DecisionAction.values else None


def gives_strike(decision: Decision, case: Case) -> bool:
    """A strike is for an offence: never for care, nor for removing a welfare case's content.

    Nor on a misuse case: its decision is about what the strikes and reports already counted.
    """
    if decision.action not in SANCTIONS or decision.action == DecisionAction.NO_VIOLATION:
        return False
    if case.kind == CaseKind.MISUSE:
        return False
    welfare = is_welfare(case.reason) or is_welfare(decision.reason)
    return not (welfare and decision.action == DecisionAction.REMOVE_CONTENT)


def reach_out(decision: Decision, case: Case, member: User, *, actor: User, now: datetime) -> None:
    """What a welfare action does besides closing the case, at once (see the module's notes)."""
    if decision.action not in WELFARE_ACTIONS:
        return
    subject, _body = texts.render(
        texts.SUPPORT_RESOURCES,
        language=texts.supported_language(member.preferred_language),
        values={},
    )
    notify(
        recipient=member,
        event=texts.SUPPORT_RESOURCES,
        key=str(decision.pk),
        subject=subject,
        # The support message is the decision's own text, composed when it was taken.
        body=decision.statement_of_reasons,
        case=case,
        urgent=True,
    )
    if decision.action == DecisionAction.WELFARE_CHECK:
        request_welfare_check(decision, case, actor=actor, now=now)


def request_welfare_check(decision: Decision, case: Case, *, actor: User, now: datetime) -> None:
    """Tell the platform and the people on call; on the record with who was told."""
    deliveries = webhooks.announce_welfare_check(decision, case=case, now=now)
    told = alert_welfare_check(case, decision=decision, requested_by=actor)
    record_event(
        action=AuditAction.WELFARE_CHECK_REQUESTED,
        target=decision,
        actor=actor,
        case=case,
        after={
            "member": case.subject.public_id,
            "webhooks": [delivery.pk for delivery in deliveries],
            "alerted": told,
        },
        message=decision.facts,
    )
