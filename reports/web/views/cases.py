"""The case page and what a moderator does on it short of deciding: take, take over, release,
keep the lease, escalate, add a note; the member's page and the reported content's image."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from reports.models import Case, CaseStatus, DecisionAction, Tier
from reports.permissions import (
    get_case_for_moderator,
    get_content_for_moderator,
    get_member_for_moderator,
    works_escalated,
)
from reports.selectors.case_file import case_file, case_for_page, member_history
from reports.selectors.decisions import case_version, suggest
from reports.selectors.holds import TakeOver, taken_over_from, taken_over_in
from reports.selectors.referrals import member_legal_record
from reports.services.claims import (
    HolderChanged,
    claim_case,
    release_case,
    renew_lease,
    take_over_case,
)
from reports.services.escalation import NEXT_TIER, escalate_case
from reports.services.notes import add_note
from reports.texts.statements import statement_as_decided, statement_previews
from reports.web.forms.moderation import (
    DECISION_KEYS,
    DecisionForm,
    EscalateForm,
    NoteForm,
    StatementPreviewForm,
)
from reports.web.views.files import protected_image
from reports.web.views.moderation import (
    case_url,
    moderator_required,
    moved_beyond_reach,
    queue_params,
    queue_url,
    wants_json,
)
from reports.web.views.referral_section import referral_section


def case_context(request: HttpRequest, case: Case, form: DecisionForm | None = None) -> dict:
    holding = case.claimed_by_id == request.user.pk and case.status == CaseStatus.CLAIMED
    if holding and (renewed := renew_lease(case_id=case.pk, moderator=request.user)):
        # Each page of the case its holder is shown renews the lease: the page that is left
        # gives the case back only if no newer page of it renewed the lease since (a reload).
        case.lease_expires_at = renewed.lease_expires_at
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
        "holding": holding,
        "held_by_other": held_by_other,
        # Seniors may take the case from whoever holds it (reports.work_escalated).
        "can_take_over": (
            held_by_other
            and works_escalated(request.user)
            and case.may_be_decided_by(request.user.pk)
        ),
        "taken_over": None if holding else taken_over_in(file.events, request.user),
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
        # A welfare check went to the platform at once: there is nothing to take back.
        "undoable": [
            d
            for d in file.decisions
            if d.can_be_undone_by(request.user, now=now)
            and d.action != DecisionAction.WELFARE_CHECK
        ],
        "params": queue_params(request),
        "decision_keys": DECISION_KEYS,
        "now": now,
        "blur": request.user.blur_media,
        "previews": statement_previews(case, file.statement_templates),
        "day_words": _day_words(case.subject.preferred_language),
        "referral_section": referral_section(case, request.user),
    }


def _day_words(language: str) -> tuple[str, str]:
    """How the member's language says "1 day" and "N days", for the live statement preview."""
    with translation.override(language or "en"):
        return tuple(ngettext("%(n)d day", "%(n)d days", n).replace("%(n)d", "{n}") for n in (1, 2))


@moderator_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    return render(request, "moderation/case.html", case_context(request, case))


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


@moderator_required
@require_POST
def take(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id)
    case = claim_case(case_id=case.pk, moderator=request.user)
    if case.claimed_by_id != request.user.pk:
        messages.error(request, _("Another moderator is working on this case."))
    return redirect(case_url(case, queue_params(request)))


