"""The moderator's own preferences."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reports.services.preferences import set_preferences
from reports.web.views.moderation import moderator_required


@moderator_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    set_preferences(actor=request.user, blur_media=request.POST.get("blur_media") == "1")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("moderation:home")
    return redirect(back)
