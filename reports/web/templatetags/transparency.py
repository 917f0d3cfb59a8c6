"""Template helpers of the transparency report: its medians, stored in seconds, in words."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from reports.texts.durations import describe_duration

register = template.Library()


@register.filter
def seconds(value: int | None) -> str:
    """A median in seconds as "1 day 3 hours", "12 minutes" or "40 s"; "—" when there is none."""
    if value is None:
        return "—"
    if value < 60:
        return _("%(n)d s") % {"n": value}
    return describe_duration(timedelta(seconds=value))
