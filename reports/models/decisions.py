import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.categories import DURATION_MATCHES_ACTION
from reports.models.choices import (
    DecisionAction,
    DecisionSource,
    EnforcementKind,
    Ground,
    JobKind,
    LiftCause,
    MediaType,
    MisuseKind,
    Restriction,
)


class Decision(models.Model):
    """What a moderator decided on a case.

    Decisions are never edited away: a reversal (an appeal upheld, or the moderator's own undo)
    is recorded on the row and undoes its enforcements and strike, so that history and the
    transparency figures keep the original. The facts the EU Transparency Database asks of a
    statement of reasons are recorded when the decision is taken.
    """

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("reports.Case", on_delete=models.PROTECT, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decisions",
        null=True,
        blank=True,
        help_text=_("Empty when the decision was automated."),
    )
    action = models.CharField(_("action"), max_length=20, choices=DecisionAction.choices)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    reason = models.ForeignKey(
        "reports.Reason",
        on_delete=models.PROTECT,
        related_name="decisions",
        null=True,
        blank=True,
        verbose_name=_("policy reason"),
    )
    statement_of_reasons = models.TextField(
        _("statement of reasons"), help_text=_("What the member reads about this decision.")
    )
    facts = models.TextField(
        _("facts and circumstances"), blank=True, help_text=_("The moderator's own words.")
    )

    ground = models.CharField(
        _("ground"), max_length=12, choices=Ground.choices, default=Ground.INCOMPATIBLE_CONTENT
    )
    legal_ground = models.CharField(_("legal ground"), max_length=500, blank=True)
    terms_ground = models.CharField(_("guideline broken"), max_length=500, blank=True)
    restriction = models.CharField(
        _("what was restricted"), max_length=20, choices=Restriction.choices, blank=True
    )
    media_type = models.CharField(
        _("content type"), max_length=8, choices=MediaType.choices, default=MediaType.TEXT
    )
    content_language = models.CharField(_("content language"), max_length=8, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=DecisionSource.choices, default=DecisionSource.NOTICE
    )
    misuse = models.CharField(
        _("DSA Art. 23 suspension for"),
        max_length=20,
        choices=MisuseKind.choices,
        blank=True,
        help_text=_("Set on a suspension decided on a misuse case, for the transparency figures."),
    )
    automated_detection = models.BooleanField(_("detected automatically"), default=False)
    automated_decision = models.BooleanField(_("decided automatically"), default=False)
    starts_at = models.DateTimeField(_("restriction starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("restriction ends"), null=True, blank=True)

    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reversed_decisions",
        null=True,
        blank=True,
    )
    reversal_reason = models.TextField(_("why it was reversed"), blank=True)
    awaiting_confirmation = models.BooleanField(
        _("awaiting a second moderator"),
        default=False,
        help_text=_(
            "A ban under a four-eyes policy: nothing is applied until another moderator confirms."
        ),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="confirmed_decisions",
        null=True,
        blank=True,
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    justification = models.TextField(
        _("why this decision"),
        blank=True,
        help_text=_(
            "Written when a moderator sanctions a member at risk, or decides less than the "
            "reason's minimum."
        ),
    )
    # What a proposed ban does besides the ban itself, as its moderator chose it; the second
    # moderator's confirmation applies exactly this.
    proposal_removes_content = models.BooleanField(_("proposal removes the content"), default=True)
    proposal_reason_chosen = models.BooleanField(
        _("proposal names its reason"),
        default=False,
        help_text=_("The moderator chose the reason, so it goes to the cases closed with the ban."),
    )
    proposal_companions = models.ManyToManyField(
        "reports.Case",
        blank=True,
        related_name="+",
        verbose_name=_("other cases the proposal closes"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
        verbose_name=_("replaces"),
        help_text=_("The decision this milder one replaced on appeal."),
    )
    primary = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="companions",
        null=True,
        blank=True,
        verbose_name=_("taken with"),
        help_text=_(
            "Set on the decisions that closed a member's other open cases together with this "
            "one; the enforcement and the strike belong to the primary decision only."
        ),
    )

    class Meta:
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(
                condition=DURATION_MATCHES_ACTION,
                name="decision_duration_matches_action",
                violation_error_message=_(
                    "Restrictions and suspensions need a positive duration; other actions none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(action__in=DecisionAction.values), name="decision_action_known"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="decision_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True) | Q(reversed_by__isnull=False),
                name="decision_reversal_has_actor",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="decision_by_case"),
            models.Index(fields=["action", "created_at"], name="decision_by_action"),
            # "Next case" leaves out the bans a moderator proposed, on every claim: read only
            # the open proposals, not every decision the moderator ever took.
            models.Index(
                fields=["moderator"],
                condition=Q(
                    awaiting_confirmation=True,
                    confirmed_at__isnull=True,
                    reversed_at__isnull=True,
                ),
                name="decision_open_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on case {self.case_id}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    @property
    def undoer_id(self) -> int | None:
        """Who may take it back: its moderator, or for a confirmed ban the confirmer.

        The confirmer made the ban take effect, so they hold the undo as a moderator does for
        their own decision; the proposer alone cannot lift what two people agreed on.
        """
        return self.confirmed_by_id or self.moderator_id

    @property
    def undo_deadline(self):
        # From the decision's own clock, which also times its messages: they become due exactly
        # when undoing stops being possible. A confirmed ban starts when it is confirmed.
        return self.starts_at + settings.DECISION_UNDO_WINDOW

    @property
    def was_undone(self) -> bool:
        """Taken back by the moderator who decided it (or confirmed it), not on appeal."""
        return self.is_reversed and self.reversed_by_id in self.deciders

    @property
    def notified_at(self):
        """When the member and the reporters are told: as soon as undoing is no longer possible."""
        return self.undo_deadline

    @property
    def deciders(self) -> set[int]:
        """The people who took the decision, and who may therefore never decide its appeal."""
        return {pk for pk in (self.moderator_id, self.confirmed_by_id) if pk is not None}

    def can_be_undone_by(self, user, *, now=None) -> bool:
        return (
            self.undoer_id == user.pk
            and not self.awaiting_confirmation
            and self.primary_id is None
            and not self.is_reversed
            and (now or timezone.now()) < self.undo_deadline
        )


class Enforcement(models.Model):
    """One effect on a member or a piece of content, kept so that it can be lifted exactly.

    `previous_state` holds what the member's status or the content's visibility was before, so
    that lifting restores it rather than guessing.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=EnforcementKind.choices)
    case = models.ForeignKey("reports.Case", on_delete=models.PROTECT, related_name="enforcements")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="enforcements",
        null=True,
        blank=True,
        help_text=_("Empty for content hidden automatically before review."),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcements",
        null=True,
        blank=True,
    )
    content = models.ForeignKey(
        "reports.Content",
        on_delete=models.PROTECT,
        related_name="enforcements",
        null=True,
        blank=True,
    )
    previous_state = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_cause = models.CharField(max_length=10, choices=LiftCause.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, content__isnull=True)
                | Q(member__isnull=True, content__isnull=False),
                name="enforcement_one_target",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="enforcement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lift_cause="")
                | Q(lifted_at__isnull=False) & ~Q(lift_cause=""),
                name="enforcement_lift_has_cause",
            ),
        ]
        indexes = [
            # The expiry sweep: timed enforcements still in force.
            models.Index(
                fields=["ends_at"],
                condition=Q(lifted_at__isnull=True, ends_at__isnull=False),
                name="enforcement_in_force_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"


class Strike(models.Model):
    """A mark on a member's record from a decision against them; counts until it expires."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="strikes"
    )
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="strike")
    category = models.ForeignKey(
        "reports.Category", on_delete=models.PROTECT, related_name="strikes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["member", "expires_at"],
                condition=Q(revoked_at__isnull=True),
                name="strike_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"Strike on {self.member_id} ({self.category.name})"


class BulkDecision(models.Model):
    """One decision applied to many cases of a queue at once (a spam wave), worked in chunks.

    The counters move as each chunk commits, so the moderator watches real progress.
    """

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulk_decisions"
    )
    category = models.ForeignKey(
        "reports.Category", on_delete=models.PROTECT, related_name="bulk_decisions"
    )
    action = models.CharField(_("action"), max_length=20, choices=DecisionAction.choices)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    reason = models.ForeignKey(
        "reports.Reason", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facts = models.TextField(_("facts and circumstances"), blank=True)
    case_ids = models.JSONField(_("cases"), default=list)
    total = models.PositiveIntegerField(_("cases"))
    decided = models.PositiveIntegerField(_("decided"), default=0)
    skipped = models.PositiveIntegerField(
        _("skipped"), default=0, help_text=_("Cases already decided or held by someone else.")
    )
    failed = models.PositiveIntegerField(
        _("failed"), default=0, help_text=_("Cases an unexpected error kept from being decided.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=DURATION_MATCHES_ACTION, name="bulk_duration_matches_action"
            ),
            models.CheckConstraint(
                condition=Q(decided__lte=F("total") - F("skipped") - F("failed")),
                name="bulk_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {self.total} cases"

    @property
    def worked(self) -> int:
        return self.decided + self.skipped + self.failed

    @property
    def percent(self) -> int:
        return round(100 * self.worked / self.total) if self.total else 100


class ConfigurationJob(models.Model):
    """Work a configuration change sets off on open cases, with progress an admin can follow."""

    kind = models.CharField(_("kind"), max_length=12, choices=JobKind.choices)
    category = models.ForeignKey(
        "reports.Category", on_delete=models.PROTECT, related_name="configuration_jobs"
    )
    target_category = models.ForeignKey(
        "reports.Category",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("moved to"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="configuration_jobs"
    )
    total = models.PositiveIntegerField(_("open cases"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=JobKind.MOVE, target_category__isnull=False)
                | Q(kind=JobKind.RESCHEDULE, target_category__isnull=True),
                name="job_target_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.category.name}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 100
