"""Every error under /api/ is JSON with a 4xx, whichever layer refuses the request.

Two shapes, documented in the schema and the README:

- `{"detail": "<sentence for a person>", "code": "<stable word for a program>"}` for everything
  that is not about one field (authentication, permission, not found, too large, rate limit …);
- `{"<field>": ["<message>", …], …}` for field errors, as DRF writes them (a nested object for a
  nested field such as `content_snapshot`).

The DRF views raise; `handle_api_exception` answers. What is refused outside DRF (no URL matches,
a body too large, a 500) is answered by APIEdgeMiddleware (reports/api/middleware.py), for /api/
paths only: pages keep their HTML error pages.
"""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

API_PREFIX = "/api/"


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = gettext_lazy("This cursor was not handed out by the API; start again.")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = gettext_lazy("The request body is too large.")


class ReportLimitReached(exceptions.APIException):
    """A 429 whose `wait` DRF turns into the Retry-After header."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"

    def __init__(self, detail: str, *, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_body(detail: str, code: str) -> dict[str, str]:
    return {"detail": str(detail), "code": code}


def _as_api_exception(exc: Exception) -> Exception:
    """Django's refusals, raised in a view or while DRF parses a body, as the 4xx they mean."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()  # the default text: no model names in answers
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError(_("Too many files in one request."), code="too_many_files")
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError(_("Too many fields in one request."), code="too_many_fields")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(_("The request could not be read."), code="bad_request")
    return exc


def _field_lists(detail: dict) -> dict:
    """Every field's messages as a list, as documented, however the error was raised."""
    return {
        field: _field_lists(value)
        if isinstance(value, dict)
        else (value if isinstance(value, list) else [value])
        for field, value in detail.items()
    }


def handle_api_exception(exc: Exception, context: dict) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: DRF's own answer, with every non-field error in one shape."""
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug, not bad input: let it be a 500 that is logged
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        response.data = _field_lists(exc.detail)
        return response
    details = exc.detail if isinstance(exc.detail, list) else [exc.detail]
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else (codes[0] if codes else exc.default_code)
    response.data = error_body(" ".join(str(d) for d in details), str(code))
    return response
