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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Min
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from reports.models import Appeal, AuditEvent, DailyFigure, Decision, FigureCursor, Report
from reports.models import Case as CaseModel
from reports.models.figures import FIGURE_KEY
from reports.services.figure_metrics import Figures, Tally

logger = logging.getLogger(__name__)

AUDIT_CURSOR = "audit"


@dataclass
class RefreshResult:
    days: list[date]
    written: int
    deleted: int


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


def compute_days(days: Iterable[date], *, now: datetime | None = None) -> RefreshResult:
    """Recompute these days' figures from the raw tables and store exactly those."""
    now = now or timezone.now()
    days = sorted(set(days))
    written = deleted = 0
    for run in _runs(days):
        gathered = Figures(run[0], run[-1], now)
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
    with transaction.atomic():
        # One run at a time, the beat task's too: a run that read the raw tables before the
        # other wrote its figures would put back what they were.
        FigureCursor.objects.select_for_update().get_or_create(name=AUDIT_CURSOR)
        days = (start + timedelta(days=n) for n in range((end - start).days + 1))
        return compute_days(days, now=now)


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
