"""Caching headers shared by every answer of the app."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Routes whose answers hold nothing about anyone: they keep the caching headers of their views.
CACHEABLE_ROUTES = frozenset({"healthz"})


class PrivateResponsesMiddleware:
    """Mark every answer `Cache-Control: private, no-store`, the cacheable routes aside.

    Pages, images and API answers carry members' reports, evidence and identities: no shared
    cache may keep them, and no browser may write them to disk where the next person at the
    computer finds them. Private is the default, so a route added later is covered without
    anyone remembering to decorate it. Static files are served before this runs and stay
    cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or match.view_name not in CACHEABLE_ROUTES:
            patch_cache_control(response, private=True, no_store=True)
        return response
