"""Small charts drawn on the server as inline SVG, so that the dashboard reads without JavaScript
and under the Content-Security-Policy (no style attributes: SVG presentation attributes only).

Three kinds: a line chart over days, horizontal bars (one or more series per row, or a median
drawn over its 90th percentile), and bars of shares (each row split into parts of 100 %). Each
chart is an image to assistive technology (`role="img"`, a title and a description); the page
puts its numbers in a table beside it. Colours are the Okabe–Ito palette, which people with any
common colour-vision deficiency tell apart; lines also differ by dash.
"""

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

# Okabe & Ito (2008): blue, vermillion, bluish green, reddish purple, orange, sky blue.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREY = "#8C8C8C"
PALETTE = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, GREY)

INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#d9dde5"

# Narrow enough that a phone shows the text near its size; a wide screen draws it larger.
WIDTH = 360
FONT = 13
SMALL = 12
# Figures written at the right end of a row stop short of the edge.
EDGE = WIDTH - 2


# Words ------------------------------------------------------------------------------------------


def duration_words(duration: timedelta | None, *, empty: str = "—") -> str:
    """A length as people say it at a glance: "45 s", "12 min", "3 h 20 min", "2 days 4 h"."""
    if duration is None:
        return empty
    seconds = max(round(duration.total_seconds()), 0)
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    if minutes < 48 * 60:
        hours, minutes = divmod(minutes, 60)
        if minutes == 0:
            return _("%(h)d h") % {"h": hours}
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(round(minutes / 60), 24)
    if hours and days < 10:
        return ngettext("%(d)d day %(h)d h", "%(d)d days %(h)d h", days) % {"d": days, "h": hours}
    return ngettext("%(d)d day", "%(d)d days", days) % {"d": days}


def percent_text(share: float | None) -> str:
    return "—" if share is None else _("%(p)d %%") % {"p": round(share * 100)}


def text_width(text: str, size: float = FONT) -> float:
    """About how wide a text is drawn: Chinese and other wide characters take a full em."""
    return sum(size * (1.0 if unicodedata.east_asian_width(c) in "WF" else 0.58) for c in str(text))


def fit(text: str, width: float, size: float = FONT) -> str:
    """The text, cut short with an ellipsis if it would be wider than `width`."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def day_label(day: date) -> str:
    """ "5 Mar": a day on a chart, in the reader's order of day and month."""
    return dateformat.format(day, pgettext("a day on a chart's axis (PHP date format)", "j M"))


# Axes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """Where the ticks go along a value axis, and how they read."""

    ticks: tuple[float, ...]
    label: object  # value → text

    @property
    def top(self) -> float:
        return self.ticks[-1]


def count_axis(highest: float, *, most: int = 5) -> Axis:
    """0 and whole steps of 1, 2 or 5 × 10ⁿ up to at least `highest`, at most `most` steps."""
    highest = max(highest, 1)
    raw = highest / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(int(step), 1)
    steps = math.ceil(highest / step)
    return Axis(
        tuple(step * n for n in range(steps + 1)), lambda v: f"{int(v):,}".replace(",", " ")
    )


def percent_axis() -> Axis:
    return Axis((0, 0.25, 0.5, 0.75, 1.0), percent_text)


DURATION_STEPS = [
    1,
    5,
    15,
    30,
    60,
    5 * 60,
    15 * 60,
    30 * 60,
    3600,
    2 * 3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    60 * 86400,
    90 * 86400,
    180 * 86400,
    365 * 86400,
]


def duration_axis(highest_seconds: float, *, most: int = 4) -> Axis:
    """Ticks on round lengths (15 min, 1 h, 6 h, 1 day, a week…), at most `most` steps."""
    highest = max(highest_seconds, 1)
    step = next((s for s in DURATION_STEPS if highest / s <= most), DURATION_STEPS[-1])
    steps = max(math.ceil(highest / step), 1)
    return Axis(
        tuple(step * n for n in range(steps + 1)),
        lambda v: "0" if v == 0 else duration_words(timedelta(seconds=v)),
    )


# Pieces of SVG ----------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**attributes) -> str:
    """SVG attributes, escaped; `stroke_width` is written stroke-width, None left out."""
    written = []
    for name, value in attributes.items():
        if value is not None:
            text = value if isinstance(value, str) else _n(value)
            written.append(f'{name.rstrip("_").replace("_", "-")}="{escape(text)}"')
    return " ".join(written)


def _element(tag: str, tip: str = "", **attributes) -> str:
    """One shape; `tip` is its own title, which browsers show on hover."""
    if tip:
        return f"<{tag} {_attrs(**attributes)}><title>{escape(tip)}</title></{tag}>"
    return f"<{tag} {_attrs(**attributes)}/>"


