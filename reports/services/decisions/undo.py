"""A moderator takes back their own decision within the undo window."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.effects import webhooks
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Content,
    Decision,
    DecisionAction,
    Enforcement,
    Report,
    ReportStatus,
)
from reports.models.choices import EnforcementKind, LiftCause
from reports.services.audit import record_event
from reports.services.decisions.reversal import (
    lift_enforcements,
    mark_reversed,
    revoke_strikes,
    undo_reason,
)
from reports.services.enforcement import audit_visibility, member_state, refresh_member


@transaction.atomic
def undo_decision(*, decision_id: int, moderator: User) -> Case:
    """Take back one's own decision within the undo window; the case returns to its moderator.

    Enforcements are lifted, content visibility and the member's status restored, the strike
    revoked and the reports reopened; nobody was told yet, so nobody is told now. A confirmed
    ban is undone by its confirmer, to whom the case returns; a proposal that still waits, or
    was rejected, applied nothing and has nothing to undo. Care goes out at once: undoing
    support reopens the case but the member keeps the message, and a welfare check cannot be
    undone at all, since the platform may already be on its way.
    """
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision_id)
    )
    now = timezone.now()  # after the lock: the messages' task waits on it too
    if decision.undoer_id != moderator.pk:
        raise PermissionDenied(
            "Only the moderator who decided (or who confirmed a ban) can undo a decision."
        )
    if decision.awaiting_confirmation:
        raise ValidationError(_("This ban was never applied; there is nothing to undo."))
    if decision.action == DecisionAction.WELFARE_CHECK:
        raise ValidationError(
            _(
                "A welfare check cannot be undone: the platform and the people on call were "
                "told at once. If it was a mistake, tell them."
            )
        )
    if decision.primary_id is not None:
        raise ValidationError(_("Undo the decision this one was taken with."))
    if decision.is_reversed:
        raise ValidationError(_("This decision was already undone."))
    if now >= decision.undo_deadline:
        raise ValidationError(
            _("The time to undo this decision has passed; it can be reviewed on appeal.")
        )
    decisions = [
        decision,
        *decision.companions.select_for_update(of=("self",)).select_related("case"),
    ]
    member = User.objects.select_for_update().get(pk=decision.case.subject_id)
    member_before = member_state(member)
    touched_content: set[int] = set()
    for enforcement in lift_enforcements(
        decisions, cause=LiftCause.UNDONE, actor=moderator, now=now
    ):
        if enforcement.content_id:
            touched_content.add(enforcement.content_id)
        webhooks.announce(webhooks.REVERSAL, enforcement=enforcement, now=now)
    for each in decisions:
        touched_content |= _rehide_reviewed_content(each)
    for content in Content.objects.select_for_update().filter(pk__in=touched_content):
        audit_visibility(content, actor=moderator, case=decision.case, decision=decision, now=now)
    revoke_strikes([decision], now=now)
    refresh_member(member, now=now)
    mark_reversed(decisions, by=moderator, why=undo_reason(decision), now=now)
    for each in decisions:
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
        after={"member": member_state(member), "companions": [d.pk for d in decisions[1:]]},
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
