"""The seniors' appeals: the overview of their categories, one category's queue, the appeal page
and what a senior does on it (take, keep, release, decide), and the appellant's screenshots.

Every page answers 404 to anyone who does not decide that category's appeals
(`appeal_categories`, `get_appeal_for_senior`); every change is a POST calling one service.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports.models import Appeal, AppealEvidence, AppealOutcome
from reports.selectors.appeal_page import (
    appeal_file,
    appeal_rows,
    appeals_held_by,
    get_appeal_category,
    panel_refusal,
)
from reports.selectors.appeals import appeal_categories, appeal_queues, get_appeal_for_senior
from reports.services.appeals.outcomes import AppealUnavailable, decide_appeal
from reports.services.appeals.work import (
    claim_appeal,
    claim_next_appeal,
    release_appeal,
    renew_appeal_lease,
)
from reports.web.forms.appeals import AppealOutcomeForm
from reports.web.views.files import serve_screenshot
from reports.web.views.moderation import wants_json

# Field names of decide_appeal's ValidationError → the form's.
_ERROR_FIELDS = {
    "answer": "answer",
    "outcome": "outcome",
    "action": "action",
    "duration": "days",
    "remove_content": None,
}


def senior_required(view: Callable) -> Callable:
    """Signed-in people who decide the appeals of at least one category; anyone else: 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not appeal_categories(request.user).exists():
            raise Http404("Not a senior.")
        return view(request, *args, **kwargs)

    return wrapper


def _appeal_or_404(request: HttpRequest, appeal_id: int) -> Appeal:
    appeal = get_appeal_for_senior(request.user, appeal_id)
    if appeal is None:
        raise Http404("No such appeal.")
    return appeal


def _queue_url(appeal: Appeal) -> str:
    return reverse("moderation:appeal-queue", args=[appeal.category.slug])


def _appeal_url(appeal: Appeal) -> str:
    return reverse("moderation:appeal", args=[appeal.pk])


def _draft_key(appeal: Appeal) -> str:
    return f"appeal-draft-{appeal.pk}"


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    if value.isascii() and value.isdecimal() and 0 < len(value) < 6:
        return max(int(value), 1)
    return 1


@senior_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "moderation/appeals.html",
        {
            "queues": appeal_queues(request.user),
            "held": appeals_held_by(request.user),
            "now": timezone.now(),
        },
    )


@senior_required
@require_GET
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_appeal_category(request.user, slug)
    if category is None:
        raise Http404("No such appeals queue.")
    decided = request.GET.get("show") == "decided"
    page = appeal_rows(category, request.user, decided=decided, page=_page_number(request))
    return render(
        request,
        "moderation/appeal_queue.html",
        {"category": category, "page": page, "now": timezone.now()},
    )


@senior_required
@require_POST
def next_appeal(request: HttpRequest, slug: str) -> HttpResponse:
    """Lease the open appeal due first that this senior may decide, and open it."""
    category = get_appeal_category(request.user, slug)
    if category is None:
        raise Http404("No such appeals queue.")
    # Take the next one before giving this one back, or "skip" would hand back the same appeal.
    appeal = claim_next_appeal(moderator=request.user, category=category)
    current = request.POST.get("release", "")
    if current.isascii() and current.isdecimal() and len(current) < 19:
        release_appeal(appeal_id=int(current), moderator=request.user)
    if appeal is None:
        messages.info(request, _("No appeal is waiting."))
        return redirect("moderation:appeal-queue", slug=category.slug)
    return redirect("moderation:appeal", appeal_id=appeal.pk)


