"""The edge of /api/: a body too large is refused unread, and every error leaves as JSON."""

import json
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from reports.api.errors import error_body, is_api

# What Django's own pages would say, in the API's shape. Other statuses use their HTTP phrase.
_GENERIC = {
    400: ("The request could not be read.", "bad_request"),
    403: ("You do not have permission to perform this action.", "permission_denied"),
    404: ("Not found.", "not_found"),
    405: ("Method not allowed.", "method_not_allowed"),
    411: ("Send the body with a Content-Length header.", "length_required"),
    413: ("The request body is too large.", "too_large"),
    500: ("Something went wrong on our side.", "server_error"),
}


def body_limit(content_type: str) -> int | None:
    """The most bytes an API request of this type may send; None when Django sets no limit.

    A multipart body holds the screenshots and one snapshot image, each bounded on its own, beside
    the form fields; any other body is read into memory, so Django's memory limit is its bound.
    """
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if content_type.startswith("multipart/"):
        images = (settings.EVIDENCE_MAX_FILES + 1) * settings.EVIDENCE_MAX_BYTES
        return None if fields is None else fields + images
    return fields


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body either when the header is not a number


def _slash_kept(response: HttpResponse) -> HttpResponse:
    """Django's added slash as a 308, which a client follows with the same method and body.

    A 301 turns a POST into a GET on most clients: the report would be lost on the way.
    """
    location = response["Location"]
    moved = JsonResponse(
        error_body(f"This address ends with a slash: {location}", "moved"), status=308
    )
    moved["Location"] = location
    return moved


def _as_json(response: HttpResponse) -> HttpResponse:
    if response.status_code == 301 and response.has_header("Location"):
        return _slash_kept(response)
    if (
        response.status_code < 400
        or response.streaming
        or response.get("Content-Type", "").startswith("application/json")
    ):
        return response
    status = response.status_code
    phrase = HTTPStatus(status).phrase
    detail, code = _GENERIC.get(
        500 if status >= 500 else status, (phrase, phrase.lower().replace(" ", "_"))
    )
    # The body is replaced in place: headers set on the way out (Allow, WWW-Authenticate,
    # Cache-Control …) stay as they were.
    response.content = json.dumps(error_body(detail, code)).encode()
    response["Content-Type"] = "application/json"
    if response.has_header("Content-Length"):
        # Set for the page it replaces: a client would wait for bytes that never come.
        response["Content-Length"] = str(len(response.content))
    return response


class APIEdgeMiddleware:
    """For /api/ paths only; pages keep their HTML error pages.

    Placed before anything that could read the body (sessions, CSRF, the views): a 150 MB upload
    is answered 413 from its Content-Length alone, and a body sent without one (chunked) 411.
    After the view, any error that is not JSON yet (no URL matched, a method Django refused, a
    500 page, the schema view's YAML) is replaced by the API's error body with the same status.
    Under WSGI (gunicorn, as shipped) nothing of the body has been read before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            return self.get_response(request)
        if "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get("CONTENT_LENGTH"):
            # Django reads a body only up to its declared length: a chunked body would be taken
            # for an empty one and refused for the wrong reason, and its size is unknown.
            return self._refuse(411)
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if limit is not None and _declared_length(request) > limit:
            return self._refuse(413)
        return _as_json(self.get_response(request))

    @staticmethod
    def _refuse(status: int) -> JsonResponse:
        detail, code = _GENERIC[status]
        return JsonResponse(error_body(detail, code), status=status)
