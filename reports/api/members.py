"""A member's settings as the platform keeps them in step: for now, the language hellomod writes
to them in (pages, inbox messages, e-mails, statements of reasons)."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets

from accounts.models import User
from accounts.services import set_language
from reports.api.negotiation import UnknownFormatIsNotAcceptable
from reports.api.parsers import BoundedJSONParser
from reports.api.schema import RESPONSE_HEADERS, errors
from reports.services.intake_senders import sends_for_members

# A member's own token may name itself so.
ME = "me"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class MemberSettingsSerializer(serializers.Serializer):
    member = serializers.CharField(source="public_id", read_only=True)
    language = serializers.ChoiceField(
        source="preferred_language",
        choices=LANGUAGE_CODES,
        help_text="The language everything hellomod sends this member is written in.",
        error_messages={
            "invalid_choice": f"Give one of the language codes {', '.join(LANGUAGE_CODES)}.",
        },
    )

    def update(self, instance: User, validated_data: dict) -> User:
        return set_language(instance, validated_data["preferred_language"])


@extend_schema_view(
    retrieve=extend_schema(
        responses={200: MemberSettingsSerializer, **errors(401, 404, 406)},
        parameters=RESPONSE_HEADERS,
    ),
    partial_update=extend_schema(
        examples=[
            OpenApiExample(
                "Write to the member in Spanish", request_only=True, value={"language": "es"}
            )
        ],
        responses={200: MemberSettingsSerializer, **errors(400, 401, 404, 406, 415, fields=True)},
        parameters=RESPONSE_HEADERS,
    ),
)
class MemberSettingsViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """A member's settings: the platform reads and sets any member's, a member their own ("me").

    Another member's id answers 404 to a member, as an unknown id does: ids reveal nothing. A
    staff account answers the platform the same 404.
    """

    serializer_class = MemberSettingsSerializer
    content_negotiation_class = UnknownFormatIsNotAcceptable
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser]
    lookup_field = "public_id"
    lookup_value_regex = r"[0-9A-Za-z]{1,16}"
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> User:
        user = self.request.user
        public_id = self.kwargs["public_id"]
        if public_id == ME or public_id == user.public_id:
            return user
        if not sends_for_members(user):
            raise Http404
        # Members of the community only: staff accounts are hellomod's own, and the language
        # they read decides the language of their alerts (an emergency for the on-call senior).
        member = User.objects.filter(
            public_id=public_id, is_active=True, is_staff=False, is_superuser=False
        ).first()
        if member is None:
            raise Http404
        return member