def _page(
    request: HttpRequest, appeal: Appeal, form: AppealOutcomeForm | None = None, *, status=200
) -> HttpResponse:
    now = timezone.now()
    file = appeal_file(appeal, request.user)
    if form is None:
        form = AppealOutcomeForm(
            appeal=appeal,
            replacements=file.replacements,
            removed_content=file.removed_content,
            initial={"remove_content": file.removed_content},
        )
    holding = (
        appeal.is_open and appeal.claimed_by_id == request.user.pk and appeal.lease_expires_at > now
    )
    return render(
        request,
        "moderation/appeal.html",
        {
            "appeal": appeal,
            "file": file,
            "decision": file.decision,
            "case": appeal.case,
            "form": form,
            "refusal": panel_refusal(appeal, request.user, now=now, reports=file.reports),
            "holding": holding,
            "now": now,
            "blur": request.user.blur_media,
            # The answer of a submission that could not be recorded, to copy (see `decide`).
            "draft": request.session.pop(_draft_key(appeal), "") if request.method == "GET" else "",
        },
        status=status,
    )


@senior_required
@require_GET
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    # Opening a free appeal does not take it: a senior may read before choosing to.
    return _page(request, _appeal_or_404(request, appeal_id))


@senior_required
@require_POST
def decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal_or_404(request, appeal_id)
    file = appeal_file(appeal, request.user)
    form = AppealOutcomeForm(
        request.POST,
        appeal=appeal,
        replacements=file.replacements,
        removed_content=file.removed_content,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = decide_appeal(
                appeal_id=appeal.pk,
                moderator=request.user,
                outcome=data["outcome"],
                answer=data["answer"],
                action=data["action"] if data["outcome"] == AppealOutcome.REPLACED else "",
                duration=data["duration"],
                remove_content=data.get("remove_content", False),
            )
        except AppealUnavailable as error:
            messages.error(request, str(error))
            request.session[_draft_key(appeal)] = data["answer"]
            return redirect(_appeal_url(appeal))
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(_ERROR_FIELDS.get(name), errors)
        else:
            messages.success(
                request,
                _("Appeal %(reference)s decided: %(outcome)s. The appellant is told.")
                % {"reference": decided.reference, "outcome": decided.outcome_label},
            )
            return redirect(_queue_url(appeal))
    refusal = panel_refusal(appeal, request.user, now=timezone.now())
    if refusal:
        # Nothing to correct on a form this senior cannot submit: say why, on the page.
        messages.error(request, refusal)
        return redirect(_appeal_url(appeal))
    return _page(request, appeal, form, status=400)


@senior_required
@require_POST
def take(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal_or_404(request, appeal_id)
    appeal = claim_appeal(appeal_id=appeal.pk, moderator=request.user)
    if appeal.claimed_by_id != request.user.pk:
        refused = _appeal_or_404(request, appeal_id)
        messages.error(
            request,
            panel_refusal(refused, request.user, now=timezone.now())
            or _("This appeal cannot be taken now."),
        )
    return redirect(_appeal_url(appeal))


@senior_required
@require_POST
def release(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal_or_404(request, appeal_id)
    released = release_appeal(appeal_id=appeal.pk, moderator=request.user)
    if wants_json(request):
        return JsonResponse({"released": released})
    if released:
        messages.info(
            request, _("Appeal %(reference)s is back in the queue.") % {"reference": appeal}
        )
    return redirect(_queue_url(appeal))


@senior_required
@require_POST
def lease(request: HttpRequest, appeal_id: int) -> JsonResponse:
    appeal = _appeal_or_404(request, appeal_id)
    renewed = renew_appeal_lease(appeal_id=appeal.pk, moderator=request.user)
    if renewed is None:
        return JsonResponse(
            {"error": _("You no longer hold this appeal; it went back to the queue.")},
            status=409,
        )
    return JsonResponse({"lease_expires_at": renewed.lease_expires_at.isoformat()})


@login_required
@require_GET
def evidence_image(request: HttpRequest, evidence_id: int, size: str = "full") -> FileResponse:
    """A screenshot the appellant attached, for the seniors who may decide the appeal."""
    evidence = get_object_or_404(AppealEvidence, pk=evidence_id, purged_at__isnull=True)
    if get_appeal_for_senior(request.user, evidence.appeal_id) is None:
        raise Http404("No such evidence.")
    return serve_screenshot(evidence, size=size, name="appeal-evidence")
