"""Reports sent in by a program: the app for its member, the platform for anyone.

The app sends a member's own reports. The platform (an account with `submit_for_members`) names
the reporting member, or sends its own automatic detections, and may send a snapshot of the
reported content with the report. What each sender may do is decided here, before intake.
"""

import contextlib
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from reports.evidence import CleanImage
from reports.models import Category, Content, Reason, Report, ReportSource
from reports.ratelimit import RateLimited
from reports.services.content import record_content
from reports.services.intake import check_can_report, submit_report


def sends_for_members(sender: User) -> bool:
    """Whether this account is the platform, which reports for members and sends snapshots."""
    return sender.has_perm("reports.submit_for_members")


def check_can_send(sender: User) -> None:
    """Refuse a member who may not report now, before any upload is decoded.

    The platform is not refused here: the member it names is checked when the report is saved.
    Raises RateLimited or ValidationError, as submit_report would.
    """
    if not sends_for_members(sender):
        check_can_report(sender)


def _reporter_for(
    *, sender: User, reporter: User | None, source: str, snapshot: bool
) -> User | None:
    """Who the report is from, once the sender has been allowed to say so."""
    platform = sends_for_members(sender)
    if reporter is not None and not platform:
        raise PermissionDenied("Only the platform may report on a member's behalf.")
    if source != ReportSource.APP and not platform:
        raise PermissionDenied("Only the platform may set the source of a report.")
    if platform and reporter is None and source != ReportSource.AUTOMATIC:
        # Otherwise every member's report would count as the platform's own.
        raise ValidationError(
            {"reporter": ["Name the reporting member, or send source automatic."]}
        )
    if reporter is None and source != ReportSource.AUTOMATIC:
        reporter = sender
    if reporter is not None and source == ReportSource.AUTOMATIC:
        raise ValidationError({"source": ["Automatic reports have no reporter."]})
    if snapshot and not platform:
        # Members would otherwise write the evidence against someone else themselves.
        raise PermissionDenied("Only the platform may send content snapshots.")
    return reporter


def send_report(
    *,
    sender: User,
    subject: User,
    category: Category,
    reason: Reason | None = None,
    content: Content | None = None,
    snapshot: dict[str, Any] | None = None,
    snapshot_media: CleanImage | None = None,
    description: str = "",
    source: str = ReportSource.APP,
    reporter: User | None = None,
    also_blocked: bool = False,
    evidence: Sequence[CleanImage] = (),
) -> Report:
    """Submit a report a program sent; with a snapshot, the content is recorded with it.

    `reporter` is for the platform alone; a member's app reports as the member. Raises
    PermissionDenied for what this sender may not do, and ValidationError or RateLimited as
    submit_report does; then nothing is written, the snapshot and its image included.
    """
    reporter = _reporter_for(
        sender=sender, reporter=reporter, source=source, snapshot=bool(snapshot)
    )
    recorded = None
    # The snapshot and the report are saved together; a report alone is atomic already.
    together = transaction.atomic() if snapshot else contextlib.nullcontext()
    try:
        with together:
            if snapshot:
                content, created = record_content(
                    actor=sender, author=subject, media=snapshot_media, **snapshot
                )
                recorded = content if created else None
            return submit_report(
                reporter=reporter,
                subject=subject,
                category=category,
                reason=reason,
                content=content,
                description=description,
                source=source,
                also_blocked=also_blocked,
                evidence=evidence,
            )
    except (RateLimited, ValidationError):
        # The snapshot's row was rolled back with the report; its image must go too.
        if recorded is not None and recorded.media:
            recorded.media.delete(save=False)
        raise
