"""The DSA transparency report (Art. 15 and 24): a printable page, and the same figures as CSV
(`?format=csv`) and JSON (`?format=json`), all from selectors/transparency.py.

Leads, T&S admins and superusers read it (`reports.view_dashboard`, active staff); anyone else
signed in gets a 404, as on the trusted flaggers' pages.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports.models import AppealOutcome
from reports.models.choices import DecisionAction, Ground, ReportStatus
from reports.selectors.transparency import (
    ACTIONS,
    APPEAL_KINDS,
    APPEAL_OUTCOMES,
    CLOSED_AS,
    GROUNDS,
    transparency_report,
)
from reports.selectors.transparency_export import report_csv, report_json
from reports.web.forms.transparency import ReportPeriodForm, previous_month, previous_year
from reports.web.views.dashboard import dashboard_required


def _link(start, end, output: str | None = None) -> str:
    query = {"start": start.isoformat(), "end": end.isoformat()}
    if output:
        query["format"] = output
    return f"{reverse('moderation:transparency')}?{urlencode(query)}"


@dashboard_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        if request.GET.get("format") == "json":
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(
            request,
            "moderation/transparency.html",
            {"form": form, "presets": _presets()},
            status=400,
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = transparency_report(start, end)
    output = form.cleaned_data["format"]
    name = f"transparency-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
    if output == "csv":
        response = HttpResponse(report_csv(figures), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if output == "json":
        response = HttpResponse(report_json(figures), content_type="application/json")
        response["Content-Disposition"] = f'inline; filename="{name}.json"'
        return response
    return render(
        request,
        "moderation/transparency.html",
        {
            "form": form,
            "report": figures,
            "start": start,
            "end": end,
            "presets": _presets(),
            **_labels(),
            "csv_url": _link(start, end, "csv"),
            "json_url": _link(start, end, "json"),
        },
    )


def _presets() -> list[tuple[str, str]]:
    """Quick periods: the month just closed, and the year a DSA report covers."""
    return [
        (_("Previous month"), _link(*previous_month())),
        (_("Previous calendar year"), _link(*previous_year())),
    ]


def _labels() -> dict:
    """What the template names the report's keys by, and in which order it lists them."""
    return {
        "actions": ACTIONS,
        "grounds": GROUNDS,
        "closed_as": CLOSED_AS,
        "appeal_kinds": APPEAL_KINDS,
        "appeal_outcomes": APPEAL_OUTCOMES,
        "action_columns": 2 + len(GROUNDS) + len(ACTIONS),
        "labels": {
            "action": dict(DecisionAction.choices),
            "ground": dict(Ground.choices),
            "closed": dict(ReportStatus.choices),
            "outcome": dict(AppealOutcome.choices),
            "kind": {
                "member": _("Appeals of members acted against"),
                "notifier": _("Reviews asked by notifiers"),
            },
        },
        "short": {
            "ground": {
                Ground.ILLEGAL_CONTENT: _("Illegal content"),
                Ground.INCOMPATIBLE_CONTENT: _("Terms and conditions"),
            },
        },
    }
