"""Trusted flaggers (DSA Art. 22): organisations a Digital Services Coordinator designated, whose
notices in their areas of expertise are dealt with first."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FlaggerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Designation revoked")


class FlaggerOrganisation(models.Model):
    """An organisation designated as a trusted flagger, and the members who report for it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_details = models.TextField(_("other contact details"), blank=True)
    expertise = models.ManyToManyField(
        "reports.Category",
        related_name="expert_flaggers",
        blank=True,
        verbose_name=_("areas of expertise"),
        help_text=_("Their notices in these categories are dealt with first."),
    )
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_("ISO 3166 codes, e.g. DE, FR.")
    )
    designated_on = models.DateField(_("designated on"))
    designated_by = models.CharField(
        _("designated by"),
        max_length=200,
        help_text=_("The Digital Services Coordinator that designated it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FlaggerStatus.choices, default=FlaggerStatus.ACTIVE
    )
    reporting_suspended_until = models.DateTimeField(
        _("reporting suspended until"),
        null=True,
        blank=True,
        help_text=_("Set when a senior suspends its notices for misuse (DSA Art. 23)."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="reports.FlaggerMembership",
        related_name="flagger_organisations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trusted flagger")
        verbose_name_plural = _("trusted flaggers")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FlaggerStatus.values), name="flagger_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == FlaggerStatus.ACTIVE


class FlaggerMembership(models.Model):
    """A member who sends notices for an organisation; one organisation per member."""

    organisation = models.ForeignKey(
        FlaggerOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flagger_membership"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trusted flagger member")
        verbose_name_plural = _("trusted flagger members")

    def __str__(self) -> str:
        return f"{self.member_id} for {self.organisation_id}"
