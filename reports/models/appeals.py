"""Appeals (DSA Art. 20): a member asks for a decision against them to be looked at again, or a
reporter whose report ended "no violation" asks for a review. A senior who had no part in the
decision answers, and the answer is recorded for the transparency figures.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Screenshot, new_reference


def new_appeal_reference() -> str:
    """A reference the appellant can quote to support, e.g. A-7KQ2-M9XD."""
    return new_reference("A")


class AppealKind(models.TextChoices):
    MEMBER = "member", _("Appeal against a decision")
    NOTIFIER = "notifier", _("Review of a report")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    DECIDED = "decided", _("Decided")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Decision upheld")
    REVERSED = "reversed", _("Decision reversed")
    REPLACED = "replaced", _("Replaced with a milder decision")


_REVIEW_OUTCOMES = {
    AppealOutcome.UPHELD: _("No violation confirmed"),
    AppealOutcome.REVERSED: _("Case reopened"),
}


class Appeal(models.Model):
    """One person's complaint about one decision, worked like a case: leased, then decided.

    A member appeals a decision against them (kind "member"); a reporter asks for a review of a
    "no violation" decision on their report (kind "notifier", with the report). Each person
    appeals a decision once. The decision's moderator, and the moderator who confirmed it, never
    decide its appeal.
    """

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_appeal_reference, editable=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AppealKind.choices)
    decision = models.ForeignKey(
        "reports.Decision", on_delete=models.PROTECT, related_name="appeals"
    )
    case = models.ForeignKey("reports.Case", on_delete=models.PROTECT, related_name="appeals")
    category = models.ForeignKey(
        "reports.Category", on_delete=models.PROTECT, related_name="appeals"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("appellant"),
    )
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.PROTECT,
        related_name="reviews",
        null=True,
        blank=True,
        help_text=_("The reporter's report, for a review of a report."),
    )
    statement = models.TextField(_("what they disagree with"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    notified_at = models.DateTimeField(
        _("decision notified at"), help_text=_("The appeal window runs from here.")
    )
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claimed_appeals",
        null=True,
        blank=True,
        verbose_name=_("claimed by"),
    )
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AppealOutcome.choices, blank=True
    )
    answer = models.TextField(_("answer to the appellant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decided_appeals",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    replacement = models.OneToOneField(
        "reports.Decision",
        on_delete=models.PROTECT,
        related_name="replaced_on_appeal",
        null=True,
        blank=True,
        verbose_name=_("milder decision"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "appellant"],
                name="appeal_once_per_decision_and_person",
                violation_error_message=_("This person already appealed this decision."),
            ),
            models.CheckConstraint(
                condition=Q(kind=AppealKind.MEMBER, report__isnull=True)
                | Q(kind=AppealKind.NOTIFIER, report__isnull=False),
                name="appeal_report_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=AppealStatus.OPEN,
                    decided_at__isnull=True,
                    decided_by__isnull=True,
                    outcome="",
                )
                | Q(status=AppealStatus.DECIDED, decided_at__isnull=False, decided_by__isnull=False)
                & ~Q(outcome=""),
                name="appeal_outcome_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, lease_expires_at__isnull=True)
                | Q(
                    status=AppealStatus.OPEN,
                    claimed_by__isnull=False,
                    lease_expires_at__isnull=False,
                ),
                name="appeal_claim_has_lease",
            ),
            models.CheckConstraint(
                condition=Q(outcome=AppealOutcome.REPLACED, replacement__isnull=False)
                | ~Q(outcome=AppealOutcome.REPLACED) & Q(replacement__isnull=True),
                name="appeal_replacement_matches_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="appeal_status_known"
            ),
        ]
        indexes = [
            # The appeals queue: one category's open appeals, the one due first on top.
            models.Index(
                fields=["category", "due_at", "id"],
                condition=Q(status=AppealStatus.OPEN),
                name="appeal_open_queue",
            ),
            models.Index(fields=["appellant", "-received_at"], name="appeal_by_appellant"),
            models.Index(fields=["category", "decided_at"], name="appeal_by_decided"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN

    def is_held_by_someone_else(self, person_id: int, *, now) -> bool:
        return (
            self.is_open
            and self.claimed_by_id is not None
            and self.claimed_by_id != person_id
            and self.lease_expires_at > now
        )

    @property
    def outcome_label(self) -> str:
        """The outcome in words: a reporter's review reopens a case, it reverses no sanction."""
        if self.kind == AppealKind.NOTIFIER and self.outcome in _REVIEW_OUTCOMES:
            return str(_REVIEW_OUTCOMES[self.outcome])
        return self.get_outcome_display()

    @property
    def time_to_decision(self):
        return self.decided_at - self.received_at if self.decided_at else None


class AppealEvidence(Screenshot):
    """A screenshot an appellant attached, cleaned like a report's."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = _("appeal evidence")
        verbose_name_plural = _("appeal evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(width__gt=0, height__gt=0, size_bytes__gt=0),
                name="appeal_evidence_dimensions_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence {self.pk} for {self.appeal_id}"
