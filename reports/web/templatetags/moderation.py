"""Small template helpers of the moderator's pages."""

from datetime import datetime
from html import escape as esc

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.dateparse import parse_datetime, parse_duration
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

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


def _number(value: int) -> str:
    """A count as the templates write one (localized, grouped only if the site groups)."""
    return formats.localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


@register.simple_tag
def queue_table_rows(rows, *, across: bool = False, selectable: bool = False, ticked=()) -> str:
    """The queue table's body rows (`rows` from selectors.queues.queue_rows), a <tr> each.

    Every queue page writes fifty of them per request. Written here in one pass they cost a
    twentieth of the same markup drawn by thirty template nodes a row (or by format_html, whose
    checks on each value cost more than the row itself). Every value from a row goes through
    `esc` (the standard library's escape, which Django's own escape calls); the rest is this
    function's markup and the catalogues' words.
    """
    after_title = esc(gettext("Reports after the decision"))
    expert = (
        f'<div><span class="tag flagger">{esc(gettext("Trusted flagger · expert"))}</span></div>'
    )
    lines = []
    for row in rows:
        url = esc(row.url)
        cells = [f'<tr data-href="{url}" class="tier-{row.tier:d}">']
        if selectable:
            checked = " checked" if row.pk in ticked else ""
            cells.append(
                f'<td><input type="checkbox" name="cases" value="{row.pk:d}" '
                f'aria-label="{esc(row.select_label)}"{checked}></td>'
            )
        tier = ""
        if row.tier_label and not across:
            tier = f' <span class="tag tier">{esc(row.tier_label)}</span>'
        cells.append(f'<td class="num">{_number(row.priority)}{tier}</td>')
        cells.append(f'<td class="due{" late" if row.late else ""}">{esc(row.due)}</td>')
        if across:
            cells.append(f"<td>{esc(row.category)}</td>")
        after = ""
        if n := row.additional_reports:
            words = ngettext("+%(n)s after the decision", "+%(n)s after the decision", n)
            words = esc(words % {"n": _number(n)})
            after = f'<div class="muted" title="{after_title}">{words}</div>'
        cells.append(f'<td class="num">{_number(row.report_count)}{after}</td>')
        cells.append(f'<td class="num">{_number(row.distinct_reporters)}</td>')
        reason = f'<div class="muted">{esc(row.reason)}</div>' if row.reason else ""
        cells.append(f"<td>{esc(row.reported)}{reason}{expert if row.expert_notice else ''}</td>")
        kind = (
            f'<div><span class="tag kind">{esc(row.kind_tag)}</span></div>' if row.kind_tag else ""
        )
        cells.append(
            f'<td><a href="{url}">{esc(row.member)}</a>'
            f'<div class="muted">{esc(row.public_id)}</div>{kind}</td>'
        )
        language = (
            f'<span class="tag lang">{esc(row.language)}</span> ' if row.language_code else ""
        )
        snippet = ""
        if row.snippet:
            snippet = f'<span lang="{esc(row.language_code)}">{esc(row.snippet)}</span>'
        cells.append(f'<td class="snippet-cell">{language}{snippet}</td>')
        status = esc(row.status)
        cells.append(
            f'<td><span class="tag">{status}</span></td>' if row.held else f"<td>{status}</td>"
        )
        cells.append("</tr>")
        lines.append("".join(cells))
    return mark_safe("\n".join(lines))  # noqa: S308 (every value above is escaped)


@register.simple_tag
def filter_choices(field) -> str:
    """A filter's options (a select's) or boxes (several checks'), from filters.FilterField.

    The language filter alone has some hundred and fifty options: written in one pass, each
    value and label escaped.
    """
    if field.kind == "checks":
        id_, name = esc(field.id), esc(field.name)
        html = "".join(
            f'<div><label for="{id_}_{n}"><input type="checkbox" name="{name}" '
            f'value="{esc(value)}" id="{id_}_{n}"{" checked" if chosen else ""}> '
            f"{esc(label)}</label></div>"
            for n, (value, label, chosen) in enumerate(field.choices)
        )
    else:
        html = "".join(
            f'<option value="{esc(value)}"{" selected" if chosen else ""}>{esc(label)}</option>'
            for value, label, chosen in field.choices
        )
    return mark_safe(html)  # noqa: S308 (every value and label is escaped)