def _text(x: float, y: float, content: str, **attributes) -> str:
    attributes.setdefault("fill", INK)
    return f"<text {_attrs(x=x, y=y, **attributes)}>{escape(content)}</text>"


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> SafeString:
    # Every text and attribute value in it went through escape().
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f"{_attrs(viewBox=f'0 0 {WIDTH} {_n(height)}', width=WIDTH, height=height)} "
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-size="{FONT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


@dataclass(frozen=True)
class Series:
    label: str
    colour: str = BLUE
    dashed: bool = False


def _legend(series: Sequence[Series], y: float) -> tuple[list[str], float]:
    """Swatches and labels flowing left to right; returns the pieces and the height taken."""
    if len(series) < 2:
        return [], 0
    parts, x, line = [], 0.0, 0
    for one in series:
        width = 18 + text_width(one.label, SMALL) + 16
        if x and x + width > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * 20
        if one.dashed:
            parts.append(
                _element(
                    "line",
                    x1=x,
                    y1=top + 7,
                    x2=x + 14,
                    y2=top + 7,
                    stroke=one.colour,
                    stroke_width=3,
                    stroke_dasharray="4 2",
                )
            )
        else:
            parts.append(f"<rect {_attrs(x=x, y=top + 1, width=12, height=12, fill=one.colour)}/>")
        parts.append(
            _text(x + 18, top + 11, fit(one.label, WIDTH - x - 18, SMALL), font_size=SMALL)
        )
        x += width
    return parts, (line + 1) * 20 + 6


# Line chart over days ---------------------------------------------------------------------------


def _day_ticks(days: Sequence[date]) -> list[tuple[int, str]]:
    """Where to label the day axis: every day of a week, weekly or fortnightly over a few
    months, on the first of the month (a new year by its number) over longer periods."""
    n = len(days)
    if n <= 92:
        step = 1 if n <= 8 else 7 if n <= 45 else 14
        # The last day is labelled; the others count back from it.
        return [(i, day_label(days[i])) for i in range(n - 1, -1, -step)][::-1]
    every = 1 if n <= 200 else 2 if n <= 400 else 3 if n <= 800 else 6
    ticks = []
    for i, day in enumerate(days):
        if day.day == 1 and (day.month - 1) % every == 0:
            label = str(day.year) if day.month == 1 else dateformat.format(day, "M")
            ticks.append((i, label))
    return ticks


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    days: Sequence[date],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],
    height: float = 210,
) -> SafeString:
    """One line (with a light area beneath) per series over consecutive days."""
    body, legend_height = _legend(series, 0)
    axis = count_axis(max((max(v, default=0) for v in values), default=0))
    left = text_width(axis.label(axis.top), SMALL) + 10
    right = 12
    top = legend_height + 8
    bottom = height - 24
    plot_width = WIDTH - left - right
    n = len(days)

    def x_of(i: int) -> float:
        return left + (plot_width / 2 if n == 1 else i * plot_width / (n - 1))

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / axis.top

    for tick in axis.ticks:
        y = y_of(tick)
        body.append(f"<line {_attrs(x1=left, y1=y, x2=WIDTH - right, y2=y, stroke=GRID)}/>")
        body.append(
            _text(left - 6, y + 4, axis.label(tick), text_anchor="end", fill=MUTED, font_size=SMALL)
        )
    for i, label in _day_ticks(days):
        x = x_of(i)
        anchor = "middle"
        if x - text_width(label, SMALL) / 2 < 0:
            anchor = "start"
        elif x + text_width(label, SMALL) / 2 > WIDTH:
            anchor = "end"
        body.append(f"<line {_attrs(x1=x, y1=bottom, x2=x, y2=bottom + 4, stroke=MUTED)}/>")
        body.append(_text(x, bottom + 17, label, text_anchor=anchor, fill=MUTED, font_size=SMALL))
    body.append(f"<line {_attrs(x1=left, y1=bottom, x2=WIDTH - right, y2=bottom, stroke=MUTED)}/>")
    for one, points in zip(series, values, strict=True):
        coordinates = " ".join(f"{_n(x_of(i))},{_n(y_of(v))}" for i, v in enumerate(points))
        if n > 1:
            area = f"{_n(x_of(0))},{_n(bottom)} {coordinates} {_n(x_of(n - 1))},{_n(bottom)}"
            body.append(f"<polygon {_attrs(points=area, fill=one.colour, fill_opacity=0.12)}/>")
            body.append(
                _element(
                    "polyline",
                    points=coordinates,
                    fill="none",
                    stroke=one.colour,
                    stroke_width=2.5,
                    stroke_linejoin="round",
                    stroke_dasharray="6 3" if one.dashed else None,
                )
            )
        if n <= 45:
            for i, v in enumerate(points):
                body.append(
                    f"<circle {_attrs(cx=x_of(i), cy=y_of(v), r=3, fill=one.colour)}>"
                    f"<title>{escape(f'{day_label(days[i])}: {one.label} {v}')}</title></circle>"
                )
    return _svg(chart_id, title, description, height, body)


