from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.choices import (
    CLOSED_CASE_STATUSES,
    OPEN_CASE_STATUSES,
    WAITING_CASE_STATUSES,
    CaseKind,
    CaseStatus,
    EscalationCause,
    MisuseKind,
    Tier,
)
from reports.models.queue_order import SERVE_BY

IS_OPEN = Q(status__in=OPEN_CASE_STATUSES)
IS_WAITING = Q(status__in=WAITING_CASE_STATUSES)
# One category's cases in the queue's order (selectors.queues.QUEUE_ORDER), ties broken by id.
QUEUE_INDEX = ("category", F("tier").desc(), SERVE_BY, "id")


class Case(models.Model):
    """The unit of moderator work: every open report on one subject under one category.

    The subject is a piece of content when reports name one, otherwise the member themself.
    """

    category = models.ForeignKey("reports.Category", on_delete=models.PROTECT, related_name="cases")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("reported member"),
    )
    content = models.ForeignKey(
        "reports.Content",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        verbose_name=_("content"),
    )
    reason = models.ForeignKey(
        "reports.Reason",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        help_text=_("The most severe reason any report on this case gave."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.REPORTS
    )
    misuse = models.CharField(
        _("misuse"),
        max_length=20,
        choices=MisuseKind.choices,
        blank=True,
        help_text=_("For a misuse case: unfounded reports, or illegal content."),
    )
    linked_reports = models.ManyToManyField(
        "reports.Report",
        blank=True,
        related_name="linked_cases",
        verbose_name=_("reports it looks at"),
        help_text=_(
            "For a misuse or pattern case: the reports, on other cases, that made hellomod open it."
        ),
    )
    additional_reports = models.PositiveIntegerField(
        _("reports after the decision"),
        default=0,
        help_text=_("Reports that joined the case after it was decided 'no violation'."),
    )
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.FRONTLINE)
    priority = models.IntegerField(_("priority"), default=0)
    language = models.CharField(_("language"), max_length=8, blank=True)
    due_at = models.DateTimeField(_("due at"))
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    distinct_reporters = models.PositiveIntegerField(_("distinct reporters"), default=0)

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claimed_cases",
        null=True,
        blank=True,
        verbose_name=_("claimed by"),
    )
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)

    not_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("not to be decided by"),
        help_text=_(
            "The moderator whose decision a reporter's review reopened: someone else decides again."
        ),
    )
    escalation_cause = models.CharField(
        _("escalation cause"), max_length=12, choices=EscalationCause.choices, blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    last_reported_at = models.DateTimeField(_("last reported at"), default=timezone.now)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    first_action_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        permissions = [
            ("work_queue", "Can work the queues of the categories their teams cover"),
            ("work_escalated", "Can work escalated and emergency cases"),
            ("decide_appeal", "Can decide appeals"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "subject"],
                condition=IS_OPEN & Q(content__isnull=True),
                name="case_one_open_per_member",
                violation_error_message=_("This member already has an open case here."),
            ),
            models.UniqueConstraint(
                fields=["category", "content"],
                condition=IS_OPEN & Q(content__isnull=False),
                name="case_one_open_per_content",
                violation_error_message=_("This content already has an open case here."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_known"
            ),
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="case_tier_known"),
            models.CheckConstraint(
                condition=Q(
                    status=CaseStatus.CLAIMED,
                    claimed_by__isnull=False,
                    lease_expires_at__isnull=False,
                )
                | ~Q(status=CaseStatus.CLAIMED)
                & Q(claimed_by__isnull=True, lease_expires_at__isnull=True),
                name="case_claim_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CLOSED_CASE_STATUSES, resolved_at__isnull=False)
                | Q(status__in=OPEN_CASE_STATUSES, resolved_at__isnull=True),
                name="case_resolved_at_matches_status",
            ),
            # "Open" is the frontline queue; a case waiting above it is "escalated".
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.OPEN) | Q(tier=Tier.FRONTLINE),
                name="case_open_is_frontline",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.ESCALATED) | Q(tier__gt=Tier.FRONTLINE),
                name="case_escalated_above_frontline",
            ),
            models.CheckConstraint(
                condition=Q(kind=CaseKind.MISUSE) & ~Q(misuse="")
                | ~Q(kind=CaseKind.MISUSE) & Q(misuse=""),
                name="case_misuse_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(distinct_reporters__lte=F("report_count")),
                name="case_reporters_within_reports",
            ),
        ]
        indexes = [
            # Any status of one category in the queue's order: the queue page's "decided" filter.
            models.Index(
                "category", "status", F("tier").desc(), SERVE_BY, name="case_status_serve_order"
            ),
            # The queue page: one category's open cases in the queue's order (QUEUE_ORDER).
            # Partial, so that it holds only open work, and in the exact order of the page:
            # a page is the next 50 entries, however many cases there are.
            models.Index(*QUEUE_INDEX, condition=IS_OPEN, name="case_open_serve_order"),
            # "Next case": the cases nobody holds. A claimed case leaves this index, so fifty
            # moderators asking at once never read past each other's cases.
            models.Index(*QUEUE_INDEX, condition=IS_WAITING, name="case_waiting_serve_order"),
            # The overdue sweep only looks at open work.
            models.Index(fields=["due_at"], condition=IS_OPEN, name="case_open_due"),
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(status=CaseStatus.CLAIMED),
                name="case_claimed_lease",
            ),
            models.Index(fields=["subject", "-opened_at"], name="case_by_subject"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} · {self.category.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @staticmethod
    def unclaimed_status(tier: int) -> str:
        """Where a case waits when nobody holds it: open at the frontline, escalated above."""
        return CaseStatus.OPEN if tier == Tier.FRONTLINE else CaseStatus.ESCALATED

    @staticmethod
    def unclaimed_status_in_sql() -> models.Case:
        """unclaimed_status for an UPDATE of many cases at once, read from each row's tier."""
        return models.Case(
            models.When(tier=Tier.FRONTLINE, then=models.Value(CaseStatus.OPEN)),
            default=models.Value(CaseStatus.ESCALATED),
        )

    def may_be_decided_by(self, person_id: int) -> bool:
        return self.not_for_id != person_id

    def is_held_by_someone_else(self, *people_ids: int | None, now) -> bool:
        """Whether a moderator other than these people holds the case, their lease still running.

        An expired lease holds nothing: the sweep has simply not given the case back yet.
        """
        return (
            self.status == CaseStatus.CLAIMED
            and self.claimed_by_id not in people_ids
            and self.lease_expires_at > now
        )


class Note(models.Model):
    """A moderator's internal note on a case; never shown to members."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk} on case {self.case_id}"
