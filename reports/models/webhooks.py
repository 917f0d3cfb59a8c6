"""Webhooks: the platform hears about every enforcement, signed, at least once."""

import secrets
import uuid

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models.choices import DeliveryStatus


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An address of the platform that receives enforcements, with the secret that signs them.

    The secret is generated here and never typed: an admin copies it into the platform's
    configuration. An endpoint is switched off rather than deleted, so its deliveries stay.
    """

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=64,
        default=new_webhook_secret,
        editable=False,
        help_text=_("HMAC-SHA256 key of the X-Hellomod-Signature header; the platform keeps it."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active endpoints receive new events.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how its attempts went.

    `event_id` is sent with every attempt: the platform de-duplicates on it, which is what makes
    at-least-once delivery safe. `history` keeps each attempt's time, status and error.
    """

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    history = models.JSONField(_("attempts made"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="webhook_pending_due",
            ),
            models.Index(
                fields=["-created_at"],
                condition=Q(status=DeliveryStatus.DEAD),
                name="webhook_dead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} [{self.status}]"
