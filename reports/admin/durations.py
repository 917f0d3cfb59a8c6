"""Durations in the admin: typed as days, hours and minutes, read in words.

A DurationField left to Django shows "2 00:00:00" in its input, its change list and its read-only
view, and takes "2 00:00:00" back; nobody configuring an SLA should have to know that spelling.
Here an editable duration is three number inputs (DurationPartsField and its widget), and a
duration shown but not edited reads "2 days 3 hours" (DurationsInWords, mixed into every admin
and inline that shows one). The models' range checks apply as before: this only changes how a
value is written and read.
"""

import functools
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_duration
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from reports.texts.durations import describe_duration

# The parts an admin types, with the seconds each counts.
PARTS = (
    ("days", _("days"), 86_400),
    ("hours", _("hours"), 3_600),
    ("minutes", _("minutes"), 60),
)
# No setting of hellomod is longer than years; past this a typing slip is more likely.
LONGEST = timedelta(days=36_500)
EMPTY = "-"  # as the admin shows any empty value


def split_duration(value: timedelta) -> list[str]:
    """The days, hours and minutes of a duration, as its inputs show them.

    Seconds, which no admin page sets, are kept as a fraction of a minute, so that a form
    posted back unchanged saves the same value.
    """
    seconds = Decimal(round(value.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest / 60
    return [str(days), str(hours), _number(minutes)]


def parsed_duration(text: str) -> timedelta | None:
    """Django's reading of a whole duration ("2 00:00:00", "P2D"), or None for one that is not
    a duration; OverflowError for one longer than Python counts ("P9999999999D")."""
    try:
        return parse_duration(text.strip())
    except ValueError:
        return None


def _number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.quantize(Decimal("0.0001")).normalize(), "f")


class DurationPartsWidget(forms.MultiWidget):
    """Three number inputs, each inside its own label: days, hours, minutes."""

    class Media:
        css = {"all": ["css/admin-durations.css"]}

    def __init__(self, attrs=None):
        widgets = {
            key: forms.NumberInput(
                attrs={"min": "0", "step": "any", "class": f"duration-{key}", "size": "5"}
            )
            for key, _label, _seconds in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = parsed_duration(value)
            except OverflowError:
                value = None  # refused by the field, which says why
        if isinstance(value, timedelta):
            return split_duration(value)
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if all(part is None for part in parts) and name in data:
            # A duration posted whole under the field's own name ("1 00:00:00"), as Django's
            # own DurationField takes it: a script or an older page still gets a hearing.
            return data[name]
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def use_required_attribute(self, initial):
        # Any one part is enough: the field says whether a duration is needed.
        return False

    def id_for_label(self, id_):
        # The field's own label points at the first input, the days.
        return f"{id_}_0" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        inputs = (
            (widget.render(sub["name"], sub["value"], sub["attrs"], renderer), label)
            for widget, sub, (_key, label, _seconds) in zip(
                self.widgets, context["subwidgets"], PARTS, strict=True
            )
        )
        return format_html(
            '<span class="duration-parts">{}</span>',
            format_html_join(" ", '<label class="duration-part">{} {}</label>', inputs),
        )


class DurationPartsField(forms.Field):
    """A duration typed as days, hours and minutes; each part a number of 0 or more."""

    widget = DurationPartsWidget
    default_error_messages = {
        "required": _("Fill in the days, hours or minutes."),
        "number": _("Write the %(part)s as a number: “%(value)s” is not one."),
        "negative": _("The %(part)s cannot be negative: write 0 or more."),
        "too_long": _("That is too long: write at most %(days)s days in all."),
        "invalid": _("Write the duration in days, hours and minutes."),
        "negative_whole": _("A duration cannot be negative."),
    }

    def __init__(self, *, longest: timedelta = LONGEST, **kwargs):
        self.longest = longest
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value

    def to_python(self, value):
        if isinstance(value, timedelta):
            return value
        if isinstance(value, str):
            return self._whole(value)
        if value in self.empty_values:
            return None
        texts = [(part or "").strip() for part in value]
        if not any(texts):
            return None
        longest = Decimal(self.longest.total_seconds())
        seconds = Decimal(0)
        errors = []
        for (_key, label, unit), text in zip(PARTS, texts, strict=True):
            if not text:
                continue
            try:
                number = Decimal(text.replace(",", "."))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                errors.append(self._error("number", part=label, value=text))
            elif number < 0:
                errors.append(self._error("negative", part=label))
            elif number > longest / unit:  # compared first: 1e999999 minutes overflows a sum
                errors.append(self._error("too_long", days=self.longest.days))
            else:
                seconds += number * unit
        if errors:
            raise ValidationError(errors)
        if seconds > longest:
            raise self._error("too_long", days=self.longest.days)
        return timedelta(seconds=int(seconds.to_integral_value(ROUND_HALF_UP)))

    def _whole(self, text: str) -> timedelta | None:
        if not text.strip():
            return None
        try:
            value = parsed_duration(text)
        except OverflowError:
            raise self._error("too_long", days=self.longest.days) from None
        if value is None:
            raise self._error("invalid")
        if value < timedelta(0):
            raise self._error("negative_whole")
        if value > self.longest:
            raise self._error("too_long", days=self.longest.days)
        return value

    def _error(self, code: str, **params) -> ValidationError:
        return ValidationError(self.error_messages[code], code=code, params=params)


# Read, not edited ------------------------------------------------------------------------------


def reads_only(shown_by, request, obj) -> bool:
    """Whether the page shows this admin's (or inline's) fields to someone who may not edit
    them, as Django then shows every field read-only."""
    if isinstance(shown_by, InlineModelAdmin):
        return not (
            shown_by.has_change_permission(request, obj)
            or shown_by.has_add_permission(request, obj)
        )
    return obj is not None and not shown_by.has_change_permission(request, obj)


class DurationInWords:
    """Shows one DurationField of a row in words; stands in for the field's name wherever the
    admin lists or shows it read-only. Its str() is the field's name, which the admin's
    templates use as a CSS class."""

    # Templates print it (its name) rather than call it.
    do_not_call_in_templates = True

    def __init__(self, model: type[models.Model], name: str):
        field = model._meta.get_field(name)
        self.__name__ = name
        self.short_description = field.verbose_name
        self.admin_order_field = name

    def __call__(self, row) -> str:
        return describe_duration(getattr(row, self.__name__), empty=EMPTY)

    def __str__(self) -> str:
        return self.__name__


@functools.cache
def in_words(model: type[models.Model], name: str) -> DurationInWords:
    # One object per field: the admin finds read-only fields by identity.
    return DurationInWords(model, name)


def duration_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DurationField)]


