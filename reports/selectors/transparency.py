"""The DSA transparency report (Art. 15 and 24) of a period, as plain data: ints, ISO dates,
durations in seconds, category slugs and names. The page, its CSV and JSON and the
`transparency_report` command all print this one dict, so they always agree.

Every figure is read from the daily figures (models/figures.py), never from the raw tables: five
queries whatever the period (categories, flaggers' names, the counts, the time histograms, the
monthly active recipients), so a year of a million reports answers as fast as a week. Days are
UTC days; medians are read off the daily histograms (selectors/figures.py), within 5 %.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import Sum

from reports.models import (
    ActiveRecipients,
    AppealKind,
    AppealOutcome,
    Category,
    DailyFigure,
    FlaggerOrganisation,
    Metric,
)
from reports.models.choices import (
    DecisionAction,
    DecisionSource,
    Ground,
    MisuseKind,
    ReportSource,
    ReportStatus,
)
from reports.selectors.figures import quantile, summed_histograms

# The longest period the report is asked for: three years, a leap day included.
MAX_DAYS = 3 * 365 + 1

MEMBER_SOURCES = (ReportSource.WEB.value, ReportSource.APP.value)
NOTICE_SOURCES = tuple(ReportSource.values)
CLOSED_AS = tuple(s.value for s in ReportStatus if s != ReportStatus.OPEN)
# Actions taken: every decision but "no violation", in the order DecisionAction declares them.
ACTIONS = tuple(a.value for a in DecisionAction if a != DecisionAction.NO_VIOLATION)
GROUNDS = (Ground.ILLEGAL_CONTENT.value, Ground.INCOMPATIBLE_CONTENT.value)
APPEAL_KINDS = tuple(AppealKind.values)
APPEAL_OUTCOMES = tuple(AppealOutcome.values)

# The counted figures of the period by metric, each summed over days, languages and tiers.
Rows = dict[str, list[dict]]

_COUNTED = (
    Metric.NOTICES,
    Metric.NOTICES_CLOSED,
    Metric.NOTICES_IMPRECISE,
    Metric.DECISIONS,
    Metric.APPEALS_RECEIVED,
    Metric.APPEALS_DECIDED,
)
_DIMENSIONS = (
    "metric",
    "category_id",
    "source",
    "flagger",
    "outcome",
    "action",
    "ground",
    "automated_detection",
    "automated_decision",
    "misuse",
)


def transparency_report(start: date, end: date) -> dict:
    """The report from `start` to `end`, both UTC days included."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    rows = _counts(start, end)
    times = _histograms(start, end)
    categories = list(Category.objects.order_by("position", "name", "pk"))
    flaggers = dict(FlaggerOrganisation.objects.values_list("id", "name"))
    return {
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "days": (end - start).days + 1,
        },
        "notices": _notices(rows, categories, flaggers),
        "actions": _actions(rows, categories),
        "automation": _automation(rows),
        "time_to_action": _time_to_action(rows, times, categories),
        "own_initiative": _own_initiative(rows, categories),
        "complaints": _complaints(rows, times, categories),
        "suspensions": _suspensions(rows),
        "active_recipients": _active_recipients(start, end),
    }


# The queries -------------------------------------------------------------------------------


def _counts(start: date, end: date) -> Rows:
    """Every counted figure of the period, summed over its days, languages and tiers, by metric."""
    rows: Rows = defaultdict(list)
    for row in (
        DailyFigure.objects.filter(metric__in=_COUNTED, day__gte=start, day__lte=end)
        .values(*_DIMENSIONS)
        .annotate(n=Sum("count"))
        .order_by()
    ):
        rows[row["metric"]].append(row)
    return rows


def _histograms(start: date, end: date) -> dict[tuple, Counter]:
    """The merged time histograms of actions (by category) and of decided complaints (by
    category and kind), summed in the database."""
    rows = DailyFigure.objects.filter(
        metric__in=[Metric.DECISIONS, Metric.APPEALS_DECIDED], day__gte=start, day__lte=end
    ).exclude(metric=Metric.DECISIONS, action=DecisionAction.NO_VIOLATION)
    merged: dict[tuple, Counter] = defaultdict(Counter)
    for (metric, category_id, source), counts in summed_histograms(
        rows, "metric", "category", "source"
    ).items():
        key = (
            (metric, category_id, source)
            if metric == Metric.APPEALS_DECIDED
            else (metric, category_id)
        )
        merged[key].update(counts)
    return merged


