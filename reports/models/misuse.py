"""The misuse policy (DSA Art. 23): when hellomod opens a misuse case for seniors to decide.

One row, configured by Trust & Safety admins. It never sanctions anyone by itself: it only says
when a member's reporting, or what they post, is worth a senior's look.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SINGLETON_ID = 1
WINDOW_RANGE = (timedelta(days=1), timedelta(days=365))
SUSPENSION_RANGE = (timedelta(days=1), timedelta(days=365))


class MisusePolicy(models.Model):
    """When a member's reports are frequently manifestly unfounded, or they frequently post
    manifestly illegal content (DSA Art. 23), and how long a suspension a senior is offered."""

    window = models.DurationField(
        _("window"),
        default=timedelta(days=30),
        help_text=_("How far back the figures below look."),
    )
    minimum_decided_reports = models.PositiveIntegerField(
        _("minimum decided reports"),
        default=10,
        help_text=_("A member's reports decided in the window before their share is looked at."),
    )
    unfounded_share = models.PositiveSmallIntegerField(
        _("share found to be no violation (%)"),
        default=75,
        help_text=_("Of those decided reports, the share found to be no violation, in percent."),
    )
    illegal_strikes = models.PositiveIntegerField(
        _("strikes for illegal content"),
        default=3,
        help_text=_("Strikes in the window on decisions whose ground was illegal content."),
    )
    suspension_length = models.DurationField(
        _("suspension offered"),
        default=timedelta(days=14),
        help_text=_("The length the case page offers a senior for a suspension."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("misuse policy")
        verbose_name_plural = _("misuse policy")
        constraints = [
            models.CheckConstraint(condition=Q(id=SINGLETON_ID), name="misuse_policy_singleton"),
            models.CheckConstraint(
                condition=Q(unfounded_share__gte=1, unfounded_share__lte=100),
                name="misuse_policy_share_percent",
            ),
            models.CheckConstraint(
                condition=Q(minimum_decided_reports__gte=1, illegal_strikes__gte=1),
                name="misuse_policy_counts_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Misuse policy"))

    @classmethod
    def current(cls) -> "MisusePolicy":
        """The policy in force: the admins' row, or the defaults before anyone saved one."""
        return cls.objects.filter(pk=SINGLETON_ID).first() or cls(pk=SINGLETON_ID)

    def clean(self) -> None:
        errors = {}
        for name, (low, high) in (
            ("window", WINDOW_RANGE),
            ("suspension_length", SUSPENSION_RANGE),
        ):
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                errors[name] = _("Must be between %(low)d and %(high)d days.") % {
                    "low": low.days,
                    "high": high.days,
                }
        if self.unfounded_share is not None and not 1 <= self.unfounded_share <= 100:
            errors["unfounded_share"] = _("A share between 1 and 100 percent.")
        for name in ("minimum_decided_reports", "illegal_strikes"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                errors[name] = _("At least 1.")
        if errors:
            raise ValidationError(errors)
