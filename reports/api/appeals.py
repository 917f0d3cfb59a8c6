"""Appeals through the API: the app files a member's appeal or a reporter's review, and reads them.

The platform (an account with `submit_for_members`) names the member it acts for; a member's own
token acts for that member alone. The view validates, calls one filing service and serialises.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import User, clean_public_id
from reports.api.negotiation import UnknownFormatIsNotAcceptable
from reports.api.pagination import NewestFirst
from reports.api.parsers import BoundedJSONParser
from reports.api.schema import APPEAL_EXAMPLES, APPEAL_PHRASES, RESPONSE_HEADERS, errors
from reports.api.serializers import MemberField, _clean_upload
from reports.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    Decision,
    DecisionAction,
    Report,
)
from reports.services.appeals.filing import MAX_STATEMENT_LENGTH, appeal_decision, ask_for_review
from reports.services.intake_senders import sends_for_members

REPORT_REFERENCE = re.compile(r"R-[0-9A-Z]{4}-[0-9A-Z]{4}")
APPEAL_REFERENCE = r"A-[0-9A-Z]{4}-[0-9A-Z]{4}"


# What the app sends ----------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^{REPORT_REFERENCE.pattern}$",
        "description": "A report's reference (lower case is read as upper case).",
    }
)
class ReportReferenceField(serializers.CharField):
    default_error_messages = {
        "shape": gettext_lazy("Give the report's reference, e.g. R-7KQ2-M9XD."),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=16, **kwargs)

    def to_internal_value(self, data):
        reference = super().to_internal_value(data).upper()
        if not REPORT_REFERENCE.fullmatch(reference):
            self.fail("shape")
        return reference


def _too_many_screenshots() -> str:
    return _("Attach at most %(limit)d screenshots.") % {"limit": settings.EVIDENCE_MAX_FILES}


class AppealCreateSerializer(serializers.Serializer):
    """A member's appeal of a decision (`decision`), or a reporter's review (`report`)."""

    member = MemberField(
        required=False,
        help_text=(
            "Public id of the member who appeals; for the platform, which must name them. A "
            "member's own token may leave it out (or name that member)."
        ),
    )
    decision = serializers.UUIDField(
        required=False,
        help_text="The public id of the decision appealed, as webhooks send it.",
        error_messages={"invalid": gettext_lazy("Give the decision's id (a UUID).")},
    )
    report = ReportReferenceField(
        required=False,
        help_text="For a reporter's review: the reference of their report that found no violation.",
    )
    statement = serializers.CharField(
        max_length=MAX_STATEMENT_LENGTH,
        allow_blank=True,
        trim_whitespace=False,
        help_text="What the appellant disagrees with, and why.",
    )
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=settings.EVIDENCE_MAX_FILES,
        # Lazy: said in the caller's language, not in the one active at import.
        error_messages={"max_length": lazy(_too_many_screenshots, str)()},
        help_text="Screenshots (multipart only), checked and re-encoded like a report's.",
    )

    def validate(self, attrs):
        sender: User = self.context["sender"]
        appellant = _appellant(sender, attrs.get("member"))
        attrs["member"] = appellant
        decision_id, reference = attrs.get("decision"), attrs.get("report")
        if decision_id is None and reference is None:
            raise serializers.ValidationError(
                {"decision": _("Name the decision to appeal, or the report to review.")}
            )
        if decision_id is not None and reference is not None:
            raise serializers.ValidationError(
                {"report": _("Send either a decision or a report, not both.")}
            )
        if decision_id is not None:
            # One answer whether the id is unknown or about someone else: ids reveal nothing.
            attrs["decision"] = Decision.objects.filter(
                uuid=decision_id, case__subject=appellant
            ).first()
            if attrs["decision"] is None:
                raise serializers.ValidationError(
                    {"decision": _("No decision with this id about this member.")}
                )
        else:
            attrs["report"] = Report.objects.filter(reference=reference, reporter=appellant).first()
            if attrs["report"] is None:
                raise serializers.ValidationError(
                    {"report": _("No report with this reference from this member.")}
                )
        # Last: an appeal refused above costs no image work.
        try:
            attrs["evidence"] = [_clean_upload(upload) for upload in attrs["evidence"]]
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"evidence": error.detail}) from None
        return attrs


def _appellant(sender: User, member: User | None) -> User:
    """Who appeals: the member the platform names, or the member whose token this is."""
    if sends_for_members(sender):
        if member is None:
            raise serializers.ValidationError({"member": _("Name the member who appeals.")})
        return member
    if member is not None and member != sender:
        raise PermissionDenied(_("Only the platform may appeal on another member's behalf."))
    return sender


# What the app reads ----------------------------------------------------------------------------


class ReplacementSerializer(serializers.Serializer):
    """The milder decision an appeal put in place of the one appealed."""

    action = serializers.ChoiceField(choices=DecisionAction.choices)
    duration_days = serializers.SerializerMethodField()
    ends_at = serializers.DateTimeField(allow_null=True)

    def get_duration_days(self, decision: Decision) -> int | None:
        return decision.duration.days if decision.duration else None


class AppealSerializer(serializers.Serializer):
    """An appeal as its appellant sees it: never who decided it, never other people."""

    reference = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=AppealKind.choices)
    decision = serializers.UUIDField(source="decision.uuid")
    report = serializers.CharField(source="report.reference", allow_null=True)
    status = serializers.ChoiceField(choices=AppealStatus.choices)
    outcome = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    replacement = ReplacementSerializer(allow_null=True)
    evidence_count = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.ChoiceField(
            choices=AppealOutcome.choices,
            allow_null=True,
            help_text="Null until the appeal is decided.",
        )
    )
    def get_outcome(self, appeal: Appeal) -> str | None:
        return appeal.outcome or None

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="The senior's answer to the appellant, once decided."
        )
    )
    def get_answer(self, appeal: Appeal) -> str | None:
        return None if appeal.is_open else appeal.answer

    def get_evidence_count(self, appeal: Appeal) -> int:
        counted = getattr(appeal, "evidence_count", None)
        return appeal.evidence.count() if counted is None else counted


class NewestAppealsFirst(NewestFirst):
    ordering = ("-received_at", "-id")


MEMBER_PARAMETER = OpenApiParameter(
    "member",
    str,
    pattern=r"^[0-9A-Z]{4,16}$",
    description=(
        "Public id of the member whose appeals to list: required for the platform. A member's "
        "token lists that member's own appeals; naming anyone else is a 403."
    ),
)


# The view --------------------------------------------------------------------------------------


def _service_errors(error: DjangoValidationError) -> ValidationError:
    # The services name their fields as the request does: decision, report, statement, evidence.
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


@extend_schema_view(
    list=extend_schema(
        parameters=[MEMBER_PARAMETER, *RESPONSE_HEADERS],
        responses={
            200: AppealSerializer(many=True),
            **errors(400, 401, 403, 406, phrases=APPEAL_PHRASES),
        },
    ),
    retrieve=extend_schema(
        parameters=RESPONSE_HEADERS,
        responses={200: AppealSerializer, **errors(401, 404, 406, phrases=APPEAL_PHRASES)},
    ),
)
class AppealViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Appeals of decisions and reviews of reports: file one, list a member's, read one."""

    content_negotiation_class = UnknownFormatIsNotAcceptable
    lookup_field = "reference"
    lookup_value_regex = APPEAL_REFERENCE
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    pagination_class = NewestAppealsFirst
    serializer_class = AppealSerializer

    def get_queryset(self) -> QuerySet[Appeal]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Appeal.objects.none()
        appeals = Appeal.objects.select_related("decision", "report", "replacement").annotate(
            evidence_count=Count("evidence")
        )
        if self.action == "list":
            return appeals.filter(appellant=self._listed_member())
        if sends_for_members(self.request.user):
            return appeals  # the platform reads any appeal by its reference
        return appeals.filter(appellant=self.request.user)

    def _listed_member(self) -> User:
        """The member whose appeals are listed: named by the platform, or the token's own."""
        sender, named = self.request.user, self.request.query_params.get("member")
        if sends_for_members(sender):
            if not named:
                raise ValidationError(
                    _("Name the member whose appeals to list: ?member=<public id>."),
                    code="member_required",
                )
            public_id = clean_public_id(named)
            member = public_id and User.objects.filter(public_id=public_id, is_active=True).first()
            if not member:
                raise ValidationError(_("No member has this public id."), code="invalid_member")
            return member
        if named and clean_public_id(named) != sender.public_id:
            raise PermissionDenied(_("A member's token lists that member's own appeals only."))
        return sender

    @extend_schema(
        request=AppealCreateSerializer,
        examples=APPEAL_EXAMPLES,
        responses={
            201: AppealSerializer,
            **errors(400, 401, 403, 406, 411, 413, 415, fields=True, phrases=APPEAL_PHRASES),
        },
        parameters=RESPONSE_HEADERS,
    )
    def create(self, request, *args, **kwargs):
        serializer = AppealCreateSerializer(data=request.data, context={"sender": request.user})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sent_by = request.user if sends_for_members(request.user) else None
        try:
            if data.get("decision") is not None:
                appeal = appeal_decision(
                    appellant=data["member"],
                    decision=data["decision"],
                    statement=data["statement"],
                    evidence=data["evidence"],
                    sent_by=sent_by,
                )
            else:
                appeal = ask_for_review(
                    reporter=data["member"],
                    report=data["report"],
                    statement=data["statement"],
                    evidence=data["evidence"],
                    sent_by=sent_by,
                )
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)
