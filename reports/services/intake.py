"""Report intake: a member's report is saved with its case in one transaction."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MemberStatus, User
from reports import ratelimit
from reports.effects.outbox import Message, enqueue_many
from reports.evidence import CleanImage
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Category,
    Content,
    Evidence,
    FlaggerOrganisation,
    Reason,
    Report,
    ReportSource,
)
from reports.selectors.flaggers import flagger_organisation_of, is_expert
from reports.services.audit import audit_event, record_events
from reports.services.collapse import join_decided_case, takes_no_triage
from reports.services.intake_cases import join_or_open_case
from reports.services.screenshots import store_screenshot
from reports.storable import storable_text, unstorable_message

MAX_DESCRIPTION_LENGTH = 4000


def _suspended_message() -> str:
    return _("Your account cannot send reports while it is suspended.")


def _validate(
    *,
    reporter: User | None,
    subject: User,
    category: Category,
    reason: Reason | None,
    content: Content | None,
    description: str,
    source: str,
    evidence: Sequence[CleanImage],
    organisation: FlaggerOrganisation | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if reporter is None and source != ReportSource.AUTOMATIC:
        errors.setdefault("reporter", []).append(_("A report needs a reporter."))
    if reporter is not None and reporter.status in (MemberStatus.SUSPENDED, MemberStatus.BANNED):
        errors.setdefault("reporter", []).append(_suspended_message())
    if (
        reporter is not None
        and reporter.reporting_suspended_until
        and reporter.reporting_suspended_until > timezone.now()
    ):
        errors.setdefault("reporter", []).append(
            _("Your reporting is paused until %(when)s because of earlier unfounded reports.")
            % {"when": timezone.localtime(reporter.reporting_suspended_until).date()}
        )
    if (
        organisation is not None
        and organisation.reporting_suspended_until
        and organisation.reporting_suspended_until > timezone.now()
    ):
        errors.setdefault("reporter", []).append(
            _(
                "%(organisation)s's notices are paused until %(when)s because of earlier "
                "unfounded notices."
            )
            % {
                "organisation": organisation.name,
                "when": timezone.localtime(organisation.reporting_suspended_until).date(),
            }
        )
    if reporter is not None and reporter.pk == subject.pk:
        errors.setdefault("subject", []).append(_("You cannot report yourself."))
    if not category.takes_reports:
        errors.setdefault("category", []).append(_("This category no longer takes reports."))
    if reason is not None and (reason.category_id != category.pk or not reason.is_active):
        errors.setdefault("reason", []).append(_("Choose a reason from the chosen category."))
    if content is not None and content.author_id != subject.pk:
        errors.setdefault("content", []).append(_("This content was not posted by that member."))
    if category.details_required and not description.strip():
        errors.setdefault("description", []).append(
            _("Please describe what happened for this category.")
        )
    if not storable_text(description):
        errors.setdefault("description", []).append(unstorable_message())
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors.setdefault("description", []).append(
            _("Keep the details under %(limit)d characters.") % {"limit": MAX_DESCRIPTION_LENGTH}
        )
    if len(evidence) > settings.EVIDENCE_MAX_FILES:
        errors.setdefault("evidence", []).append(
            _("Attach at most %(limit)d screenshots.") % {"limit": settings.EVIDENCE_MAX_FILES}
        )
    if errors:
        raise ValidationError(errors)


def _more_urgent(reason: Reason | None, than: Reason | None) -> bool:
    if reason is None:
        return False
    if than is None:
        return True
    return (reason.is_critical, reason.effective_severity) > (
        than.is_critical,
        than.effective_severity,
    )


def check_can_report(reporter: User) -> None:
    """Refuse early, before any upload is decoded, a reporter who may not report now.

    Raises RateLimited or ValidationError like submit_report, which checks again when it saves.
    """
    ratelimit.check(reporter)
    if reporter.status in (MemberStatus.SUSPENDED, MemberStatus.BANNED):
        raise ValidationError({"reporter": [_suspended_message()]})


def submit_report(
    *,
    reporter: User | None,
    subject: User,
    category: Category,
    reason: Reason | None = None,
    content: Content | None = None,
    description: str = "",
    source: str = ReportSource.WEB,
    also_blocked: bool = False,
    evidence: Sequence[CleanImage] = (),
) -> Report:
    """Save a report and open or join its case.

    The first report on a subject and category opens a case; later ones join it. A reporter who
    reports the same case again adds their new details to their earlier report, so one person
    never counts twice. Triage and the reporter's receipt are queued through the outbox in the
    same transaction, so a saved report is always triaged. A report on something decided 'no
    violation' within the policy's collapse window joins that decided case instead, settled as
    its decision, with its receipt and outcome but no triage (services/collapse.py).

    Raises ValidationError with a message per field for bad input, and RateLimited when the
    reporter has used up the last hour's reports; in both cases nothing is written (and a place
    taken in the rate limit is given back).
    """
    # Only trusted flaggers (a flag the registry keeps) cost the query for their organisation.
    organisation = (
        flagger_organisation_of(reporter) if reporter and reporter.is_trusted_flagger else None
    )
    _validate(
        reporter=reporter,
        subject=subject,
        category=category,
        reason=reason,
        content=content,
        description=description,
        source=source,
        evidence=evidence,
        organisation=organisation,
    )
    place = ratelimit.take(reporter) if reporter is not None else None
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = _save(
                reporter=reporter,
                subject=subject,
                category=category,
                reason=reason,
                content=content,
                description=description,
                source=source,
                also_blocked=also_blocked,
                organisation=organisation,
            )
            for image in evidence:
                _attach(report, image, stored)
            if evidence and getattr(report, "evidence_count", None) is not None:
                report.evidence_count += len(evidence)
            # Triage and the receipt: one INSERT, and to the worker in one task.
            messages = []
            if not takes_no_triage(report):
                messages.append(
                    Message(
                        "triage_case",
                        key=f"triage_case:report:{report.pk}:{report.updated_at.isoformat()}",
                        payload={"case_id": report.case_id, "report_id": report.pk},
                        # A critical reason (self-harm, a threat) is triaged ahead of other work.
                        urgent=reason is not None and reason.is_critical,
                    )
                )
            if reporter is not None:
                messages.append(
                    Message(
                        "notify_report_received",
                        key=f"notify_report_received:report:{report.pk}",
                        payload={"report_id": report.pk},
                    )
                )
            enqueue_many(messages)
    except BaseException:
        # Nothing half-written: no place used in the rate limit, no file without its row.
        if place is not None:
            ratelimit.give_back(place)
        for name in stored:
            default_storage.delete(name)
        raise
    return report


def _attach(report: Report, image: CleanImage, stored: list[str]) -> Evidence:
    return Evidence.objects.create(report=report, **store_screenshot(image, stored))


def _save(
    *,
    reporter: User | None,
    subject: User,
    category: Category,
    reason: Reason | None,
    content: Content | None,
    description: str,
    source: str,
    also_blocked: bool,
    organisation: FlaggerOrganisation | None = None,
) -> Report:
    now = timezone.now()
    case, opened = join_or_open_case(
        category=category,
        subject=subject,
        content=content,
        reason=reason,
        reporter=reporter,
        now=now,
    )
    # The report's events, written together at the end.
    events = []

    existing = None
    if reporter is not None and not opened:
        existing = Report.objects.select_for_update().filter(case=case, reporter=reporter).first()

    if existing is not None:
        report = existing
        # Its member and category are those at hand: the answer names them without a query.
        if report.subject_id == subject.pk and report.category_id == category.pk:
            report.subject, report.category = subject, category
        before = {"description": report.description, "reason": report.reason_id}
        if description.strip():
            combined = f"{report.description}\n\n{description}".strip()
            if len(combined) > MAX_DESCRIPTION_LENGTH:
                # Cutting would lose what the member just wrote; tell them instead.
                raise ValidationError(
                    {
                        "description": [
                            _(
                                "Your earlier report on this already has most of the room for "
                                "details; keep these under %(limit)d characters."
                            )
                            % {"limit": MAX_DESCRIPTION_LENGTH - len(report.description) - 2}
                        ]
                    }
                )
            report.description = combined
        if _more_urgent(reason, report.reason):
            report.reason = reason
        report.also_blocked = report.also_blocked or also_blocked
        report.save(update_fields=["description", "reason", "also_blocked", "updated_at"])
        events.append(
            audit_event(
                action=AuditAction.REPORT_AMENDED,
                target=report,
                actor=reporter,
                case=case,
                before=before,
                after={"description": report.description, "reason": report.reason_id},
            )
        )
    elif case.status == CaseStatus.DECIDED:
        report = join_decided_case(
            case,
            reporter=reporter,
            subject=subject,
            category=category,
            reason=reason,
            content=content,
            description=description,
            source=source,
            also_blocked=also_blocked,
            organisation=organisation,
            expert_notice=organisation is not None and is_expert(organisation, category),
            now=now,
        )
    else:
        report = Report.objects.create(
            reporter=reporter,
            subject=subject,
            content=content,
            category=category,
            reason=reason,
            case=case,
            description=description,
            source=source,
            also_blocked=also_blocked,
            # A trusted flagger's notice names its organisation; in one of its areas of
            # expertise it is dealt with first (triage).
            flagger_organisation=organisation,
            expert_notice=organisation is not None and is_expert(organisation, category),
        )
        # Nothing is on the report yet but the screenshots submit_report attaches next.
        report.evidence_count = 0
        if not opened:  # a case opened for this report counts it already
            Case.objects.filter(pk=case.pk).update(
                report_count=F("report_count") + 1,
                distinct_reporters=F("distinct_reporters") + (1 if reporter is not None else 0),
                last_reported_at=now,
            )
        events.append(
            audit_event(
                action=AuditAction.REPORT_SUBMITTED,
                target=report,
                actor=reporter,
                actor_label="" if reporter else "automatic detection",
                case=case,
                after={"category": category.slug, "reason": reason.slug if reason else None},
            )
        )

    if case.status != CaseStatus.DECIDED and _more_urgent(reason, case.reason):
        sla = reason.effective_sla
        Case.objects.filter(pk=case.pk).update(reason=reason, due_at=min(case.due_at, now + sla))
    if opened:
        events.append(
            audit_event(
                action=AuditAction.CASE_OPENED,
                target=case,
                actor=reporter,
                actor_label="" if reporter else "automatic detection",
                case=case,
                after={"category": category.slug, "subject": subject.public_id},
            )
        )
    record_events(events)
    return report
