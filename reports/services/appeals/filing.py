"""A member appeals a decision against them, or a reporter asks for a review of a report that
ended with no violation found: saved with its screenshots in one transaction, with a receipt."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from reports.effects.outbox import enqueue
from reports.evidence import CleanImage
from reports.models import (
    Appeal,
    AppealEvidence,
    AppealKind,
    AuditAction,
    Decision,
    Report,
)
from reports.selectors.appeals import deciding_decision, member_appeal_refusal, review_refusal
from reports.services.audit import record_event
from reports.services.intake_senders import sends_for_members
from reports.services.screenshots import store_screenshot
from reports.storable import storable_text, unstorable_message

MAX_STATEMENT_LENGTH = 4000
ALREADY_FILED = gettext_lazy(
    "You already asked us to look at this decision again; we look at each decision once."
)


def _statement_errors(statement: str, evidence: Sequence[CleanImage]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not statement.strip():
        errors["statement"] = [_("Say what you disagree with and why.")]
    elif not storable_text(statement):
        errors["statement"] = [unstorable_message()]
    elif len(statement) > MAX_STATEMENT_LENGTH:
        errors["statement"] = [
            _("Keep it under %(limit)d characters.") % {"limit": MAX_STATEMENT_LENGTH}
        ]
    if len(evidence) > settings.EVIDENCE_MAX_FILES:
        errors["evidence"] = [
            _("Attach at most %(limit)d screenshots.") % {"limit": settings.EVIDENCE_MAX_FILES}
        ]
    return errors


def appeal_decision(
    *,
    appellant: User,
    decision: Decision,
    statement: str,
    evidence: Sequence[CleanImage] = (),
    sent_by: User | None = None,
) -> Appeal:
    """The member `appellant` appeals `decision`, taken against them.

    `sent_by` is the platform when the app files the appeal for the member. Raises
    ValidationError ({"decision": …} when the decision cannot be appealed, {"statement": …},
    {"evidence": …}) and writes nothing then.
    """
    return _file(
        kind=AppealKind.MEMBER,
        appellant=appellant,
        decision=decision,
        report=None,
        statement=statement,
        evidence=evidence,
        sent_by=sent_by,
    )


def ask_for_review(
    *,
    reporter: User,
    report: Report,
    statement: str,
    evidence: Sequence[CleanImage] = (),
    sent_by: User | None = None,
) -> Appeal:
    """The reporter asks for their report, which ended with no violation found, to be reviewed.

    Raises ValidationError ({"report": …} when it cannot be reviewed, or about the statement).
    """
    decision = deciding_decision(report)
    if decision is None:
        raise ValidationError(
            {"report": [_("Only a report that ended with no violation found can be reviewed.")]}
        )
    return _file(
        kind=AppealKind.NOTIFIER,
        appellant=reporter,
        decision=decision,
        report=report,
        statement=statement,
        evidence=evidence,
        sent_by=sent_by,
    )


def _file(
    *,
    kind: str,
    appellant: User,
    decision: Decision,
    report: Report | None,
    statement: str,
    evidence: Sequence[CleanImage],
    sent_by: User | None,
) -> Appeal:
    if sent_by is not None and sent_by.pk != appellant.pk and not sends_for_members(sent_by):
        raise PermissionDenied("Only the platform files appeals for members.")
    errors = _statement_errors(statement, evidence)
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Locked, so that a reversal or a second appeal deciding meanwhile is seen here.
            decision = (
                Decision.objects.select_for_update(of=("self",))
                .select_related("case__category")
                .get(pk=decision.pk)
            )
            now = timezone.now()
            if kind == AppealKind.MEMBER:
                refusal = member_appeal_refusal(appellant, decision, now=now)
                field = "decision"
            else:
                report = Report.objects.select_for_update().get(pk=report.pk)
                refusal = review_refusal(appellant, report, decision, now=now)
                field = "report"
            if refusal:
                raise ValidationError({field: [refusal]})
            category = decision.case.category
            try:
                with transaction.atomic():
                    appeal = Appeal.objects.create(
                        kind=kind,
                        decision=decision,
                        case=decision.case,
                        category=category,
                        appellant=appellant,
                        report=report,
                        statement=statement.strip(),
                        notified_at=decision.notified_at,
                        received_at=now,
                        due_at=now + category.appeal_sla,
                    )
            except IntegrityError:
                # The same person, twice at once: the first one counts.
                raise ValidationError({field: [str(ALREADY_FILED)]}) from None
            for image in evidence:
                AppealEvidence.objects.create(appeal=appeal, **store_screenshot(image, stored))
            record_event(
                action=AuditAction.APPEAL_RECEIVED,
                target=appeal,
                actor=sent_by or appellant,
                case=decision.case,
                after={
                    "reference": appeal.reference,
                    "kind": kind,
                    "decision": decision.pk,
                    "appellant": appellant.public_id,
                    "report": report.reference if report else None,
                    "evidence": len(evidence),
                },
            )
            enqueue(
                "notify_appeal_received",
                key=f"notify_appeal_received:{appeal.pk}",
                payload={"appeal_id": appeal.pk},
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return appeal
