"""Read-only views of the moderation records.

Content snapshots, reports, cases, decisions, enforcements, strikes, notes, notifications, the
outbox and the audit trail are only shown: they change through the services, which validate
each change and audit it, and most of them are tables of millions of rows (see `scale`).
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from reports.admin.durations import DurationsInWords
from reports.admin.scale import LargeTableMixin, ReadOnlyInline, ReadOnlyRecordMixin
from reports.models import (
    AuditEvent,
    BulkDecision,
    Case,
    Content,
    ContentKind,
    Decision,
    Enforcement,
    Evidence,
    Note,
    Notification,
    OutboxMessage,
    Report,
    Strike,
)
from reports.texts.durations import datetime_for_reader

# How many reports and decisions a case page lists before linking to the full list.
RELATED_SHOWN = 20


def _when(value) -> str:
    return datetime_for_reader(value) if value else "—"


def _changelist_url(model, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return f"{reverse(f'admin:reports_{model._meta.model_name}_changelist')}?{query}"


# Moderation records ----------------------------------------------------------------------------


class RecordAdmin(DurationsInWords, ReadOnlyRecordMixin, LargeTableMixin, admin.ModelAdmin):
    ordering = ("-pk",)
    sortable_by = ("id",)

    def search_condition(self, model, entry, term):
        condition = super().search_condition(model, entry, term)
        if model is Content and entry.startswith("external_id__") and condition:
            # Content's unique index is (kind, external_id): naming every kind lets PostgreSQL
            # probe it once per kind instead of reading all of it.
            condition &= Q(kind__in=ContentKind.values)
        return condition


@admin.register(Content)
class ContentAdmin(RecordAdmin):
    list_display = (
        "id",
        "kind",
        "external_id",
        "author",
        "language",
        "visibility",
        "snapshotted_at",
    )
    list_select_related = ("author",)
    list_filter = ("kind", "visibility")
    search_fields = ("external_id__exact", "author__public_id__exact")
    search_help_text = _("Platform id of the content, or the author's public member id.")
    raw_id_fields = ("author",)
    fieldsets = (
        (None, {"fields": ("id", "kind", "external_id", "author", "language", "visibility")}),
        (_("Snapshot"), {"fields": ("text", "media", "media_reference", "context")}),
        (_("Dates"), {"fields": ("created_at", "snapshotted_at")}),
    )


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("image", "width", "height", "size_bytes", "sha256", "legal_hold", "purged_at")


@admin.register(Report)
class ReportAdmin(RecordAdmin):
    list_display = (
        "reference",
        "category",
        "subject",
        "reporter",
        "content",
        "case_link",
        "source",
        "status",
        "created_at",
        "resolved_at",
    )
    list_select_related = ("category", "subject", "reporter", "content")
    list_filter = ("status", "source", "category", "also_blocked")
    search_fields = (
        "reference__exact",
        "subject__public_id__exact",
        "reporter__public_id__exact",
        "case_id__exact",
        "content__external_id__exact",
    )
    search_help_text = _(
        "Report reference, public member id of the reported member or the reporter, case "
        "number, or platform id of the content."
    )
    raw_id_fields = ("reporter", "subject", "content", "case", "reason")
    fieldsets = (
        (None, {"fields": ("reference", "category", "reason", "case", "status")}),
        (_("About"), {"fields": ("subject", "content")}),
        (_("From"), {"fields": ("reporter", "source", "also_blocked", "description")}),
        (_("Dates"), {"fields": ("created_at", "updated_at", "resolved_at")}),
    )
    inlines = (EvidenceInline,)

    @admin.display(description=_("case"))
    def case_link(self, report: Report):
        url = reverse("admin:reports_case_change", args=[report.case_id])
        return format_html('<a href="{}">{}</a>', url, report.case_id)


@admin.register(Evidence)
class EvidenceAdmin(RecordAdmin):
    list_display = (
        "id",
        "report",
        "width",
        "height",
        "size_bytes",
        "legal_hold",
        "created_at",
        "purged_at",
    )
    list_select_related = ("report",)
    list_filter = ("legal_hold", ("purged_at", admin.EmptyFieldListFilter))
    search_fields = ("report__reference__exact", "sha256__exact")
    search_help_text = _("Report reference, or the SHA-256 of the image.")
    raw_id_fields = ("report",)


class NoteInline(ReadOnlyInline):
    model = Note
    fields = ("created_at", "author", "body")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Case)
class CaseAdmin(RecordAdmin):
    list_display = (
        "id",
        "category",
        "subject",
        "content",
        "status",
        "tier",
        "priority",
        "due_at",
        "report_count",
        "claimed_by",
        "opened_at",
    )
    list_select_related = ("category", "subject", "content", "claimed_by")
    list_filter = ("status", "tier", "category", "escalation_cause")
    search_fields = ("pk__exact", "subject__public_id__exact", "content__external_id__exact")
    search_help_text = _(
        "Case number, public member id of the reported member, or platform id of the content."
    )
    raw_id_fields = ("subject", "content", "reason", "claimed_by")
    fieldsets = (
        (None, {"fields": ("id", "category", "reason", "status", "tier", "priority", "language")}),
        (_("About"), {"fields": ("subject", "content")}),
        (_("Reports"), {"fields": ("report_count", "distinct_reporters", "reports_on_case")}),
        (_("Claim"), {"fields": ("claimed_by", "lease_expires_at")}),
        (_("Escalation"), {"fields": ("escalation_cause", "escalated_at")}),
        (_("Decisions"), {"fields": ("decisions_on_case",)}),
        (
            _("Dates"),
            {
                "fields": (
                    "opened_at",
                    "last_reported_at",
                    "due_at",
                    "triaged_at",
                    "first_action_at",
                    "resolved_at",
                )
            },
        ),
    )
    readonly_fields = ("reports_on_case", "decisions_on_case")
    inlines = (NoteInline,)

    @admin.display(description=_("latest reports"))
    def reports_on_case(self, case: Case):
        # A pile-up can bring thousands of reports: list the latest, link to all of them.
        reports = case.reports.select_related("reporter").order_by("-pk")[:RELATED_SHOWN]
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {} · {} · {} · {}</li>',
            (
                (
                    reverse("admin:reports_report_change", args=[report.pk]),
                    report.reference,
                    report.reporter or _("automatic detection"),
                    report.get_source_display(),
                    report.get_status_display(),
                    _when(report.created_at),
                )
                for report in reports
            ),
        )
        every = _changelist_url(Report, case__id__exact=case.pk)
        return format_html(
            '<ul>{}</ul><a href="{}">{}</a>', items, every, _("All reports on this case")
        )

    @admin.display(description=_("decisions"))
    def decisions_on_case(self, case: Case):
        decisions = case.decisions.select_related("moderator").order_by("-created_at")
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {} · {}{}</li>',
            (
                (
                    reverse("admin:reports_decision_change", args=[decision.pk]),
                    decision.get_action_display(),
                    decision.moderator or _("automated"),
                    _when(decision.created_at),
                    _(" · reversed") if decision.is_reversed else "",
                )
                for decision in decisions[:RELATED_SHOWN]
            ),
        )
        return format_html("<ul>{}</ul>", items) if items else "—"


@admin.register(Note)
class NoteAdmin(RecordAdmin):
    list_display = ("id", "case", "author", "created_at", "excerpt")
    list_select_related = ("case__category", "author")
    search_fields = ("case_id__exact", "author__public_id__exact")
    search_help_text = _("Case number, or the author's public member id.")
    raw_id_fields = ("case", "author")

    @admin.display(description=_("note"))
    def excerpt(self, note: Note) -> str:
        return note.body if len(note.body) <= 80 else note.body[:79] + "…"


@admin.register(Decision)
class DecisionAdmin(RecordAdmin):
    list_display = (
        "id",
        "case",
        "action",
        "duration",
        "moderator",
        "ground",
        "restriction",
        "source",
        "created_at",
        "reversed_at",
    )
    list_select_related = ("case__category", "moderator")
    list_filter = (
        "action",
        "ground",
        "restriction",
        "source",
        "automated_decision",
        ("reversed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("uuid__exact", "case_id__exact", "case__subject__public_id__exact")
    search_help_text = _("Decision id, case number, or public member id of the reported member.")
    raw_id_fields = ("case", "moderator", "reason", "reversed_by")
    fieldsets = (
        (None, {"fields": ("uuid", "case", "moderator", "action", "duration", "reason")}),
        (_("Statement of reasons"), {"fields": ("statement_of_reasons", "facts")}),
        (
            _("Transparency database"),
            {
                "fields": (
                    "ground",
                    "legal_ground",
                    "terms_ground",
                    "restriction",
                    "media_type",
                    "content_language",
                    "source",
                    "automated_detection",
                    "automated_decision",
                    "starts_at",
                    "ends_at",
                )
            },
        ),
        (_("Reversal"), {"fields": ("reversed_at", "reversed_by", "reversal_reason")}),
        (_("Dates"), {"fields": ("created_at",)}),
    )


@admin.register(Enforcement)
class EnforcementAdmin(RecordAdmin):
    list_display = (
        "id",
        "kind",
        "member",
        "content",
        "case",
        "decision",
        "starts_at",
        "ends_at",
        "lifted_at",
        "lift_cause",
    )
    list_select_related = ("member", "content", "case__category", "decision")
    list_filter = ("kind", "lift_cause", ("lifted_at", admin.EmptyFieldListFilter))
    search_fields = ("case_id__exact", "decision_id__exact", "member__public_id__exact")
    search_help_text = _("Case number, decision number, or public member id.")
    raw_id_fields = ("case", "decision", "member", "content")


@admin.register(Strike)
class StrikeAdmin(RecordAdmin):
    list_display = (
        "id",
        "member",
        "category",
        "decision",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("member", "category", "decision")
    list_filter = ("category", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("member__public_id__exact", "decision_id__exact")
    search_help_text = _("Public member id, or decision number.")
    raw_id_fields = ("member", "decision")


@admin.register(BulkDecision)
class BulkDecisionAdmin(RecordAdmin):
    list_display = (
        "id",
        "category",
        "action",
        "duration",
        "moderator",
        "total",
        "decided",
        "skipped",
        "created_at",
        "finished_at",
    )
    list_select_related = ("category", "moderator")
    list_filter = ("action", "category", ("finished_at", admin.EmptyFieldListFilter))
    search_fields = ("id__exact", "moderator__username__exact")
    search_help_text = _("Bulk decision number, or the moderator's username.")
    raw_id_fields = ("moderator", "category", "reason")


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    """The audit trail: append-only here as in the database (a trigger refuses UPDATE/DELETE)."""

    list_display = (
        "created_at",
        "action",
        "actor",
        "actor_label",
        "case",
        "target_type",
        "target_id",
    )
    list_select_related = ("actor", "case__category")
    list_filter = (("actor", admin.EmptyFieldListFilter),)
    search_fields = ("action__exact", "case_id__exact", "actor__public_id__exact")
    search_help_text = _("Action (e.g. report.submitted), case number, or public member id.")
    raw_id_fields = ("actor", "case")
    ordering = ("-created_at", "-id")
    sortable_by = ("created_at",)


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    list_display = (
        "id",
        "event",
        "recipient",
        "channel",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "read_at",
    )
    list_select_related = ("recipient",)
    list_filter = ("channel", "status")
    search_fields = ("recipient__public_id__exact", "case_id__exact", "idempotency_key__exact")
    search_help_text = _("Public member id of the recipient, case number, or idempotency key.")
    raw_id_fields = ("recipient", "case")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordAdmin):
    list_display = (
        "id",
        "topic",
        "status",
        "attempts",
        "available_at",
        "created_at",
        "processed_at",
    )
    list_filter = ("status",)
    search_fields = ("pk__exact", "idempotency_key__startswith")
    search_help_text = _("Message number, or the beginning of its idempotency key.")