# Horizontal bars --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row: its label, one value per series (None: nothing to draw), and the figures written
    at its end."""

    label: str
    values: Sequence[float | None]
    text: str = ""


def _row_head(y: float, row: Bar) -> tuple[list[str], float]:
    """The row's label on the left and its figures on the right, on one line above the bar;
    when both do not fit, the figures go on a line of their own. Returns the height taken."""
    # A white outline keeps the text clear of the grid lines behind it.
    halo = {"stroke": "#ffffff", "stroke_width": 3, "paint_order": "stroke"}
    text_space = text_width(row.text, SMALL) + 12 if row.text else 0
    label_width = text_width(row.label)
    if not row.text or label_width + text_space <= WIDTH:
        parts = [_text(0, y + 13, row.label, **halo)]
        if row.text:
            parts.append(
                _text(
                    EDGE, y + 13, row.text, text_anchor="end", fill=MUTED, font_size=SMALL, **halo
                )
            )
        return parts, 19
    parts = [
        _text(0, y + 13, fit(row.label, WIDTH), **halo),
        _text(
            EDGE,
            y + 29,
            fit(row.text, WIDTH),
            text_anchor="end",
            fill=MUTED,
            font_size=SMALL,
            **halo,
        ),
    ]
    return parts, 35


def _value_axis(body: list[str], axis: Axis, top: float, bottom: float, *, at: int) -> None:
    """Vertical grid lines behind the rows (inserted at `at`), and their labels below."""
    for n, tick in enumerate(axis.ticks):
        x = (WIDTH - 1) * tick / axis.top
        body.insert(at + n, f"<line {_attrs(x1=x, y1=top, x2=x, y2=bottom, stroke=GRID)}/>")
        anchor = "start" if n == 0 else "end" if n == len(axis.ticks) - 1 else "middle"
        body.append(
            _text(
                min(x, EDGE),
                bottom + 15,
                axis.label(tick),
                text_anchor=anchor,
                fill=MUTED,
                font_size=SMALL,
            )
        )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[Bar],
    series: Sequence[Series],
    axis: Axis,
    overlay: bool = False,
) -> SafeString:
    """Horizontal bars, one row per `Bar`, each with one bar per series.

    With `overlay` the series are drawn over each other, the first in front, thinner: a median
    over its 90th percentile.
    """
    body, y = _legend(series, 0)
    y += 4
    top = y
    grid_at = len(body)
    bar_height = 14 if overlay or len(series) == 1 else 9
    for row in rows:
        head, taken = _row_head(y, row)
        body.extend(head)
        y += taken
        if overlay:
            # The last series behind at full height, each one before it thinner, in front.
            pairs = list(zip(series, row.values, strict=True))
            for n, (one, value) in reversed(list(enumerate(pairs))):
                if value is not None:
                    inset = 4 * (len(pairs) - 1 - n)
                    body.append(
                        _bar(value, axis, y + inset, bar_height - 2 * inset, one, row.label)
                    )
            y += bar_height
        else:
            for one, value in zip(series, row.values, strict=True):
                if value is not None:
                    body.append(_bar(value, axis, y, bar_height, one, row.label))
                y += bar_height + 1
        y += 9
    _value_axis(body, axis, top, y, at=grid_at)
    return _svg(chart_id, title, description, y + 22, body)


def _bar(value: float, axis: Axis, y: float, height: float, series: Series, label: str) -> str:
    width = max((WIDTH - 1) * min(value, axis.top) / axis.top, 1.5 if value else 0)
    return (
        f"<rect {_attrs(x=0, y=y, width=width, height=height, fill=series.colour, rx=2)}>"
        f"<title>{escape(f'{label} — {series.label}: {axis.label(value)}')}</title></rect>"
    )


def share_chart(
    *, chart_id: str, title: str, description: str, rows: Sequence[Bar], series: Sequence[Series]
) -> SafeString:
    """Each row's counts (one per series) as parts of a bar of 100 %."""
    body, y = _legend(series, 0)
    y += 4
    top = y
    grid_at = len(body)
    axis = percent_axis()
    for row in rows:
        head, taken = _row_head(y, row)
        body.extend(head)
        y += taken
        total = sum(v or 0 for v in row.values)
        x = 0.0
        for one, value in zip(series, row.values, strict=True):
            if not value or not total:
                continue
            width = (WIDTH - 1) * value / total
            tip = f"{row.label} — {one.label}: {value} ({percent_text(value / total)})"
            body.append(
                _element(
                    "rect",
                    tip,
                    x=x,
                    y=y,
                    width=width,
                    height=14,
                    fill=one.colour,
                    stroke="#ffffff",
                    stroke_width=1,
                )
            )
            x += width
        y += 14 + 9
    _value_axis(body, axis, top, y, at=grid_at)
    return _svg(chart_id, title, description, y + 22, body)
