"""Referrals to the authorities, legal holds and evidence bundles in the admin.

Records like the others (services write them, the admin reads them), with two changes a T&S
admin makes here: placing a hold by hand and lifting holds, saying why. Both go through
services/legal_holds.py, which checks and audits them. Bundles are downloaded from the case
page, where the download is audited; the admin never hands out the file.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from reports.admin.records import RecordAdmin
from reports.models import Case, EvidenceBundle, LegalHold, Referral
from reports.permissions import may_manage_holds
from reports.services.legal_holds import lift_hold, place_hold


@admin.register(Referral)
class ReferralAdmin(RecordAdmin):
    list_display = (
        "id",
        "case",
        "member",
        "countries",
        "authority",
        "sent_at",
        "sent_by",
        "reference",
    )
    list_select_related = ("member", "sent_by")
    search_fields = ("case_id__exact", "member__public_id__exact", "reference__exact")
    search_help_text = _("Case number, public member id, or the reference received.")
    raw_id_fields = ("case", "member", "sent_by")


class PlaceHoldForm(forms.Form):
    member = forms.CharField(label=_("Public member id"), max_length=16)
    case = forms.IntegerField(
        label=_("Case number"),
        required=False,
        min_value=1,
        help_text=_("Optional: the case the hold is for. It must be about this member."),
    )
    reason = forms.CharField(label=_("Why"), max_length=2000, widget=forms.Textarea)

    def clean_member(self) -> User:
        member = User.objects.filter(public_id=self.cleaned_data["member"].strip()).first()
        if member is None:
            raise ValidationError(_("No member has this id."))
        return member

    def clean_case(self) -> Case | None:
        number = self.cleaned_data["case"]
        if number is None:
            return None
        case = Case.objects.filter(pk=number).first()
        if case is None:
            raise ValidationError(_("No case has this number."))
        return case


class LiftHoldsForm(forms.Form):
    reason = forms.CharField(
        label=_("Why lift"),
        max_length=2000,
        widget=forms.Textarea,
        help_text=_("Evidence past its retention date is deleted by the next sweep."),
    )


@admin.register(LegalHold)
class LegalHoldAdmin(RecordAdmin):
    list_display = ("id", "member", "case", "placed_at", "placed_by", "lifted_at", "lifted_by")
    list_select_related = ("member", "placed_by", "lifted_by")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    search_fields = ("member__public_id__exact", "case_id__exact")
    search_help_text = _("Public member id, or case number.")
    raw_id_fields = ("member", "case", "referral", "placed_by", "lifted_by")
    actions = ["lift_holds"]
    change_list_template = "admin/reports/legalhold/change_list.html"

    def has_manage_holds_permission(self, request) -> bool:
        return self.has_view_permission(request) and may_manage_holds(request.user)

    def get_urls(self):
        return [
            path(
                "place/",
                self.admin_site.admin_view(self.place_view),
                name="reports_legalhold_place",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_place": self.has_manage_holds_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def place_view(self, request):
        if not self.has_manage_holds_permission(request):
            raise PermissionDenied
        form = PlaceHoldForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                hold = place_hold(
                    member=data["member"],
                    case=data["case"],
                    actor=request.user,
                    reason=data["reason"],
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                self.message_user(request, _("The member's evidence is on hold."), messages.SUCCESS)
                return redirect("admin:reports_legalhold_change", hold.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Place a legal hold"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/reports/legalhold/place.html", context)

    @admin.action(description=_("Lift the selected holds…"), permissions=["manage_holds"])
    def lift_holds(self, request, queryset):
        holds = list(queryset.filter(lifted_at__isnull=True).select_related("member"))
        if not holds:
            self.message_user(request, _("The selected holds were lifted already."), messages.INFO)
            return None
        form = LiftHoldsForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            lifted = 0
            for hold in holds:
                try:
                    lift_hold(
                        hold_id=hold.pk, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                except ValidationError:
                    continue  # lifted by someone else in the meantime
                lifted += 1
            self.message_user(
                request,
                ngettext("%(n)d hold lifted.", "%(n)d holds lifted.", lifted) % {"n": lifted},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lift legal holds"),
            "opts": self.opts,
            "holds": holds,
            "form": form,
            "action": "lift_holds",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/reports/legalhold/lift.html", context)


@admin.register(EvidenceBundle)
class EvidenceBundleAdmin(RecordAdmin):
    list_display = ("id", "case", "status", "requested_by", "requested_at", "size_bytes")
    list_select_related = ("requested_by",)
    list_filter = ("status",)
    search_fields = ("case_id__exact",)
    search_help_text = _("Case number.")
    raw_id_fields = ("case", "requested_by")
    # The file itself is not shown: its only way out is the audited download.
    fields = (
        "case",
        "status",
        "requested_by",
        "requested_at",
        "finished_at",
        "size_bytes",
        "sha256",
        "error",
        "download",
    )
    readonly_fields = ("download",)

    @admin.display(description=_("download"))
    def download(self, bundle: EvidenceBundle) -> str:
        url = reverse("moderation:case", args=[bundle.case_id]) + "#referrals"
        return format_html(
            '<a href="{}">{}</a>', url, _("From the case page, where it is recorded")
        )
