"""The member's side of appeals: "Decisions about me", a decision's page with its appeal form, a
reporter's review request, and the receipt that later carries the answer.

Members are not staff: these pages never name a moderator or a reporter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from reports.models import Appeal, AppealOutcome, Decision, DecisionAction, Report
from reports.selectors.appeals import (
    appeal_deadline,
    deciding_decision,
    decision_refusal,
    decisions_about,
    get_decision_for_member,
    member_appeal_refusal,
    review_refusal,
)
from reports.services.appeals import filing
from reports.texts.durations import describe_duration
from reports.web.forms.appeals_member import AppealForm, ReviewForm

PAGE_SIZE = 25
# The service names what cannot be appealed after the thing appealed; the form shows it on top.
FORM_FIELD = {"decision": None, "report": None, "statement": "statement", "evidence": "evidence"}

# What was decided, as the member reads it (the moderators' labels are verbs: "Suspend").
WHAT_WAS_DECIDED = {
    DecisionAction.WARN: _("A warning"),
    DecisionAction.REMOVE_CONTENT: _("Content removed"),
    DecisionAction.RESTRICT: _("Account restricted"),
    DecisionAction.SUSPEND: _("Account suspended"),
    DecisionAction.BAN: _("Account banned"),
    DecisionAction.SUSPEND_REPORTING: _("Reporting paused"),
}


class State:
    """Where a decision stands now; the values are CSS classes too."""

    IN_FORCE = "in-force"
    ENDED = "ended"
    REVERSED_ON_APPEAL = "reversed-on-appeal"
    REPLACED = "replaced"
    REVERSED = "reversed"


# The badge's colour: amber while it applies, green once it no longer does.
STATE_CLASSES = {
    State.IN_FORCE: "status-restricted",
    State.ENDED: "",
    State.REVERSED_ON_APPEAL: "status-actioned",
    State.REPLACED: "status-actioned",
    State.REVERSED: "status-actioned",
}
STATE_LABELS = {
    State.IN_FORCE: _("In force"),
    State.ENDED: _("Ended"),
    State.REVERSED_ON_APPEAL: _("Reversed on appeal"),
    State.REPLACED: _("Replaced by a milder decision"),
    State.REVERSED: _("Reversed"),
}


@dataclass
class DecisionView:
    """One decision as its member reads it."""

    decision: Decision
    what: str
    duration: str
    state: str
    appeal: Appeal | None
    # Why it cannot be appealed (any more); None when it can, or when it was appealed.
    refusal: str | None
    deadline: datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def state_class(self) -> str:
        return STATE_CLASSES[self.state]


def _state(decision: Decision, appeal: Appeal | None, now: datetime) -> str:
    if decision.is_reversed:
        if appeal is not None and appeal.outcome == AppealOutcome.REPLACED:
            return State.REPLACED
        if appeal is not None and appeal.outcome == AppealOutcome.REVERSED:
            return State.REVERSED_ON_APPEAL
        return State.REVERSED
    if decision.ends_at is not None and decision.ends_at <= now:
        return State.ENDED
    return State.IN_FORCE


def _view(decision: Decision, *, refusal: str | None, now: datetime) -> DecisionView:
    appeal = decision.my_appeals[0] if decision.my_appeals else None
    return DecisionView(
        decision=decision,
        what=WHAT_WAS_DECIDED.get(decision.action, decision.get_action_display()),
        duration=describe_duration(decision.duration),
        state=_state(decision, appeal, now),
        appeal=appeal,
        refusal=None if appeal else refusal,
        deadline=None if appeal or refusal else appeal_deadline(decision),
    )


@login_required
@require_GET
def decisions_about_me(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(decisions_about(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    # Every decision listed is about this member, acts against them and is their own to appeal
    # (decisions_about says so), and its appeal, if any, is in `my_appeals`: what is left of
    # member_appeal_refusal is the decision's own window, read without a query per row.
    rows = [
        _view(decision, refusal=decision_refusal(decision, now=now), now=now)
        for decision in page.object_list
    ]
    return render(request, "reports/decisions.html", {"page": page, "rows": rows})


def _apply_errors(form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(FORM_FIELD.get(field), messages)


def _filed(form: AppealForm, file: Callable[..., Appeal]) -> Appeal | None:
    """The appeal (or review) the form's statement and screenshots file; None, with what was
    refused marked on the form, when the form or the service refuses it."""
    if not form.is_valid():
        return None
    try:
        return file(
            statement=form.cleaned_data["statement"], evidence=form.cleaned_data["evidence"]
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, decision_uuid) -> HttpResponse:
    found = get_decision_for_member(request.user, decision_uuid)
    if found is None:
        raise Http404
    now = timezone.now()
    refusal = None if found.my_appeals else member_appeal_refusal(request.user, found, now=now)
    row = _view(found, refusal=refusal, now=now)
    form, status, refused = None, 200, None
    if row.appeal is None and refusal is None:
        if request.method == "POST":
            form = AppealForm(request.POST, request.FILES)
            appeal = _filed(
                form, partial(filing.appeal_decision, appellant=request.user, decision=found)
            )
            if appeal is not None:
                return redirect("reports:appeal", reference=appeal.reference)
            status = 400
        else:
            form = AppealForm()
    elif request.method == "POST":
        # Sent from a page opened earlier (another tab, the back button): say why not.
        refused = refusal or member_appeal_refusal(request.user, found, now=now)
        status = 400
    replacement = None
    if row.appeal is not None and row.appeal.replacement_id:
        replacement = Decision.objects.only("uuid").get(pk=row.appeal.replacement_id)
    return render(
        request,
        "reports/decision.html",
        {
            "row": row,
            "decision": found,
            "form": form,
            "replacement": replacement,
            "refused": refused,
            "dispute_url": settings.DISPUTE_SETTLEMENT_URL,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_for_review(request: HttpRequest, reference: str) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("category", "subject", "content", "case"),
        reference=reference,
        reporter=request.user,
    )
    now = timezone.now()
    refusal = review_refusal(request.user, report, deciding_decision(report), now=now)
    form, status = None, 200
    if refusal is None:
        if request.method == "POST":
            form = ReviewForm(request.POST, request.FILES)
            review = _filed(
                form, partial(filing.ask_for_review, reporter=request.user, report=report)
            )
            if review is not None:
                return redirect("reports:appeal", reference=review.reference)
            status = 400
        else:
            form = ReviewForm()
    elif request.method == "POST":
        status = 400
    earlier = (
        Appeal.objects.filter(report=report, appellant=request.user)
        .order_by("-received_at", "-id")
        .first()
    )
    return render(
        request,
        "reports/review_form.html",
        {"report": report, "form": form, "refusal": refusal, "earlier": earlier},
        status=status,
    )


@login_required
@require_GET
def appeal_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "category", "decision__case__content", "decision__reason", "report__subject"
        ),
        reference=reference,
        appellant=request.user,
    )
    decision = appeal.decision
    context = {
        "appeal": appeal,
        "what": WHAT_WAS_DECIDED.get(decision.action, decision.get_action_display()),
        "duration": describe_duration(decision.duration),
        "evidence_count": appeal.evidence.count(),
        "dispute_url": settings.DISPUTE_SETTLEMENT_URL,
        "now": timezone.now(),
    }
    if appeal.replacement_id:
        milder = Decision.objects.get(pk=appeal.replacement_id)
        context["milder"] = milder
        context["milder_what"] = WHAT_WAS_DECIDED.get(milder.action, milder.get_action_display())
        context["milder_duration"] = describe_duration(milder.duration)
    return render(request, "reports/appeal_receipt.html", context)
