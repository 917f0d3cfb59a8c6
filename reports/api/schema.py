"""What the OpenAPI schema says about errors: their two body shapes and which status means what.

The shapes are written by reports/api/errors.py; the statuses are listed per operation on the
views, from the phrases below, so the text of a status is the same wherever it is documented.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
)
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Any error that is not about one field."""

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(
        help_text=(
            "What went wrong, for a program: e.g. not_authenticated, permission_denied, "
            "not_found, invalid_cursor, parse_error, too_many_files, too_large, "
            "unsupported_media_type, not_acceptable, rate_limited."
        )
    )

    class Meta:
        ref_name = "Error"


class FieldErrorsSerializer(serializers.Serializer):
    """Field errors as DRF writes them; described by FieldErrorsSchema below."""

    class Meta:
        ref_name = "FieldErrors"


class FieldErrorsSchema(OpenApiSerializerExtension):
    """A map from field name to its messages (or, for a nested field, to its own field map)."""

    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": (
                "One entry per field that was refused: a list of messages, or for a nested "
                "field (content_snapshot) an object of the same shape. non_field_errors holds "
                "what concerns several fields."
            ),
            "minProperties": 1,
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "additionalProperties": True},
                ]
            },
        }


_BAD_REQUEST = PolymorphicProxySerializer(
    component_name="BadRequest",
    serializers=[ErrorSerializer, FieldErrorsSerializer],
    resource_type_field_name=None,
)

_PHRASES = {
    400: "The request is not valid; see the body.",
    401: "No token, or a token that is not valid: send `Authorization: Token <key>`.",
    403: "The token's account may not do this.",
    404: "Nothing with this reference among the caller's reports.",
    406: "The Accept header asks for something other than JSON.",
    411: "The body came without a Content-Length (chunked); send its length.",
    413: "The body is larger than the API takes; refused before it is read.",
    415: "The body is neither JSON, multipart/form-data nor form-urlencoded.",
    429: "The reporter has sent as many reports in the last hour as allowed.",
}

RESPONSE_HEADERS = [
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        location=OpenApiParameter.HEADER,
        response=[429],
        required=True,
        description="Seconds until the oldest report of the last hour leaves the window.",
    ),
    OpenApiParameter(
        "WWW-Authenticate",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[401],
        required=True,
        description="Always `Token`.",
    ),
]


# Where appeals answer a status for their own reason.
APPEAL_PHRASES = {
    403: (
        "A member's token acting for another member: only the platform files or lists "
        "appeals for members."
    ),
    404: "No appeal with this reference among the caller's appeals (the platform: at all).",
}


def errors(
    *statuses: int, fields: bool = False, phrases: dict[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """The documented error responses; `fields` when a 400 can name fields (request bodies),
    `phrases` for the statuses an operation answers for a reason of its own."""
    phrases = {**_PHRASES, **(phrases or {})}
    return {
        status: OpenApiResponse(
            response=_BAD_REQUEST if status == 400 and fields else ErrorSerializer,
            description=phrases[status],
        )
        for status in statuses
    }


# Request examples for the docs page (and the first cases schemathesis sends).
REPORT_EXAMPLES = [
    OpenApiExample(
        "A member reports a member",
        request_only=True,
        value={
            "member": "7KQ2M9XD4P",
            "category": "spam-solicitation",
            "reason": "advertising",
            "description": "Sells followers in every chat.",
        },
    ),
    OpenApiExample(
        "The platform reports a moment for a member",
        request_only=True,
        value={
            "member": "7KQ2M9XD4P",
            "reporter": "R3P0RT3R22",
            "category": "spam-solicitation",
            "content_snapshot": {
                "kind": "moment",
                "external_id": "moment-991",
                "text": "Follow me on my shop page!",
                "language": "en",
            },
        },
    ),
]
CONTENT_EXAMPLES = [
    OpenApiExample(
        "A message and the two before it",
        request_only=True,
        value={
            "kind": "message",
            "external_id": "msg-5521",
            "author": "7KQ2M9XD4P",
            "text": "Send me your number, I will pay you.",
            "language": "en",
            "context": [
                {"from": "R3P0RT3R22", "text": "Hi! Want to practise Spanish?"},
                {"from": "7KQ2M9XD4P", "text": "Sure."},
            ],
        },
    ),
]
APPEAL_EXAMPLES = [
    OpenApiExample(
        "A member appeals a decision about them",
        request_only=True,
        value={
            "decision": "3f0c2a9e-6b1d-4c8e-9a57-2d4b8e1f6c03",
            "statement": "I teach at that school; the learners asked me for the link.",
        },
    ),
    OpenApiExample(
        "The platform files a member's appeal",
        request_only=True,
        value={
            "member": "7KQ2M9XD4P",
            "decision": "3f0c2a9e-6b1d-4c8e-9a57-2d4b8e1f6c03",
            "statement": "The photo was of my own cat, not someone else's.",
        },
    ),
    OpenApiExample(
        "The platform asks for a review of a member's report",
        request_only=True,
        value={
            "member": "R3P0RT3R22",
            "report": "R-7KQ2-M9XD",
            "statement": "He sent the same advert to six of my classmates; it is spam.",
        },
    ),
]
