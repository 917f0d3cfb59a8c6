"""Spans of time as moderators read them: "in 3 h 20", "40 min late", "3 days"."""

from datetime import datetime, timedelta

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


def describe_duration(duration: timedelta | None) -> str:
    """A decision's length as the member reads it in a statement: "30 days", "12 hours"."""
    if duration is None:
        return ""
    if duration % timedelta(days=1) == timedelta(0):
        days = duration.days
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hours = max(1, round(duration.total_seconds() / 3600))
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
