"""The roles of the back-office, as questions about one person.

Moderator, Senior moderator and Trust & Safety admin are groups (created by the migrations)
whose permissions answer these questions; superusers hold every permission.
"""

RECORDS_PERMISSION = "accounts.read_records"


def reads_records(user) -> bool:
    """Whether this person may read members' and reporters' records outside their queues.

    The T&S admin role (and superusers): moderators read a case only on its moderation page,
    where the case's category and tier are checked.
    """
    return user.is_active and user.is_staff and user.has_perm(RECORDS_PERMISSION)
