"""The period of the transparency report, checked once for the page and the command alike."""

from datetime import UTC, date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.selectors.transparency import MAX_DAYS

FORMATS = (("html", _("Page")), ("csv", "CSV"), ("json", "JSON"))


def utc_today() -> date:
    # The figures count UTC days: "today" is the UTC one, whatever the site's time zone.
    return timezone.now().astimezone(UTC).date()


def previous_month(today: date | None = None) -> tuple[date, date]:
    """The last full calendar month, the report's default.

    A lead opens the report to read the month just closed: every day of it is settled (the beat
    task has recomputed its last day), and it compares with the month before. The yearly DSA
    report is one click away (`previous_year`).
    """
    today = today or utc_today()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def previous_year(today: date | None = None) -> tuple[date, date]:
    """The last full calendar year: the DSA's reporting period (Implementing Regulation
    2024/2835)."""
    year = (today or utc_today()).year - 1
    return date(year, 1, 1), date(year, 12, 31)


class ReportPeriodForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        required=False,
        error_messages={"invalid": _("Enter a date such as 2025-01-31.")},
    )
    end = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        error_messages={"invalid": _("Enter a date such as 2025-12-31.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=FORMATS,
        required=False,
        error_messages={"invalid_choice": _("Choose html, csv or json.")},
    )

    def clean(self):
        cleaned = super().clean()
        if {"start", "end"} & set(self.errors):
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None and end is None:
            start, end = previous_month()
        elif start is None:
            self.add_error("start", _("Give the first day of the period too."))
            return cleaned
        elif end is None:
            self.add_error("end", _("Give the last day of the period too."))
            return cleaned
        if start > end:
            self.add_error("start", _("The period starts after it ends."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", _("Choose a period of at most three years."))
        cleaned["start"], cleaned["end"] = start, end
        cleaned["format"] = cleaned.get("format") or "html"
        return cleaned
