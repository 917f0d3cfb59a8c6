from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An append-only record of one action by a person or a job.

    On PostgreSQL a trigger refuses UPDATE and DELETE on this table, so that not even a bug
    (or an admin with a SQL shell and no second thought) can rewrite history.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
        verbose_name=_("who"),
    )
    actor_label = models.CharField(
        _("job"), max_length=80, blank=True, help_text=_("The job that acted, when no person did.")
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    case = models.ForeignKey(
        "reports.Case",
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    category = models.ForeignKey(
        "reports.Category",
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
        help_text=_("Set on configuration changes, for the category's policy history."),
    )
    target_type = models.CharField(_("target type"), max_length=40)
    target_id = models.CharField(_("target id"), max_length=64)
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="audit_by_case"),
            models.Index(fields=["target_type", "target_id", "created_at"], name="audit_by_target"),
            models.Index(fields=["actor", "created_at"], name="audit_by_actor"),
            models.Index(
                fields=["category", "created_at"],
                condition=models.Q(category__isnull=False),
                name="audit_by_category",
            ),
        ]

    def __str__(self) -> str:
        who = (self.actor_id and f"user {self.actor_id}") or self.actor_label or "system"
        return f"{self.action} by {who}"
