"""Which decisions owe a statement of reasons, for the queue and for the export alike."""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from reports.models import Decision
from reports.tdb.build import statement_decisions

# Undone by its own moderator (or by the one who confirmed it), not reversed on appeal.
UNDONE = Case(
    When(Q(reversed_by=F("moderator")) | Q(reversed_by=F("confirmed_by")), then=Value(True)),
    default=Value(False),
    output_field=BooleanField(),
)


def owing_statements() -> QuerySet[Decision]:
    """Decisions that restricted something and took effect: not undone by their moderator, and
    not a ban proposal that never was confirmed. Whether the member has been told yet is the
    caller's question (the queue waits for it, the export takes what took effect)."""
    return (
        statement_decisions()
        .annotate(tdb_undone=UNDONE)
        .filter(tdb_undone=False)
        .exclude(awaiting_confirmation=True, confirmed_at__isnull=True)
        .filter(Q(primary__isnull=True) & ~Q(restriction="") | Q(tdb_removed_content=True))
    )


def told_by(now: datetime) -> Q:
    """The member has been told: the undo window after the decision's start has passed."""
    return Q(starts_at__lte=now - settings.DECISION_UNDO_WINDOW)


def reversed_on_appeal() -> Q:
    return Q(reversed_at__isnull=False)


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in UTC."""
    low = datetime.combine(start, time.min, tzinfo=UTC)
    return low, datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
