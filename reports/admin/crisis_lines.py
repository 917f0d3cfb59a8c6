"""Admin for the crisis lines a member who may be at risk is offered, per country and language.

Trust & Safety admins keep them (audited like the rest of the configuration); the shipped ones
are in migration 0017 and the README says where their facts come from.
"""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.languages import LANGUAGE_CODES, LANGUAGE_NAMES
from reports.admin.base import AuditedConfigurationAdmin, HttpsAddresses
from reports.models import CrisisResource

PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ()-]{0,38}")


def _https_addresses(db_field: models.Field, **kwargs) -> forms.Field | None:
    # As HttpsAddresses does on the admin page, for the form class itself.
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class CrisisResourceForm(forms.ModelForm):
    """A crisis line is only worth listing if a person in distress can reach it: said here, next
    to the fields, before the database's own check would refuse the row."""

    class Meta:
        model = CrisisResource
        fields = ("name", "country", "language", "phone", "text", "url", "hours")
        fields += ("position", "is_active")
        formfield_callback = _https_addresses

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise ValidationError(_("Two letters (ISO 3166), e.g. DE; empty for anywhere."))
        return country

    def clean_language(self) -> str:
        language = self.cleaned_data["language"].strip().lower()
        if language and language not in LANGUAGE_CODES:
            raise ValidationError(
                _("One of the community's languages (%(codes)s); empty for any language.")
                % {"codes": ", ".join(sorted(LANGUAGE_CODES))}
            )
        return language

    def _number(self, name: str) -> str:
        number = " ".join(self.cleaned_data[name].split())
        if number and not PHONE_NUMBER.fullmatch(number):
            raise ValidationError(_("Digits, spaces and + ( ) - only, as people dial it."))
        return number

    def clean_phone(self) -> str:
        return self._number("phone")

    def clean_text(self) -> str:
        return self._number("text")

    def clean(self):
        data = super().clean()
        ways = ("phone", "text", "url")
        if not any(data.get(name) for name in ways) and not any(n in self.errors for n in ways):
            raise ValidationError(
                _(
                    "Give at least one way to reach this line: a phone number, a number to text "
                    "or a web address. A member in crisis cannot use a name alone."
                ),
                code="unreachable",
            )
        return data


@admin.register(CrisisResource)
class CrisisResourceAdmin(HttpsAddresses, AuditedConfigurationAdmin):
    """The helplines a member at risk is offered: their country's first, then the international
    ones (reports/selectors/welfare.py says which, in which order)."""

    form = CrisisResourceForm
    list_display = ("name", "where", "spoken", "phone", "text", "url", "hours", "position")
    list_display += ("is_active",)
    list_filter = ("is_active", "country")
    ordering = ("country", "position", "name")
    search_fields = ("name", "country__exact")
    search_help_text = _("Name, or a two-letter country code.")
    fieldsets = (
        (None, {"fields": ("name", "country", "language")}),
        (
            _("How to reach it"),
            {
                "fields": ("phone", "text", "url", "hours"),
                "description": _(
                    "At least one of phone, text or web address, as the service itself "
                    "publishes it. Hours as people should read them, e.g. 24/7."
                ),
            },
        ),
        (
            _("Order"),
            {
                "fields": ("position", "is_active"),
                "description": _("Lower numbers come first among the lines of one country."),
            },
        ),
    )

    @admin.display(description=_("where"), ordering="country")
    def where(self, line: CrisisResource) -> str:
        return line.country or _("anywhere (international)")

    @admin.display(description=_("language"), ordering="language")
    def spoken(self, line: CrisisResource) -> str:
        return LANGUAGE_NAMES.get(line.language, line.language) or _("any")
