"""Forms of the "Referrals and holds" section: each reads the input, the services check it."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s,;]+")


class CountriesField(forms.CharField):
    """Two-letter codes typed as "DE, FR" (or with spaces), read as a list."""

    def to_python(self, value):
        return [code for code in _SEPARATORS.split(super().to_python(value)) if code]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


class ReferralForm(forms.Form):
    countries = CountriesField(
        label=_("Countries concerned"),
        widget=forms.TextInput(attrs={"maxlength": 100, "autocomplete": "off"}),
        help_text=_("Two-letter codes, separated by commas: DE, FR."),
    )
    authority = forms.CharField(
        label=_("Authority"),
        max_length=200,
        help_text=_(
            "Who was told: the police or prosecutor of a country concerned, or Europol when "
            "no country can be told."
        ),
    )
    sent = forms.CharField(
        label=_("What was sent"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the authority was given, and how (portal, e-mail, phone)."),
    )
    sent_at = forms.DateTimeField(
        label=_("Sent at (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to use the current time."),
    )
    reference = forms.CharField(
        label=_("Reference received"),
        max_length=200,
        required=False,
        help_text=_("The authority's own case number, if they gave one; it can be added later."),
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Reference received"), max_length=200)


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hold this member's evidence"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why lift the hold"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Evidence past its retention date is deleted by the next sweep."),
    )
