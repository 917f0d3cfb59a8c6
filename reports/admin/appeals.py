"""Appeals among the records, read-only: filed by members and reporters, decided by seniors on
their own pages (`/moderation/appeals/`), where the services check who may decide which."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reports.admin.records import RecordAdmin
from reports.admin.scale import ReadOnlyInline
from reports.models import Appeal, AppealEvidence
from reports.texts.durations import describe_duration


class AppealEvidenceInline(ReadOnlyInline):
    model = AppealEvidence
    fields = ("image", "width", "height", "size_bytes", "sha256", "purged_at")


@admin.register(Appeal)
class AppealAdmin(RecordAdmin):
    list_display = (
        "reference",
        "kind",
        "category",
        "status",
        "outcome",
        "received_at",
        "due_at",
        "decided_at",
        "decided_by",
    )
    list_select_related = ("category", "decided_by")
    list_filter = ("status", "outcome", "kind", "category")
    search_fields = ("reference__exact", "appellant__public_id__exact")
    search_help_text = _("Appeal reference, or the appellant's public member id.")
    raw_id_fields = ("decision", "case", "appellant", "report", "replacement")
    fieldsets = (
        (None, {"fields": ("reference", "kind", "category", "status", "outcome")}),
        (_("Appealed"), {"fields": ("decision", "case", "report", "appellant", "statement")}),
        (_("Dates"), {"fields": ("notified_at", "received_at", "due_at", "decided_at", "took")}),
        (_("Claim"), {"fields": ("claimed_by", "lease_expires_at")}),
        (_("Answer"), {"fields": ("decided_by", "answer", "replacement")}),
    )
    readonly_fields = ("took",)
    inlines = (AppealEvidenceInline,)

    @admin.display(description=_("time to a decision"))
    def took(self, appeal: Appeal) -> str:
        took = describe_duration(appeal.time_to_decision, empty="—")
        if appeal.decided_at and appeal.decided_at > appeal.due_at:
            return _("%(took)s, after its due time") % {"took": took}
        return took


@admin.register(AppealEvidence)
class AppealEvidenceAdmin(RecordAdmin):
    list_display = (
        "id",
        "appeal",
        "width",
        "height",
        "size_bytes",
        "created_at",
        "purged_at",
    )
    list_select_related = ("appeal",)
    list_filter = (("purged_at", admin.EmptyFieldListFilter),)
    search_fields = ("appeal__reference__exact", "sha256__exact")
    search_help_text = _("Appeal reference, or the SHA-256 of the image.")
    raw_id_fields = ("appeal",)
