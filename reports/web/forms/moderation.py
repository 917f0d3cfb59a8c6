"""Forms of the moderator's pages. Each validates the input; the services decide what it means."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import Case, DecisionAction, MisusePolicy, Reason
from reports.models.categories import ACTION_ORDER
from reports.models.choices import MISUSE_ACTIONS, TIMED_ACTIONS, WELFARE_ACTIONS, Ground
from reports.selectors.welfare import is_welfare
from reports.services import bulk as bulk_decisions
from reports.services.decisions.misuse_terms import MISUSE_CASE_ACTIONS, is_misuse_case
from reports.services.decisions.welfare import (
    MAX_JUSTIFICATION,
    justification_errors,
    justification_prompt,
)

# The number keys of the case page, the same on every case: 1 for "no violation" up to 6 for a
# ban, then 7 and 8 for support and a welfare check. A welfare case shows its care first, but a
# key never changes meaning from one case to the next.
DECISION_KEYS = {
    action: str(n)
    for n, action in enumerate((*ACTION_ORDER, *WELFARE_ACTIONS, *MISUSE_ACTIONS), start=1)
}


class _DecisionRadios(forms.RadioSelect):
    """Radio buttons that tell the case page's script each decision's key, which decisions last
    a number of days, and which need a written "why" on this case, so the script holds no list
    of its own."""

    # action → what the "why" field asks for it on this case
    why_prompts: dict[str, str] = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["data-key"] = DECISION_KEYS[str(value)]
        if value in TIMED_ACTIONS:
            option["attrs"]["data-timed"] = True
        if value in self.why_prompts:
            option["attrs"]["data-why"] = self.why_prompts[value]
        if value in _REMOVE_ALONG:
            option["attrs"]["data-removal"] = True
        if value in WELFARE_ACTIONS:
            option["attrs"]["data-care"] = True
        return option


# The decisions that "also remove the reported content" goes with (services/enforcement.py).
_REMOVE_ALONG = frozenset(
    {DecisionAction.WARN, DecisionAction.RESTRICT, DecisionAction.SUSPEND, DecisionAction.BAN}
)


def _case_label(case: Case) -> str:
    what = case.content.get_kind_display() if case.content_id else _("the member")
    return f"#{case.pk} · {case.category.display_name} · {what}"


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
        self.fields["reason"].label_from_instance = lambda reason: reason.display_name

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
    justification = forms.CharField(
        label=_("Why this decision"),
        required=False,
        max_length=MAX_JUSTIFICATION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed for a sanction on a member who may be at risk, and for less than the "
            "reason's minimum action. Kept on the case's record; the member does not read it."
        ),
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
        self.welfare = is_welfare(case.reason)
        self.fields["also_cases"].choices = [
            (other.pk, _case_label(other)) for other in other_cases
        ]
        order = _CARE_FIRST if self.welfare else _SANCTIONS_FIRST
        if not case.content_id:
            order = [a for a in order if a != DecisionAction.REMOVE_CONTENT]
            del self.fields["remove_content"]
        self.misuse = is_misuse_case(case)
        if self.misuse:
            # No action, a warning, or the suspension of its kind; alone, for the policy's length.
            order = list(MISUSE_CASE_ACTIONS[case.misuse])
            self.fields["also_cases"].choices = []
            self.fields["days"].initial = MisusePolicy.current().suspension_length.days
        self.fields["action"].choices = [(a.value, a.label) for a in order]
        prompts = {a: justification_prompt(a, [case.reason]) for a in order}
        self.fields["action"].widget.why_prompts = {a: p for a, p in prompts.items() if p}

    def action_groups(self) -> list[tuple[str, list]]:
        """The decision's radios in the groups the panel shows, in order: for a member who may
        be at risk, care first and everything else after, each needing a why; otherwise the
        sanctions, then what to do for a member who may be at risk."""
        radios = {radio.data["value"]: radio for radio in self["action"]}
        if self.misuse:
            return [(_("Decision"), list(radios.values()))]
        if self.welfare:
            groups = [
                (_("Care for the member"), _CARE),
                (_("Other decisions: each needs a written why here"), _OTHERS),
            ]
        else:
            groups = [
                (_("Decision"), ACTION_ORDER),
                (_("If the member may be at risk"), WELFARE_ACTIONS),
            ]
        return [(legend, [radios[a] for a in actions if a in radios]) for legend, actions in groups]


# A welfare case offers care first; removing graphic content is care too (it gives no strike).
_CARE = (*WELFARE_ACTIONS, DecisionAction.REMOVE_CONTENT)
_OTHERS = tuple(a for a in ACTION_ORDER if a not in _CARE)
_CARE_FIRST = [DecisionAction(a) for a in (*_CARE, *_OTHERS)]
_SANCTIONS_FIRST = [DecisionAction(a) for a in (*ACTION_ORDER, *WELFARE_ACTIONS)]


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

    def clean(self):
        # Said on the first step, before the confirmation page counts what would be touched:
        # care, and cases whose reason asks for a why, are decided one at a time.
        data = super().clean()
        action, cases = data.get("action"), data.get("cases")
        if cases is not None and len(cases) > bulk_decisions.MAX_CASES:
            self.add_error(
                "cases", _("At most %(n)d cases at once.") % {"n": bulk_decisions.MAX_CASES}
            )
        elif action and cases:
            reasons = [case.reason for case in cases.select_related("reason")]
            problems = justification_errors(
                action=action, reasons=reasons, justification="", bulk=True
            )
            for errors in problems.values():
                self.add_error("action", errors)
        return data
