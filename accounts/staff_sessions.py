"""What a staff session carries: when it was last used, and whether it passed the second factor.

Both live in the session (server-side), so that checking them on every request costs no query:
the moderation queue is benchmarked and must not pay for a device lookup or a session write on
each page. Last use is written at most once a minute (so "idle for 30 minutes" is 29 to 30
minutes after the last page), and at that same moment the device that verified the session is
looked up again: a device an admin removed stops counting within a minute.
"""

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from accounts.services import needs_second_factor

LAST_SEEN_KEY = "staff_last_seen"
# How stale the last-use stamp may get before it is written again.
RESOLUTION_SECONDS = 60


def now() -> int:
    return int(time.time())


def has_idled(session: SessionBase, at: int) -> bool:
    seen = session.get(LAST_SEEN_KEY)
    return seen is not None and at - seen > settings.STAFF_IDLE_TIMEOUT.total_seconds()


def mark_active(request, at: int) -> None:
    """Stamp the session as used now, unless it was stamped less than a minute ago."""
    session = request.session
    seen = session.get(LAST_SEEN_KEY)
    if seen is not None and at - seen < RESOLUTION_SECONDS:
        return
    session[LAST_SEEN_KEY] = at
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(persistent_id)
        if device is None or device.user_id != request.user.pk or not device.confirmed:
            del session[DEVICE_ID_SESSION_KEY]


def is_verified(session: SessionBase) -> bool:
    """Whether the person passed the second factor in this session (django_otp.login's mark)."""
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def start(sender, request, user, **kwargs) -> None:
    """On sign-in (user_logged_in): a staff session starts its idle clock."""
    if needs_second_factor(user):
        request.session[LAST_SEEN_KEY] = now()
