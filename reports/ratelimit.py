"""Per-reporter limit on intake: at most N reports in any 60 minutes (a sliding window).

Each reporter's window is a Redis sorted set of the instants of their reports. One Lua script
reads the reporter's limit, drops what left the window, counts, and adds the new report only if
there is room: one round trip, and web processes on any number of machines never let a reporter
past the limit together. The admins' limits wait in Redis beside the windows, read from the
database once a minute and again after each change. Without Redis
(the quick-start run, LocMem cache) the same window lives in the process's cache under a lock;
production refuses to start without REDIS_URL, so that case is a single process.
"""

import math
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import ngettext

WINDOW_SECONDS = 3600
_WINDOW_MS = WINDOW_SECONDS * 1000

# KEYS[1]: the reporter's window; KEYS[2]: the admins' limits (a hash by audience, with a
# "loaded" field once read from the database). ARGV: now (ms), window (ms), the audience, the
# limit when the admins set none, member, "1" to take a place or "0" only to look. Answers
# {1, 0, limit} when there was room (and a place was taken when asked), {0, ms until a place
# frees, limit} when there was none, {-1, 0, 0} when the limits are to be read again.
_WINDOW_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limits = redis.call('HMGET', KEYS[2], 'loaded', ARGV[3])
if not limits[1] then
  return {-1, 0, 0}
