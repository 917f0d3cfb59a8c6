"""Filters of the moderator's queue page, and their fields as the page writes them."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import LANGUAGE_CODES
from reports.models import Case, CaseStatus, Category, ContentKind, Reason, Tier
from reports.models.choices import OPEN_CASE_STATUSES
from reports.selectors.languages import language_name

MEMBER_ONLY = "member"


class CaseFilter(django_filters.FilterSet):
    reason = django_filters.ModelChoiceFilter(
        queryset=Reason.objects.none(), label=_("Reason"), empty_label=_("Any reason")
    )
    language = django_filters.ChoiceFilter(
        # Named in the reader's language when the page is drawn, sorted by code.
        choices=lambda: [(code, language_name(code)) for code in sorted(LANGUAGE_CODES)],
        label=_("Language"),
        empty_label=_("Any language"),
    )
    tier = django_filters.MultipleChoiceFilter(
        choices=Tier.choices, label=_("Tier"), widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        choices=[(s.value, s.label) for s in OPEN_CASE_STATUSES]
        + [(CaseStatus.DECIDED.value, CaseStatus.DECIDED.label)],
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = django_filters.ChoiceFilter(
        choices=[*ContentKind.choices, (MEMBER_ONLY, _("The member, no content"))],
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
        self.filters["reason"].queryset = category.reasons.all()
        if not user.has_perm("reports.work_escalated"):
            # Frontline moderators only ever see the frontline tier; the filter would be noise.
            del self.filters["tier"]
        # The reason alone, as the reader's language names it (its category is the queue's).
        self.form.fields["reason"].label_from_instance = lambda reason: reason.display_name

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
