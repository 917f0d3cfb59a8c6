"""Time as people read it: "in 3 h 20", "40 min late", "1 day 12 hours", "2030-03-01 14:05 CET".

Two ways of saying a length: `span` is the queue's short form, read at a glance in a table;
`describe_duration` spells the words out, for a statement of reasons or a policy.
"""

from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": max(minutes, 0)}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d") % {"h": hours, "m": minutes}
    return _("%(d)d days") % {"d": hours // 24}


def due_in(due_at: datetime | None, now: datetime) -> str:
    """ "in 3 h 20" for a case still in time, "40 min late" for one past due."""
    if due_at is None:
        return ""
    if due_at >= now:
        return _("in %(span)s") % {"span": span(due_at - now)}
    return _("%(span)s late") % {"span": span(now - due_at)}


def describe_duration(duration: timedelta | None, *, empty: str = "") -> str:
    """ "30 days", "4 hours", "1 day 12 hours", "30 minutes"; `empty` when there is none.

    A decision's length in its statement of reasons (always whole days), a policy's on the
    case page, a case's wait in the digest.
    """
    if duration is None:
        return empty
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def datetime_for_reader(moment: datetime) -> str:
    """A moment in the site's time zone, in the active language's own date format, with the
    zone it is told in ("30 de diciembre de 2026 a las 04:56 UTC")."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def local_time(moment: datetime) -> str:
    """ "2030-03-01 14:05 CET": a moment in the site's time zone, for moderators' alerts."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"
