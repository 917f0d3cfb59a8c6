"""Notes: what moderators tell each other about a case. Never shown to members."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import AuditAction, Case, Note
from reports.permissions import can_view_case
from reports.services.audit import record_event

MAX_NOTE_LENGTH = 4000


@transaction.atomic
def add_note(*, case: Case, author: User, body: str) -> Note:
    if not can_view_case(author, case):
        raise PermissionDenied("This case belongs to another team or tier.")
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Write something first.")]})
    if len(body) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"body": [_("Keep notes under %(n)d characters.") % {"n": MAX_NOTE_LENGTH}]}
        )
    note = Note.objects.create(case=case, author=author, body=body)
    record_event(action=AuditAction.NOTE_ADDED, target=note, actor=author, case=case, message=body)
    return note
