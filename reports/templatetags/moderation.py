"""Small template helpers of the moderator's pages."""

from datetime import datetime, timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": max(minutes, 0)}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d") % {"h": hours, "m": minutes}
    return _("%(d)d days") % {"d": hours // 24}


@register.simple_tag
def due_in(due_at: datetime | None, now: datetime) -> str:
    """ "in 3 h 20" for a case still in time, "40 min late" for one past due."""
    if due_at is None:
        return ""
    if due_at >= now:
        return _("in %(span)s") % {"span": _span(due_at - now)}
    return _("%(span)s late") % {"span": _span(now - due_at)}


@register.simple_tag
def age(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "—"
    return _span(now - moment)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "") if mapping else ""
