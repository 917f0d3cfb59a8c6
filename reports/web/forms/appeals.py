"""The senior's answer to an appeal: the outcome, the words the appellant reads and, for a milder
decision, its terms. The form reads the input; `decide_appeal` decides what it means."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import Appeal, AppealKind, AppealOutcome
from reports.models.choices import TIMED_ACTIONS
from reports.selectors.appeal_page import Replacement
from reports.services.appeals.outcomes import MAX_ANSWER_LENGTH
from reports.services.decisions.terms import MAX_DURATION
from reports.web.forms.member import TextBoxField

MEMBER_OUTCOMES = [
    (AppealOutcome.UPHELD, _("Uphold: the decision stands")),
    (AppealOutcome.REVERSED, _("Reverse: take back everything the decision did")),
    (AppealOutcome.REPLACED, _("Replace with a milder decision")),
]
REVIEW_OUTCOMES = [
    (AppealOutcome.UPHELD, _("No violation stands")),
    (AppealOutcome.REVERSED, _("Reopen the case for another moderator")),
]
MAX_DAYS = MAX_DURATION.days


class AppealOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an outcome."),
            "invalid_choice": _("Choose an outcome."),
        },
    )
    answer = TextBoxField(
        label=_("Answer to the appellant"),
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "They read this word for word: what you looked at, what you found and why. "
            "Write it in their language if you can."
        ),
        error_messages={
            "required": _("Write the answer the appellant reads: what you looked at and why.")
        },
    )
    action = forms.ChoiceField(
        label=_("The milder decision"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose the milder decision that replaces this one.")},
    )
    # Read only for a timed replacement, so a stray value next to another outcome is no error.
    days = forms.CharField(
        label=_("Days"),
        required=False,
        max_length=12,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_DAYS, "class": "short"}),
        help_text=_("Counted from when the original decision started: time served counts."),
    )
    remove_content = forms.BooleanField(
        label=_("Also remove the reported content"),
        required=False,
        help_text=_("Ticked when the decision appealed removed it."),
    )

    def __init__(
        self,
        *args,
        appeal: Appeal,
        replacements: list[Replacement],
        removed_content: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.appeal = appeal
        self.replacements = replacements
        review = appeal.kind == AppealKind.NOTIFIER
        self.fields["outcome"].choices = REVIEW_OUTCOMES if review else MEMBER_OUTCOMES
        self.fields["answer"].label = (
            _("Answer to the reporter") if review else _("Answer to the member")
        )
        self.fields["action"].choices = [(r.action, r.label) for r in replacements]
        self.timed_actions = {r.action for r in replacements if r.timed}
        # Offered only where the decision appealed took the content down: a milder decision
        # may keep it down, never take down what was left up.
        if review or not appeal.case.content_id or not removed_content:
            del self.fields["remove_content"]

    def clean(self) -> dict:
        data = super().clean()
        data["duration"] = None
        if data.get("outcome") != AppealOutcome.REPLACED:
            return data
        action = data.get("action")
        if not action:
            if "action" not in self.errors:
                self.add_error("action", _("Choose the milder decision that replaces this one."))
            return data
        if action not in TIMED_ACTIONS:
            return data
        days = (data.get("days") or "").strip()
        if not (days.isascii() and days.isdecimal()):
            self.add_error("days", _("Say for how many days, as a whole number."))
        elif not 1 <= int(days) <= MAX_DAYS:
            self.add_error(
                "days", _("Between 1 and %(max)d days; for longer, ban.") % {"max": MAX_DAYS}
            )
        else:
            data["duration"] = timedelta(days=int(days))
        return data
