"""The moderator's queues: the home page, one queue, the emergencies, next case, bulk decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports.models import BulkDecision, DecisionAction, Tier
from reports.models.choices import OPEN_CASE_STATUSES, SANCTIONS
from reports.permissions import (
    get_category_for_moderator,
    is_policy_admin,
    moderated_categories,
    queue_cases,
    reads_figures,
    visible_cases,
    works_escalated,
)
from reports.selectors.appeals import open_appeal_count
from reports.selectors.decisions import counts_touched
from reports.selectors.filters import CaseFilter, filter_fields
from reports.selectors.queues import (
    cases_held_by,
    emergency_cases,
    emergency_summary,
    queue_page,
    queue_rows,
    queue_summaries,
)
from reports.services.bulk import start_bulk_decision
from reports.services.claims import claim_next_emergency, release_case
from reports.web.forms.moderation import BulkDecisionForm
from reports.web.views.moderation import (
    case_url,
    in_queue,
    moderator_required,
    queue_params,
    take_next,
    wants_json,
)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not moderated_categories(request.user).exists():
        # A lead who works no queue of their own starts at the figures.
        if reads_figures(request.user):
            return redirect("moderation:dashboard")
        raise Http404("Not a moderator.")
    summaries = queue_summaries(request.user)
    return render(
        request,
        "moderation/home.html",
        {
            "emergencies": emergency_summary(request.user),
            "summaries": summaries,
            "now": timezone.now(),
            "mine": cases_held_by(request.user),
            "appeals_open": open_appeal_count(request.user),
        },
    )


@moderator_required
@require_GET
def emergencies(request: HttpRequest) -> HttpResponse:
    """Every open emergency the moderator may work, across categories, the one due first on top."""
    if not works_escalated(request.user):
        raise Http404("Emergencies are worked by senior moderators.")
    page = queue_page(
        emergency_cases(request.user),
        cursor=request.GET.get("after", ""),
        across_categories=True,
    )
    params = {"tiers": [Tier.EMERGENCY], "language": ""}
    rows = queue_rows(
        page,
        viewer=request.user,
        case_url=lambda pk: in_queue(reverse("moderation:case", args=[pk]), params),
    )
    return render(request, "moderation/emergencies.html", {"page": page, "rows": rows})


@moderator_required
@require_POST
def next_emergency(request: HttpRequest) -> HttpResponse:
    """Lease the waiting emergency due first and open it."""
    if not works_escalated(request.user):
        raise Http404("Emergencies are worked by senior moderators.")
    case = claim_next_emergency(moderator=request.user)
    if case is None:
        messages.info(request, _("No emergency is waiting."))
        return redirect("moderation:emergencies")
    return redirect(case_url(case, {"tiers": [Tier.EMERGENCY], "language": ""}))


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
    params = queue_params(request)
    rows = queue_rows(
        page,
        viewer=request.user,
        case_url=lambda pk: in_queue(reverse("moderation:case", args=[pk]), params),
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
            # Care is given one member at a time: the bulk form offers the sanctions only.
            "actions": [(a.value, a.label) for a in SANCTIONS],
        },
    )


@moderator_required
@require_POST
def next_case(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_category_for_moderator(request.user, slug)
    # Take the next case before giving this one back, or "skip" would hand back the same case.
    response = take_next(request, category, queue_params(request))
    current = request.POST.get("release", "")
    if current.isascii() and current.isdecimal() and len(current) < 19:
        release_case(case_id=int(current), moderator=request.user)
    return response


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
        now = timezone.now()
        held = [c for c in selected if c.is_held_by_someone_else(request.user.pk, now=now)]
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
    if wants_json(request):
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
