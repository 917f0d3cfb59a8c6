"""Small template helpers of the moderator's pages."""

from datetime import datetime

from django import template
from django.utils.dateparse import parse_datetime, parse_duration

from reports.selectors.languages import language_name, language_names
from reports.texts.durations import due_in, span

register = template.Library()


register.simple_tag(due_in)
register.filter("language_name", language_name)
register.filter("language_names", language_names)


@register.simple_tag
def age(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "—"
    return span(now - moment)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "") if mapping else ""


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value.startswith("P"):
        try:
            duration = parse_duration(value)  # durations are stored as ISO 8601 text
        except (ValueError, OverflowError):  # text that only looks like one ("P9999999999D")
            duration = None
        if duration:
            return span(duration)
    return str(value)


@register.filter
def changes(event) -> list[str]:
    """An audit event's before → after, one line per field, for people rather than machines."""
    before, after = event.before or {}, event.after or {}
    lines = []
    for key in list(before) + [k for k in after if k not in before]:
        if key in before and key in after:
            if before[key] != after[key]:
                lines.append(f"{key}: {_plain(before[key])} → {_plain(after[key])}")
        elif key in after:
            lines.append(f"{key}: {_plain(after[key])}")
        else:
            lines.append(f"{key}: {_plain(before[key])} → —")
    return lines


@register.inclusion_tag("moderation/_undo_offer.html", takes_context=True)
def undo_offer(context) -> dict:
    """The moderator's latest decision, while it can still be undone.

    Not on the page of the decision's own case: that page lists every decision the moderator
    may still undo there, each with its one Undo button.
    """
    from reports.models import Decision

    request = context.get("request")
    decision_id = request.session.get("undo_decision") if request else None
    if not decision_id:
        return {}
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None or not decision.can_be_undone_by(request.user):
        request.session.pop("undo_decision", None)
        return {}
    if "undoable" in context and decision.case_id == getattr(context.get("case"), "pk", None):
        return {}
    return {"decision": decision, "until": decision.undo_deadline}


@register.inclusion_tag("moderation/_taken_over_notice.html", takes_context=True)
def taken_over_notice(context) -> dict:
    """Once, on the next page: a senior took over a case this moderator held.

    Kept in the moderator's session when their case page learned it (its lease renewal) or gave
    the case back as it was left. The page of that case says so itself.
    """
    request = context.get("request")
    notice = request.session.pop("taken_over", None) if request else None
    if not notice or not isinstance(notice, dict):
        return {}
    if "undoable" in context and notice.get("case") == getattr(context.get("case"), "pk", None):
        return {}
    at = parse_datetime(str(notice.get("at", "")))
    if at is None:
        return {}
    return {"notice": {"case": notice.get("case"), "by": notice.get("by", ""), "at": at}}
