import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.choices import ReportSource, ReportStatus

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference(prefix: str) -> str:
    """A reference number a member can quote to support, e.g. R-7KQ2-M9XD."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def new_report_reference() -> str:
    return new_reference("R")


class Report(models.Model):
    """One member's notice about a member or a piece of content, under one category."""

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_report_reference, editable=False
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports_filed",
        null=True,
        blank=True,
        verbose_name=_("reporter"),
        help_text=_("Empty for reports raised by automatic detection."),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports_received",
        verbose_name=_("reported member"),
    )
    content = models.ForeignKey(
        "reports.Content",
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
        verbose_name=_("content"),
    )
    category = models.ForeignKey(
        "reports.Category", on_delete=models.PROTECT, related_name="reports"
    )
    reason = models.ForeignKey(
        "reports.Reason", on_delete=models.PROTECT, related_name="reports", null=True, blank=True
    )
    case = models.ForeignKey("reports.Case", on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("details"), max_length=4000, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=ReportSource.choices, default=ReportSource.WEB
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    also_blocked = models.BooleanField(_("reporter also blocked the member"), default=False)
    flagger_organisation = models.ForeignKey(
        "reports.FlaggerOrganisation",
        on_delete=models.PROTECT,
        related_name="notices",
        null=True,
        blank=True,
        verbose_name=_("sent for trusted flagger"),
    )
    expert_notice = models.BooleanField(
        _("in the flagger's expertise"),
        default=False,
        help_text=_(
            "Sent by a trusted flagger in one of its areas of expertise: dealt with first."
        ),
    )
    imprecise_at = models.DateTimeField(_("marked imprecise at"), null=True, blank=True)
    imprecise_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("marked imprecise by"),
    )
    collapsed = models.BooleanField(
        _("joined a decided case"),
        default=False,
        help_text=_(
            "Came after the case was decided 'no violation' and joined it without reopening it."
        ),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        permissions = [
            ("submit_for_members", "Can send reports and content on members' behalf (platform)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reporter=F("subject")),
                name="report_not_about_self",
                violation_error_message=_("Members cannot report themselves."),
            ),
            models.CheckConstraint(
                condition=Q(reporter__isnull=True, source=ReportSource.AUTOMATIC)
                | Q(reporter__isnull=False) & ~Q(source=ReportSource.AUTOMATIC),
                name="report_reporter_matches_source",
            ),
            # A reporter who reports the same case again adds to their report instead.
            models.UniqueConstraint(fields=["case", "reporter"], name="report_once_per_case"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN, resolved_at__isnull=True)
                | ~Q(status=ReportStatus.OPEN) & Q(resolved_at__isnull=False),
                name="report_resolved_at_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["reporter", "-created_at"], name="report_by_reporter"),
            models.Index(fields=["subject", "-created_at"], name="report_by_subject"),
            models.Index(fields=["category", "-created_at"], name="report_by_category"),
            models.Index(
                fields=["flagger_organisation", "-created_at"],
                condition=Q(flagger_organisation__isnull=False),
                name="report_by_flagger",
            ),
            # "Trusted flagger · expert" on queue rows: the few expert notices, by case, so
            # the queue page never scans every report for them.
            models.Index(
                fields=["case"], condition=Q(expert_notice=True), name="report_expert_notice"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def outcome_settled(self) -> bool:
        """Whether the reporter may learn the outcome: the decision's undo window has passed.

        Until then the moderator may take the decision back, and an undone decision must never
        have reached anyone.
        """
        if self.status == ReportStatus.OPEN or self.resolved_at is None:
            return False
        return self.resolved_at <= timezone.now() - settings.DECISION_UNDO_WINDOW

    @property
    def status_for_reporter(self) -> str:
        return self.status if self.outcome_settled else ReportStatus.OPEN

    @property
    def status_for_reporter_display(self) -> str:
        return ReportStatus(self.status_for_reporter).label


class Screenshot(models.Model):
    """An image a member attached, re-encoded on upload with its metadata stripped."""

    image = models.ImageField(_("image"), upload_to="evidence/%Y/%m/", blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="evidence/thumbs/%Y/%m/", blank=True)
    content_type = models.CharField(_("content type"), max_length=20, default="image/jpeg")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)

    class Meta:
        abstract = True


class Evidence(Screenshot):
    """A screenshot attached to a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("Kept past the retention period.")
    )

    class Meta:
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(width__gt=0, height__gt=0, size_bytes__gt=0),
                name="evidence_dimensions_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence {self.pk} for {self.report_id}"
