"""What every page's header needs: the reader's unread in-app messages."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

# A badge says "99+" past this; counting stops there, so a moderator with years of unread
# alerts costs the header no more than anyone else.
UNREAD_SHOWN = 99


def inbox(request: HttpRequest) -> dict:
    """`unread_count` and its badge text, counted only when a template shows them (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from reports.models import Channel, Notification

        unread = Notification.objects.filter(
            recipient=user, channel=Channel.IN_APP, read_at__isnull=True
        )
        return unread[: UNREAD_SHOWN + 1].count()

    unread_count = SimpleLazyObject(count)

    def label() -> str:
        return f"{UNREAD_SHOWN}+" if unread_count > UNREAD_SHOWN else str(unread_count)

    return {"unread_count": unread_count, "unread_label": SimpleLazyObject(label)}
