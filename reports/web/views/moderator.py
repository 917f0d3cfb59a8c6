"""The moderator's side: queues, next case, the case page and decisions.

Every view finds its object through one access helper in `reports.permissions`, which answers
404 for anything outside the moderator's categories and tiers. Every change is a POST that
calls one service function.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.languages import LANGUAGE_CODES
from reports.models import AuditEvent, BulkDecision, Case, Decision, DecisionAction, Tier
from reports.models.choices import OPEN_CASE_STATUSES
from reports.permissions import (
    get_case_for_moderator,
    get_category_for_moderator,
    get_content_for_moderator,
    get_member_for_moderator,
    is_policy_admin,
    moderated_categories,
    queue_cases,
    visible_cases,
    works_escalated,
)
from reports.selectors.decisions import case_version, counts_touched, suggest
from reports.selectors.filters import CaseFilter
from reports.selectors.queues import (
    case_file,
    case_for_page,
    filter_fields,
    member_history,
    queue_page,
    queue_rows,
    queue_summaries,
)
from reports.services.bulk import start_bulk_decision
from reports.services.claims import (
    claim_case,
    claim_next_case,
    release_case,
    renew_lease,
    workable_tiers,
)
from reports.services.decisions.core import CaseUnavailable
from reports.services.decisions.decide import decide
from reports.services.decisions.four_eyes import confirm_ban, reject_ban
from reports.services.decisions.undo import undo_decision
from reports.services.escalation import NEXT_TIER, escalate_case
from reports.services.notes import add_note
from reports.texts.statements import statement_as_decided, statement_previews
from reports.web.forms.moderation import (
    DECISION_KEYS,
    BulkDecisionForm,
    DecisionForm,
    EscalateForm,
    NoteForm,
    StatementPreviewForm,
)
from reports.web.views.files import protected_image


def moderator_required(view: Callable) -> Callable:
    """Signed-in people who moderate at least one category; anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not moderated_categories(request.user).exists():
            raise Http404("Not a moderator.")
        return view(request, *args, **kwargs)

    return wrapper


def _queue_params(request: HttpRequest) -> dict[str, object]:
    """The queue a moderator came from (language and tiers), carried through the case pages."""
    source = request.POST if request.method == "POST" else request.GET
    tiers = [int(t) for t in source.getlist("tier") if t in {str(v) for v in Tier.values}]
    language = source.get("language", "")
    return {"tiers": tiers, "language": language if language in LANGUAGE_CODES else ""}


def _in_queue(url: str, params: dict[str, object]) -> str:
    """A URL that remembers which queue (tiers, language) the moderator works."""
    query = [f"tier={t}" for t in params["tiers"]]
    if params["language"]:
        query.append(f"language={params['language']}")
    return url + ("?" + "&".join(query) if query else "")


def _queue_url(category, params: dict[str, object]) -> str:
    return _in_queue(reverse("moderation:queue", args=[category.slug]), params)


def _case_url(case: Case, params: dict[str, object]) -> str:
    return _in_queue(reverse("moderation:case", args=[case.pk]), params)


def _take_next(request: HttpRequest, category, params) -> HttpResponse:
    tiers = [t for t in params["tiers"] if t in workable_tiers(request.user)] or None
    case = claim_next_case(
        moderator=request.user, category=category, language=params["language"], tiers=tiers
    )
    if case is None:
        messages.info(request, _("Nothing is waiting in this queue. Well done."))
        return redirect(_queue_url(category, params))
    return redirect(_case_url(case, params))


@moderator_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    summaries = queue_summaries(request.user)
    return render(
        request,
        "moderation/home.html",
        {"summaries": summaries, "now": timezone.now(), "mine": _my_cases(request)},
    )


def _my_cases(request: HttpRequest) -> list[Case]:
    return list(
        Case.objects.filter(claimed_by=request.user, status__in=OPEN_CASE_STATUSES)
        .select_related("category")
        .order_by("lease_expires_at")[:10]
    )


