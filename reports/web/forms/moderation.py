"""Forms of the moderator's pages. Each validates the input; the services decide what it means."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import Case, DecisionAction, Reason
from reports.models.categories import ACTION_ORDER
from reports.models.choices import TIMED_ACTIONS, Ground

# The number keys of the case page: 1 for the mildest decision, 6 for a ban.
DECISION_KEYS = {action: str(n) for n, action in enumerate(ACTION_ORDER, start=1)}


class _DecisionRadios(forms.RadioSelect):
    """Radio buttons that tell the case page's script each decision's key, and which decisions
    last a number of days, so the script holds no list of its own."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["data-key"] = DECISION_KEYS[str(value)]
        if value in TIMED_ACTIONS:
            option["attrs"]["data-timed"] = True
        return option


def _case_label(case: Case) -> str:
    what = case.content.get_kind_display() if case.content_id else _("the member")
    return f"#{case.pk} · {case.category.name} · {what}"


class _DecisionFields(forms.Form):
    """What every decision asks, for one case or for many."""

    action = forms.ChoiceField(label=_("Decision"), choices=DecisionAction.choices)
    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("For restrict and suspend."),
    )
    reason = forms.ModelChoiceField(
        label=_("Policy reason"),
        queryset=Reason.objects.none(),
        required=False,
        empty_label=_("The category itself"),
    )
    facts = forms.CharField(
        label=_("In your words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the statement of reasons the member reads. Facts, not opinions."),
    )

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = category.reasons.filter(is_active=True)
        self.fields["reason"].label_from_instance = lambda reason: reason.name

    def clean(self):
        data = super().clean()
        if data.get("action") in TIMED_ACTIONS and not data.get("days"):
            self.add_error("days", _("Say for how many days."))
        return data

    @property
    def duration(self) -> timedelta | None:
        days = self.cleaned_data.get("days")
        return timedelta(days=days) if days else None


class DecisionForm(_DecisionFields):
    action = forms.ChoiceField(
        label=_("Decision"), choices=DecisionAction.choices, widget=_DecisionRadios
    )
    ground = forms.ChoiceField(
        label=_("Ground"), choices=Ground.choices, initial=Ground.INCOMPATIBLE_CONTENT
    )
    legal_ground = forms.CharField(
        label=_("Law broken"),
        required=False,
        max_length=500,
        help_text=_("Only for illegal content: name the law."),
    )
    remove_content = forms.BooleanField(
        label=_("Also remove the reported content"), required=False, initial=True
    )
    also_cases = forms.TypedMultipleChoiceField(
        label=_("Close the member's other open cases with this decision"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, other_cases=(), **kwargs):
        super().__init__(*args, category=case.category, **kwargs)
        self.case = case
        self.fields["also_cases"].choices = [
            (other.pk, _case_label(other)) for other in other_cases
        ]
        if not case.content_id:
            self.fields["action"].choices = [
                c for c in DecisionAction.choices if c[0] != DecisionAction.REMOVE_CONTENT
            ]
            del self.fields["remove_content"]


class StatementPreviewForm(forms.Form):
    """What the case page sends to see the statement as the member would read it."""

    action = forms.ChoiceField(choices=DecisionAction.choices)
    days = _DecisionFields.base_fields["days"]

    @property
    def duration(self) -> timedelta | None:
        days = self.cleaned_data.get("days")
        timed = self.cleaned_data.get("action") in TIMED_ACTIONS
        return timedelta(days=days) if days and timed else None


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Why the next tier should look at it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note for other moderators"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BulkDecisionForm(_DecisionFields):
    cases = forms.ModelMultipleChoiceField(queryset=Case.objects.none(), required=True)

    def __init__(self, *args, category, cases, **kwargs):
        super().__init__(*args, category=category, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].error_messages["required"] = _("Select at least one case.")