def _active_recipients(start: date, end: date) -> dict:
    """The months entered in the admin that overlap the period, their average, and the
    months not entered."""
    entered = list(
        ActiveRecipients.objects.filter(month__gte=start.replace(day=1), month__lte=end).order_by(
            "month"
        )
    )
    months = list(_months(start, end))
    found = {row.month for row in entered}
    eu = [row.eu_count for row in entered if row.eu_count is not None]
    return {
        "average": _average(row.count for row in entered),
        "eu_average": _average(eu),
        "months": [
            {"month": f"{row.month:%Y-%m}", "count": row.count, "eu_count": row.eu_count}
            for row in entered
        ],
        "missing": [f"{month:%Y-%m}" for month in months if month not in found],
    }


# The sections ------------------------------------------------------------------------------


def _notices(rows: Rows, categories: list[Category], flaggers: dict[int, str]) -> dict:
    received = _sum(rows, Metric.NOTICES, "source")
    closed = _sum(rows, Metric.NOTICES_CLOSED, "outcome")
    imprecise = _sum(rows, Metric.NOTICES_IMPRECISE)

    def by_source(**where) -> dict:
        # A notice from a trusted flagger's member is the organisation's (Art. 22), through
        # whichever channel it came: the report counts it under its flagger, so the totals do too.
        counts = _sum(rows, Metric.NOTICES, "source", flagger=0, **where)
        counts[ReportSource.TRUSTED_FLAGGER.value] += (
            _sum(rows, Metric.NOTICES, **where).total() - counts.total()
        )
        return {
            "members": sum(counts[s] for s in MEMBER_SOURCES),
            **{source: counts[source] for source in NOTICE_SOURCES},
        }

    def closed_as(**where) -> dict:
        counts = _sum(rows, Metric.NOTICES_CLOSED, "outcome", **where)
        return {**{outcome: counts[outcome] for outcome in CLOSED_AS}, "total": counts.total()}

    flagger_ids = sorted(
        {row["flagger"] for metric in _NOTICE_METRICS for row in rows[metric] if row["flagger"]},
        key=lambda pk: (flaggers.get(pk, ""), pk),
    )
    return {
        "received": received.total(),
        "by_source": by_source(),
        "closed": {**{o: closed[o] for o in CLOSED_AS}, "total": closed.total()},
        "imprecise": imprecise.total(),
        "by_category": [
            {
                **_named(category),
                "received": _sum(rows, Metric.NOTICES, category_id=category.pk).total(),
                "by_source": by_source(category_id=category.pk),
                "closed": closed_as(category_id=category.pk),
                "imprecise": _sum(rows, Metric.NOTICES_IMPRECISE, category_id=category.pk).total(),
            }
            for category in _with_figures(rows, categories, _NOTICE_METRICS)
        ],
        "trusted_flaggers": [
            {
                "flagger": pk,
                "name": flaggers.get(pk, f"#{pk}"),
                "received": _sum(rows, Metric.NOTICES, flagger=pk).total(),
                "closed": closed_as(flagger=pk),
                "imprecise": _sum(rows, Metric.NOTICES_IMPRECISE, flagger=pk).total(),
            }
            for pk in flagger_ids
        ],
    }


_NOTICE_METRICS = (Metric.NOTICES, Metric.NOTICES_CLOSED, Metric.NOTICES_IMPRECISE)


def _action_figures(rows: Rows, **where) -> dict:
    by_type = _sum(rows, Metric.DECISIONS, "action", **where)
    by_ground = _sum(rows, Metric.DECISIONS, "ground", actions_only=True, **where)
    return {
        "total": sum(by_type[a] for a in ACTIONS),
        "by_ground": {ground: by_ground[ground] for ground in GROUNDS},
        "by_type": {action: by_type[action] for action in ACTIONS},
    }


def _actions(rows: Rows, categories: list[Category]) -> dict:
    decisions = _sum(rows, Metric.DECISIONS, "outcome", actions_only=True)
    return {
        **_action_figures(rows),
        "reversed_on_appeal": decisions["reversed"],
        "no_violation": _sum(rows, Metric.DECISIONS, action=DecisionAction.NO_VIOLATION).total(),
        "by_category": [
            {**_named(category), **_action_figures(rows, category_id=category.pk)}
            for category in _with_figures(rows, categories, (Metric.DECISIONS,), actions=True)
        ],
    }


def _automation(rows: Rows) -> dict:
    return {
        "decisions": _sum(rows, Metric.DECISIONS).total(),
        "automated_detection": _sum(rows, Metric.DECISIONS, automated_detection=True).total(),
        "automated_decision": _sum(rows, Metric.DECISIONS, automated_decision=True).total(),
        "actions_automated_detection": _sum(
            rows, Metric.DECISIONS, actions_only=True, automated_detection=True
        ).total(),
        "actions_automated_decision": _sum(
            rows, Metric.DECISIONS, actions_only=True, automated_decision=True
        ).total(),
    }


