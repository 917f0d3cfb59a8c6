"""The roles of the back-office, as questions about one person.

Moderator, Senior moderator and Trust & Safety admin are groups (created by the migrations)
whose permissions answer these questions; superusers hold every permission.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q

RECORDS_PERMISSION = "accounts.read_records"


def reads_records(user) -> bool:
    """Whether this person may read members' and reporters' records outside their queues.

    The T&S admin role (and superusers): moderators read a case only on its moderation page,
    where the case's category and tier are checked.
    """
    return user.is_active and user.is_staff and user.has_perm(RECORDS_PERMISSION)


def granted_permissions(person) -> set[str]:
    """What a person's own and role permissions are, whether or not the account is active."""
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(
            Q(user=person) | Q(group__user=person)
        ).values_list("content_type__app_label", "codename")
    }


def holds_more_than(person, actor) -> bool:
    """Whether `person` may do something `actor` may not.

    Whoever changes such a person's account (their password, their roles, whether it is active)
    could take it over and gain what they were not given.
    """
    if actor.is_superuser:
        return False
    if person.is_superuser:
        return True
    return not granted_permissions(person) <= actor.get_all_permissions()
