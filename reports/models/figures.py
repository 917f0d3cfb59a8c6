"""Daily figures (DSA Art. 15 and 24): counts and time histograms per day, kept by a beat task
(services/figures.py) so that the dashboard and the transparency report never read the raw
tables, and the average monthly active recipients an admin enters for the report.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    """What a row of daily figures counts, each on the day of its own event."""

    # Reports received, by the day they were made.
    NOTICES = "notices", _("Notices received")
    # Reports closed (actioned, no violation, dismissed), by the day they were closed.
    NOTICES_CLOSED = "notices_closed", _("Notices closed")
    # Trusted flaggers' notices a senior marked imprecise, by the day of the mark.
    NOTICES_IMPRECISE = "notices_imprecise", _("Notices marked imprecise")
    # Decisions in force (not undone, not a ban still waiting for its second moderator), by the
    # day they took effect; durations from the case's first report.
    DECISIONS = "decisions", _("Decisions")
    # Cases a moderator first acted on (claimed or decided), by that day; durations from the
    # case's first report.
    FIRST_ACTIONS = "first_actions", _("Cases first acted on")
    # Cases opened, by the day.
    CASES_OPENED = "cases_opened", _("Cases opened")
    # Open cases, and those past their due time, at the end of the day (or of the last run).
    QUEUE_OPEN = "queue_open", _("Open cases")
    QUEUE_OVERDUE = "queue_overdue", _("Overdue cases")
    # Appeals and reviews, by the day received and the day decided (durations to decision).
    APPEALS_RECEIVED = "appeals_received", _("Appeals received")
    APPEALS_DECIDED = "appeals_decided", _("Appeals decided")


# The columns that make a row of daily figures one: its day, its metric and its dimensions.
FIGURE_KEY = (
    "day",
    "metric",
    "category",
    "tier",
    "language",
    "action",
    "source",
    "ground",
    "automated_detection",
    "automated_decision",
    "outcome",
    "misuse",
    "moderator",
    "flagger",
)


class DailyFigure(models.Model):
    """One count (and, for times, one histogram) for a day and a combination of dimensions.

    A dimension that does not apply to a metric holds its empty value ("" or 0), so that every
    row has one key and rerunning a day updates the same rows. `durations` is a histogram of
    seconds: {bucket: count}, where bucket b holds durations in [2**(b/8), 2**((b+1)/8)) seconds
    (selectors/figures.py reads quantiles off it to within 4.5 %).
    """

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    category = models.ForeignKey(
        "reports.Category", on_delete=models.PROTECT, related_name="daily_figures"
    )
    tier = models.PositiveSmallIntegerField(_("tier"), default=0)
    language = models.CharField(_("language"), max_length=8, blank=True)
    action = models.CharField(_("action"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)
    ground = models.CharField(_("ground"), max_length=12, blank=True)
    automated_detection = models.BooleanField(_("detected automatically"), default=False)
    automated_decision = models.BooleanField(_("decided automatically"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    misuse = models.CharField(_("DSA Art. 23 suspension for"), max_length=20, blank=True)
    # Plain ids rather than foreign keys: 0 means "none", which keeps the row's key unique
    # without NULLs; names are looked up when a page shows them.
    moderator = models.PositiveIntegerField(
        _("moderator"),
        default=0,
        help_text=_("For appeals: the moderator who took the appealed decision."),
    )
    flagger = models.PositiveIntegerField(
        _("trusted flagger"), default=0, help_text=_("For notices: the trusted flagger's id.")
    )
    count = models.PositiveIntegerField(_("count"), default=0)
    within_sla = models.PositiveIntegerField(
        _("within the SLA"),
        default=0,
        help_text=_("Of these, how many were acted on by the case's due time."),
    )
    durations = models.JSONField(_("durations"), default=dict, blank=True)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        permissions = [
            ("view_dashboard", "Can read the dashboard and the transparency report"),
        ]
        constraints = [
            models.UniqueConstraint(fields=list(FIGURE_KEY), name="daily_figure_key"),
            models.CheckConstraint(
                condition=Q(metric__in=Metric.values), name="daily_figure_metric_known"
            ),
            models.CheckConstraint(
                condition=Q(within_sla__lte=models.F("count")), name="daily_figure_sla_within"
            ),
        ]
        indexes = [
            # Every page reads one metric over a range of days.
            models.Index(fields=["metric", "day"], name="daily_figure_by_metric"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.category_id}: {self.count}"


class FigureCursor(models.Model):
    """How far the beat task has read a table, so that the next run finds what changed."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.position}"


class ActiveRecipients(models.Model):
    """The average monthly active recipients of the service (DSA Art. 24(2)) for one month,
    as the platform counts them; the transparency report averages the months of its period."""

    month = models.DateField(
        _("month"), unique=True, help_text=_("Any day of the month; stored as its first day.")
    )
    count = models.PositiveBigIntegerField(_("active recipients"))
    eu_count = models.PositiveBigIntegerField(
        _("of them in the EU"), null=True, blank=True, help_text=_("Leave empty if not known.")
    )
    note = models.CharField(_("how it was counted"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly active recipients")
        verbose_name_plural = _("monthly active recipients")
        constraints = [
            models.CheckConstraint(
                condition=Q(eu_count__isnull=True) | Q(eu_count__lte=models.F("count")),
                name="active_recipients_eu_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.count}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)
