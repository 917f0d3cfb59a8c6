"""Admin for the moderation configuration: categories, reasons, policies, tiers and ladders.

Only Trust & Safety admins change these (the permissions of their role). A wrong value is
refused next to its field (the models' clean() and the formsets below). The pages describe what
each form changed and hand it to a service (reports/services/configuration.py and its
neighbours), which writes it on the record with its consequences: the category's policy history,
the frontline tier following the category's SLA, open cases rescheduled.
"""

import itertools
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.admin.base import (
    AuditedConfigurationAdmin,
    ConfigurationAdmin,
    ConfigurationFields,
    form_edit,
    inline_edits,
)
from reports.admin.scale import NoWritesMixin
from reports.admin.statements import MAPPING_FIELDS, CategoryMappingForm, ReasonMappingForm
from reports.admin.translations import (
    LanguagesByName,
    TranslationsAdmin,
    language_choices,
    translation_lines,
    translations_form,
)
from reports.models import (
    AuditEvent,
    Category,
    ConfigurationJob,
    EscalationTier,
    LadderStep,
    Policy,
    RateLimit,
    Reason,
    StatementTemplate,
    Tier,
)
from reports.models.categories import ACTION_ORDER
from reports.services.categories import retire_category, save_category, save_category_rows
from reports.services.rate_limits import delete_rate_limits, save_rate_limit


def _live_forms(formset) -> list[forms.Form]:
    return [
        f
        for f in formset.forms
        if f.is_valid() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class LadderFormSet(BaseInlineFormSet):
    """The enforcement ladder: offences 1, 2, 3 … in order, each no milder than the last."""

    def clean(self):
        super().clean()
        steps = sorted(
            (f.cleaned_data["offence"], f.cleaned_data["action"], f.cleaned_data.get("duration"))
            for f in _live_forms(self)
            if f.cleaned_data.get("offence") and f.cleaned_data.get("action")
        )
        offences = [offence for offence, _action, _duration in steps]
        if offences and offences != list(range(1, len(offences) + 1)):
            raise ValidationError(
                _("Number the offences 1, 2, 3 … without gaps or repeats (now: %(now)s).")
                % {"now": ", ".join(map(str, offences))}
            )
        for (n, action, duration), (_m, next_action, next_duration) in itertools.pairwise(steps):
            harsher_action = ACTION_ORDER.index(next_action) - ACTION_ORDER.index(action)
            shorter = (next_duration or timedelta(0)) < (duration or timedelta(0))
            milder = harsher_action < 0 or (harsher_action == 0 and shorter)
            if milder:
                raise ValidationError(
                    _("Offence %(next)d is milder than offence %(n)d; a ladder only goes up.")
                    % {"n": n, "next": n + 1}
                )


class TierFormSet(BaseInlineFormSet):
    """Every tier once, each with a team; the frontline tier's SLA is the category's SLA."""

    def clean(self):
        super().clean()
        live = _live_forms(self)
        for tier_form in live:
            edited = "sla" in tier_form.changed_data
            frontline = tier_form.cleaned_data.get("tier") == Tier.FRONTLINE
            if frontline and edited and tier_form.cleaned_data["sla"] != self.instance.sla:
                tier_form.add_error(
                    "sla", _("The frontline SLA is the category's SLA: change that one above.")
                )
        category = self.instance
        for tier_form in live if category.pk else ():
            team = tier_form.cleaned_data.get("team")
            if team is not None and not team.categories.filter(pk=category.pk).exists():
                tier_form.add_error(
                    "team",
                    _(
                        "%(team)s does not cover this category: its people could not open the "
                        "cases. Add the category to the team first."
                    )
                    % {"team": team.name},
                )
        tiers = [f.cleaned_data["tier"] for f in live if f.cleaned_data.get("tier")]
        missing = [str(Tier(t).label) for t in Tier.values if t not in tiers]
        doubled = {str(Tier(t).label) for t in tiers if tiers.count(t) > 1}
        if missing or doubled:
            raise ValidationError(
                _("Give each tier exactly one row (missing: %(missing)s; twice: %(twice)s).")
                % {"missing": ", ".join(missing) or "—", "twice": ", ".join(doubled) or "—"}
            )


# A reason's description is read by moderators only: members read its name, translated here.
CategoryForm = translations_form(CategoryMappingForm, Category, ("name", "description"))
ReasonForm = translations_form(ReasonMappingForm, Reason, ("name",))


class ReasonInline(TranslationsAdmin, ConfigurationFields, admin.StackedInline):
    model = Reason
    form = ReasonForm
    extra = 0
    # Reports, cases and decisions point at reasons; retire one by unticking "active".
    can_delete = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("position", "slug", "name"),
                    ("severity", "sla", "is_critical", "is_active"),
                    ("handling", "minimum_action"),
                    "description",
                )
            },
        ),
        (_("Translations"), {"classes": ["collapse"], "fields": translation_lines(("name",))}),
        (_("Transparency Database"), {"classes": ["collapse"], "fields": MAPPING_FIELDS}),
    )


class PolicyFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not _live_forms(self):
            raise ValidationError(_("A category needs its policy."))


class PolicyInline(ConfigurationFields, admin.StackedInline):
    model = Policy
    formset = PolicyFormSet
    # Every category has exactly one policy: a new category is saved with its policy.
    min_num = max_num = 1
    can_delete = False


