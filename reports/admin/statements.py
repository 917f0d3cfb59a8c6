"""Admin for the statements of reasons sent to the EU Transparency Database, and the forms that
map categories and reasons to its taxonomy.

Statements are records: built and sent by the worker (reports/services/statements.py), only read
here. A statement the database rejected, or our validator refused, can be sent again once its
cause is fixed (a category's mapping, say): "Send again" rebuilds it from its decision.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.admin.scale import LargeTableMixin, ReadOnlyRecordMixin
from reports.models.tdb import StatementStatus, TransparencyStatement
from reports.services.statements import resend_statement
from reports.tdb.schema import KEYWORD_OTHER, KEYWORDS_BY_AREA

RESENDABLE = (StatementStatus.REJECTED, StatementStatus.INVALID)


def keyword_label(keyword: str) -> str:
    return keyword.removeprefix("KEYWORD_").replace("_", " ").capitalize()


# KEYWORD_OTHER would need a free text hellomod does not keep: not offered.
KEYWORD_CHOICES = [
    (area, [(k, keyword_label(k)) for k in keywords if k != KEYWORD_OTHER])
    for area, keywords in KEYWORDS_BY_AREA.items()
    if keywords != (KEYWORD_OTHER,)
]


class KeywordsField(forms.MultipleChoiceField):
    """The specification keywords, chosen from the database's list (grouped by its areas)."""

    widget = forms.SelectMultiple(attrs={"size": 10})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("choices", KEYWORD_CHOICES)
        kwargs.setdefault("label", _("Transparency Database keywords"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value if isinstance(value, list | tuple) else []

    def clean(self, value):
        return sorted(set(super().clean(value)))


class CategoryMappingForm(forms.ModelForm):
    statement_keywords = KeywordsField(
        help_text=_(
            "What its statements of reasons specify (hold Ctrl or ⌘ to choose several). "
            "Leave empty for none."
        )
    )


class ReasonMappingForm(forms.ModelForm):
    statement_keywords = KeywordsField(
        help_text=_(
            "Leave empty to use the category's. With a Transparency Database category of its "
            "own, the reason's keywords replace the category's."
        )
    )


MAPPING_FIELDS = ("statement_category", "statement_keywords")


@admin.register(TransparencyStatement)
class TransparencyStatementAdmin(ReadOnlyRecordMixin, LargeTableMixin, admin.ModelAdmin):
    list_display = (
        "puid",
        "decision_link",
        "kind",
        "status",
        "attempts",
        "sent_at",
        "created_at",
    )
    list_filter = ("status", "kind")
    ordering = ("-pk",)
    sortable_by = ("id",)
    search_fields = ("puid__exact", "puid__startswith")
    search_help_text = _("The statement's platform unique identifier (hellomod-…), or its start.")
    actions = ("send_again",)

    class Media:
        css = {"all": ["css/admin-statements.css"]}

    fieldsets = (
        (None, {"fields": ("puid", "decision_link", "kind", "status", "database_id")}),
        (_("Sending"), {"fields": ("attempts", "next_attempt_at", "created_at", "sent_at")}),
        (_("What was refused"), {"fields": ("error_list",)}),
        (_("Statement"), {"fields": ("payload_pretty",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [
            *super().get_readonly_fields(request, obj),
            "decision_link",
            "error_list",
            "payload_pretty",
        ]

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("reports.change_transparencystatement")

    @admin.display(description=_("decision"), ordering="decision_id")
    def decision_link(self, statement):
        url = reverse("admin:reports_decision_change", args=[statement.decision_id])
        return format_html('<a href="{}">{}</a>', url, statement.decision_id)

    @admin.display(description=_("errors"))
    def error_list(self, statement):
        if not statement.errors:
            return "—"
        lines = (
            (field, message)
            for field, problems in sorted(statement.errors.items())
            for message in (problems if isinstance(problems, list) else [problems])
        )
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><code>{}</code>: {}</li>", lines)
        )

    @admin.display(description=_("statement as sent"))
    def payload_pretty(self, statement):
        text = json.dumps(statement.payload, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html('<pre class="statement-payload">{}</pre>', text)

    @admin.action(description=_("Send again (rebuilt from the decision)"), permissions=["resend"])
    def send_again(self, request, queryset):
        queued = invalid = skipped = 0
        for statement in queryset.filter(status__in=RESENDABLE).order_by("pk"):
            row = resend_statement(statement, actor=request.user)
            if row.status == StatementStatus.PENDING:
                queued += 1
            else:
                invalid += 1
        skipped = queryset.exclude(status__in=RESENDABLE).count()
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(n)d statement waits to be sent again.",
                    "%(n)d statements wait to be sent again.",
                    queued,
                )
                % {"n": queued},
            )
        if invalid:
            messages.warning(
                request,
                ngettext(
                    "%(n)d statement is still refused by our validator: see its errors.",
                    "%(n)d statements are still refused by our validator: see their errors.",
                    invalid,
                )
                % {"n": invalid},
            )
        if skipped:
            messages.info(
                request,
                ngettext(
                    "%(n)d statement was left alone: only rejected or invalid ones are sent again.",
                    "%(n)d statements were left alone: only rejected or invalid ones are sent "
                    "again.",
                    skipped,
                )
                % {"n": skipped},
            )
