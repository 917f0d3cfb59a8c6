"""The pieces the dashboard's sections are made of: a section, its tables, and the words and
charts of times (reports/web/dashboard.py puts them together)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.selectors.dashboard import Times
from reports.web.charts import Bar, Series, bar_chart, duration_axis, duration_words


@dataclass
class Column:
    label: str
    numeric: bool = True


@dataclass
class Table:
    caption: str
    columns: list[Column]
    # The first cell of a row is its heading.
    rows: list[list[object]]
    total: list[object] | None = None

    def _cells(self, row: list[object]) -> list[tuple[object, bool]]:
        return [(value, column.numeric) for value, column in zip(row, self.columns, strict=True)]

    @property
    def body(self) -> list[list[tuple[object, bool]]]:
        """Each row's cells beside whether they hold a number (aligned right)."""
        return [self._cells(row) for row in self.rows]

    @property
    def footer(self) -> list[tuple[object, bool]]:
        return self._cells(self.total) if self.total else []


@dataclass
class Section:
    slug: str
    title: str
    intro: str = ""
    figures: list[tuple[str, object]] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value) or "—"


def times_text(times: Times) -> str:
    return _("median %(median)s · 90%% within %(p90)s") % {
        "median": duration_words(times.median),
        "p90": duration_words(times.p90),
    }


def seconds(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds()


def times_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: list[tuple[str, Times]],
    colours: tuple[str, str],
) -> SafeString:
    """Median and p90 bars of some times, one row per name (time to action, emergencies)."""
    highest = max((seconds(t.p90) or 0 for _name, t in rows), default=0)
    return bar_chart(
        chart_id=chart_id,
        title=title,
        description=description,
        rows=[
            Bar(
                name,
                [seconds(t.median), seconds(t.p90)],
                _("%(median)s · %(p90)s")
                % {"median": duration_words(t.median), "p90": duration_words(t.p90)},
            )
            for name, t in rows
        ],
        series=[Series(_("Median"), colours[0]), Series(_("90% within"), colours[1])],
        axis=duration_axis(highest),
        overlay=True,
    )
