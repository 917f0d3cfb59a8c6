"""Decisions from the case page: decide, confirm or reject a proposed ban, undo."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reports.models import Case, Decision, DecisionAction
from reports.permissions import get_case_for_moderator, works_escalated
from reports.selectors.case_file import case_for_page, member_history
from reports.services.decisions.core import CaseUnavailable
from reports.services.decisions.decide import decide
from reports.services.decisions.four_eyes import confirm_ban, reject_ban
from reports.services.decisions.undo import undo_decision
from reports.web.forms.moderation import DecisionForm
from reports.web.views.cases import case_context
from reports.web.views.moderation import (
    case_url,
    moderator_required,
    moved_beyond_reach,
    queue_params,
    queue_url,
    take_next,
)


def _escalated_away(request: HttpRequest, case: Case) -> HttpResponse:
    error = CaseUnavailable(
        _("This case went to the %(tier)s tier while you had it open; it is theirs now.")
        % {"tier": case.get_tier_display()},
        case=case,
    )
    return _unavailable(request, error)


def _unavailable(request: HttpRequest, error: CaseUnavailable) -> HttpResponse:
    return render(
        request,
        "moderation/unavailable.html",
        {"case": error.case, "error": error, "params": queue_params(request)},
        status=409,
    )


@moderator_required
@require_POST
def decide_case(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    except Http404:
        moved = moved_beyond_reach(request.user, case_id, version=_version(request))
        if moved is None:
            raise
        return _escalated_away(request, moved)
    history = member_history(case.subject, request.user, exclude=case)
    form = DecisionForm(request.POST, case=case, other_cases=history.open_cases)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = decide(
                case_id=case.pk,
                moderator=request.user,
                action=data["action"],
                duration=form.duration,
                reason=data["reason"],
                facts=data["facts"],
                ground=data["ground"],
                legal_ground=data["legal_ground"],
                remove_content=data.get("remove_content", False),
                also_case_ids=data["also_cases"],
                expected_version=data["version"],
                justification=data["justification"],
            )
        except CaseUnavailable as error:
            return _unavailable(request, error)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            params = queue_params(request)
            if decision.awaiting_confirmation:
                messages.success(
                    request,
                    _(
                        "Ban proposed on case #%(case)s. It takes effect once a second "
                        "moderator confirms it; the case is in the senior queue until then."
                    )
                    % {"case": case.pk},
                )
                # A senior's "next case" would hand their own proposal straight back.
                if request.POST.get("then") == "next" and not works_escalated(request.user):
                    return take_next(request, case.category, params)
                return redirect(queue_url(case.category, params))
            care = _CARE_SENT.get(decision.action)
            if care is None:
                request.session["undo_decision"] = decision.pk
            else:
                # Care reaches the member at once: no "members hear of it at …" offer.
                messages.success(request, str(care) % {"case": case.pk})
            if request.POST.get("then") == "next":
                return take_next(request, case.category, params)
            return redirect(queue_url(case.category, params))
    return render(request, "moderation/case.html", case_context(request, case, form), status=400)


_CARE_SENT = {
    DecisionAction.SUPPORT: gettext_lazy(
        "Case #%(case)s: the member was sent support resources. Undoing it from the case page "
        "reopens the case; the member keeps the message."
    ),
    DecisionAction.WELFARE_CHECK: gettext_lazy(
        "Case #%(case)s: the platform was asked to check on the member now, and the people on "
        "call were told. Note on the case what happens next."
    ),
}


def _proposal_for_moderator(request: HttpRequest, decision_id: int) -> tuple[Decision, Case]:
    """A decision and its case, if this moderator may see the case; 404 otherwise."""
    decision = get_object_or_404(Decision.objects.only("pk", "case_id"), pk=decision_id)
    case = get_case_for_moderator(
        request.user, decision.case_id, queryset=case_for_page(decision.case_id)
    )
    return decision, case


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 19 else None


@moderator_required
@require_POST
def confirm(request: HttpRequest, decision_id: int) -> HttpResponse:
    """A second moderator confirms a proposed ban; it takes effect now."""
    decision, case = _proposal_for_moderator(request, decision_id)
    params = queue_params(request)
    try:
        confirm_ban(
            decision_id=decision.pk, moderator=request.user, expected_version=_version(request)
        )
    except CaseUnavailable as error:
        return _unavailable(request, error)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(case_url(case, params))
    request.session["undo_decision"] = decision.pk
    messages.success(
        request, _("Ban confirmed on case #%(case)s; it applies now.") % {"case": case.pk}
    )
    return redirect(queue_url(case.category, params))


@moderator_required
@require_POST
def reject(request: HttpRequest, decision_id: int) -> HttpResponse:
    """A second moderator turns a proposed ban down with a note; the case waits for a decision."""
    decision, case = _proposal_for_moderator(request, decision_id)
    note = request.POST.get("note", "")
    try:
        reject_ban(decision_id=decision.pk, moderator=request.user, note=note)
    except CaseUnavailable as error:
        return _unavailable(request, error)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(case_url(case, queue_params(request)))
    except ValidationError as error:
        context = case_context(request, case)
        context["reject_note"] = note
        context["reject_errors"] = error.messages
        return render(request, "moderation/case.html", context, status=400)
    messages.success(
        request,
        _("Ban proposal rejected. Case #%(case)s waits for a new decision.") % {"case": case.pk},
    )
    return redirect(case_url(case, queue_params(request)))


@moderator_required
@require_POST
def undo(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("case"), pk=decision_id)
    get_case_for_moderator(request.user, decision.case_id)
    try:
        case = undo_decision(decision_id=decision.pk, moderator=request.user)
    except PermissionDenied:
        raise Http404("No such decision.") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(case_url(decision.case, queue_params(request)))
    request.session.pop("undo_decision", None)
    messages.success(request, _("Decision undone. The case is yours again."))
    return redirect(case_url(case, queue_params(request)))
