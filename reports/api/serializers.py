import re

from django.conf import settings
from django.utils.functional import lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.languages import LANGUAGE_CHOICES
from accounts.models import User, clean_public_id
from reports.evidence import EvidenceError, clean_image
from reports.models import Category, Content, ContentKind, Reason, ReportSource
from reports.services.content import MAX_TEXT_LENGTH, context_problems, unknown_language_message
from reports.services.intake import MAX_DESCRIPTION_LENGTH

SLUG = re.compile(r"[-a-z0-9_]{1,60}")


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-9A-Z]{4,16}$",
        "description": "A member's public id (lower case is read as upper case).",
    }
)
class MemberField(serializers.SlugRelatedField):
    """A member named by their public member id."""

    default_error_messages = {
        "does_not_exist": "No member has the id {value}.",
        "invalid": "Give the member's public id.",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(
            slug_field="public_id", queryset=User.objects.filter(is_active=True), **kwargs
        )

    def to_internal_value(self, data):
        public_id = clean_public_id(data)
        if public_id is None:
            self.fail("invalid")
        return super().to_internal_value(public_id)


@extend_schema_field({"type": "string", "pattern": f"^{SLUG.pattern}$"})
class SlugField(serializers.SlugRelatedField):
    """A slug that is checked for shape before it reaches the database."""

    default_error_messages = {"invalid": "Give a slug: letters, digits and hyphens."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class BoundedJSONField(serializers.JSONField):
    """JSON nested too deep for Python (in a multipart field, say) is invalid, not a 500."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except RecursionError:
            self.fail("invalid")


def _clean_upload(upload):
    try:
        return clean_image(upload)
    except EvidenceError as error:
        raise serializers.ValidationError(f"{upload.name}: {error}") from None


class ContentSnapshotSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContentKind.choices)
    external_id = serializers.CharField(max_length=64)
    text = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 639-1 code of the content's language; empty when unknown.",
        # Lazy: said in the caller's language, not in the one active at import.
        error_messages={"invalid_choice": lazy(unknown_language_message, str)()},
    )
    created_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    media_reference = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    context = serializers.ListField(
        child=BoundedJSONField(), required=False, max_length=50, default=list
    )

    def validate_context(self, value: list) -> list:
        # Free-form JSON: the service's rules, on the snapshot's own field.
        if problems := context_problems(value):
            raise serializers.ValidationError(problems)
        return value


class ContentSerializer(ContentSnapshotSerializer):
    """A snapshot pushed by the platform before (or without) a report."""

    id = serializers.IntegerField(read_only=True)
    author = MemberField()
    media = serializers.FileField(required=False, allow_null=True, write_only=True)
    visibility = serializers.CharField(read_only=True)
    snapshotted_at = serializers.DateTimeField(read_only=True)

    def validate_media(self, upload):
        return _clean_upload(upload) if upload else None


class ReportCreateSerializer(serializers.Serializer):
    member = MemberField(help_text="Public id of the member being reported.")
    reporter = MemberField(
        required=False, help_text="Public id of the reporting member; for the platform only."
    )
    category = SlugField(slug_field="slug", queryset=Category.objects.all())
    reason = serializers.SlugField(required=False, allow_blank=True, default="")
    content = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of a snapshot pushed earlier through /api/v1/content/.",
    )
    content_snapshot = BoundedJSONField(
        required=False,
        help_text="The reported content, as a content object (see /content/); platform only.",
    )
    content_media = serializers.FileField(required=False, allow_null=True)
    description = serializers.CharField(
        max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_blank=True, default=""
    )
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=settings.EVIDENCE_MAX_FILES,
        error_messages={"max_length": f"Attach at most {settings.EVIDENCE_MAX_FILES} screenshots."},
    )
    also_block = serializers.BooleanField(required=False, default=False)
    source = serializers.ChoiceField(
        choices=[ReportSource.APP, ReportSource.TRUSTED_FLAGGER, ReportSource.AUTOMATIC],
        required=False,
        default=ReportSource.APP,
    )

    def validate_evidence(self, uploads):
        return [_clean_upload(upload) for upload in uploads]

    def validate_content_media(self, upload):
        return _clean_upload(upload) if upload else None

    def validate_content_snapshot(self, value):
        snapshot = ContentSnapshotSerializer(data=value)
        snapshot.is_valid(raise_exception=True)
        return snapshot.validated_data

    def validate(self, attrs):
        content_id = attrs.pop("content", None)
        attrs["content"] = None
        if content_id is not None:
            # One answer whether the id is unknown or another member's: ids reveal nothing.
            attrs["content"] = Content.objects.filter(pk=content_id, author=attrs["member"]).first()
            if attrs["content"] is None:
                raise serializers.ValidationError(
                    {"content": "This member has no content with this id."}
                )
        if attrs.get("content") and attrs.get("content_snapshot"):
            raise serializers.ValidationError(
                {"content_snapshot": "Send either a content id or a snapshot, not both."}
            )
        slug = attrs.pop("reason", "")
        attrs["reason"] = None
        if slug:
            attrs["reason"] = Reason.objects.filter(
                category=attrs["category"], slug=slug, is_active=True
            ).first()
            if attrs["reason"] is None:
                raise serializers.ValidationError(
                    {"reason": f"The category {attrs['category'].slug} has no reason {slug}."}
                )
        return attrs


class ReportSerializer(serializers.Serializer):
    """A report as its reporter sees it: never internal notes, other reporters or moderators.

    Fields are declared, not introspected from the model: a ModelSerializer builds its fields
    again for every instance, which intake, answering every report, would pay each time.
    """

    reference = serializers.CharField(read_only=True)
    member = serializers.CharField(source="subject.public_id")
    content = serializers.IntegerField(source="content_id", allow_null=True)
    category = serializers.CharField(source="category.slug")
    reason = serializers.CharField(source="reason.slug", allow_null=True)
    description = serializers.CharField()
    source = serializers.ChoiceField(choices=ReportSource.choices)
    # The outcome shows once the decision can no longer be undone (see Report.outcome_settled).
    status = serializers.CharField(source="status_for_reporter")
    status_display = serializers.CharField(source="status_for_reporter_display")
    evidence_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.SerializerMethodField()

    def get_resolved_at(self, report) -> str | None:
        return serializers.DateTimeField().to_representation(
            report.resolved_at if report.outcome_settled else None
        )

    def get_evidence_count(self, report) -> int:
        # Intake knows how many screenshots a report it just wrote has; others are counted.
        counted = getattr(report, "evidence_count", None)
        return counted if counted is not None else len(report.evidence.all())
