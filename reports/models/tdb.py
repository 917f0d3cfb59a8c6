"""The EU Transparency Database's vocabulary (DSA Art. 24(5)) that hellomod's tables name:
the statement categories our categories and reasons map to, and the statements themselves.

The full schema (every enumeration, every rule) lives with the validator in reports/tdb/.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StatementCategory(models.TextChoices):
    ANIMAL_WELFARE = "STATEMENT_CATEGORY_ANIMAL_WELFARE", _("Animal welfare")
    CONSUMER_INFORMATION = (
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        _("Consumer information infringements"),
    )
    CYBER_VIOLENCE = "STATEMENT_CATEGORY_CYBER_VIOLENCE", _("Cyber violence")
    CYBER_VIOLENCE_AGAINST_WOMEN = (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        _("Cyber violence against women"),
    )
    DATA_PROTECTION = (
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        _("Data protection and privacy violations"),
    )
    ILLEGAL_OR_HARMFUL_SPEECH = (
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        _("Illegal or harmful speech"),
    )
    INTELLECTUAL_PROPERTY = (
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        _("Intellectual property infringements"),
    )
    CIVIC_DISCOURSE = (
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        _("Negative effects on civic discourse or elections"),
    )
    NOT_SPECIFIED_NOTICE = (
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        _("Not specified in the notice"),
    )
    OTHER_VIOLATION_TC = (
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        _("Other violation of the terms and conditions"),
    )
    PROTECTION_OF_MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", _("Protection of minors")
    PUBLIC_SECURITY = "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", _("Risk for public security")
    SCAMS_AND_FRAUD = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", _("Scams and fraud")
    SELF_HARM = "STATEMENT_CATEGORY_SELF_HARM", _("Self-harm")
    UNSAFE_PRODUCTS = (
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        _("Unsafe and prohibited products"),
    )
    VIOLENCE = "STATEMENT_CATEGORY_VIOLENCE", _("Violence")


class StatementKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    REVERSAL = "reversal", _("Reversal")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", pgettext_lazy("statement status", "Sent")
    REJECTED = "rejected", _("Rejected by the database")
    INVALID = "invalid", _("Refused by our validator")


class TransparencyStatement(models.Model):
    """One statement of reasons for the EU Transparency Database, built once and sent once.

    A restrictive decision yields one when its member has been told (after the undo window); a
    decision later reversed yields a second, naming the end of the restriction. `payload` is
    exactly what is sent; it holds no personal data. `puid` is unique and never reused.
    """

    decision = models.ForeignKey(
        "reports.Decision", on_delete=models.PROTECT, related_name="transparency_statements"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=StatementKind.choices, default=StatementKind.DECISION
    )
    puid = models.CharField(_("platform unique identifier"), max_length=500, unique=True)
    payload = models.JSONField(_("statement"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StatementStatus.choices,
        default=StatementStatus.PENDING,
    )
    errors = models.JSONField(
        _("errors"),
        default=dict,
        blank=True,
        help_text=_("What the database or our validator refused."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    database_id = models.CharField(
        _("id in the database"), max_length=64, blank=True, help_text=_("The uuid it answered.")
    )
    created_at = models.DateTimeField(_("built at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement to the Transparency Database")
        verbose_name_plural = _("statements to the Transparency Database")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind"], name="statement_once_per_decision"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="statement_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=StatementStatus.SENT, sent_at__isnull=False)
                | ~Q(status=StatementStatus.SENT) & Q(sent_at__isnull=True),
                name="statement_sent_at_matches_status",
            ),
        ]
        indexes = [
            # The sender reads the statements waiting, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(status=StatementStatus.PENDING),
                name="statement_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.puid