@moderator_required
@require_POST
def take_over(request: HttpRequest, case_id: int) -> HttpResponse:
    """A senior takes the case from the moderator holding it, who is told (see `lease`)."""
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    params = queue_params(request)
    if not works_escalated(request.user):
        messages.error(request, _("Only senior moderators can take a case over."))
        return render(request, "moderation/case.html", case_context(request, case), status=403)
    holder = request.POST.get("holder", "")
    holder_id = int(holder) if holder.isascii() and holder.isdecimal() and len(holder) < 19 else 0
    try:
        take_over_case(case_id=case.pk, moderator=request.user, holder_id=holder_id)
    except HolderChanged:
        # Someone else took it over first, or it was released or decided: say who holds it now.
        case = case_for_page(case.pk).get()
        if case.is_held_by_someone_else(request.user.pk, now=timezone.now()):
            holder = case.claimed_by
            messages.warning(
                request,
                _("%(who)s holds this case now; it changed hands before your request.")
                % {"who": holder.display_name or holder.username},
            )
        elif case.is_open:
            messages.warning(request, _("Nobody holds this case any more: take it if it is yours."))
        else:
            messages.warning(request, _("This case was decided meanwhile."))
        return redirect(case_url(case, params))
    except PermissionDenied as refused:
        messages.error(request, str(refused))
        return render(request, "moderation/case.html", case_context(request, case), status=403)
    previous = case.claimed_by
    messages.success(
        request,
        _("You hold case #%(case)s now. %(who)s sees that you took it over.")
        % {"case": case.pk, "who": previous.display_name or previous.username},
    )
    return redirect(case_url(case, params))


def _tell_of_take_over(request: HttpRequest, take_over: TakeOver | None) -> None:
    """Keep the news for the moderator's next page (moderation/base.html shows it once)."""
    if take_over is not None:
        request.session["taken_over"] = take_over.as_session()


@moderator_required
@require_POST
def release(request: HttpRequest, case_id: int) -> HttpResponse:
    """Give the case back: the Release button, or the beacon of a case page being left, which
    sends the lease it last saw (see `release_case`)."""
    case = get_case_for_moderator(request.user, case_id)
    lease = None
    if "lease" in request.POST:
        try:
            lease = parse_datetime(request.POST["lease"])
        except ValueError:
            lease = None
        if lease is None or timezone.is_naive(lease):
            return JsonResponse({"error": _("That lease is not a date and time.")}, status=400)
    released = release_case(case_id=case.pk, moderator=request.user, lease=lease)
    if not released and case.claimed_by_id != request.user.pk:
        _tell_of_take_over(request, taken_over_from(case.pk, request.user))
    if wants_json(request):
        return JsonResponse({"released": released})
    if released:
        messages.info(request, _("Case #%(case)s is back in the queue.") % {"case": case.pk})
    return redirect(queue_url(case.category, queue_params(request)))


@moderator_required
@require_POST
def lease(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = get_case_for_moderator(request.user, case_id)
    except Http404:
        if moved_beyond_reach(request.user, case_id) is None:
            raise
        return JsonResponse(
            {"error": _("This case went to a higher tier; it is no longer yours.")}, status=409
        )
    renewed = renew_lease(case_id=case.pk, moderator=request.user)
    if renewed is None:
        take_over = taken_over_from(case.pk, request.user)
        if take_over is not None:
            _tell_of_take_over(request, take_over)
            at = timezone.localtime(take_over.at)
            return JsonResponse(
                {
                    "error": _("%(who)s took this case over at %(time)s.")
                    % {"who": take_over.by, "time": f"{at:%H:%M}"},
                    "taken_over": True,
                },
                status=409,
            )
        return JsonResponse(
            {"error": _("You no longer hold this case; it went back to the queue.")}, status=409
        )
    return JsonResponse({"lease_expires_at": renewed.lease_expires_at.isoformat()})


@moderator_required
@require_POST
def escalate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, case_id, queryset=case_for_page(case_id))
    form = EscalateForm(request.POST)
    params = queue_params(request)
    if form.is_valid():
        try:
            escalate_case(case_id=case.pk, moderator=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(case_url(case, params))
        messages.success(
            request, _("Case #%(case)s went to the next tier with your note.") % {"case": case.pk}
        )
        return redirect(queue_url(case.category, params))
    context = case_context(request, case)
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
            return redirect(case_url(case, queue_params(request)) + "#notes")
    context = case_context(request, case)
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
            "legal": member_legal_record(person, request.user),
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