class EscalationTierInline(ConfigurationFields, admin.TabularInline):
    model = EscalationTier
    formset = TierFormSet
    extra = 0
    fields = ("tier", "team", "sla")
    verbose_name_plural = _("Tiers (the frontline SLA follows the category's SLA)")


class LadderStepInline(ConfigurationFields, admin.TabularInline):
    model = LadderStep
    formset = LadderFormSet
    extra = 0
    fields = ("offence", "action", "duration")


class StatementTemplateForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class StatementTemplateInline(LanguagesByName, ConfigurationFields, admin.StackedInline):
    model = StatementTemplate
    form = StatementTemplateForm
    extra = 0
    fields = (("action", "language"), "body", "updated_at")
    readonly_fields = ("updated_at",)


class RetireForm(forms.Form):
    move_to = forms.ModelChoiceField(
        label=_("Move its open cases to"),
        queryset=Category.objects.none(),
        help_text=_("Members no longer see the retired category; its history keeps its name."),
    )

    def __init__(self, *args, category: Category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = Category.objects.filter(is_active=True).exclude(
            pk=category.pk
        )


@admin.register(Category)
class CategoryAdmin(TranslationsAdmin, AuditedConfigurationAdmin):
    form = CategoryForm
    list_display = (
        "name",
        "slug",
        "position",
        "severity",
        "sla",
        "details_required",
        "is_active",
        "updated_at",
    )
    list_filter = ("is_active", "severity")
    search_fields = ("name", "slug")
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        (
            _("Handling"),
            {
                "fields": (
                    "position",
                    "is_active",
                    "severity",
                    "sla",
                    "appeal_sla",
                    "details_required",
                )
            },
        ),
        (
            _("Translations"),
            {
                "classes": ["collapse"],
                "description": _(
                    "Empty: not translated here. Members then read the text shown in grey, "
                    "hellomod's own translation of the English."
                ),
                "fields": translation_lines(("name", "description")),
            },
        ),
        (_("Transparency Database"), {"fields": MAPPING_FIELDS}),
        (_("History"), {"fields": ("created_at", "updated_at", "policy_history")}),
    )
    readonly_fields = ("created_at", "updated_at", "policy_history")
    inlines = (
        PolicyInline,
        ReasonInline,
        EscalationTierInline,
        LadderStepInline,
        StatementTemplateInline,
    )
    change_form_template = "admin/reports/category/change_form.html"

    def has_delete_permission(self, request, obj=None):
        # Reports and cases keep their category for ever; retire one instead.
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_active:
            readonly.append("is_active")  # retiring moves the open cases: "Retire…" does it
        return readonly

    @admin.display(description=_("Policy history"))
    def policy_history(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:reports_category_history", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Every change, with before and after"))

    def get_urls(self):
        return [
            path(
                "<int:category_id>/retire/",
                self.admin_site.admin_view(self.retire_view),
                name="reports_category_retire",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        """Saved in save_related, with the rows changed on its page, as one change."""

    def save_related(self, request, form, formsets, change):
        rows, deleted = [], []
        for formset in formsets:
            edits, gone = inline_edits(formset)
            rows += edits
            deleted += gone
        job = save_category(
            edit=form_edit(form, created=not change),
            rows=rows,
            deleted=deleted,
            actor=request.user,
        )
        if job is not None:
            url = reverse("admin:reports_configurationjob_change", args=[job.pk])
            said = _("The SLA changed: %(n)d open cases are being rescheduled.") % {"n": job.total}
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    said,
                    url,
                    _("Follow the progress."),
                ),
            )

    def history_view(self, request, object_id, extra_context=None):
        """The category's policy history: every recorded configuration change, newest first."""
        category = self.get_object(request, object_id)
        if category is None:
            raise Http404("No such category.")
        if not self.has_view_or_change_permission(request, category):
            raise PermissionDenied
        events = AuditEvent.objects.filter(category=category).select_related("actor")
        page = Paginator(events.order_by("-created_at", "-id"), 50).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Policy history of %(name)s") % {"name": category.name},
            "opts": self.opts,
            "original": category,
            "page": page,
        }
        return TemplateResponse(request, "admin/reports/category/policy_history.html", context)

    def retire_view(self, request, category_id: int):
        category = get_object_or_404(Category, pk=category_id)
        if not self.has_change_permission(request, category):
            raise PermissionDenied
        form = RetireForm(request.POST or None, category=category)
        if request.method == "POST" and form.is_valid():
            try:
                job = retire_category(
                    category=category, move_to=form.cleaned_data["move_to"], actor=request.user
                )
            except ValidationError as error:
                form.add_error("move_to", error.messages)
            else:
                messages.success(
                    request,
                    _("%(name)s is retired; its %(n)d open cases are moving to %(to)s.")
                    % {"name": category.name, "n": job.total, "to": job.target_category.name},
                )
                return redirect("admin:reports_configurationjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retire %(name)s") % {"name": category.name},
            "opts": self.opts,
            "original": category,
            "form": form,
            "open_cases": category.cases.filter(
                status__in=["open", "claimed", "escalated"]
            ).count(),
        }
        return TemplateResponse(request, "admin/reports/category/retire.html", context)


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