def _time_to_action(rows: Rows, times: dict, categories: list[Category]) -> dict:
    of_category = {
        key[1]: histogram for key, histogram in times.items() if key[0] == Metric.DECISIONS
    }
    everything = sum(of_category.values(), Counter())
    return {
        "median_seconds": _median(everything),
        "actions": everything.total(),
        "by_category": [
            {
                **_named(category),
                "median_seconds": _median(of_category[category.pk]),
                "actions": of_category[category.pk].total(),
            }
            for category in categories
            if of_category.get(category.pk)
        ],
    }


def _own_initiative(rows: Rows, categories: list[Category]) -> dict:
    own = {
        Metric.DECISIONS: [
            row for row in rows[Metric.DECISIONS] if row["source"] == DecisionSource.OWN_INITIATIVE
        ]
    }
    return {
        **_action_figures(own),
        "by_category": [
            {**_named(category), **_action_figures(own, category_id=category.pk)}
            for category in _with_figures(own, categories, (Metric.DECISIONS,), actions=True)
        ],
    }


def _complaint_figures(rows: Rows, times: dict, **where) -> dict:
    outcomes = _sum(rows, Metric.APPEALS_DECIDED, "outcome", **where)
    category_id, kind = where.get("category_id"), where.get("source")
    histogram = sum(
        (
            counter
            for (metric, *key), counter in times.items()
            if metric == Metric.APPEALS_DECIDED
            and category_id in (None, key[0])
            and kind in (None, key[1])
        ),
        Counter(),
    )
    return {
        "received": _sum(rows, Metric.APPEALS_RECEIVED, **where).total(),
        "decided": outcomes.total(),
        "median_decision_seconds": _median(histogram),
        "outcomes": {outcome: outcomes[outcome] for outcome in APPEAL_OUTCOMES},
    }


def _complaints(rows: Rows, times: dict, categories: list[Category]) -> dict:
    metrics = (Metric.APPEALS_RECEIVED, Metric.APPEALS_DECIDED)
    return {
        **_complaint_figures(rows, times),
        "by_kind": {kind: _complaint_figures(rows, times, source=kind) for kind in APPEAL_KINDS},
        "by_category": [
            {**_named(category), **_complaint_figures(rows, times, category_id=category.pk)}
            for category in _with_figures(rows, categories, metrics)
        ],
    }


def _suspensions(rows: Rows) -> dict:
    return {
        "illegal_content": _sum(rows, Metric.DECISIONS, misuse=MisuseKind.ILLEGAL_CONTENT).total(),
        "unfounded_notices": _sum(
            rows, Metric.DECISIONS, misuse=MisuseKind.UNFOUNDED_NOTICES
        ).total(),
        # hellomod does not suspend anyone for manifestly unfounded complaints (yet).
        "unfounded_complaints": 0,
    }


# Helpers -----------------------------------------------------------------------------------


def _sum(
    rows: Rows,
    metric: str,
    by: str | None = None,
    *,
    actions_only: bool = False,
    **where,
) -> Counter:
    """The counts of one metric's rows that match `where`, by the value of `by`."""
    total: Counter = Counter()
    for row in rows.get(metric, ()):
        if any(row[name] != value for name, value in where.items()):
            continue
        if actions_only and row["action"] == DecisionAction.NO_VIOLATION:
            continue
        total[row[by] if by else None] += row["n"]
    return total


def _with_figures(
    rows: Rows,
    categories: list[Category],
    metrics: Iterable[str],
    *,
    actions: bool = False,
) -> list[Category]:
    """The categories with a figure of these metrics in the period, in the report form's order."""
    present = {
        row["category_id"]
        for metric in metrics
        for row in rows.get(metric, ())
        if row["n"] and not (actions and row["action"] == DecisionAction.NO_VIOLATION)
    }
    return [category for category in categories if category.pk in present]


def _named(category: Category) -> dict:
    return {"category": category.slug, "name": category.display_name}


def _median(histogram: Counter | None) -> int | None:
    median = quantile(histogram or Counter(), 0.5)
    return None if median is None else int(median.total_seconds())


def _average(values: Iterable[int]) -> int | None:
    values = list(values)
    return round(sum(values) / len(values)) if values else None


def _months(start: date, end: date) -> Iterator[date]:
    # Counted as (year, month): a period in December 9999 has no month after it to step to.
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
