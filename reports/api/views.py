"""The API for the community app and the platform; every write goes through a service."""

import contextlib

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from reports.api.errors import ReportLimitReached
from reports.api.negotiation import UnknownFormatIsNotAcceptable
from reports.api.pagination import NewestFirst
from reports.api.parsers import BoundedJSONParser
from reports.api.schema import CONTENT_EXAMPLES, REPORT_EXAMPLES, RESPONSE_HEADERS, errors
from reports.api.serializers import ContentSerializer, ReportCreateSerializer, ReportSerializer
from reports.models import Report
from reports.ratelimit import RateLimited
from reports.services.content import record_content
from reports.services.intake_senders import check_can_send, send_report, sends_for_members

# The service names fields after the domain; the API after what the caller sent.
_API_FIELD = {"subject": "member", "reporter": "reporter"}


class SubmitsForMembers(permissions.BasePermission):
    message = "Only the platform may send content snapshots."

    def has_permission(self, request, view) -> bool:
        return sends_for_members(request.user)


def _service_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError({_API_FIELD.get(k, k): v for k, v in error.message_dict.items()})


@contextlib.contextmanager
def _service_refusals():
    """Intake's refusals as the API answers them: 429 with Retry-After, or 400 per field."""
    try:
        yield
    except RateLimited as limited:
        raise ReportLimitReached(str(limited), wait=limited.retry_after) from None
    except DjangoValidationError as error:
        raise _service_errors(error) from None


@extend_schema_view(
    list=extend_schema(
        responses={200: ReportSerializer(many=True), **errors(400, 401, 406)},
        parameters=RESPONSE_HEADERS,
    ),
    retrieve=extend_schema(
        responses={200: ReportSerializer, **errors(401, 404, 406)},
        parameters=RESPONSE_HEADERS,
    ),
)
class ReportViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Members' reports: send one, list your own, read one of yours by reference."""

    content_negotiation_class = UnknownFormatIsNotAcceptable
    lookup_field = "reference"
    lookup_value_regex = r"R-[0-9A-Z]{4}-[0-9A-Z]{4}"
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    pagination_class = NewestFirst

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no member
            return Report.objects.none()
        return (
            Report.objects.filter(reporter=self.request.user)
            .select_related("subject", "category", "reason")
            .prefetch_related("evidence")
        )

    def get_serializer_class(self):
        return ReportCreateSerializer if self.action == "create" else ReportSerializer

    @extend_schema(
        request=ReportCreateSerializer,
        examples=REPORT_EXAMPLES,
        responses={
            201: ReportSerializer,
            **errors(400, 401, 403, 406, 411, 413, 415, 429, fields=True),
        },
        parameters=RESPONSE_HEADERS,
    )
    def create(self, request, *args, **kwargs):
        # Before any upload is decoded: a refused member costs no image work.
        with _service_refusals():
            check_can_send(request.user)
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with _service_refusals():
            report = send_report(
                sender=request.user,
                subject=data["member"],
                category=data["category"],
                reason=data["reason"],
                content=data["content"],
                snapshot=data.get("content_snapshot"),
                snapshot_media=data.get("content_media"),
                description=data["description"],
                source=data["source"],
                reporter=data.get("reporter"),
                also_blocked=data["also_block"],
                evidence=data["evidence"],
            )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ContentViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Content snapshots pushed by the platform, to be named later by reports."""

    serializer_class = ContentSerializer
    content_negotiation_class = UnknownFormatIsNotAcceptable
    permission_classes = [permissions.IsAuthenticated, SubmitsForMembers]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        examples=CONTENT_EXAMPLES,
        responses={
            201: OpenApiResponse(ContentSerializer, description="Snapshot kept."),
            200: OpenApiResponse(
                ContentSerializer, description="This platform id was kept before: that snapshot."
            ),
            **errors(400, 401, 403, 406, 411, 413, 415, fields=True),
        },
        parameters=RESPONSE_HEADERS,
    )
    def create(self, request, *args, **kwargs):
        serializer = ContentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_refusals():
            content, created = record_content(actor=request.user, **serializer.validated_data)
        return Response(
            ContentSerializer(content).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
