"""Sign-in lockout: django-axes counting failed sign-ins in the database, with one limit per count.

django-axes counts failures under each of AXES_LOCKOUT_PARAMETERS (one account from one address,
one account from anywhere, one address for any account) but compares them all with a single
AXES_FAILURE_LIMIT. The three counts need different limits (see the settings' "Staff sign-in"
section for why), so the handler below scales each count to the smallest limit before axes
compares it: a count reaches AXES_FAILURE_LIMIT exactly when it reaches its own limit.
"""

import math
from datetime import UTC, datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext


def _limits() -> list[int]:
    return list(settings.SIGN_IN_FAILURE_LIMITS.values())


class SignInLockoutHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler with a limit of its own for each lockout parameter."""

    def get_failures(self, request, credentials=None) -> int:
        smallest = settings.AXES_FAILURE_LIMIT
        scaled = [
            math.floor(failures * smallest / limit)
            for failures, limit in zip(self._counts(request, credentials), _limits(), strict=True)
        ]
        return max(scaled, default=0)

    def lock_ends(self, request, credentials=None) -> datetime | None:
        """When the latest of the locks on this request's account and address is lifted.

        A count is locked while its failures within the cool-off reach its limit: it is lifted
        once enough of its oldest failed attempts have aged past the cool-off.
        """
        cool_off = get_cool_off(request)
        ends = []
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), _limits(), strict=True
        ):
            rows = list(
                attempts.order_by("attempt_time").values_list(
                    "attempt_time", "failures_since_start"
                )
            )
            remaining = sum(failures for _, failures in rows)
            for attempt_time, failures in rows:
                if remaining < limit:
                    break
                remaining -= failures
                if remaining < limit:
                    ends.append(attempt_time + cool_off)
        return max(ends, default=None)

    def _counts(self, request, credentials) -> list[int]:
        return [
            sum(attempts.values_list("failures_since_start", flat=True))
            for attempts in self.get_user_attempts(request, credentials)
        ]


def client_address(request: HttpRequest) -> str | None:
    """The address a sign-in comes from.

    Behind TRUSTED_PROXY_COUNT proxies (a load balancer, say), REMOTE_ADDR is the nearest proxy
    and every proxy appends the address it was reached from to X-Forwarded-For: the client is
    the entry that many places from the right. Entries further left were written by the client
    and cannot be trusted. Without a trusted proxy the header is ignored.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


def lockout_message(ends: datetime | None) -> str:
    if ends is None:
        return gettext(
            "Too many failed sign-ins. Signing in is paused for a while: try again later. "
            "Staff can ask a Trust & Safety admin to unlock their account."
        )
    minutes = max(1, math.ceil((ends - timezone.now()) / timedelta(minutes=1)))
    return ngettext(
        "Too many failed sign-ins. Signing in is paused: try again in %(minutes)d minute "
        "(at %(time)s UTC). Staff can ask a Trust & Safety admin to unlock their account.",
        "Too many failed sign-ins. Signing in is paused: try again in %(minutes)d minutes "
        "(at %(time)s UTC). Staff can ask a Trust & Safety admin to unlock their account.",
        minutes,
    ) % {"minutes": minutes, "time": ends.astimezone(UTC).strftime("%H:%M")}


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The sign-in page again, with the lockout and when it ends in place of the form's error.

    django-axes calls this (AXES_LOCKOUT_CALLABLE) for a sign-in refused because of a lockout,
    on /accounts/login/ and /admin/login/ alike: both answer with a template response around an
    authentication form, so the page the person was on is shown again with a 429.
    """
    ends = SignInLockoutHandler().lock_ends(request, credentials)
    message = lockout_message(ends)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, SimpleTemplateResponse) and form is not None:
        # The form was already cleaned (and failed): its "wrong password" is replaced, so the
        # person is not told to retype a password that would be refused anyway.
        form.errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")
        response = TemplateResponse(
            request,
            original_response.template_name,
            context,
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
        response.render()
    else:
        response = HttpResponse(
            message,
            content_type="text/plain; charset=utf-8",
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    if ends is not None:
        response["Retry-After"] = str(max(1, math.ceil((ends - timezone.now()).total_seconds())))
    return response
