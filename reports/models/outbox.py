from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from reports.models.choices import Channel, DeliveryStatus, NotificationEvent
from reports.texts.placeholders import PLACEHOLDERS, braced, language_codes, unknown_placeholders


class OutboxMessage(models.Model):
    """A side effect to run after the change that caused it has committed.

    Written in the same transaction as that change; a Celery task runs it and a beat sweep
    re-sends what is still pending, so a broker outage delays work but never loses it.
    """

    topic = models.CharField(_("topic"), max_length=60)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    available_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("A life may be at risk: it travels on the urgent queue, ahead of other work."),
    )
    published_at = models.DateTimeField(
        _("handed to the broker at"),
        null=True,
        blank=True,
        help_text=_("When it was last handed to Celery; the sweep re-sends only what is lost."),
    )

    class Meta:
        verbose_name = _("outbox message")
        indexes = [
            models.Index(
                fields=["available_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="outbox_pending_due",
            ),
            models.Index(
                fields=["-created_at"],
                condition=Q(status=DeliveryStatus.DEAD),
                name="outbox_dead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} [{self.status}]"


class Notification(models.Model):
    """A message to a member or a moderator, by e-mail or in the in-app inbox.

    The idempotency key names the event and the recipient, so that a task delivered twice finds
    the row already sent and sends nothing more.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    case = models.ForeignKey(
        "reports.Case",
        on_delete=models.PROTECT,
        related_name="notifications",
        null=True,
        blank=True,
    )
    decision = models.ForeignKey(
        "reports.Decision",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        help_text=_("The decision a statement of reasons is about: its message offers the appeal."),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(channel=Channel.IN_APP),
                name="notification_inbox",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="notification_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.recipient_id} by {self.channel}"


class NotificationTemplate(models.Model):
    """The text of one kind of message in one language, written by Trust & Safety admins.

    Placeholders in braces ({reference}, {category} …) are filled in when the message is
    written; each event allows its own set, and a template naming any other cannot be saved.
    Without a template for an event and language, the built-in text is used.
    """

    event = models.CharField(_("event"), max_length=40, choices=NotificationEvent.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="notification_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({self.language})"

    def clean(self) -> None:
        errors = {}
        if self.language not in language_codes():
            errors["language"] = ValidationError(
                _("Choose one of the site's languages: %(languages)s."),
                code="unknown_language",
                params={"languages": ", ".join(language_codes())},
            )
        allowed = PLACEHOLDERS.get(self.event)
        if allowed is not None:
            for field in ("subject", "body"):
                unknown = unknown_placeholders(getattr(self, field) or "", allowed)
                if not unknown:
                    continue
                if allowed:
                    message = ngettext_lazy(
                        "Unknown placeholder %(unknown)s. This message can use: %(allowed)s.",
                        "Unknown placeholders %(unknown)s. This message can use: %(allowed)s.",
                        "count",
                    )
                else:
                    message = ngettext_lazy(
                        "Unknown placeholder %(unknown)s. This message takes no placeholders.",
                        "Unknown placeholders %(unknown)s. This message takes no placeholders.",
                        "count",
                    )
                errors[field] = ValidationError(
                    message,
                    code="unknown_placeholder",
                    params={
                        "unknown": braced(unknown),
                        "allowed": braced(allowed),
                        "count": len(unknown),
                    },
                )
        # An e-mail's subject is one header line: a line break would stop every message of
        # this event in this language from being sent.
        if "subject" not in errors and any(c in (self.subject or "") for c in "\r\n"):
            errors["subject"] = ValidationError(
                _("Write the subject on one line."), code="subject_line_break"
            )
        if errors:
            raise ValidationError(errors)
