"""Content snapshots: what was said or shown, kept as it was when it was reported."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.languages import LANGUAGE_CODES
from accounts.models import User
from reports.evidence import CleanImage, random_name
from reports.models import AuditAction, Content, ContentKind
from reports.services.audit import record_event
from reports.storable import nesting_depth, storable_json, storable_text, unstorable_message

MAX_TEXT_LENGTH = 20_000
MAX_CONTEXT_ITEMS = 50
# The list of messages, each an object, whose values may hold a list or an object or two.
MAX_CONTEXT_DEPTH = 8


def unknown_language_message() -> str:
    return _("Give one of the language codes %(codes)s, or leave it empty.") % {
        "codes": ", ".join(sorted(LANGUAGE_CODES))
    }


def context_problems(context: Any) -> list[str]:
    """What is wrong with the messages around a piece of content, if anything."""
    if not isinstance(context, list) or len(context) > MAX_CONTEXT_ITEMS:
        return [
            _("Context is a list of at most %(limit)d messages.") % {"limit": MAX_CONTEXT_ITEMS}
        ]
    if not storable_json(context):
        return [unstorable_message()]
    if nesting_depth(context) > MAX_CONTEXT_DEPTH:
        # Pages and the admin show it; Python cannot show a value nested hundreds deep.
        return [_("Context nests at most %(limit)d levels deep.") % {"limit": MAX_CONTEXT_DEPTH}]
    return []


def _validate(
    *,
    kind: str,
    external_id: str,
    text: str,
    language: str,
    media_reference: str,
    context: list[Any],
) -> None:
    """Everything the platform sent, checked before anything is written."""
    errors: dict[str, list[str]] = {}
    if kind not in ContentKind.values:
        errors["kind"] = [_("Unknown kind of content.")]
    if not storable_text(external_id):
        errors["external_id"] = [unstorable_message()]
    elif not external_id.strip():
        errors["external_id"] = [_("The platform's id of the content is required.")]
    if not storable_text(text):
        errors["text"] = [unstorable_message()]
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = [
            _("Keep the text under %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH}
        ]
    # Codes, not names: queues and teams are split by them, and pages show them.
    if language and language not in LANGUAGE_CODES:
        errors["language"] = [unknown_language_message()]
    if not storable_text(media_reference):
        errors["media_reference"] = [unstorable_message()]
    if problems := context_problems(context):
        errors["context"] = problems
    if errors:
        raise ValidationError(errors)


def record_content(
    *,
    actor: User,
    kind: str,
    external_id: str,
    author: User,
    text: str = "",
    language: str = "",
    created_at: datetime | None = None,
    media: CleanImage | None = None,
    media_reference: str = "",
    context: list[Any] | None = None,
) -> tuple[Content, bool]:
    """Keep a snapshot of one piece of content; the first snapshot of a platform id stays.

    Returns the snapshot and whether it was created now. A platform id already recorded for
    another author is refused: ids do not move between members.
    """
    context = context if context is not None else []
    _validate(
        kind=kind,
        external_id=external_id,
        text=text,
        language=language,
        media_reference=media_reference,
        context=context,
    )
    existing = Content.objects.filter(kind=kind, external_id=external_id).first()
    if existing is not None:
        if existing.author_id != author.pk:
            raise ValidationError(
                {"external_id": [_("This content id belongs to another member.")]}
            )
        return existing, False
    content = Content(
        kind=kind,
        external_id=external_id,
        author=author,
        text=text,
        language=language,
        created_at=created_at,
        media_reference=media_reference,
        context=context,
    )
    if media is not None:
        content.media.save(random_name(media.extension), ContentFile(media.data), save=False)
    try:
        with transaction.atomic():
            content.save()
            record_event(
                action=AuditAction.CONTENT_SNAPSHOTTED,
                target=content,
                actor=actor,
                after={"kind": kind, "external_id": external_id, "author": author.public_id},
            )
    except IntegrityError:
        # Sent twice at once: the other request's snapshot is the one we keep.
        if content.media:
            content.media.delete(save=False)
        return record_content(
            actor=actor, kind=kind, external_id=external_id, author=author, text=text
        )
    return content, True
