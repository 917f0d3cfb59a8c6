from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REPORTS_PER_HOUR_RANGE = (1, 10_000)


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members")
    TRUSTED_FLAGGERS = "trusted_flaggers", _("Trusted flaggers")


class RateLimit(models.Model):
    """How many reports a member may send in an hour; admins change it without a deploy.

    Without a row, the settings' defaults apply (REPORTS_PER_HOUR and
    TRUSTED_FLAGGER_REPORTS_PER_HOUR).
    """

    audience = models.CharField(_("who"), max_length=20, choices=Audience.choices, unique=True)
    reports_per_hour = models.PositiveIntegerField(_("reports per hour"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audience"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reports_per_hour__gte=REPORTS_PER_HOUR_RANGE[0]),
                name="rate_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.reports_per_hour} an hour"

    def clean(self) -> None:
        low, high = REPORTS_PER_HOUR_RANGE
        if self.reports_per_hour is not None and not low <= self.reports_per_hour <= high:
            raise ValidationError(
                {
                    "reports_per_hour": _("Must be between %(low)d and %(high)d.")
                    % {"low": low, "high": high}
                }
            )
