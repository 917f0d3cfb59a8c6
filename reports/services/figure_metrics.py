"""What each daily figure counts (models/figures.py), read from the raw tables for a run of
consecutive days: one grouped query per metric, durations binned into histogram buckets in SQL
on PostgreSQL (and here, row by row, on the quick start's SQLite). services/figures.py stores
what this gathers.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, Log, TruncDate

from reports.models import Appeal, Decision, Metric, Report
from reports.models import Case as CaseModel
from reports.selectors.figures import BUCKETS_PER_DOUBLING, bucket_of

# Dimensions a figure leaves empty, in FIGURE_KEY order after day, metric and category.
EMPTY = {
    "tier": 0,
    "language": "",
    "action": "",
    "source": "",
    "ground": "",
    "automated_detection": False,
    "automated_decision": False,
    "outcome": "",
    "misuse": "",
    "moderator": 0,
    "flagger": 0,
}
DIMENSIONS = tuple(EMPTY)


@dataclass
class Tally:
    count: int = 0
    within_sla: int = 0
    durations: Counter = field(default_factory=Counter)

    def stored_durations(self) -> dict[str, int]:
        return {str(bucket): n for bucket, n in sorted(self.durations.items()) if n}


class _EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _bucket(start: str, end) -> Func | None:
    """The histogram bucket of `end - start`, in SQL on PostgreSQL (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    delta = ExpressionWrapper(
        (end if not isinstance(end, str) else F(end)) - F(start), output_field=DurationField()
    )
    seconds = Greatest(_EpochSeconds(delta), Value(1.0))
    return Cast(
        Floor(Log(Value(2.0), seconds) * Value(float(BUCKETS_PER_DOUBLING))),
        output_field=IntegerField(),
    )


class Figures:
    """The figures of a run of consecutive days, gathered metric by metric."""

    def __init__(self, first: date, last: date, now: datetime):
        self.since, self.until = _day_bounds(first, last)
        self.now = now
        self.tallies: dict[tuple, Tally] = defaultdict(Tally)

    def add(self, day: date, metric: str, category_id: int, **dims) -> Tally:
        values = {name: dims.get(name) or EMPTY[name] for name in DIMENSIONS}
        return self.tallies[(day, metric, category_id, *values.values())]

    def counted(self, rows: Iterable[dict], metric: str) -> None:
        """Rows grouped in SQL: day, category, dimensions, n [, sla, bucket]."""
        for row in rows:
            dims = {name: row[name] for name in DIMENSIONS if name in row}
            tally = self.add(row["day"], metric, row["category"], **dims)
            tally.count += row["n"]
            tally.within_sla += row.get("sla") or 0
            if row.get("bucket") is not None:
                tally.durations[row["bucket"]] += row["n"]

    def timed(self, queryset, metric: str, *, start: str, end, due: str, dims: dict) -> None:
        """Rows with a duration from `start` to `end`: binned in SQL, or here on SQLite."""
        end = F(end) if isinstance(end, str) else end
        queryset = queryset.annotate(
            _end=ExpressionWrapper(end, output_field=DateTimeField()),
            day=TruncDate("_end", tzinfo=UTC),
            **_keyed(dims),
        )
        names = ["day", *_keyed(dims)]
        bucket = _bucket(start, F("_end"))
        if bucket is not None:
            rows = (
                queryset.annotate(bucket=bucket)
                .values(*names, "bucket")
                .annotate(n=Count("id"), sla=Count("id", filter=Q(_end__lte=F(due))))
            )
            self.counted(_renamed(rows), metric)
            return
        within = Case(When(_end__lte=F(due), then=Value(True)), default=Value(False))
        for row in _renamed(
            queryset.annotate(_start=F(start), _within=within).values(
                *names, "_start", "_end", "_within"
            )
        ):
            dims_of_row = {name: row[name] for name in DIMENSIONS if name in row}
            tally = self.add(row["day"], metric, row["category"], **dims_of_row)
            tally.count += 1
            tally.within_sla += bool(row["_within"])
            tally.durations[bucket_of((row["_end"] - row["_start"]).total_seconds())] += 1

    # The metrics ------------------------------------------------------------------------------

    def notices(self) -> None:
        reports = Report.objects.filter(created_at__gte=self.since, created_at__lt=self.until)
        rows = (
            reports.annotate(
                day=TruncDate("created_at", tzinfo=UTC),
                category_key=F("category_id"),
                language=F("case__language"),
                flagger=Coalesce("flagger_organisation_id", 0),
                outcome=Case(When(expert_notice=True, then=Value("expert")), default=Value("")),
            )
            .values("day", "category_key", "language", "source", "flagger", "outcome")
            .annotate(n=Count("id"))
        )
        self.counted(_renamed(rows), Metric.NOTICES)

    def notices_closed(self) -> None:
        reports = Report.objects.filter(
            resolved_at__gte=self.since, resolved_at__lt=self.until
        ).exclude(status="open")
        rows = (
            reports.annotate(
                day=TruncDate("resolved_at", tzinfo=UTC),
                category_key=F("category_id"),
                language=F("case__language"),
                flagger=Coalesce("flagger_organisation_id", 0),
                outcome=F("status"),
            )
            .values("day", "category_key", "language", "source", "flagger", "outcome")
            .annotate(n=Count("id"))
        )
        self.counted(_renamed(rows), Metric.NOTICES_CLOSED)

    def notices_imprecise(self) -> None:
        reports = Report.objects.filter(imprecise_at__gte=self.since, imprecise_at__lt=self.until)
        rows = (
            reports.annotate(
                day=TruncDate("imprecise_at", tzinfo=UTC),
                category_key=F("category_id"),
                flagger=Coalesce("flagger_organisation_id", 0),
            )
            .values("day", "category_key", "source", "flagger")
            .annotate(n=Count("id"))
        )
        self.counted(_renamed(rows), Metric.NOTICES_IMPRECISE)

    def decisions(self) -> None:
        undone = Q(reversed_at__isnull=False) & (
            Q(reversed_by=F("moderator")) | Q(reversed_by=F("confirmed_by"))
        )
        proposal = Q(awaiting_confirmation=True, confirmed_at__isnull=True)
        decisions = (
            Decision.objects.annotate(effective=Coalesce("confirmed_at", "created_at"))
            .filter(effective__gte=self.since, effective__lt=self.until)
            .exclude(undone)
            .exclude(proposal)
        )
        self.timed(
            decisions,
            Metric.DECISIONS,
            start="case__opened_at",
            end=Coalesce("confirmed_at", "created_at"),
            due="case__due_at",
            dims={
                "category": F("case__category_id"),
                "tier": F("case__tier"),
                "language": F("case__language"),
                "action": F("action"),
                "source": F("source"),
                "ground": F("ground"),
                "automated_detection": F("automated_detection"),
                "automated_decision": F("automated_decision"),
                "misuse": F("misuse"),
                "outcome": Case(
                    When(reversed_at__isnull=False, then=Value("reversed")), default=Value("")
                ),
            },
        )

    def first_actions(self) -> None:
        cases = CaseModel.objects.filter(
            first_action_at__gte=self.since, first_action_at__lt=self.until
        )
        self.timed(
            cases,
            Metric.FIRST_ACTIONS,
            start="opened_at",
            end="first_action_at",
            due="due_at",
            dims={"category": F("category_id"), "tier": F("tier"), "language": F("language")},
        )

    def cases_opened(self) -> None:
        rows = (
            CaseModel.objects.filter(opened_at__gte=self.since, opened_at__lt=self.until)
            .annotate(
                day=TruncDate("opened_at", tzinfo=UTC),
                category_key=F("category_id"),
                source_key=F("kind"),
            )
            .values("day", "category_key", "tier", "language", "source_key")
            .annotate(n=Count("id"))
        )
        self.counted(_renamed(rows), Metric.CASES_OPENED)

    def queue(self, days: list[date]) -> None:
        """Open and overdue cases at the end of each day, or now for today."""
        for day in days:
            at = min(_day_bounds(day, day)[1], self.now)
            if at <= _day_bounds(day, day)[0]:
                continue
            rows = (
                CaseModel.objects.filter(opened_at__lt=at)
                .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=at))
                .values("category_id", "tier")
                .annotate(n=Count("id"), overdue=Count("id", filter=Q(due_at__lt=at)))
            )
            for row in rows:
                category, tier = row["category_id"], row["tier"]
                self.add(day, Metric.QUEUE_OPEN, category, tier=tier).count = row["n"]
                if row["overdue"]:
                    self.add(day, Metric.QUEUE_OVERDUE, category, tier=tier).count = row["overdue"]

    def appeals(self) -> None:
        dims = {
            "category": F("category_id"),
            "source": F("kind"),
            "action": F("decision__action"),
            "moderator": Coalesce("decision__moderator_id", 0),
        }
        rows = (
            Appeal.objects.filter(received_at__gte=self.since, received_at__lt=self.until)
            .annotate(day=TruncDate("received_at", tzinfo=UTC), **_keyed(dims))
            .values("day", *_keyed(dims))
            .annotate(n=Count("id"))
        )
        self.counted(_renamed(rows), Metric.APPEALS_RECEIVED)
        self.timed(
            Appeal.objects.filter(decided_at__gte=self.since, decided_at__lt=self.until),
            Metric.APPEALS_DECIDED,
            start="received_at",
            end="decided_at",
            due="due_at",
            dims={**dims, "outcome": F("outcome")},
        )


def _keyed(dims: dict) -> dict:
    """Annotation names that do not clash with the model's fields (category → category_key)."""
    return {f"{name}_key": expression for name, expression in dims.items()}


def _renamed(rows) -> Iterator[dict]:
    for row in rows:
        yield {name.removesuffix("_key"): value for name, value in row.items()}
