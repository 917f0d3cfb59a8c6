"""The T&S dashboard: queue health, SLA, time to action, actions, automation, appeals, notice
quality and emergencies over a period, as charts with their numbers, or as CSV or JSON.

Only for people with `reports.view_dashboard` who are active staff (Trust & Safety leads and
admins, superusers); anyone else gets a 404. The figures are the daily ones kept by beat
(reports/services/figures.py), so the page costs the same few queries whatever the period.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, date, timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports.models import Category
from reports.permissions import reads_figures
from reports.selectors.dashboard import dashboard as dashboard_figures
from reports.selectors.dashboard import dashboard_categories, figures_updated_at
from reports.web.dashboard import Sections
from reports.web.dashboard_csv import CSV_COLUMNS, csv_rows, dashboard_csv

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
FORMATS = ("html", "csv", "json")


def dashboard_required(view: Callable) -> Callable:
    """Leads, T&S admins and superusers (active staff with `reports.view_dashboard`)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not reads_figures(request.user):
            raise Http404("Not a T&S lead.")
        return view(request, *args, **kwargs)

    return wrapper


def today() -> date:
    """The figures count UTC days."""
    return timezone.now().astimezone(UTC).date()


class DashboardForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("start of a period", "From"), required=False)
    end = forms.DateField(label=gettext_lazy("To (inclusive)"), required=False)
    category = forms.MultipleChoiceField(label=gettext_lazy("Categories"), required=False)
    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], required=False)

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.slug, c.display_name) for c in categories]
        self.by_slug = {c.slug: c for c in categories}

    def clean(self):
        cleaned = super().clean()
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        end: date = cleaned.get("end") or today()
        try:
            start: date = cleaned.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:
            self.add_error("end", _("Choose a later day."))
            return cleaned
        if start > end:
            self.add_error("start", _("The period starts after it ends."))
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", _("Choose a period of at most three years."))
        cleaned["start"], cleaned["end"] = start, end
        cleaned["format"] = cleaned.get("format") or "html"
        return cleaned

    @property
    def chosen(self) -> list[Category]:
        return [self.by_slug[slug] for slug in self.cleaned_data.get("category") or []]


@dashboard_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    categories = dashboard_categories()
    form = DashboardForm(request.GET, categories=categories)
    if not form.is_valid():
        return _refused(request, form)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    chosen = form.chosen
    by_id = {c.pk: c for c in categories}
    if form.cleaned_data["format"] == "html":
        return _page(request, form, start, end, chosen, by_id)
    board = dashboard_figures(start, end, categories=[c.pk for c in chosen] if chosen else None)
    name = f"hellomod-dashboard-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
    match form.cleaned_data["format"]:
        case "csv":
            response = HttpResponse(
                dashboard_csv(board, by_id), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        case "json":
            response = JsonResponse(
                {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "categories": [c.slug for c in chosen],
                    "updated_at": board.updated_at.isoformat() if board.updated_at else None,
                    "columns": CSV_COLUMNS,
                    "rows": list(csv_rows(board, by_id)),
                },
                json_dumps_params={"default": str},
            )
            response["Content-Disposition"] = f'inline; filename="{name}.json"'
            return response
    raise Http404("No such format.")


def _page(request, form, start, end, chosen, by_id) -> HttpResponse:
    """The page. Its figures change only when beat refreshes them, so the part drawn from them
    is kept in the cache under the figures' version (the cursor's last run), the period, the
    categories and the reader's language, and drawn again only after a refresh."""
    updated_at = figures_updated_at()
    key = ":".join(
        [
            "dashboard",
            get_language() or "",
            updated_at.isoformat() if updated_at else "never",
            start.isoformat(),
            end.isoformat(),
            # The categories as one short digest: a long list must not make a long key.
            hashlib.sha256(
                ",".join(str(pk) for pk in sorted({c.pk for c in chosen})).encode()
            ).hexdigest()[:16],
        ]
    )
    drawn = cache.get(key)
    if drawn is None:
        board = dashboard_figures(start, end, categories=[c.pk for c in chosen] if chosen else None)
        sections = Sections(board, by_id).all() if board.has_figures else []
        body = render_to_string(
            "moderation/_dashboard_body.html",
            {"board": board, "sections": sections, "updated_at": updated_at},
            request=request,
        )
        drawn = (bool(sections), body)
        cache.set(key, drawn, settings.FIGURES_PAGE_CACHE_SECONDS)
    has_sections, body = drawn
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "moderation/dashboard.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "start_value": start.isoformat(),
            "end_value": end.isoformat(),
            "chosen": chosen,
            "updated_at": updated_at,
            "sections": has_sections,
            "body": mark_safe(body),  # noqa: S308 - rendered above by the template engine
            "csv_url": f"?{query.urlencode()}",
        },
    )


def _refused(request: HttpRequest, form: DashboardForm) -> HttpResponse:
    """Bad filters: the form with its messages (400), never a page of wrong figures."""
    if request.GET.get("format") in ("csv", "json"):
        errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    return render(
        request,
        "moderation/dashboard.html",
        {
            "form": form,
            "start_value": request.GET.get("start", ""),
            "end_value": request.GET.get("end", ""),
            "updated_at": figures_updated_at(),
            "sections": [],
        },
        status=400,
    )
