from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from reports.models.choices import (
    SANCTIONS,
    TIMED_ACTIONS,
    CategoryPurpose,
    DecisionAction,
    Handling,
    Severity,
    Tier,
)
from reports.models.tdb import StatementCategory

POSITIVE_DURATION = Q(sla__gt=timedelta(0))

# What an admin may set: mistakes such as "0" or "30000 days" are refused next to the field.
SLA_RANGE = (timedelta(minutes=5), timedelta(days=30))
WINDOW_RANGE = (timedelta(minutes=5), timedelta(days=30))
STRIKE_LIFETIME_RANGE = (timedelta(days=1), timedelta(days=5 * 365))
THRESHOLD_RANGE = (2, 1000)
# The categories members report under (the report form's, the API's).
REPORTABLE = Q(is_active=True, purpose=CategoryPurpose.REPORTS)
# Sanctions from the mildest to the harshest (the welfare actions are not on this scale).
ACTION_ORDER = tuple(a.value for a in SANCTIONS)


def _days(value: timedelta) -> str:
    if value % timedelta(days=1) == timedelta(0):
        return _("%(n)d days") % {"n": value.days}
    return _("%(n)d minutes") % {"n": value.total_seconds() // 60}


def check_range(errors: dict, field: str, value, bounds: tuple) -> None:
    """Add a message for `field` when `value` lies outside `bounds` (both ends included)."""
    low, high = bounds
    if value is None or low <= value <= high:
        return
    if isinstance(value, timedelta):
        low, high = _days(low), _days(high)
    errors.setdefault(field, []).append(
        _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
    )


class Translated:
    """Member-facing text in the reader's language.

    The admins' translation in the row's `translations` comes first; without one, the
    catalogues' translation of the English text, which they hold for every shipped category and
    reason (reports/texts/shipped.py); the English text itself only when neither has one (a
    category an admin added and translated into none of the reader's languages).
    """

    translations: dict

    def translated(self, field: str, language: str | None = None) -> str:
        language = (language or get_language() or settings.LANGUAGE_CODE).lower()
        value = self.translations.get(language, {}).get(field)
        if value:
            return value
        english = getattr(self, field)
        if not english or language == settings.LANGUAGE_CODE:
            return english
        with translation.override(language):
            return gettext(english)

    @property
    def display_name(self) -> str:
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")


class Category(Translated, models.Model):
    """A report category, as members see it on the form and moderators as a queue."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(
        _("description"), help_text=_("Shown to members on the report form.")
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('Name and description per language, e.g. {"zh-hans": {"name": "…"}}.'),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    sla = models.DurationField(
        _("SLA"), default=timedelta(hours=24), help_text=_("Time to a first decision.")
    )
    appeal_sla = models.DurationField(
        _("appeal SLA"),
        default=timedelta(days=3),
        help_text=_("Time a senior has to decide an appeal or a reporter's review."),
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=10,
        choices=CategoryPurpose.choices,
        default=CategoryPurpose.REPORTS,
        help_text=_(
            "Misuse categories hold the cases hellomod opens itself; members never see them."
        ),
    )
    statement_category = models.CharField(
        _("Transparency Database category"),
        max_length=80,
        choices=StatementCategory.choices,
        default=StatementCategory.OTHER_VIOLATION_TC,
        help_text=_(
            "The category its statements of reasons carry in the EU Transparency Database."
        ),
    )
    statement_keywords = models.JSONField(
        _("Transparency Database keywords"),
        default=list,
        blank=True,
        help_text=_("The specification its statements carry (KEYWORD_…), if any."),
    )
    details_required = models.BooleanField(
        _("details required"),
        default=False,
        help_text=_("Members must describe what happened when they choose this category."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(condition=POSITIVE_DURATION, name="category_sla_positive"),
            models.CheckConstraint(
                condition=Q(appeal_sla__gt=timedelta(0)), name="category_appeal_sla_positive"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="category_severity_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_reports(self) -> bool:
        """Members may report under it: active, and not a category hellomod fills itself."""
        return self.is_active and self.purpose == CategoryPurpose.REPORTS

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_range(errors, "sla", self.sla, SLA_RANGE)
        check_range(errors, "appeal_sla", self.appeal_sla, SLA_RANGE)
        _check_translations(errors, self.translations)
        if errors:
            raise ValidationError(errors)


def _check_translations(errors: dict, translations) -> None:
    """Translations are {"language": {"name": "…", "description": "…"}} for known languages."""
    known = {code for code, _name in settings.LANGUAGES}
    if not isinstance(translations, dict):
        errors["translations"] = [_('Write {"zh-hans": {"name": "…", "description": "…"}}.')]
        return
    for language, fields in translations.items():
        if language not in known:
            errors.setdefault("translations", []).append(
                _("%(language)s is not one of the languages of the site (%(known)s).")
                % {"language": language, "known": ", ".join(sorted(known))}
            )
        elif not isinstance(fields, dict) or not set(fields) <= {"name", "description"}:
            errors.setdefault("translations", []).append(
                _("Each language has a name and a description, nothing else.")
            )


class Reason(Translated, models.Model):
    """A finer reason under a category, which may be more (or less) urgent than its category."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reasons")
    slug = models.SlugField(_("slug"), max_length=60)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"),
        choices=Severity.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty to use the category's severity."),
    )
    sla = models.DurationField(
        _("SLA"), null=True, blank=True, help_text=_("Leave empty to use the category's SLA.")
    )
    statement_category = models.CharField(
        _("Transparency Database category"),
        max_length=80,
        choices=StatementCategory.choices,
        blank=True,
        help_text=_("Leave empty to use the category's."),
    )
    statement_keywords = models.JSONField(
        _("Transparency Database keywords"),
        default=list,
        blank=True,
        help_text=_("Leave empty to use the category's."),
    )
    is_critical = models.BooleanField(
        _("critical"),
        default=False,
        help_text=_("Cases go straight to the emergency tier and on-call moderators are alerted."),
    )
    handling = models.CharField(
        _("handling"),
        max_length=10,
        choices=Handling.choices,
        default=Handling.SANCTION,
        help_text=_(
            "Welfare: the decision panel offers support first and never suggests a sanction; a "
            "sanction then needs a written reason."
        ),
    )
    minimum_action = models.CharField(
        _("minimum action"),
        max_length=20,
        choices=[(a.value, a.label) for a in SANCTIONS],
        blank=True,
        help_text=_(
            "The ladder never suggests less; deciding less needs a written reason. Leave empty "
            "for no floor."
        ),
    )

    class Meta:
        ordering = ["category__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="reason_slug_per_category"),
            models.CheckConstraint(
                condition=Q(sla__isnull=True) | POSITIVE_DURATION, name="reason_sla_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_range(errors, "sla", self.sla, SLA_RANGE)
        _check_translations(errors, self.translations)
        if errors:
            raise ValidationError(errors)

    @property
    def effective_severity(self) -> int:
        return self.severity if self.severity is not None else self.category.severity

    @property
    def effective_sla(self) -> timedelta:
        return self.sla if self.sla is not None else self.category.sla


class Policy(models.Model):
    """How a category's cases are escalated, hidden and enforced."""

    category = models.OneToOneField(
        Category, on_delete=models.PROTECT, primary_key=True, related_name="policy"
    )
    escalation_threshold = models.PositiveSmallIntegerField(
        _("escalation threshold"),
        default=5,
        help_text=_("Distinct reporters within the window that escalate a case."),
    )
    escalation_window = models.DurationField(_("escalation window"), default=timedelta(hours=24))
    auto_hide_threshold = models.PositiveSmallIntegerField(
        _("auto-hide threshold"),
        null=True,
        blank=True,
        help_text=_(
            "Distinct reporters within the window that hide the content until a moderator "
            "decides. Leave empty to never hide automatically."
        ),
    )
    auto_hide_window = models.DurationField(_("auto-hide window"), default=timedelta(hours=24))
    strike_lifetime = models.DurationField(
        _("strike lifetime"),
        default=timedelta(days=365),
        help_text=_("How long a strike counts towards the enforcement ladder."),
    )
    collapse_window = models.DurationField(
        _("collapse window"),
        default=timedelta(days=7),
        help_text=_(
            "New reports on content or a member decided 'no violation' this recently join the "
            "decided case instead of opening a new one."
        ),
    )
    collapse_reopen_reporters = models.PositiveIntegerField(
        _("new reporters that reopen"),
        default=500,
        help_text=_(
            "A decided case opens anew once this many more distinct reporters have reported it "
            "after the decision."
        ),
    )
    pattern_reporters = models.PositiveSmallIntegerField(
        _("reporters that make a pattern"),
        default=3,
        help_text=_(
            "Distinct reporters, across different conversations in 30 days, that make a "
            "member-level pattern case."
        ),
    )
    four_eyes_for_bans = models.BooleanField(
        _("second moderator for bans"),
        default=False,
        help_text=_("A ban takes effect only once a second moderator confirms it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_threshold__gte=2), name="policy_escalation_threshold_min"
            ),
            models.CheckConstraint(
                condition=Q(auto_hide_threshold__isnull=True) | Q(auto_hide_threshold__gte=2),
                name="policy_auto_hide_threshold_min",
            ),
            models.CheckConstraint(
                condition=Q(escalation_window__gt=timedelta(0))
                & Q(auto_hide_window__gt=timedelta(0))
                & Q(strike_lifetime__gt=timedelta(0)),
                name="policy_windows_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Policy for {self.category.name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_range(errors, "escalation_threshold", self.escalation_threshold, THRESHOLD_RANGE)
        check_range(errors, "auto_hide_threshold", self.auto_hide_threshold, THRESHOLD_RANGE)
        check_range(errors, "escalation_window", self.escalation_window, WINDOW_RANGE)
        check_range(errors, "auto_hide_window", self.auto_hide_window, WINDOW_RANGE)
        check_range(errors, "strike_lifetime", self.strike_lifetime, STRIKE_LIFETIME_RANGE)
        if errors:
            raise ValidationError(errors)


class EscalationTier(models.Model):
    """Which team works a category's cases at a tier, and how long it has."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="tiers")
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="tiers",
        null=True,
        blank=True,
        verbose_name=_("team"),
    )
    sla = models.DurationField(_("SLA at this tier"))

    class Meta:
        ordering = ["category", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["category", "tier"], name="tier_once_per_category"),
            models.CheckConstraint(condition=POSITIVE_DURATION, name="tier_sla_positive"),
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="tier_known"),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.get_tier_display()}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_range(errors, "sla", self.sla, SLA_RANGE)
        if self.team_id is None:
            errors["team"] = [_("Every tier needs a team to work it.")]
        if errors:
            raise ValidationError(errors)


# Spelled out with isnull: a CHECK whose condition is NULL passes, so "duration > 0" alone
# would let a missing duration through.
DURATION_MATCHES_ACTION = Q(
    action__in=TIMED_ACTIONS, duration__isnull=False, duration__gt=timedelta(0)
) | (~Q(action__in=TIMED_ACTIONS) & Q(duration__isnull=True))


class LadderStep(models.Model):
    """The enforcement ladder: the action suggested for a member's Nth offence in a category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="ladder")
    offence = models.PositiveSmallIntegerField(_("offence number"))
    action = models.CharField(
        _("action"), max_length=20, choices=[(a.value, a.label) for a in SANCTIONS]
    )
    duration = models.DurationField(_("duration"), null=True, blank=True)

    class Meta:
        ordering = ["category", "offence"]
        constraints = [
            models.UniqueConstraint(fields=["category", "offence"], name="ladder_offence_unique"),
            models.CheckConstraint(condition=Q(offence__gte=1), name="ladder_offence_positive"),
            models.CheckConstraint(
                condition=DURATION_MATCHES_ACTION,
                name="ladder_duration_matches_action",
                violation_error_message=_(
                    "Restrictions and suspensions need a positive duration; other actions none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: offence {self.offence} → {self.get_action_display()}"

    def clean(self) -> None:
        if self.action == "no_violation":
            raise ValidationError({"action": _("A ladder step is an action against the member.")})
        if self.action in TIMED_ACTIONS:
            if self.duration is None or self.duration <= timedelta(0):
                raise ValidationError({"duration": _("Restrict and suspend need a duration.")})
            errors: dict[str, list[str]] = {}
            check_range(errors, "duration", self.duration, (timedelta(hours=1), timedelta(365)))
            if errors:
                raise ValidationError(errors)
        elif self.duration is not None:
            raise ValidationError({"duration": _("Only restrict and suspend have a duration.")})


class StatementTemplate(models.Model):
    """The statement of reasons a member reads about a decision, per category, action and language.

    Placeholders in braces ({category}, {duration}, {facts}, {appeal_url} …) are filled in when
    the decision is taken.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="statement_templates"
    )
    action = models.CharField(_("action"), max_length=20, choices=DecisionAction.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "action", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "action", "language"], name="statement_template_unique"
            ),
        ]

    def __str__(self) -> str:
        language = dict(settings.LANGUAGES).get(self.language, self.language)
        return f"{self.category.name}: {self.get_action_display()} ({language})"

    def clean(self) -> None:
        from reports.texts.placeholders import STATEMENT_PLACEHOLDERS, braced, unknown_placeholders

        errors: dict[str, list[str]] = {}
        unknown = unknown_placeholders(self.body, STATEMENT_PLACEHOLDERS)
        if unknown:
            errors["body"] = [
                _("Unknown placeholder %(unknown)s; use %(allowed)s.")
                % {
                    "unknown": braced(unknown),
                    "allowed": braced(STATEMENT_PLACEHOLDERS),
                }
            ]
        if self.language not in {code for code, _name in settings.LANGUAGES}:
            errors["language"] = [_("Choose one of the languages of the site.")]
        if errors:
            raise ValidationError(errors)