@moderator_required
@require_GET
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_category_for_moderator(request.user, slug)
    cases = queue_cases(request.user, category)
    filters = CaseFilter(request.GET, queryset=cases, category=category, user=request.user)
    if not filters.is_valid():
        return render(
            request,
            "moderation/queue.html",
            {
                "category": category,
                "filter_fields": filter_fields(filters.form),
                "page": None,
            },
            status=400,
        )
    page = queue_page(filters.qs, cursor=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    params = _queue_params(request)
    rows = queue_rows(
        page,
        viewer=request.user,
        case_url=lambda pk: _in_queue(reverse("moderation:case", args=[pk]), params),
    )
    return render(
        request,
        "moderation/queue.html",
        {
            "category": category,
            "filter_fields": filter_fields(filters.form),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "params": params,
            "actions": DecisionAction.choices,
        },
    )


@moderator_required
@require_POST
def next_case(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_category_for_moderator(request.user, slug)
    # Take the next case before giving this one back, or "skip" would hand back the same case.
    response = _take_next(request, category, _queue_params(request))
    current = request.POST.get("release", "")
    if current.isascii() and current.isdecimal() and len(current) < 19:
        release_case(case_id=int(current), moderator=request.user)
    return response


def _case_context(request: HttpRequest, case: Case, form: DecisionForm | None = None) -> dict:
    file = case_file(case, request.user)
    suggestion = suggest(case, ladder=file.policy.ladder_steps)
    version = case_version(case)
    if form is None:
        initial = {"version": version, "reason": case.reason_id}
        if suggestion is not None:
            initial["action"] = suggestion.action
            initial["days"] = suggestion.duration.days if suggestion.duration else None
        form = DecisionForm(initial=initial, case=case, other_cases=file.history.open_cases)
    now = timezone.now()
    held_by_other = case.is_held_by_someone_else(request.user.pk, now=now)
    # A ban waiting for a second moderator: the case page offers to confirm or reject it.
    proposal = next(
        (d for d in file.decisions if d.awaiting_confirmation and not d.is_reversed), None
    )
    return {
        "case": case,
        "file": file,
        "form": form,
        "suggestion": suggestion,
        "version": version,
        "escalate_form": EscalateForm(),
        "note_form": NoteForm(),
        "holding": case.claimed_by_id == request.user.pk and case.status == "claimed",
        "held_by_other": held_by_other,
        "proposal": proposal if case.is_open else None,
        "proposal_companions": (
            [c.pk for c in proposal.proposal_companions.all()]
            if proposal and case.is_open
            else None
        ),
        "can_confirm": (
            case.is_open
            and proposal is not None
            and proposal.moderator_id != request.user.pk
            # The proposer holding the case does not stop a colleague; a third moderator does.
            and not (held_by_other and case.claimed_by_id != proposal.moderator_id)
        ),
        "reject_note": "",
        "reject_errors": [],
        "can_escalate": case.is_open and Tier(case.tier) in NEXT_TIER,
        "undoable": [d for d in file.decisions if d.can_be_undone_by(request.user, now=now)],
        "params": _queue_params(request),
        "decision_keys": DECISION_KEYS,
        "now": now,
        "blur": request.user.blur_media,
        "previews": statement_previews(case, file.statement_templates),
        "day_words": _day_words(case.subject.preferred_language),
    }


def _day_words(language: str) -> tuple[str, str]:
    """How the member's language says "1 day" and "N days", for the live statement preview."""
    with translation.override(language or "en"):
        return tuple(ngettext("%(n)d day", "%(n)d days", n).replace("%(n)d", "{n}") for n in (1, 2))


@moderator_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    return render(request, "moderation/case.html", _case_context(request, case))


@moderator_required
@require_GET
def statement_preview(request: HttpRequest, case_id: int) -> JsonResponse:
    """The statement a decision with this action and duration would send now, as the member
    would read it (dates in their language's format), with {facts} left for the page to fill
    as the moderator types."""
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    form = StatementPreviewForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    statement = statement_as_decided(
        case,
        action=form.cleaned_data["action"],
        duration=form.duration,
        facts="{facts}",
        now=timezone.now(),
    )
    return JsonResponse({"statement": statement})


def _moved_beyond_reach(user, case_id: int, *, version: int | None = None) -> Case | None:
    """The case, when this moderator had it open and it has since left their tier.

    That happens when a case is escalated while a moderator works on it; they deserve to be
    told, not a bare 404. "Had it open" is shown by the page's version (one of the case's
    audit events) or by a recorded action of theirs on it (they took it); anyone else gets the
    404 that says nothing about which cases sit at a higher tier.
    """
    had_it = Q(actor=user)
    if version is not None:
        had_it |= Q(pk=version)
    if not AuditEvent.objects.filter(had_it, case_id=case_id).exists():
        return None
    return (
        Case.objects.filter(pk=case_id, category__in=moderated_categories(user))
        .select_related("category")
        .first()
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
        {"case": error.case, "error": error, "params": _queue_params(request)},
        status=409,
    )


@moderator_required
@require_POST
def decide_case(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    except Http404:
        moved = _moved_beyond_reach(request.user, case_id, version=_version(request))
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
            )
        except CaseUnavailable as error:
            return _unavailable(request, error)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            params = _queue_params(request)
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
                    return _take_next(request, case.category, params)
                return redirect(_queue_url(case.category, params))
            request.session["undo_decision"] = decision.pk
            if request.POST.get("then") == "next":
                return _take_next(request, case.category, params)
            return redirect(_queue_url(case.category, params))
    return render(request, "moderation/case.html", _case_context(request, case, form), status=400)


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
    params = _queue_params(request)
    try:
        confirm_ban(
            decision_id=decision.pk, moderator=request.user, expected_version=_version(request)
        )
    except CaseUnavailable as error:
        return _unavailable(request, error)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(_case_url(case, params))
    request.session["undo_decision"] = decision.pk
    messages.success(
        request, _("Ban confirmed on case #%(case)s; it applies now.") % {"case": case.pk}
    )
    return redirect(_queue_url(case.category, params))


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
        return redirect(_case_url(case, _queue_params(request)))
    except ValidationError as error:
        context = _case_context(request, case)
        context["reject_note"] = note
        context["reject_errors"] = error.messages
        return render(request, "moderation/case.html", context, status=400)
    messages.success(
        request,
        _("Ban proposal rejected. Case #%(case)s waits for a new decision.") % {"case": case.pk},
    )
    return redirect(_case_url(case, _queue_params(request)))


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
        return redirect(_case_url(decision.case, _queue_params(request)))
    request.session.pop("undo_decision", None)
    messages.success(request, _("Decision undone. The case is yours again."))
    return redirect(_case_url(case, _queue_params(request)))


@moderator_required
@require_POST
def take(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id)
    case = claim_case(case_id=case.pk, moderator=request.user)
    if case.claimed_by_id != request.user.pk:
        messages.error(request, _("Another moderator is working on this case."))
    return redirect(_case_url(case, _queue_params(request)))


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json") or (
        request.POST.get("beacon") == "1"
    )


@moderator_required
@require_POST
def release(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id)
    released = release_case(case_id=case.pk, moderator=request.user)
    if _wants_json(request):
        return JsonResponse({"released": released})
    if released:
        messages.info(request, _("Case #%(case)s is back in the queue.") % {"case": case.pk})
    return redirect(_queue_url(case.category, _queue_params(request)))


@moderator_required
@require_POST
def lease(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = get_case_for_moderator(request.user, case_id)
    except Http404:
        if _moved_beyond_reach(request.user, case_id) is None:
            raise
        return JsonResponse(
            {"error": _("This case went to a higher tier; it is no longer yours.")}, status=409
        )
    renewed = renew_lease(case_id=case.pk, moderator=request.user)
    if renewed is None:
        return JsonResponse(
            {"error": _("You no longer hold this case; it went back to the queue.")}, status=409
        )
    return JsonResponse({"lease_expires_at": renewed.lease_expires_at.isoformat()})


@moderator_required
@require_POST
def escalate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    form = EscalateForm(request.POST)
    params = _queue_params(request)
    if form.is_valid():
        try:
            escalate_case(case_id=case.pk, moderator=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_case_url(case, params))
        messages.success(
            request, _("Case #%(case)s went to the next tier with your note.") % {"case": case.pk}
        )
        return redirect(_queue_url(case.category, params))
    context = _case_context(request, case)
    context["escalate_form"] = form
    return render(request, "moderation/case.html", context, status=400)


@moderator_required
@require_POST
def note(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            add_note(case=case, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            return redirect(_case_url(case, _queue_params(request)) + "#notes")
    context = _case_context(request, case)
    context["note_form"] = form
    return render(request, "moderation/case.html", context, status=400)


@moderator_required
@require_GET
def member(request: HttpRequest, public_id: str) -> HttpResponse:
    person = get_member_for_moderator(request.user, public_id)
    return render(
        request,
        "moderation/member.html",
        {
            "person": person,
            "history": member_history(person, request.user),
            "blur": request.user.blur_media,
        },
    )


@moderator_required
@require_GET
def content_media(request: HttpRequest, content_id: int) -> HttpResponse:
    content = get_content_for_moderator(request.user, content_id)
    if not content.media:
        raise Http404("No image.")
    return protected_image(content.media, name=f"content-{content.pk}")


@moderator_required
@require_POST
def bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Step one shows what the decision would touch; step two (confirm) starts it."""
    category = get_category_for_moderator(request.user, slug)
    cases = visible_cases(request.user).filter(category=category, status__in=OPEN_CASE_STATUSES)
    form = BulkDecisionForm(request.POST, category=category, cases=cases)
    if not form.is_valid():
        return render(
            request,
            "moderation/bulk_confirm.html",
            {"category": category, "form": form, "counts": None},
            status=400,
        )
    selected = list(form.cleaned_data["cases"].select_related("category"))
    if request.POST.get("confirm") != "1":
        held = [c for c in selected if c.claimed_by_id not in (None, request.user.pk)]
        return render(
            request,
            "moderation/bulk_confirm.html",
            {
                "category": category,
                "form": form,
                "counts": counts_touched(selected),
                "action_label": DecisionAction(form.cleaned_data["action"]).label,
                "held": len(held),
                "selected": selected,
            },
        )
    data = form.cleaned_data
    try:
        job = start_bulk_decision(
            moderator=request.user,
            category=category,
            case_ids=[c.pk for c in selected],
            action=data["action"],
            duration=form.duration,
            reason=data["reason"],
            facts=data["facts"],
        )
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return render(
            request,
            "moderation/bulk_confirm.html",
            {"category": category, "form": form, "counts": None},
            status=400,
        )
    return redirect("moderation:bulk-progress", job.pk)


@moderator_required
@require_GET
def bulk_progress(request: HttpRequest, bulk_id: int) -> HttpResponse:
    scope = Q(moderator=request.user)
    if is_policy_admin(request.user):
        scope = Q()
    job = get_object_or_404(
        BulkDecision.objects.select_related("category").filter(scope), pk=bulk_id
    )
    if _wants_json(request):
        return JsonResponse(
            {
                "total": job.total,
                "decided": job.decided,
                "skipped": job.skipped,
                "failed": job.failed,
                "percent": job.percent,
                "finished": job.finished_at is not None,
            }
        )
    return render(request, "moderation/bulk_progress.html", {"job": job})


@moderator_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    user.blur_media = request.POST.get("blur_media") == "1"
    user.save(update_fields=["blur_media"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("moderation:home")
    return redirect(back)
