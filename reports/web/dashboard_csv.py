"""The dashboard's numbers as one flat CSV file: a row per number, with its section, the day
(for the queue), the category (slug), the tier, a breakdown (action, ground, source, moderator or
organisation), the measure and the value. Durations in seconds, shares as fractions."""

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

from reports.models import Category, Tier
from reports.selectors.dashboard import Dashboard, NoticeQuality, Overturns

# --------------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "day", "category", "tier", "breakdown", "measure", "value"]


def csv_rows(board: Dashboard, categories: dict[int, Category]) -> Iterator[list[object]]:
    """The dashboard's numbers as flat rows: section, day, category (slug), tier, breakdown
    (action, ground, source, moderator or organisation), measure and value. Durations in
    seconds, shares as fractions."""

    def slug(pk: int) -> str:
        category = categories.get(pk)
        return category.slug if category else str(pk)

    def seconds(duration: timedelta | None) -> object:
        return "" if duration is None else round(duration.total_seconds())

    def share(value: float | None) -> object:
        return "" if value is None else round(value, 4)

    for day in board.queue:
        yield ["queue", day.day.isoformat(), "", "", "", "open", day.open]
        yield ["queue", day.day.isoformat(), "", "", "", "overdue", day.overdue]
    for name, source in (
        ("sla_decisions", board.decision_sla),
        ("sla_first_actions", board.first_action_sla),
    ):
        for (pk, tier), sla in sorted(source.items()):
            yield [name, "", slug(pk), tier, "", "count", sla.count]
            yield [name, "", slug(pk), tier, "", "within_sla", sla.within]
            yield [name, "", slug(pk), tier, "", "within_sla_share", share(sla.share)]
    for pk, times in sorted(board.time_to_action.items()):
        yield ["time_to_action", "", slug(pk), "", "", "count", times.count]
        yield ["time_to_action", "", slug(pk), "", "", "median_seconds", seconds(times.median)]
        yield ["time_to_action", "", slug(pk), "", "", "p90_seconds", seconds(times.p90)]
    for action, n in sorted(board.actions.items()):
        yield ["actions", "", "", "", action, "count", n]
    for ground, n in sorted(board.grounds.items()):
        yield ["grounds", "", "", "", ground, "count", n]
    for (detected, decided), n in sorted(board.automation.items()):
        how = "+".join(
            (
                "automated_detection" if detected else "human_detection",
                "automated_decision" if decided else "human_decision",
            )
        )
        yield ["automation", "", "", "", how, "count", n]

    def overturns(section: str, category: str, breakdown: str, o: Overturns):
        for measure, value in (
            ("received", o.received),
            ("decided", o.decided),
            ("upheld", o.upheld),
            ("reversed", o.reversed),
            ("replaced", o.replaced),
            ("overturn_rate", share(o.rate)),
        ):
            yield [section, "", category, "", breakdown, measure, value]

    for pk, o in sorted(board.appeals_by_category.items()):
        yield from overturns("appeals_by_category", slug(pk), "", o)
    for pk, o in sorted(board.appeals_by_moderator.items()):
        name = board.moderator_names.get(pk) or f"#{pk}"
        yield from overturns("appeals_by_moderator", "", name, o)

    def notices(section: str, breakdown: str, q: NoticeQuality):
        for measure, value in (
            ("closed", q.closed),
            ("actioned", q.actioned),
            ("no_violation", q.no_violation),
            ("dismissed", q.dismissed),
            ("actioned_share", share(q.actioned_share)),
            ("no_violation_share", share(q.no_violation_share)),
            ("imprecise", q.imprecise),
        ):
            yield [section, "", "", "", breakdown, measure, value]

    for source, q in sorted(board.notices_by_source.items()):
        yield from notices("notices_by_source", source, q)
    for pk, q in sorted(board.notices_by_flagger.items()):
        yield from notices("notices_by_flagger", board.flagger_names.get(pk) or f"#{pk}", q)
    e = board.emergencies
    tier = int(Tier.EMERGENCY)
    yield ["emergencies", "", "", tier, "", "opened", board.emergencies_opened]
    yield ["emergencies", "", "", tier, "", "first_actions", e.count]
    yield ["emergencies", "", "", tier, "", "within_sla", board.emergencies_within_sla.within]
    yield ["emergencies", "", "", tier, "", "median_seconds", seconds(e.median)]
    yield ["emergencies", "", "", tier, "", "p90_seconds", seconds(e.p90)]
    for pk, times in sorted(board.emergencies_by_category.items()):
        yield ["emergencies", "", slug(pk), tier, "", "first_actions", times.count]
        yield ["emergencies", "", slug(pk), tier, "", "median_seconds", seconds(times.median)]
        yield ["emergencies", "", slug(pk), tier, "", "p90_seconds", seconds(times.p90)]


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def dashboard_csv(board: Dashboard, categories: dict[int, Category]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(board, categories):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
