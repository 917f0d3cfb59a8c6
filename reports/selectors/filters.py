"""Filters of the moderator's queue page, and their fields as the page writes them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.languages import LANGUAGE_CODES
from reports.models import Case, CaseStatus, Category, ContentKind, Reason, Tier
from reports.models.choices import OPEN_CASE_STATUSES
from reports.selectors.languages import language_name

MEMBER_ONLY = "member"


def named_once(choices: Callable[[], Iterable[tuple]]) -> Callable[[], list[tuple[Any, str]]]:
    """Options named in the reader's language once per process and language, not on each page:
    the catalogues do not change while the process runs."""
    by_language: dict[str | None, list[tuple[Any, str]]] = {}

    def named() -> list[tuple[Any, str]]:
        language = get_language()
        options = by_language.get(language)
        if options is None:
            options = by_language[language] = [(value, str(label)) for value, label in choices()]
        return options

    return named


# Every content language, named in the reader's language, sorted by code.
language_choices = named_once(
    lambda: [(code, language_name(code)) for code in sorted(LANGUAGE_CODES)]
)


class ReasonField(django_filters.fields.ChoiceField):
    """A reason of the queue's category, chosen by its id.

    The options are the category's reasons, read once with the page; an id is read as a number
    ("012" is reason 12), as the database would read it.
    """

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return str(int(value)) if value else value
        except ValueError:
            return value


# A reason that is not one of the category's, refused as a choice of a record is.
NOT_A_REASON = forms.ModelChoiceField.default_error_messages["invalid_choice"]


class ReasonFilter(django_filters.ChoiceFilter):
    field_class = ReasonField


class CaseFilter(django_filters.FilterSet):
    reason = ReasonFilter(
        label=_("Reason"),
        empty_label=_("Any reason"),
        error_messages={"invalid_choice": NOT_A_REASON},
    )
    language = django_filters.ChoiceFilter(
        # Named in the reader's language when the page is drawn, sorted by code.
        choices=language_choices,
        label=_("Language"),
        empty_label=_("Any language"),
    )
    tier = django_filters.MultipleChoiceFilter(
        choices=named_once(lambda: Tier.choices),
        label=_("Tier"),
        widget=forms.CheckboxSelectMultiple,
    )
    status = django_filters.MultipleChoiceFilter(
        choices=named_once(
            lambda: [(s.value, s.label) for s in (*OPEN_CASE_STATUSES, CaseStatus.DECIDED)]
        ),
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = django_filters.ChoiceFilter(
        choices=named_once(
            lambda: [*ContentKind.choices, (MEMBER_ONLY, _("The member, no content"))]
        ),
        method="filter_kind",
        label=_("Reported"),
        empty_label=_("Anything"),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue only"), widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=_("Claimed by me"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Case
        fields = ["reason", "language", "tier", "status", "kind", "overdue", "mine"]

    def __init__(self, *args, category: Category, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The category's reasons, read once: the reason filter's options, and the reasons the
        # queue's rows name (reason_names).
        self.reasons = list(Reason.objects.filter(category=category).order_by("position", "name"))
        # The reason alone, as the reader's language names it (its category is the queue's).
        self.filters["reason"].extra["choices"] = [(r.pk, r.display_name) for r in self.reasons]
        if not user.has_perm("reports.work_escalated"):
            # Frontline moderators only ever see the frontline tier; the filter would be noise.
            del self.filters["tier"]

    @property
    def reason_names(self) -> dict[int, str]:
        """The category's reasons by id, named in the reader's language."""
        return {int(pk): name for pk, name in self.filters["reason"].extra["choices"]}

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_CASE_STATUSES)
        return queryset

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == MEMBER_ONLY:
            return queryset.filter(content__isnull=True)
        return queryset.filter(content__kind=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value:
            return queryset.filter(status__in=OPEN_CASE_STATUSES, due_at__lt=timezone.now())
        return queryset

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value:
            return queryset.filter(claimed_by=self.user)
        return queryset


@dataclass
class FilterField:
    """One filter of the queue page, as plain values for a light template.

    Django renders each option of each widget through a template of its own; the queue page,
    loaded hundreds of times a day by every moderator, writes the same markup directly.
    """

    name: str
    label: str
    kind: str  # "select", "checks" (several boxes) or "check" (one box)
    choices: list[tuple[str, str, bool]]
    checked: bool
    errors: list[str]

    @property
    def id(self) -> str:
        return f"id_{self.name}"


def filter_fields(form: forms.Form) -> list[FilterField]:
    fields = []
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.CheckboxSelectMultiple):
            kind, chosen = "checks", {str(v) for v in value or ()}
        elif isinstance(widget, forms.CheckboxInput):
            kind, chosen = "check", set()
        else:
            kind, chosen = "select", {"" if value is None else str(value)}
        choices = [
            (str(v), str(label), str(v) in chosen)
            for v, label in getattr(bound.field, "choices", ())
        ]
        fields.append(
            FilterField(
                name=bound.name,
                label=str(bound.label),
                kind=kind,
                choices=choices,
                checked=kind == "check" and widget.check_test(value),
                errors=list(bound.errors),
            )
        )
    return fields
