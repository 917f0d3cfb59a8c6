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


LIMITS_KEY = "intake-rate-limits"
LIMITS_SECONDS = 60


def configured_limits() -> dict[str, int]:
    """The admins' limits, read at most once a minute per process (and after each change)."""
    from .models import RateLimit

    return cache.get_or_set(
        LIMITS_KEY,
        lambda: dict(RateLimit.objects.values_list("audience", "reports_per_hour")),
        LIMITS_SECONDS,
    )


def forget_limits() -> None:
    """Call after changing a limit: the next report reads the new one."""
    cache.delete(LIMITS_KEY)


def limit_for(reporter) -> int:
    limits = configured_limits()
    if reporter.is_trusted_flagger:
        return limits.get("trusted_flaggers", settings.TRUSTED_FLAGGER_REPORTS_PER_HOUR)
    return limits.get("members", settings.REPORTS_PER_HOUR)


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
