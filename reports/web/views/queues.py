"""The moderator's queues: the home page, one queue, the emergencies, next case, bulk decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from reports.models import BulkDecision, DecisionAction, Tier
from reports.models.choices import OPEN_CASE_STATUSES, SANCTIONS
from reports.permissions import (
    get_category_for_moderator,
    is_policy_admin,
    moderated_category_list,
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
from reports.services.bulk import MAX_CASES, start_bulk_decision
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
    if not moderated_category_list(request.user):
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
        page, viewer=request.user, case_url=_case_urls(params), reason_names=filters.reason_names
    )
    # A bulk choice that was refused comes back as it was chosen, with why (see `bulk`).
    kept = request.session.pop(_kept_key(category), None) or {}
    ticked = set(kept.get("cases", ()))
    return render(
        request,
        "moderation/queue.html",
        {
            "category": category,
            "filter_fields": filter_fields(filters.form),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "page_query": request.GET.urlencode(),
            "params": params,
            # Care is given one member at a time: the bulk form offers the sanctions only.
            "actions": [(a.value, a.label) for a in SANCTIONS],
            "kept": kept,
            "ticked": ticked,
            "ticked_count": sum(1 for row in rows if row.pk in ticked),
            # How the bar counts the selection as it changes: "{n}" stands for the number.
            "selected_words": tuple(
                ngettext("%(n)d selected", "%(n)d selected", n).replace("%(n)d", "{n}")
                for n in (1, 2)
            ),
        },
    )


def _case_urls(params: dict[str, object]):
    """Each row's link to its case page in this queue: the URL is reversed once per page, and
    the row's case id set in its place."""
    marker = "9876543210"
    head, found, tail = reverse("moderation:case", args=[int(marker)]).rpartition(marker)
    tail = in_queue(tail, params)
    if not found:  # not expected: the case's id is part of its URL
        return lambda pk: in_queue(reverse("moderation:case", args=[pk]), params)
    return lambda pk: f"{head}{pk}{tail}"


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


def _kept_key(category) -> str:
    return f"bulk-refused:{category.pk}"


def _back_to_queue(
    request: HttpRequest, category, errors: list[str], invalid: list[str]
) -> HttpResponse:
    """A refused bulk choice goes back to the queue page it came from, the same cases ticked,
    the same decision, days and words, and why it was refused shown in the bulk bar."""
    ids = [v for v in request.POST.getlist("cases") if v.isascii() and v.isdecimal()]
    request.session[_kept_key(category)] = {
        "cases": [int(v) for v in ids[:MAX_CASES] if len(v) < 19],
        "action": request.POST.get("action", "")[:40],
        "days": request.POST.get("days", "")[:6],
        "reason": request.POST.get("reason", "")[:19],
        "facts": request.POST.get("facts", "")[:2000],
        "errors": errors,
        # The bar's fields the errors are about, marked for the eye and for screen readers.
        "invalid": [name for name in invalid if name in {"action", "days", "facts"}],
    }
    query = _queue_query(request)
    url = reverse("moderation:queue", args=[category.slug])
    return redirect(f"{url}?{query}#bulk-bar" if query else f"{url}#bulk-bar")


def _queue_query(request: HttpRequest) -> str:
    """The queue page's filters, language, tiers and page, sent with the bulk form, read as a
    query string of that queue only."""
    return QueryDict(request.POST.get("query", "")[:2000]).urlencode()


def _form_errors(form: BulkDecisionForm) -> list[str]:
    """The form's errors, each named by the field it is about (the cases speak for themselves)."""
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and name != "cases" else ""
        lines += [f"{label}: {error}" if label else str(error) for error in errors]
    return lines


@moderator_required
@require_POST
def bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Step one shows what the decision would touch; step two (confirm) starts it."""
    category = get_category_for_moderator(request.user, slug)
    cases = visible_cases(request.user).filter(category=category, status__in=OPEN_CASE_STATUSES)
    form = BulkDecisionForm(request.POST, category=category, cases=cases)
    if not form.is_valid():
        return _back_to_queue(request, category, _form_errors(form), list(form.errors))
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
                "queue_query": _queue_query(request),
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
        return _back_to_queue(request, category, _form_errors(form), list(form.errors))
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