end
local limit = tonumber(limits[2] or ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local freeing = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  return {0, tonumber(freeing[2]) + window - now, limit}
end
if ARGV[6] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
end
return {1, 0, limit}
"""


class RateLimited(Exception):
    """The reporter has sent as many reports in the last hour as the limit allows."""

    def __init__(self, limit: int, *, retry_after: int) -> None:
        self.limit = limit
        self.retry_after = retry_after  # whole seconds until a place frees, at least 1
        minutes = math.ceil(retry_after / 60)
        super().__init__(
            ngettext(
                "You have sent %(limit)d reports in the last hour. "
                "You can send the next one in %(minutes)d minute.",
                "You have sent %(limit)d reports in the last hour. "
                "You can send the next one in %(minutes)d minutes.",
                minutes,
            )
            % {"limit": limit, "minutes": minutes}
        )


@dataclass(frozen=True)
class Place:
    """One report's place in its reporter's window, to give back if the report is not saved."""

    key: str
    member: str


LIMITS_KEY = "intake-rate-limits"
LIMITS_SECONDS = 60
# The same limits, as the window script reads them in Redis.
SCRIPT_LIMITS_KEY = "intake-rate-limits-by-audience"


def _limits_in_database() -> dict[str, int]:
    from reports.models import RateLimit

    return dict(RateLimit.objects.values_list("audience", "reports_per_hour"))


def configured_limits() -> dict[str, int]:
    """The admins' limits, read at most once a minute (and after each change)."""
    return cache.get_or_set(LIMITS_KEY, _limits_in_database, LIMITS_SECONDS)


def forget_limits() -> None:
    """Call after changing a limit: the next report reads the new one."""
    cache.delete(LIMITS_KEY)
    backend = caches["default"]
    if counts_in_redis(backend):
        full_key = backend.make_and_validate_key(SCRIPT_LIMITS_KEY)
        backend._cache.get_client(full_key, write=True).delete(full_key)


def _audience(reporter) -> tuple[str, int]:
    """The reporter's audience, and its limit when the admins set none."""
    if reporter.is_trusted_flagger:
        return "trusted_flaggers", settings.TRUSTED_FLAGGER_REPORTS_PER_HOUR
    return "members", settings.REPORTS_PER_HOUR


def limit_for(reporter) -> int:
    audience, default = _audience(reporter)
    return configured_limits().get(audience, default)


def counts_in_redis(backend: BaseCache) -> bool:
    return isinstance(backend, RedisCache)


def _key(reporter_id: int) -> str:
    return f"intake-window:{reporter_id}"


def _ms(now: datetime | None) -> int:
    # The web host's clock, as for the report's own created_at: hosts keep time with NTP, whose
    # milliseconds of drift are nothing against an hour's window.
    return int((now or datetime.now(UTC)).timestamp() * 1000)


def _seconds(ms: int) -> int:
    return max(1, math.ceil(ms / 1000))


_scripts: dict[int, Any] = {}


def _window_script(client) -> Any:
    """The window script, registered once per Redis client (the cache keeps its clients)."""
    script = _scripts.get(id(client))
    if script is None or script.registered_client is not client:
        script = _scripts[id(client)] = client.register_script(_WINDOW_SCRIPT)
    return script


def _in_redis(backend: RedisCache, reporter, *, now_ms: int, take: bool) -> tuple[str | int, int]:
    """(a new place's member when there was room, else ms until a place frees; the limit)."""
    full_key = backend.make_and_validate_key(_key(reporter.pk))
    limits_key = backend.make_and_validate_key(SCRIPT_LIMITS_KEY)
    client = backend._cache.get_client(full_key, write=True)
    script = _window_script(client)
    member = f"{now_ms}:{uuid.uuid4().hex}"
    audience, default = _audience(reporter)
    args = [now_ms, _WINDOW_MS, audience, default, member, "1" if take else "0"]
    room, wait_ms, limit = script(keys=[full_key, limits_key], args=args)
    if room == -1:
        # Not in Redis (a minute has passed, or an admin changed one): read them once more.
        limits = {"loaded": 1, **_limits_in_database()}
        with client.pipeline(transaction=True) as pipe:
            pipe.hset(limits_key, mapping=limits).expire(limits_key, LIMITS_SECONDS).execute()
        room, wait_ms, limit = script(keys=[full_key, limits_key], args=args)
    return (member if room == 1 else int(wait_ms)), int(limit)


_local_lock = threading.Lock()


def _in_process(backend: BaseCache, key: str, *, now_ms: int, limit: int, take: bool) -> str | int:
    """The same window in a cache without scripts, made atomic by this process's lock."""
    with _local_lock:
        window = [(at, member) for at, member in backend.get(key, []) if at > now_ms - _WINDOW_MS]
        window.sort()
        if len(window) >= limit:
            return window[len(window) - limit][0] + _WINDOW_MS - now_ms
        member = f"{now_ms}:{uuid.uuid4().hex}"
        if take:
            window.append((now_ms, member))
            backend.set(key, window, timeout=WINDOW_SECONDS)
        return member


def _window(reporter, *, now: datetime | None, take: bool) -> Place:
    backend = caches["default"]
    key = _key(reporter.pk)
    if counts_in_redis(backend):
        outcome, limit = _in_redis(backend, reporter, now_ms=_ms(now), take=take)
    else:
        limit = limit_for(reporter)
        outcome = _in_process(backend, key, now_ms=_ms(now), limit=limit, take=take)
    if isinstance(outcome, int):
        raise RateLimited(limit, retry_after=_seconds(outcome))
    return Place(key=key, member=outcome)


def check(reporter, *, now: datetime | None = None) -> None:
    """Raise RateLimited when the reporter has no place left now; takes nothing."""
    _window(reporter, now=now, take=False)


def take(reporter, *, now: datetime | None = None) -> Place:
    """Take a place in the reporter's window; raise RateLimited when there is none.

    Returns the place so that a submission that fails afterwards can give it back.
    """
    return _window(reporter, now=now, take=True)


def give_back(place: Place) -> None:
    backend = caches["default"]
    if counts_in_redis(backend):
        full_key = backend.make_and_validate_key(place.key)
        backend._cache.get_client(full_key, write=True).zrem(full_key, place.member)
        return
    with _local_lock:
        window = backend.get(place.key, [])
        backend.set(
            place.key,
            [(at, member) for at, member in window if member != place.member],
            timeout=WINDOW_SECONDS,
        )


def used(reporter, *, now: datetime | None = None) -> int:
    """How many reports the reporter has sent in the hour before `now`."""
    backend = caches["default"]
    key = _key(reporter.pk)
    since = _ms(now) - _WINDOW_MS
    if counts_in_redis(backend):
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key)
        return client.zcount(full_key, f"({since}", "+inf")
    return sum(1 for at, _ in backend.get(key, []) if at > since)
