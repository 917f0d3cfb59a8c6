"""The transparency report (selectors/transparency.py) as files: CSV, one row per figure, and
JSON. The page's downloads and the `transparency_report` command write these,
so a figure reads the same everywhere.
"""

import csv
import io
import json
from collections.abc import Iterator


def report_rows(report: dict) -> Iterator[tuple[str, str, str, object]]:
    """The report flattened for a CSV: (section, item, breakdown, value), one row per figure.

    A list of rows about one category, flagger or month becomes the breakdown
    ("category=spam-solicitation"); names are left out (the JSON has them).
    """
    for section, figures in report.items():
        yield from _flatten(section, "", "", figures)


_IDENTITIES = ("category", "flagger", "month")


def _flatten(section: str, item: str, breakdown: str, value) -> Iterator[tuple]:
    if isinstance(value, dict):
        identity = next((key for key in _IDENTITIES if key in value), None)
        if identity is not None:
            breakdown = ";".join(filter(None, [breakdown, f"{identity}={value[identity]}"]))
        for key, inner in value.items():
            if key == "name" or key == identity:
                continue
            yield from _flatten(section, f"{item}.{key}" if item else key, breakdown, inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _flatten(section, item, breakdown, inner)
    else:
        yield section, item, breakdown, "" if value is None else value


CSV_HEADER = ("section", "item", "breakdown", "value")


def report_csv(report: dict) -> str:
    """The report as CSV text, with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(report_rows(report))
    return buffer.getvalue()


def report_json(report: dict) -> str:
    """The report as pretty JSON; its keys are always the same, in the same order."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
