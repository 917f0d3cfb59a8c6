"""The average monthly active recipients (DSA Art. 24(2)) in the admin: T&S admins enter one row
per month, as the platform counts them; the transparency report averages the months of its
period. Saved through the configuration service, so every change is on the record.
"""

from datetime import UTC

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.admin.base import AuditedConfigurationAdmin
from reports.models import ActiveRecipients


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "2025-01", **(attrs or {})}, format="%Y-%m")


class ActiveRecipientsForm(forms.ModelForm):
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(),
        help_text=_("The month counted, written YYYY-MM (e.g. 2025-03)."),
        error_messages={
            "invalid": _("Enter a month such as 2025-03."),
            # Model validation reports a month entered twice with the form field's messages.
            "unique": _("This month is entered already: change its row instead."),
        },
    )

    class Meta:
        model = ActiveRecipients
        fields = ("month", "count", "eu_count", "note")

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        this_month = timezone.now().astimezone(UTC).date().replace(day=1)
        if month >= this_month:
            raise forms.ValidationError(
                _("Enter a month that has ended: %(month)s is not over yet.")
                % {"month": f"{month:%Y-%m}"}
            )
        return month

    def clean(self):
        cleaned = super().clean()
        count, eu_count = cleaned.get("count"), cleaned.get("eu_count")
        if count is not None and eu_count is not None and eu_count > count:
            self.add_error(
                "eu_count",
                _("Cannot be more than the active recipients in all (%(count)s).")
                % {"count": count},
            )
        return cleaned


@admin.register(ActiveRecipients)
class ActiveRecipientsAdmin(AuditedConfigurationAdmin):
    form = ActiveRecipientsForm
    list_display = ("month_label", "count", "eu_count", "note", "updated_at")
    list_display_links = ("month_label",)
    ordering = ("-month",)
    readonly_fields = ("updated_at",)
    fields = ("month", "count", "eu_count", "note", "updated_at")

    @admin.display(description=_("month"), ordering="month")
    def month_label(self, row: ActiveRecipients) -> str:
        return f"{row.month:%Y-%m}"
