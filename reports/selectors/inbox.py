"""Reads of the in-app inbox: its pages, and the unread count every page's header shows."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import User
from reports.models import Channel, Notification
from reports.selectors import keyset

INBOX_PAGE_SIZE = 25


def inbox_messages(reader: User) -> QuerySet[Notification]:
    """The reader's in-app messages, newest first (served by the `notification_inbox` index)."""
    return Notification.objects.filter(recipient=reader, channel=Channel.IN_APP).order_by(
        "-created_at", "-pk"
    )


def count_unread(reader: User, *, up_to: int) -> int:
    """How many of the reader's messages are unread, counting no further than `up_to`."""
    unread = Notification.objects.filter(
        recipient=reader, channel=Channel.IN_APP, read_at__isnull=True
    )
    return unread[:up_to].count()


@dataclass
class InboxPage:
    messages: list[Notification]
    next_cursor: str | None
    first: bool


def inbox_page(reader: User, *, cursor: str = "", size: int = INBOX_PAGE_SIZE) -> InboxPage:
    """One page of the inbox by keyset: an old page costs what the first costs, and no COUNT."""
    messages = inbox_messages(reader)
    position = keyset.decode(cursor, datetime, int) if cursor else None
    if position is not None:
        created_at, pk = position
        messages = messages.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        )
    rows = list(messages.defer("idempotency_key", "last_error")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return InboxPage(
        messages=rows,
        next_cursor=keyset.encode(rows[-1].created_at, rows[-1].pk) if more else None,
        first=position is None,
    )
