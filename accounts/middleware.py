from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from accounts import staff_sessions
from accounts.languages import reader_language, staff_language, supported_language
from accounts.services import needs_second_factor

# Pages written for staff: moderators' pages and the admin.
STAFF_PATHS = ("/moderation/", "/admin/")


class MemberLanguageMiddleware:
    """Speak the reader's language.

    LocaleMiddleware has already picked a language from the language cookie or the browser; a
    signed-in person's own language (saved on their profile by the language menu, or set by the
    platform through the API) wins over both, so that the pages they read and everything sent
    to them agree. Staff pages are written in the staff languages only (staff_language).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = reader_language(user)
        else:
            language = supported_language(translation.get_language())
        if request.path_info.startswith(STAFF_PATHS):
            language = staff_language(language)
        if language != translation.get_language():
            translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)


# Views a staff member reaches before passing the second factor: signing in and out, the second
# factor's own pages, the language menu and the health probe.
OPEN_VIEWS = frozenset(
    {
        "login",
        "logout",
        "admin:logout",
        "set_language",
        "healthz",
        "accounts:second-factor",
        "accounts:second-factor-set-up",
    }
)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") and request.resolver_match.view_name != "api-docs"


class StaffSessionMiddleware:
    """End idle staff sessions, and keep staff who have not passed the second factor out.

    For a signed-in staff member: a session unused for STAFF_IDLE_TIMEOUT is signed out and the
    person sent to the sign-in page with a message; with STAFF_TWO_FACTOR on, a session that has
    not passed the second factor is sent to the second factor's page (which sends people without
    an authenticator on to set one up) from every page but OPEN_VIEWS. The API answers such a
    session as it answers no session at all. Members pass straight through. See
    accounts.staff_sessions for what the session carries.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not needs_second_factor(request.user):
            return None
        view_name = request.resolver_match.view_name
        at = staff_sessions.now()
        if staff_sessions.has_idled(request.session, at):
            logout(request)
            if _is_api(request):
                return None
            minutes = int(settings.STAFF_IDLE_TIMEOUT.total_seconds() // 60)
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute without activity. "
                    "Sign in again to go on.",
                    "You were signed out after %(minutes)d minutes without activity. "
                    "Sign in again to go on.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            if view_name in OPEN_VIEWS:
                return None
            return redirect_to_login(request.get_full_path())
        staff_sessions.mark_active(request, at)
        if (
            not settings.STAFF_TWO_FACTOR
            or view_name in OPEN_VIEWS
            or staff_sessions.is_verified(request.session)
        ):
            return None
        if _is_api(request):
            request.user = AnonymousUser()
            return None
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{reverse('accounts:second-factor')}?{query}")
