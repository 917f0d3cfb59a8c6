from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.choices import ContentKind, Visibility


class Content(models.Model):
    """A snapshot of one reportable thing, kept as it was when reported.

    The platform may delete the original; the snapshot is the evidence moderators decide on.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ContentKind.choices)
    external_id = models.CharField(
        _("platform id"), max_length=64, help_text=_("The id of this content on the platform.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contents",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"), blank=True)
    media = models.ImageField(_("image"), upload_to="snapshots/%Y/%m/", blank=True)
    media_reference = models.CharField(
        _("media reference"),
        max_length=500,
        blank=True,
        help_text=_("Where the platform keeps audio or video of this content."),
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    context = models.JSONField(
        _("context"),
        default=list,
        blank=True,
        help_text=_("Messages around a reported message, as the platform sent them."),
    )
    created_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    snapshotted_at = models.DateTimeField(_("snapshot taken at"), default=timezone.now)

    class Meta:
        verbose_name_plural = _("content")
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="content_platform_id"),
            models.CheckConstraint(
                condition=Q(kind__in=ContentKind.values), name="content_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="content_visibility_known"
            ),
        ]
        indexes = [models.Index(fields=["author", "-snapshotted_at"], name="content_by_author")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"

    @property
    def snippet(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 120 else text[:119] + "…"
