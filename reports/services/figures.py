"""The daily figures (models/figures.py), kept by beat so that the dashboard and the
transparency report read a few hundred rows instead of the raw tables.

Each figure counts events on their own day (a report made, a decision taken, an appeal decided),
so a day is recomputed from the raw tables alone and an upsert of what it gives is idempotent:
running a day twice changes nothing. What changed since the last run is found on the audit trail,
which records every change to a case, its reports, decisions and appeals: the days those events
touched are computed again, so a late decision, a reversal or a report closed weeks after it was
made updates the day it belongs to.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
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
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, Log, TruncDate
from django.utils import timezone

from reports.models import (
    Appeal,
    AuditEvent,
    DailyFigure,
    Decision,
    FigureCursor,
    Metric,
    Report,
)
from reports.models import Case as CaseModel
from reports.models.figures import FIGURE_KEY
from reports.selectors.figures import BUCKETS_PER_DOUBLING, bucket_of

logger = logging.getLogger(__name__)

AUDIT_CURSOR = "audit"
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


@dataclass
class RefreshResult:
    days: list[date]
    written: int
    deleted: int


class _EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _runs(days: Iterable[date]) -> Iterator[list[date]]:
    """Consecutive days together, so that each run is read with one range per table."""
    run: list[date] = []
    for day in sorted(set(days)):
        if run and day - run[-1] != timedelta(days=1):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


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


class _Figures:
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


def compute_days(days: Iterable[date], *, now: datetime | None = None) -> RefreshResult:
    """Recompute these days' figures from the raw tables and store exactly those."""
    now = now or timezone.now()
    days = sorted(set(days))
    written = deleted = 0
    for run in _runs(days):
        gathered = _Figures(run[0], run[-1], now)
        gathered.notices()
        gathered.notices_closed()
        gathered.notices_imprecise()
        gathered.decisions()
        gathered.first_actions()
        gathered.cases_opened()
        gathered.queue(run)
        gathered.appeals()
        w, d = _store(gathered.tallies, run)
        written += w
        deleted += d
    return RefreshResult(days=days, written=written, deleted=deleted)


def _store(tallies: dict[tuple, Tally], days: list[date]) -> tuple[int, int]:
    """Upsert the days' rows, and delete the rows of those days that no longer count anything.

    Rows whose figures are unchanged are left alone, so a rerun writes nothing.
    """
    key_fields = [name if name != "category" else "category_id" for name in FIGURE_KEY]
    existing = {
        tuple(values[:-4]): values[-4:]
        for values in DailyFigure.objects.filter(day__in=days).values_list(
            *key_fields, "id", "count", "within_sla", "durations"
        )
    }
    changed = []
    for key, tally in tallies.items():
        durations = tally.stored_durations()
        stored = existing.get(key)
        if stored and (stored[1], stored[2], stored[3]) == (
            tally.count,
            tally.within_sla,
            durations,
        ):
            continue
        values = dict(zip(key_fields, key, strict=True))
        changed.append(
            DailyFigure(
                **values, count=tally.count, within_sla=tally.within_sla, durations=durations
            )
        )
    stale = [stored[0] for key, stored in existing.items() if key not in tallies]
    with transaction.atomic():
        if stale:
            DailyFigure.objects.filter(pk__in=stale).delete()
        for start in range(0, len(changed), 1000):
            DailyFigure.objects.bulk_create(
                changed[start : start + 1000],
                update_conflicts=True,
                unique_fields=list(FIGURE_KEY),
                update_fields=["count", "within_sla", "durations"],
            )
    return len(changed), len(stale)


def rebuild_figures(start: date, end: date, *, now: datetime | None = None) -> RefreshResult:
    """Recompute every day from `start` to `end` (both included)."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    return compute_days((start + timedelta(days=n) for n in range((end - start).days + 1)), now=now)


def first_day() -> date | None:
    """The day of the oldest case: figures begin there."""
    oldest = CaseModel.objects.aggregate(first=Min("opened_at"))["first"]
    return oldest.astimezone(UTC).date() if oldest else None


def refresh_figures(*, now: datetime | None = None) -> RefreshResult:
    """The beat task: today and yesterday, and every day the audit trail says has changed.

    The first run builds every day since the oldest case. One run at a time: the cursor row
    is locked for the run, and a second run waits and then finds little left to do.
    """
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    with transaction.atomic():
        cursor, created = FigureCursor.objects.select_for_update().get_or_create(name=AUDIT_CURSOR)
        # Read before computing: events written during the run are looked at again next time.
        last_event = AuditEvent.objects.aggregate(last=Coalesce(Max("id"), 0))["last"]
        days = {today, today - timedelta(days=1)}
        if created or cursor.position == 0:
            start = first_day()
            if start is not None and start < today:
                days.update(start + timedelta(days=n) for n in range((today - start).days))
        else:
            days.update(_touched_days(cursor.position, last_event))
        days = {day for day in days if day <= today}
        result = compute_days(days, now=now)
        cursor.position = last_event
        cursor.save(update_fields=["position", "updated_at"])
    logger.info(
        "Figures refreshed for %d days: %d rows written, %d deleted",
        len(result.days),
        result.written,
        result.deleted,
    )
    return result


def _touched_days(after: int, upto: int) -> set[date]:
    """The days whose figures the audit events after `after` (up to `upto`) may have changed."""
    events = AuditEvent.objects.filter(id__gt=after, id__lte=upto)
    days = {
        day
        for day in events.annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values_list("day", flat=True)
        .distinct()
    }
    cases = events.filter(case__isnull=False).values("case_id")
    for queryset, fields in (
        (CaseModel.objects.filter(pk__in=cases), ("opened_at", "first_action_at", "resolved_at")),
        (Report.objects.filter(case__in=cases), ("created_at", "resolved_at", "imprecise_at")),
        (Decision.objects.filter(case__in=cases), ("created_at", "confirmed_at", "reversed_at")),
        (Appeal.objects.filter(case__in=cases), ("received_at", "decided_at")),
    ):
        for name in fields:
            days.update(
                queryset.filter(**{f"{name}__isnull": False})
                .annotate(day=TruncDate(name, tzinfo=UTC))
                .values_list("day", flat=True)
                .distinct()
            )
    return days
