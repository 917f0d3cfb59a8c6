"""Per-reporter rate limit on intake, counted in the shared cache (Redis in production)."""

import contextlib
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext

WINDOW_SECONDS = 3600


class RateLimited(Exception):
    """The reporter has sent as many reports as the limit allows this hour."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            gettext("You have sent %(limit)d reports in the last hour. Please try again later.")
            % {"limit": limit}
        )


def _key(reporter_id: int, now: datetime) -> str:
    window = int(now.timestamp()) // WINDOW_SECONDS
    return f"intake-rate:{reporter_id}:{window}"


def limit_for(reporter) -> int:
    if reporter.is_trusted_flagger:
        return settings.TRUSTED_FLAGGER_REPORTS_PER_HOUR
    return settings.REPORTS_PER_HOUR


def used(reporter, *, now: datetime | None = None) -> int:
    """How many reports the reporter has sent in the current window."""
    return cache.get(_key(reporter.pk, now or datetime.now(UTC)), 0)


def take(reporter, *, now: datetime | None = None) -> str:
    """Count one report against the reporter's hour; raise RateLimited past the limit.

    Returns the cache key so that a submission that fails afterwards can give its place back.
    """
    key = _key(reporter.pk, now or datetime.now(UTC))
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        used = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first report of a new window.
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        used = 1
    limit = limit_for(reporter)
    if used > limit:
        give_back(key)
        raise RateLimited(limit)
    return key


def give_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window ended meanwhile
        cache.decr(key)
