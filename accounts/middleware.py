from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class MemberLanguageMiddleware:
    """Speak the signed-in member's language.

    LocaleMiddleware has already picked a language from the language cookie or the browser;
    a member's own language setting wins over the browser, an explicit choice in the language
    menu (the cookie) wins over both.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if (
            user is not None
            and user.is_authenticated
            and not chosen
            and user.preferred_language in SUPPORTED
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)
