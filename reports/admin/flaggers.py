"""Admin for the registry of trusted flaggers (DSA Art. 22): T&S admins keep it.

Every save and delete goes through services/flaggers.py, which keeps members'
`is_trusted_flagger` in step with their organisation and puts each change on the record. Members
are linked by public id: the people table is far too large for a drop-down.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from reports.admin.base import AuditedConfigurationAdmin, form_edit, inline_edits
from reports.models import Category, FlaggerMembership, FlaggerOrganisation
from reports.models.choices import CategoryPurpose
from reports.services.flaggers import (
    add_member,
    clean_countries,
    clean_expertise,
    delete_organisation,
    find_member,
    remove_member,
    save_organisation,
)


class CountriesField(forms.CharField):
    """ISO codes typed as "DE, AT", kept as a list."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [code for code in text.replace(";", ",").replace(" ", ",").split(",") if code]


class OrganisationForm(forms.ModelForm):
    countries = CountriesField(
        label=_("Countries"),
        required=False,
        help_text=_("Two-letter ISO 3166 codes, separated by commas, e.g. DE, AT."),
    )

    class Meta:
        model = FlaggerOrganisation
        fields = (
            "name",
            "contact_email",
            "contact_details",
            "expertise",
            "countries",
            "designated_on",
            "designated_by",
            "status",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "expertise" in self.fields:
            self.fields["expertise"].queryset = Category.objects.filter(
                purpose=CategoryPurpose.REPORTS
            ).order_by("position", "name")

    def clean_countries(self) -> list[str]:
        try:
            return clean_countries(self.cleaned_data["countries"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["countries"]) from error

    def clean_expertise(self):
        chosen = self.cleaned_data["expertise"]
        try:
            clean_expertise(chosen)
        except ValidationError as error:
            raise ValidationError(error.message_dict["expertise"]) from error
        return chosen


class MembershipForm(forms.ModelForm):
    """A member by public id; a linked member stays (remove the row and add another)."""

    public_id = forms.CharField(label=_("public member id"), max_length=32)

    class Meta:
        model = FlaggerMembership
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["public_id"].initial = self.instance.member.public_id
            self.fields["public_id"].disabled = True

    def clean_public_id(self) -> str:
        public_id = self.cleaned_data["public_id"].strip()
        if self.instance.pk is not None:
            return public_id
        try:
            member = find_member(public_id)
        except ValidationError as error:
            raise ValidationError(error.message_dict["member"]) from error
        current = (
            FlaggerMembership.objects.filter(member=member).select_related("organisation").first()
        )
        if current is not None:
            raise ValidationError(
                _("%(member)s already reports for %(organisation)s.")
                % {"member": public_id, "organisation": current.organisation.name}
            )
        self.instance.member = member
        return public_id


class MembershipFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            public_id = getattr(form, "cleaned_data", {}).get("public_id")
            if not public_id or form in self.deleted_forms:
                continue
            if public_id in seen:
                form.add_error("public_id", _("This member is listed twice."))
            seen.add(public_id)


class MembershipInline(admin.TabularInline):
    model = FlaggerMembership
    form = MembershipForm
    formset = MembershipFormSet
    extra = 1
    fields = ("public_id", "member_name", "added_at")
    readonly_fields = ("member_name", "added_at")
    verbose_name = _("member")
    verbose_name_plural = _("members who send its notices")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")

    @admin.display(description=_("name"))
    def member_name(self, membership: FlaggerMembership) -> str:
        if membership.pk is None:
            return ""
        return membership.member.display_name or membership.member.username


@admin.register(FlaggerOrganisation)
class FlaggerOrganisationAdmin(AuditedConfigurationAdmin):
    form = OrganisationForm
    list_display = ("name", "status", "designated_by", "designated_on", "member_count")
    list_filter = ("status",)
    search_fields = ("name",)
    filter_horizontal = ("expertise",)
    readonly_fields = ("reporting_suspended_until", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "status")}),
        (_("Contact"), {"fields": ("contact_email", "contact_details")}),
        (
            _("Designation"),
            {"fields": ("designated_by", "designated_on", "countries", "expertise")},
        ),
        (
            _("Record"),
            {"fields": ("reporting_suspended_until", "created_at", "updated_at")},
        ),
    )
    inlines = (MembershipInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, organisation: FlaggerOrganisation) -> int:
        return organisation.member_count

    def save_model(self, request, obj, form, change):
        save_organisation(
            edit=form_edit(form, created=not change),
            expertise=form.cleaned_data.get("expertise"),
            actor=request.user,
        )

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            edits, deleted = inline_edits(formset)
            for membership in deleted:
                remove_member(membership, actor=request.user)
            for edit in edits:
                if edit.row.pk is None:
                    add_member(form.instance, member=edit.row.member, actor=request.user)

    def delete_model(self, request, obj):
        delete_organisation(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for organisation in queryset:
                delete_organisation(organisation, actor=request.user)


@admin.register(FlaggerMembership)
class FlaggerMembershipAdmin(AuditedConfigurationAdmin):
    """Who sends notices for whom, across organisations; members are added on its page."""

    list_display = ("member_public_id", "organisation", "added_at")
    list_filter = ("organisation",)
    list_select_related = ("member", "organisation")
    search_fields = ("member__public_id__exact",)
    search_help_text = _("Public member id.")
    fields = ("organisation", "member_public_id", "added_at")
    readonly_fields = fields

    @admin.display(description=_("public member id"), ordering="member__public_id")
    def member_public_id(self, membership: FlaggerMembership) -> str:
        return membership.member.public_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        remove_member(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for membership in queryset:
                remove_member(membership, actor=request.user)
