"""Admin for webhooks: the platform's endpoints, and every delivery with each attempt's status.

Endpoints are configuration: Trust & Safety admins add them and switch them off, and every
change is audited. The signing secret is generated when the endpoint is created and is never
typed or edited; it is shown read-only on the endpoint's page (to those who may view endpoints)
so that it can be copied into the platform's configuration, and it stays out of the audit trail.
Deliveries are records: nobody adds, edits or deletes them here.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from reports.admin.base import AuditedConfigurationAdmin, HttpsAddresses
from reports.admin.scale import LargeTableMixin, ReadOnlyRecordMixin
from reports.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(HttpsAddresses, AuditedConfigurationAdmin):
    list_display = ("name", "url", "is_active", "created_at")
    list_filter = ("is_active",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "url", "is_active")
        return ("name", "url", "is_active", "secret", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("secret", "created_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyRecordMixin, LargeTableMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    list_select_related = ("endpoint",)
    list_filter = ("status", "event_type", "endpoint")
    ordering = ("-pk",)
    sortable_by = ("id",)
    search_fields = ("event_id__exact", "pk__exact")
    search_help_text = _("The event id the platform received, or the delivery number.")
    fields = (
        "event_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "attempt_table",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "payload",
        "created_at",
        "delivered_at",
    )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "attempt_table"]

    @admin.display(description=_("each attempt"))
    def attempt_table(self, delivery):
        if not delivery.history:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    line.get("attempt"),
                    line.get("at"),
                    line.get("status") or "—",
                    line.get("error") or _("delivered"),
                )
                for line in delivery.history
            ),
        )
        return format_html(
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("at"),
            _("HTTP status"),
            _("result"),
            rows,
        )
