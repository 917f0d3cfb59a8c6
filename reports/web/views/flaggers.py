"""Trusted flaggers on the moderation pages: a senior marks a flagger's notice imprecise, and T&S
admins read each organisation's quality figures.

The quality pages answer 404 to anyone without `reports.view_flaggerorganisation` (T&S admins,
accounts migration 0011); marking answers 404 outside the senior's cases, like any case page.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from reports.models import FlaggerOrganisation, Report
from reports.permissions import get_case_for_moderator, works_escalated
from reports.selectors.flaggers import flagger_quality, flagger_quality_by_category
from reports.services.flaggers import mark_imprecise, unmark_imprecise
from reports.web.views.moderation import case_url, moderator_required, queue_params

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


@moderator_required
@require_POST
def imprecise(request: HttpRequest, report_id: int) -> HttpResponse:
    """Mark a flagger's notice imprecise, or (with `undo`) take the mark back."""
    report = get_object_or_404(Report.objects.only("pk", "case_id"), pk=report_id)
    case = get_case_for_moderator(request.user, report.case_id)
    if not works_escalated(request.user):
        raise Http404("Not a senior.")
    undo = request.POST.get("undo") == "1"
    try:
        if undo:
            unmark_imprecise(report_id=report.pk, moderator=request.user)
        else:
            mark_imprecise(report_id=report.pk, moderator=request.user)
    except PermissionDenied as error:
        raise Http404("Not a senior.") from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The notice is no longer marked imprecise.")
            if undo
            else _("The notice is marked imprecise; the trusted flagger's figures count it."),
        )
    return redirect(case_url(case, queue_params(request)) + "#reports-title")


def flagger_admin_required(view: Callable) -> Callable:
    """T&S admins (who keep the registry); anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (
            user.is_active and user.is_staff and user.has_perm("reports.view_flaggerorganisation")
        ):
            raise Http404("Not a T&S admin.")
        return view(request, *args, **kwargs)

    return wrapper


class PeriodForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("start of a period", "From"), required=False)
    end = forms.DateField(label=gettext_lazy("To (inclusive)"), required=False)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        end: date = cleaned.get("end") or today
        start: date = cleaned.get("start") or end - timedelta(days=DEFAULT_DAYS)
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if start > end:
            self.add_error("start", _("The period starts after it ends."))
        elif (end - start).days > MAX_DAYS:
            self.add_error("start", _("Choose a period of at most three years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def _period(request: HttpRequest) -> tuple[PeriodForm, date, date, datetime, datetime]:
    """The period asked for (last 90 days by default, or when the form is refused)."""
    form = PeriodForm(request.GET or None)
    end = timezone.localdate()
    start = end - timedelta(days=DEFAULT_DAYS)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return form, start, end, since, until


@flagger_admin_required
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    form, start, end, since, until = _period(request)
    return render(
        request,
        "moderation/flaggers.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": flagger_quality(start=since, end=until),
        },
        status=400 if form.errors else 200,
    )


@flagger_admin_required
@require_GET
def quality_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(
        FlaggerOrganisation.objects.prefetch_related("expertise"), pk=organisation_id
    )
    form, start, end, since, until = _period(request)
    total, rows = flagger_quality_by_category(organisation, start=since, end=until)
    return render(
        request,
        "moderation/flaggers_detail.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "organisation": organisation,
            "total": total,
            "rows": rows,
        },
        status=400 if form.errors else 200,
    )
