"""The misuse policy (DSA Art. 23), changed by T&S admins: on the record, applied to the next
check."""

from django.db import transaction

from accounts.models import User
from reports.models import MisusePolicy
from reports.models.misuse import SINGLETON_ID
from reports.services.configuration import Edit, save_configuration


@transaction.atomic(savepoint=False)
def save_misuse_policy(*, edit: Edit, actor: User) -> MisusePolicy:
    """Save the one misuse policy; the next check of a member reads it."""
    edit.row.pk = SINGLETON_ID
    save_configuration(edits=[edit], actor=actor)
    return edit.row
