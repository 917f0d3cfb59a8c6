"""Lives at risk: crisis lines for a member, referrals to the authorities, evidence that stays."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CrisisResource(models.Model):
    """A helpline a member at risk is offered, for their country and language.

    A row without a country is for members anywhere (the international fallback); without a
    language it is offered whatever language the member reads.
    """

    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166 code; empty for anywhere.")
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("Empty for any language.")
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    text = models.CharField(_("text message"), max_length=80, blank=True)
    url = models.URLField(_("web address"), blank=True)
    hours = models.CharField(
        pgettext_lazy("when a crisis line answers", "hours"), max_length=80, blank=True
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("crisis resource")
        ordering = ["country", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="", text="", url=""), name="crisis_resource_reachable"
            ),
        ]
        indexes = [models.Index(fields=["country", "language"], name="crisis_by_country")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country or 'international'})"


class Referral(models.Model):
    """A case referred to the authorities for a threat to someone's life or safety (DSA Art. 18)."""

    case = models.ForeignKey("reports.Case", on_delete=models.PROTECT, related_name="referrals")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )
    countries = models.JSONField(
        _("countries concerned"), default=list, help_text=_("ISO 3166 codes.")
    )
    authority = models.CharField(_("authority"), max_length=200)
    sent = models.TextField(_("what was sent"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    reference = models.CharField(_("reference received"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        ordering = ["-created_at"]
        permissions = [("refer_case", "Can refer a case to the authorities")]

    def __str__(self) -> str:
        return f"Case {self.case_id} to {self.authority}"


class LegalHold(models.Model):
    """Keeps a member's evidence and snapshots past retention until a T&S admin lifts it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_holds"
    )
    case = models.ForeignKey(
        "reports.Case", on_delete=models.PROTECT, related_name="legal_holds", null=True, blank=True
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="holds", null=True, blank=True
    )
    reason = models.TextField(_("why"))
    placed_at = models.DateTimeField(_("placed at"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holds_placed"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="holds_lifted",
        null=True,
        blank=True,
    )
    lift_reason = models.TextField(_("why lifted"), blank=True)

    class Meta:
        verbose_name = _("legal hold")
        ordering = ["-placed_at"]
        permissions = [("manage_legal_holds", "Can place and lift legal holds")]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True)
                | (Q(lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="legal_hold_lift_has_actor_and_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["member"], condition=Q(lifted_at__isnull=True), name="legal_hold_active"
            ),
        ]

    def __str__(self) -> str:
        return f"Hold on member {self.member_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class BundleStatus(models.TextChoices):
    PENDING = "pending", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class EvidenceBundle(models.Model):
    """A zip of everything about a case, built on the worker for the authorities or a court."""

    case = models.ForeignKey("reports.Case", on_delete=models.PROTECT, related_name="bundles")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bundles_requested"
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=BundleStatus.choices, default=BundleStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to="bundles/%Y/%m/", blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("evidence bundle")
        ordering = ["-requested_at"]
        permissions = [("download_bundle", "Can build and download evidence bundles")]

    def __str__(self) -> str:
        return f"Bundle {self.pk} of case {self.case_id}"
