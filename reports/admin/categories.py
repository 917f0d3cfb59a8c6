"""The category page: a category with its reasons, policy, tiers, ladder and statement texts.

Only Trust & Safety admins change these (the permissions of their role). A wrong value is
refused next to its field (the models' clean() and the formsets below). The page describes what
each form and inline changed and hands it all to one service (save_category), which writes it on
the record as one change with its consequences: the category's policy history, the frontline
tier following the category's SLA, open cases rescheduled.

The page is long, so it comes in sections: the essentials open, then Translations, Reasons,
Policy, Tiers, Ladder, Statements and the Transparency Database closed, and the History (the
link to the policy history) open at the end; a section holding an error opens
(OpenSectionsWithErrors).
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
    ConfigurationFields,
    OpenSectionsWithErrors,
    form_edit,
    inline_edits,
)
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
    EscalationTier,
    LadderStep,
    Policy,
    Reason,
    StatementTemplate,
    Tier,
)
from reports.models.categories import ACTION_ORDER
from reports.services.categories import retire_category, save_category


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
    classes = ["collapse"]
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "description":
            formfield.widget.attrs["rows"] = 3  # a sentence or two, on a page of several reasons
        return formfield


class PolicyFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not _live_forms(self):
            raise ValidationError(_("A category needs its policy."))


class PolicyInline(ConfigurationFields, admin.StackedInline):
    model = Policy
    formset = PolicyFormSet
    classes = ["collapse"]
    # Every category has exactly one policy: a new category is saved with its policy.
    min_num = max_num = 1
    can_delete = False


class EscalationTierInline(ConfigurationFields, admin.TabularInline):
    model = EscalationTier
    formset = TierFormSet
    classes = ["collapse"]
    extra = 0
    fields = ("tier", "team", "sla")
    verbose_name_plural = _("Tiers (the frontline SLA follows the category's SLA)")


class LadderStepInline(ConfigurationFields, admin.TabularInline):
    model = LadderStep
    formset = LadderFormSet
    classes = ["collapse"]
    extra = 0
    fields = ("offence", "action", "duration")
    verbose_name_plural = _("Enforcement ladder")


class StatementTemplateForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class StatementTemplateInline(LanguagesByName, ConfigurationFields, admin.StackedInline):
    model = StatementTemplate
    form = StatementTemplateForm
    classes = ["collapse"]
    extra = 0
    verbose_name_plural = _("Statements of reasons")
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
class CategoryAdmin(OpenSectionsWithErrors, TranslationsAdmin, AuditedConfigurationAdmin):
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
    # The essentials open; the rest in closed sections, the inlines between them in the order
    # of `inlines`; "after-inlines" sections come last (the category's change_form.html).
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        (
            _("Handling"),
            {
                "fields": (
                    "is_active",
                    "severity",
                    "sla",
                    "appeal_sla",
                    "details_required",
                    "position",
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
        (
            _("Transparency Database"),
            {"classes": ["collapse", "after-inlines"], "fields": MAPPING_FIELDS},
        ),
        (
            _("History"),
            {
                # Open: its link to the policy history is how an admin finds what changed.
                "classes": ["after-inlines"],
                "fields": ("policy_history", "created_at", "updated_at"),
            },
        ),
    )
    readonly_fields = ("created_at", "updated_at", "policy_history")
    inlines = (
        ReasonInline,
        PolicyInline,
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
