"""Referrals to the authorities, legal holds and evidence bundles, from the case page.

Seniors refer; T&S admins also place and lift holds and build and download bundles. Anyone
else gets a 404 from the access helpers, as for a case outside their reach. Every change is a
POST calling one service; a refused one shows the case page again with the field's error.
"""

import base64

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.models import Case, LegalHold
from reports.permissions import (
    get_bundle_for_download,
    get_case_for_bundles,
    get_case_for_holds,
    get_case_for_referral,
    get_referral_for_referrer,
)
from reports.selectors.case_file import case_for_page
from reports.services.bundles import record_download, request_bundle
from reports.services.legal_holds import lift_hold, place_hold
from reports.services.referrals import record_reference, refer_case
from reports.web.forms.referrals import HoldForm, LiftForm, ReferenceForm, ReferralForm
from reports.web.views.cases import case_context
from reports.web.views.moderation import case_url, moderator_required, queue_params
from reports.web.views.referral_section import referral_section


def _back(request: HttpRequest, case: Case) -> HttpResponse:
    return redirect(case_url(case, queue_params(request)) + "#referrals")


def _refused(request: HttpRequest, case: Case, form: forms.Form, row=None) -> HttpResponse:
    """The case page again, the refused form filled in as sent, with its errors."""
    context = case_context(request, case)
    context["referral_section"] = referral_section(case, request.user, bound=form, row=row)
    return render(request, "moderation/case.html", context, status=400)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@moderator_required
@require_POST
def refer(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_referral(request.user, case_id, queryset=case_for_page(case_id))
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            refer_case(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Case #%(case)s is on record as referred; the member's evidence is on hold.")
                % {"case": case.pk},
            )
            return _back(request, case)
    return _refused(request, case, form)


@moderator_required
@require_POST
def reference(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_referrer(request.user, referral_id)
    case = case_for_page(referral.case_id).get()
    form = ReferenceForm(request.POST, auto_id=f"reference-{referral.pk}-%s")
    if form.is_valid():
        try:
            record_reference(
                referral_id=referral.pk,
                actor=request.user,
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The authority's reference is on record."))
            return _back(request, case)
    return _refused(request, case, form, row=referral)


@moderator_required
@require_POST
def hold(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_holds(request.user, case_id, queryset=case_for_page(case_id))
    form = HoldForm(request.POST, auto_id="hold-%s")
    if form.is_valid():
        try:
            place_hold(
                member=case.subject,
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The member's evidence is on hold."))
            return _back(request, case)
    return _refused(request, case, form)


@moderator_required
@require_POST
def lift(request: HttpRequest, case_id: int, hold_id: int) -> HttpResponse:
    case = get_case_for_holds(request.user, case_id, queryset=case_for_page(case_id))
    held = LegalHold.objects.filter(pk=hold_id, member=case.subject_id).first()
    if held is None:
        raise Http404("No such hold.")
    form = LiftForm(request.POST, auto_id=f"lift-{held.pk}-%s")
    if form.is_valid():
        try:
            lift_hold(hold_id=held.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The hold is lifted; retention applies again."))
            return _back(request, case)
    return _refused(request, case, form, row=held)


@moderator_required
@require_POST
def bundle(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_bundles(request.user, case_id)
    try:
        request_bundle(case=case, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The bundle is being built; reload this page in a moment to download it.")
        )
    return _back(request, case)


@moderator_required
@require_POST
def download(request: HttpRequest, bundle_id: int) -> HttpResponse:
    """The bundle's zip, for T&S admins; a POST, so that every download on record was asked for."""
    found = get_bundle_for_download(request.user, bundle_id)
    try:
        ready = record_download(bundle_id=found.pk, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, found.case)
    response = FileResponse(
        ready.file.open("rb"),
        as_attachment=True,
        filename=f"case-{ready.case_id}-bundle-{ready.pk}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # RFC 9530: the receiver can check what arrived against what was built.
    digest = base64.b64encode(bytes.fromhex(ready.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response
