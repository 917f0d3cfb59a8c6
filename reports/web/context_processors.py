"""What every page's header needs: the reader's unread in-app messages."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reports.selectors.inbox import count_unread

# A badge says "99+" past this; counting stops there, so a moderator with years of unread
# alerts costs the header no more than anyone else.
UNREAD_SHOWN = 99


def inbox(request: HttpRequest) -> dict:
    """`unread_count` and its badge text, counted only when a template shows them (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    unread_count = SimpleLazyObject(lambda: count_unread(user, up_to=UNREAD_SHOWN + 1))

    def label() -> str:
        return f"{UNREAD_SHOWN}+" if unread_count > UNREAD_SHOWN else str(unread_count)

    return {"unread_count": unread_count, "unread_label": SimpleLazyObject(label)}
