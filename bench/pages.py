"""The anchor of the queue page: a bare signed-in moderation page.

It goes through the same middleware, sign-in, second factor and moderator check as the queue
page, and renders the moderation layout (navigation, alerts badge, keyboard help) with nothing
in it: what every moderation page costs before its own content.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports.web.views.moderation import moderator_required


@moderator_required
@require_GET
def bare_page(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/bare.html")
