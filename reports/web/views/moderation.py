"""What every moderator page shares: who may open it, and the queue the moderator came from.

Every view finds its object through one access helper in `reports.permissions`, which answers
404 for anything outside the moderator's categories and tiers. Every change is a POST that
calls one service function.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.languages import LANGUAGE_CODES
from reports.models import AuditEvent, Case, Tier
from reports.permissions import moderated_categories, moderated_category_list
from reports.services.claims import claim_next_case, workable_tiers


def moderator_required(view: Callable) -> Callable:
    """Signed-in people who moderate at least one category; anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not moderated_category_list(request.user):
            raise Http404("Not a moderator.")
        return view(request, *args, **kwargs)

    return wrapper


def queue_params(request: HttpRequest) -> dict[str, object]:
    """The queue a moderator came from (language and tiers), carried through the case pages."""
    source = request.POST if request.method == "POST" else request.GET
    tiers = [int(t) for t in source.getlist("tier") if t in {str(v) for v in Tier.values}]
    language = source.get("language", "")
    return {"tiers": tiers, "language": language if language in LANGUAGE_CODES else ""}


def in_queue(url: str, params: dict[str, object]) -> str:
    """A URL that remembers which queue (tiers, language) the moderator works."""
    query = [f"tier={t}" for t in params["tiers"]]
    if params["language"]:
        query.append(f"language={params['language']}")
    return url + ("?" + "&".join(query) if query else "")


def queue_url(category, params: dict[str, object]) -> str:
    return in_queue(reverse("moderation:queue", args=[category.slug]), params)


def case_url(case: Case, params: dict[str, object]) -> str:
    return in_queue(reverse("moderation:case", args=[case.pk]), params)


def take_next(request: HttpRequest, category, params) -> HttpResponse:
    tiers = [t for t in params["tiers"] if t in workable_tiers(request.user)] or None
    case = claim_next_case(
        moderator=request.user, category=category, language=params["language"], tiers=tiers
    )
    if case is None:
        messages.info(request, _("Nothing is waiting in this queue. Well done."))
        return redirect(queue_url(category, params))
    return redirect(case_url(case, params))


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json") or (
        request.POST.get("beacon") == "1"
    )


def moved_beyond_reach(user, case_id: int, *, version: int | None = None) -> Case | None:
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
