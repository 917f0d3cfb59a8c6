"""The second factor's pages: verify, set up an authenticator, recovery codes.

StaffSessionMiddleware sends staff here; each page also stands on its own (a member has nothing
to do here, and an authenticator can only be replaced from a session that passed the current one).
"""

from base64 import b32encode
from functools import wraps

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services, staff_sessions
from accounts.forms import AuthenticatorForm, SecondFactorForm
from accounts.languages import staff_language

# Fresh recovery codes wait here between the request that made them and the page that shows
# them, which shows them once.
NEW_CODES_KEY = "second_factor_new_codes"
# The key of the authenticator being set up, until a code from it confirms it.
PENDING_KEY = "second_factor_pending_key"


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


def _to(view_name: str, next_url: str) -> HttpResponse:
    return redirect(f"{reverse(view_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def _staff_page(view):
    """Pages staff alone read, outside /moderation/ and /admin/: written in the staff languages,
    as those are (a reader of Arabic would get English words laid out right to left)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = staff_language(translation.get_language() or settings.LANGUAGE_CODE)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request.staff_page = True  # the language menu offers the staff languages here
        return view(request, *args, **kwargs)

    return wrapper


def _staff_only(request: HttpRequest) -> None:
    if not services.needs_second_factor(request.user):
        raise Http404


def _signed_in(request: HttpRequest, device) -> None:
    # The session gains a privilege: it gets a new key, as at sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_staff_page
def second_factor(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    next_url = _next_url(request)
    if staff_sessions.is_verified(request.session):
        return redirect(next_url)
    if not services.has_second_factor(user):
        return _to("accounts:second-factor-set-up", next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.verify_second_factor(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            _signed_in(request, result.device)
            if result.used_recovery_code:
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)d is left. Make new ones on the "
                        "recovery codes page if you are running out.",
                        "You used a recovery code: %(count)d are left. Make new ones on the "
                        "recovery codes page if you are running out.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        if result.retry_after is not None:
            seconds = int(result.retry_after.total_seconds())
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second, then try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
                    seconds,
                )
                % {"seconds": seconds},
            )
        else:
            form.add_error(
                "code",
                _(
                    "That code is not right. Type the code your app shows now, or a recovery "
                    "code you have not used yet."
                ),
            )
    return render(request, "accounts/second_factor.html", {"form": form, "next": next_url})


def _qr_code(url: str) -> str:
    qr = segno.make(url, error="m")
    return mark_safe(  # noqa: S308 - segno's own markup, drawing our own otpauth URL
        qr.svg_inline(
            scale=1,
            border=2,
            dark="#1d2330",
            light="#ffffff",
            title=_("QR code for your authenticator app"),
            svgclass="qr-code",
            # A viewBox instead of a fixed size: the stylesheet sizes it.
            omitsize=True,
        )
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_staff_page
def set_up(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    next_url = _next_url(request)
    replacing = services.has_second_factor(user)
    if replacing and not staff_sessions.is_verified(request.session):
        # A password alone never adds an authenticator to an account that has one.
        return _to("accounts:second-factor", next_url)
    device = services.new_authenticator(user=user)
    # The key shown is this session's alone, the same on every reload until it is confirmed.
    device.key = request.session.setdefault(PENDING_KEY, device.key)
    form = AuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = services.confirm_authenticator(
            user=user, key=device.key, code=form.cleaned_data["code"], replace=replacing
        )
        if enrolment is not None:
            del request.session[PENDING_KEY]
            _signed_in(request, enrolment.device)
            request.session[NEW_CODES_KEY] = enrolment.recovery_codes
            return _to("accounts:recovery-codes", next_url)
        form.add_error(
            "code",
            _(
                "That code is not right. Check that the app shows hellomod and type the "
                "6-digit code it shows now."
            ),
        )
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/second_factor_set_up.html",
        {
            "form": form,
            "next": next_url,
            "replacing": replacing,
            "qr_code": _qr_code(device.config_url),
            "secret": _grouped(secret),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_staff_page
def recovery_codes(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    next_url = _next_url(request)
    if not services.has_second_factor(user):
        return _to("accounts:second-factor-set-up", next_url)
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = services.replace_recovery_codes(user=user)
        return _to("accounts:recovery-codes", next_url)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": request.session.pop(NEW_CODES_KEY, None),
            "left": services.recovery_codes_left(user),
            "next": next_url,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language menu: Django's own view (the cookie, the way back), and for a signed-in
    person the choice saved on their profile, so that their messages follow it too."""
    response = i18n.set_language(request)
    # "zh-Hans" is the site's "zh-hans": the cookie takes either, the profile the site's code.
    language = request.POST.get("language", "").lower()
    # A staff session that has not passed the second factor changes its page's language (the
    # cookie) but writes nothing to the account, whose language is that of its alerts.
    short_of_second_factor = (
        settings.STAFF_TWO_FACTOR
        and services.needs_second_factor(request.user)
        and not staff_sessions.is_verified(request.session)
    )
    if (
        request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and not short_of_second_factor
    ):
        services.set_language(request.user, language)
    return response