class DurationsInWords:
    """For an admin or an inline: durations typed in parts, and read in words wherever they
    are shown but not edited (change lists, records, a page its reader may not change)."""

    formfield_overrides = {models.DurationField: {"form_class": DurationPartsField}}

    def get_list_display(self, request):
        names = set(duration_names(self.model))
        return [
            in_words(self.model, entry) if isinstance(entry, str) and entry in names else entry
            for entry in super().get_list_display(request)
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, *(in_words(self.model, name) for name in self._read(request, obj))]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        read = set(self._read(request, obj))
        if not read:
            return fieldsets
        seen: set = set()

        def swap(fields):
            swapped = []
            for entry in fields:
                if isinstance(entry, list | tuple):
                    line = swap(entry)
                    if line:
                        swapped.append(tuple(line))
                    continue
                if isinstance(entry, str) and entry in read:
                    entry = in_words(self.model, entry)
                if entry in seen:
                    continue
                seen.add(entry)
                swapped.append(entry)
            return swapped

        return [(name, {**opts, "fields": swap(opts["fields"])}) for name, opts in fieldsets]

    def _read(self, request, obj) -> list[str]:
        """The durations this person is shown on this page but does not edit."""
        names = duration_names(self.model)
        if not names:
            return []
        if self._reads_only(request, obj):
            return names
        readonly = super().get_readonly_fields(request, obj)
        return [name for name in names if name in readonly]

    def _reads_only(self, request, obj) -> bool:
        return reads_only(self, request, obj)
