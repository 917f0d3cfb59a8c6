"""The API for the community app and the platform; every write goes through a service."""

import contextlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from reports.api.errors import ReportLimitReached
from reports.api.negotiation import UnknownFormatIsNotAcceptable
from reports.api.pagination import NewestFirst
from reports.api.parsers import BoundedJSONParser
from reports.api.schema import CONTENT_EXAMPLES, REPORT_EXAMPLES, RESPONSE_HEADERS, errors
from reports.api.serializers import ContentSerializer, ReportCreateSerializer, ReportSerializer
from reports.models import Report, ReportSource
from reports.ratelimit import RateLimited
from reports.services.content import record_content
from reports.services.intake import check_can_report, submit_report

# The service names fields after the domain; the API after what the caller sent.
_API_FIELD = {"subject": "member", "reporter": "reporter"}


class SubmitsForMembers(permissions.BasePermission):
    message = "Only the platform may send content snapshots."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("reports.submit_for_members")


def _service_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError({_API_FIELD.get(k, k): v for k, v in error.message_dict.items()})


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
        platform = request.user.has_perm("reports.submit_for_members")
        if not platform:
            # Before any upload is decoded: a refused member costs no image work.
            try:
                check_can_report(request.user)
            except RateLimited as limited:
                raise ReportLimitReached(str(limited), wait=limited.retry_after) from None
            except DjangoValidationError as error:
                raise _service_errors(error) from None
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reporter = data.get("reporter")
        if reporter is not None and not platform:
            raise PermissionDenied("Only the platform may report on a member's behalf.")
        source = data["source"]
        if not platform and source != ReportSource.APP:
            raise PermissionDenied("Only the platform may set the source of a report.")
        if platform and reporter is None and source != ReportSource.AUTOMATIC:
            # Otherwise every member's report would count as the platform's own.
            raise ValidationError(
                {"reporter": ["Name the reporting member, or send source automatic."]}
            )
        if reporter is None and source != ReportSource.AUTOMATIC:
            reporter = request.user
        if reporter is not None and source == ReportSource.AUTOMATIC:
            raise ValidationError({"source": ["Automatic reports have no reporter."]})
        if data.get("content_snapshot") and not platform:
            # Members would otherwise write the evidence against someone else themselves.
            raise PermissionDenied("Only the platform may send content snapshots.")
        subject = data["member"]
        snapshot_content = None
        snapshot = data.get("content_snapshot")
        # The snapshot and the report are saved together; a report alone is atomic already.
        together = transaction.atomic() if snapshot else contextlib.nullcontext()
        try:
            with together:
                content = data.get("content")
                if snapshot:
                    content, created = record_content(
                        actor=request.user,
                        author=subject,
                        media=data.get("content_media"),
                        **snapshot,
                    )
                    snapshot_content = content if created else None
                report = submit_report(
                    reporter=reporter,
                    subject=subject,
                    category=data["category"],
                    reason=data["reason"],
                    content=content,
                    description=data["description"],
                    source=source,
                    also_blocked=data["also_block"],
                    evidence=data["evidence"],
                )
        except (RateLimited, DjangoValidationError) as error:
            # The snapshot's row was rolled back with the report; its image must go too.
            if snapshot_content is not None and snapshot_content.media:
                snapshot_content.media.delete(save=False)
            if isinstance(error, RateLimited):
                raise ReportLimitReached(str(error), wait=error.retry_after) from None
            raise _service_errors(error) from None
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
        try:
            content, created = record_content(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(
            ContentSerializer(content).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
