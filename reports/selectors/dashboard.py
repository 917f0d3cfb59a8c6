"""The T&S dashboard's figures over a period: queue depth, SLA, time to action, actions,
automation, appeals, notice quality and emergencies.

Everything is read from the daily figures (models/figures.py), never from the raw tables, in a
fixed number of queries whatever the period: counts are summed and grouped in SQL; the time
histograms are fetched (that column only, for the rows that need it) and merged here.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, Q, Sum

from accounts.models import User
from reports.models import (
    AppealOutcome,
    Category,
    DailyFigure,
    DecisionAction,
    FigureCursor,
    FlaggerOrganisation,
    Metric,
    ReportStatus,
    Tier,
)
from reports.selectors.figures import quantile, summed_histograms


def dashboard_categories() -> list[Category]:
    """Every category, as the filter offers them and the tables name them (one query)."""
    return list(Category.objects.order_by("position", "name"))


def figures_updated_at() -> datetime | None:
    """When the beat task last refreshed the figures (one query)."""
    return FigureCursor.objects.aggregate(last=Max("updated_at"))["last"]


@dataclass
class Times:
    """How many, and how long they took: the median and the 90th percentile."""

    count: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None

    @classmethod
    def of(cls, merged: Counter) -> "Times":
        return cls(sum(merged.values()), quantile(merged, 0.5), quantile(merged, 0.9))


@dataclass
class Sla:
    count: int = 0
    within: int = 0

    @property
    def share(self) -> float | None:
        return self.within / self.count if self.count else None

    def add(self, count: int, within: int) -> None:
        self.count += count
        self.within += within


@dataclass
class Overturns:
    """Appeals received and decided, and what became of the decided ones."""

    received: int = 0
    upheld: int = 0
    reversed: int = 0
    replaced: int = 0

    @property
    def decided(self) -> int:
        return self.upheld + self.reversed + self.replaced

    @property
    def overturned(self) -> int:
        return self.reversed + self.replaced

    @property
    def rate(self) -> float | None:
        """(Reversed + replaced) ÷ decided; None before any decision."""
        return self.overturned / self.decided if self.decided else None


@dataclass
class NoticeQuality:
    """Notices closed, by what became of them, and those marked imprecise."""

    actioned: int = 0
    no_violation: int = 0
    dismissed: int = 0
    imprecise: int = 0

    @property
    def closed(self) -> int:
        return self.actioned + self.no_violation + self.dismissed

    @property
    def actioned_share(self) -> float | None:
        return self.actioned / self.closed if self.closed else None

    @property
    def no_violation_share(self) -> float | None:
        return self.no_violation / self.closed if self.closed else None


@dataclass
class QueueDay:
    day: date
    open: int = 0
    overdue: int = 0


@dataclass
class Dashboard:
    start: date
    end: date
    updated_at: datetime | None
    queue: list[QueueDay]
    # (category id, tier) → SLA of decisions / of first actions
    decision_sla: dict[tuple[int, int], Sla]
    first_action_sla: dict[tuple[int, int], Sla]
    # category id → time from first report to an action (decisions other than no violation)
    time_to_action: dict[int, Times]
    time_to_action_all: Times
    actions: dict[str, int]
    grounds: dict[str, int]
    # (detected automatically, decided automatically) → decisions
    automation: dict[tuple[bool, bool], int]
    appeals: Overturns
    appeals_by_category: dict[int, Overturns]
    # moderator id → overturns of their decisions; names beside them
    appeals_by_moderator: dict[int, Overturns]
    moderator_names: dict[int, str]
    notices_by_source: dict[str, NoticeQuality]
    notices_by_flagger: dict[int, NoticeQuality]
    flagger_names: dict[int, str]
    emergencies: Times
    emergencies_within_sla: Sla
    emergencies_by_category: dict[int, Times]
    emergencies_opened: int
    has_figures: bool = False

    @property
    def decisions(self) -> int:
        return sum(self.actions.values())

    def decision_sla_total(self) -> Sla:
        total = Sla()
        for sla in self.decision_sla.values():
            total.add(sla.count, sla.within)
        return total


def dashboard(start: date, end: date, *, categories: list[int] | None = None) -> Dashboard:
    """The dashboard's figures from `start` to `end` (both days included), for some categories
    or all of them. Eight queries, whatever the period."""

    def rows(*metrics: str):
        found = DailyFigure.objects.filter(metric__in=metrics, day__gte=start, day__lte=end)
        if categories is not None:
            found = found.filter(category__in=categories)
        return found

    summed = {"n": Sum("count"), "within": Sum("within_sla")}

    # 1. Queue depth per day.
    queue = {
        start + timedelta(days=n): QueueDay(start + timedelta(days=n))
        for n in range((end - start).days + 1)
    }
    found = False
    for row in (
        rows(Metric.QUEUE_OPEN, Metric.QUEUE_OVERDUE)
        .values("day", "metric")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        found = True
        day = queue[row["day"]]
        if row["metric"] == Metric.QUEUE_OPEN:
            day.open = row["n"]
        else:
            day.overdue = row["n"]

    # 2. Decisions by every dimension the dashboard breaks them down by.
    decision_sla: dict[tuple[int, int], Sla] = defaultdict(Sla)
    actions: Counter = Counter()
    grounds: Counter = Counter()
    automation: Counter = Counter()
    for row in (
        rows(Metric.DECISIONS)
        .values("category", "tier", "action", "ground", "automated_detection", "automated_decision")
        .annotate(**summed)
        .order_by()
    ):
        found = True
        decision_sla[(row["category"], row["tier"])].add(row["n"], row["within"])
        actions[row["action"]] += row["n"]
        grounds[row["ground"]] += row["n"]
        automation[(row["automated_detection"], row["automated_decision"])] += row["n"]

    # 3. First actions (and emergencies among them) and emergency cases opened.
    first_action_sla: dict[tuple[int, int], Sla] = defaultdict(Sla)
    emergencies_within = Sla()
    emergencies_opened = 0
    for row in (
        rows(Metric.FIRST_ACTIONS, Metric.CASES_OPENED)
        .values("metric", "category", "tier")
        .annotate(**summed)
        .order_by()
    ):
        found = True
        if row["metric"] == Metric.CASES_OPENED:
            if row["tier"] == Tier.EMERGENCY:
                emergencies_opened += row["n"]
            continue
        first_action_sla[(row["category"], row["tier"])].add(row["n"], row["within"])
        if row["tier"] == Tier.EMERGENCY:
            emergencies_within.add(row["n"], row["within"])

    # 4. The histograms: decisions that acted, and emergencies' first actions.
    merged = summed_histograms(
        rows(Metric.DECISIONS, Metric.FIRST_ACTIONS).filter(
            Q(metric=Metric.DECISIONS) & ~Q(action=DecisionAction.NO_VIOLATION)
            | Q(metric=Metric.FIRST_ACTIONS, tier=Tier.EMERGENCY)
        ),
        "metric",
        "category",
    )
    merged_acted = {
        category: counts
        for (metric, category), counts in merged.items()
        if metric == Metric.DECISIONS
    }
    merged_emergencies = {
        category: counts
        for (metric, category), counts in merged.items()
        if metric == Metric.FIRST_ACTIONS
    }

    # 5. Appeals, by category and by the moderator who took the appealed decision.
    appeals = Overturns()
    by_category: dict[int, Overturns] = defaultdict(Overturns)
    by_moderator: dict[int, Overturns] = defaultdict(Overturns)
    for row in (
        rows(Metric.APPEALS_RECEIVED, Metric.APPEALS_DECIDED)
        .values("metric", "category", "moderator", "outcome")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        found = True
        for tally in (appeals, by_category[row["category"]], by_moderator[row["moderator"]]):
            if row["metric"] == Metric.APPEALS_RECEIVED:
                tally.received += row["n"]
            elif row["outcome"] == AppealOutcome.UPHELD:
                tally.upheld += row["n"]
            elif row["outcome"] == AppealOutcome.REVERSED:
                tally.reversed += row["n"]
            elif row["outcome"] == AppealOutcome.REPLACED:
                tally.replaced += row["n"]
    by_moderator.pop(0, None)  # decisions taken by no one in particular
    # 6. Their names.
    moderator_names = {
        pk: display_name or username
        for pk, display_name, username in User.objects.filter(
            pk__in=list(by_moderator)
        ).values_list("pk", "display_name", "username")
    }

    # 7. Notices closed and marked imprecise, by source and by trusted flagger.
    by_source: dict[str, NoticeQuality] = defaultdict(NoticeQuality)
    by_flagger: dict[int, NoticeQuality] = defaultdict(NoticeQuality)
    for row in (
        rows(Metric.NOTICES_CLOSED, Metric.NOTICES_IMPRECISE)
        .values("metric", "source", "flagger", "outcome")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        found = True
        tallies = [by_source[row["source"]]]
        if row["flagger"]:
            tallies.append(by_flagger[row["flagger"]])
        for tally in tallies:
            if row["metric"] == Metric.NOTICES_IMPRECISE:
                tally.imprecise += row["n"]
            elif row["outcome"] == ReportStatus.ACTIONED:
                tally.actioned += row["n"]
            elif row["outcome"] == ReportStatus.NO_VIOLATION:
                tally.no_violation += row["n"]
            elif row["outcome"] == ReportStatus.DISMISSED:
                tally.dismissed += row["n"]
    # 8. The organisations' names.
    flagger_names = dict(
        FlaggerOrganisation.objects.filter(pk__in=list(by_flagger)).values_list("pk", "name")
    )

    # 9. When the figures were last refreshed.
    updated_at = figures_updated_at()

    return Dashboard(
        start=start,
        end=end,
        updated_at=updated_at,
        queue=list(queue.values()),
        decision_sla=dict(decision_sla),
        first_action_sla=dict(first_action_sla),
        time_to_action={category: Times.of(merged) for category, merged in merged_acted.items()},
        time_to_action_all=Times.of(merge_counters(merged_acted.values())),
        actions=dict(actions),
        grounds=dict(grounds),
        automation=dict(automation),
        appeals=appeals,
        appeals_by_category=dict(by_category),
        appeals_by_moderator=dict(by_moderator),
        moderator_names=moderator_names,
        notices_by_source=dict(by_source),
        notices_by_flagger=dict(by_flagger),
        flagger_names=flagger_names,
        emergencies=Times.of(merge_counters(merged_emergencies.values())),
        emergencies_within_sla=emergencies_within,
        emergencies_by_category={
            category: Times.of(merged) for category, merged in merged_emergencies.items()
        },
        emergencies_opened=emergencies_opened,
        has_figures=found,
    )


def merge_counters(counters) -> Counter:
    total: Counter = Counter()
    for counter in counters:
        total.update(counter)
    return total
