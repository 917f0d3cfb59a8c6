"""Admin for the rows of the moderation configuration beside the category page: reasons,
policies, tiers and ladders listed to be found, configuration jobs, rate limits.

Only Trust & Safety admins change these (the permissions of their role). A category's reasons,
tiers and ladder are changed on its page (reports/admin/categories.py), where the rules that span
the category are checked; a policy and a rate limit are saved through their services, on the
record.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.admin.base import AuditedConfigurationAdmin, ConfigurationAdmin, form_edit
from reports.admin.categories import ReasonForm
from reports.admin.scale import NoWritesMixin
from reports.admin.translations import TranslationsAdmin
from reports.models import ConfigurationJob, EscalationTier, LadderStep, Policy, RateLimit, Reason
from reports.services.categories import save_category_rows
from reports.services.rate_limits import delete_rate_limits, save_rate_limit


class EditedOnTheCategoryPage(NoWritesMixin):
    """Rows whose rules span their whole category (ladders ordered, every tier once, reasons of
    one category) are changed on the category's page, where those rules are checked; listed
    here to be found and read."""


@admin.register(Reason)
class ReasonAdmin(TranslationsAdmin, EditedOnTheCategoryPage, AuditedConfigurationAdmin):
    form = ReasonForm
    exclude = ("translations",)
    list_display = ("name", "category", "slug", "severity", "sla", "is_critical", "is_active")
    list_select_related = ("category",)
    list_filter = ("category", "is_critical", "is_active")
    search_fields = ("name", "slug")


@admin.register(Policy)
class PolicyAdmin(AuditedConfigurationAdmin):
    list_display = (
        "category",
        "escalation_threshold",
        "escalation_window",
        "auto_hide_threshold",
        "strike_lifetime",
        "four_eyes_for_bans",
        "updated_at",
    )
    list_select_related = ("category",)
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        save_category_rows(
            category=obj.category,
            edits=[form_edit(form, created=not change)],
            actor=request.user,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EscalationTier)
class EscalationTierAdmin(EditedOnTheCategoryPage, AuditedConfigurationAdmin):
    list_display = ("category", "tier", "team", "sla")
    list_select_related = ("category", "team")
    list_filter = ("category", "tier", "team")


@admin.register(LadderStep)
class LadderStepAdmin(EditedOnTheCategoryPage, AuditedConfigurationAdmin):
    list_display = ("category", "offence", "action", "duration")
    list_select_related = ("category",)
    list_filter = ("category", "action")


@admin.register(ConfigurationJob)
class ConfigurationJobAdmin(NoWritesMixin, ConfigurationAdmin):
    list_display = ("id", "kind", "category", "target_category", "actor", "progress", "created_at")
    list_select_related = ("category", "target_category", "actor")
    list_filter = ("kind", ("finished_at", admin.EmptyFieldListFilter))
    readonly_fields = (
        "kind",
        "category",
        "target_category",
        "actor",
        "total",
        "done",
        "progress",
        "created_at",
        "finished_at",
    )
    fields = readonly_fields

    @admin.display(description=_("progress"))
    def progress(self, job):
        state = _("finished") if job.finished_at else _("working")
        return format_html(
            '<progress max="100" value="{}"></progress> {}% · {}', job.percent, job.percent, state
        )


@admin.register(RateLimit)
class RateLimitAdmin(AuditedConfigurationAdmin):
    list_display = ("audience", "reports_per_hour", "updated_at")
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        save_rate_limit(edit=form_edit(form, created=not change), actor=request.user)

    def delete_model(self, request, obj):
        delete_rate_limits(rows=[obj], actor=request.user)

    def delete_queryset(self, request, queryset):
        delete_rate_limits(rows=queryset, actor=request.user)
