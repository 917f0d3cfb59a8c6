"""A reporter's review that succeeds: the "no violation" decision is set aside and the case opens
again, for any moderator but the one who decided it."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import Appeal, AppealStatus, AuditAction, Case, Decision, Report, ReportStatus
from reports.services.audit import record_event
from reports.services.decisions.reversal import mark_reversed


def reopen_for_review(
    appeal: Appeal, decision: Decision, *, moderator: User, now: datetime
) -> list[Appeal]:
    """A reporter's review succeeded: the case opens again, for anyone but its decider.

    Returns the other open reviews of the same decision (locked), to be answered with this one;
    one locked by a senior deciding it right now is theirs, and finds the decision set aside.
    """
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
    return list(
        Appeal.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(decision=decision, status=AppealStatus.OPEN)
        .exclude(pk=appeal.pk)
    )
