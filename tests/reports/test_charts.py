"""The dashboard's charts: well-formed SVG that escapes what people typed, round ticks, and
lengths in words."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from reports.web.charts import (
    Bar,
    Series,
    bar_chart,
    count_axis,
    duration_axis,
    duration_words,
    fit,
    line_chart,
    share_chart,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup drawn by the module under test


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (42, "42 s"),
        (12 * 60, "12 min"),
        (3 * 3600, "3 h"),
        (3 * 3600 + 20 * 60, "3 h 20 min"),
        (2 * 86400, "2 days"),
        (2 * 86400 + 4 * 3600, "2 days 4 h"),
        (30 * 86400 + 3600, "30 days"),
    ],
)
def test_lengths_read_as_words(seconds, words):
    assert duration_words(timedelta(seconds=seconds)) == words
    assert duration_words(None) == "—"


def test_axes_tick_on_round_numbers_and_lengths():
    assert count_axis(0).ticks == (0, 1)
    assert count_axis(7).ticks == (0, 2, 4, 6, 8)
    assert count_axis(1234).ticks == (0, 500, 1000, 1500)
    assert duration_axis(5 * 3600).ticks == (0, 7200, 14400, 21600)
    assert duration_axis(5 * 3600).label(7200) == "2 h"


def test_a_year_of_days_is_well_formed_with_month_ticks():
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]
    root = parsed(
        line_chart(
            chart_id="queue",
            title="Queue",
            description="Open cases",
            days=days,
            series=[Series("Open"), Series("Overdue", dashed=True)],
            values=[[n % 40 for n in range(365)], [n % 7 for n in range(365)]],
        )
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "queue-title queue-desc"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "2025" in labels and "Jul" in labels
    assert len(root.findall(f"{SVG}polyline")) == 2


def test_one_day_draws_a_point():
    root = parsed(
        line_chart(
            chart_id="q",
            title="Queue",
            description="",
            days=[date(2025, 3, 1)],
            series=[Series("Open")],
            values=[[4]],
        )
    )
    assert len(root.findall(f"{SVG}circle")) == 1


def test_names_people_typed_are_escaped_and_long_ones_cut_short():
    name = '<script>alert("x")</script> & Sons ' + "very long name " * 6
    svg = bar_chart(
        chart_id="mods",
        title="Overturns",
        description="",
        rows=[Bar(name, [0.5], "50 % of 2")],
        series=[Series("Overturn rate")],
        axis=count_axis(1),
    )
    assert "<script>" not in svg
    root = parsed(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert any(
        t.startswith('<script>alert("x")</script> & Sons') and t.endswith("…") for t in texts
    )
    assert "50 % of 2" in texts


def test_wide_characters_count_double():
    assert text_width("仇恨言论") > text_width("hate")
    assert fit("仇恨言论仇恨言论仇恨言论", 40).endswith("…")


def test_shares_split_a_row_in_parts_of_its_total():
    root = parsed(
        share_chart(
            chart_id="s",
            title="Outcomes",
            description="",
            rows=[Bar("Spam", [1, 1, 0], "50 % overturned of 2")],
            series=[Series("Upheld"), Series("Reversed"), Series("Replaced")],
        )
    )
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [float(r.get("width")) for r in bars] == [179.5, 179.5]
