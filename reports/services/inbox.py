"""The reader's own state of their in-app messages: read, or not yet.

Reading is the reader's own state, not a moderation change, so it leaves no audit event.
"""

from django.utils import timezone

from accounts.models import User
from reports.models import Channel, Notification


def mark_read(*, reader: User, notification: Notification) -> bool:
    """Mark one of the reader's messages read; a no-op when it already is (safe to repeat)."""
    if notification.read_at is not None:
        return False
    now = timezone.now()
    changed = Notification.objects.filter(
        pk=notification.pk, recipient=reader, channel=Channel.IN_APP, read_at__isnull=True
    ).update(read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(*, reader: User) -> int:
    """Mark every unread in-app message of the reader read; returns how many were unread."""
    return Notification.objects.filter(
        recipient=reader, channel=Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())
