"""The order cases are served in, as an expression the database can index."""

from datetime import timedelta

from django.db import models
from django.db.models import DateTimeField, DurationField, Expression, ExpressionWrapper, F, Func
from django.db.models.lookups import Exact

from reports.models.choices import Tier

# Each point of priority brings a case's turn forward by this much: 100 points are an hour.
# The whole score (0 to 1000) is worth 10 hours, so a case due 10 hours sooner than another
# always comes first, whatever their scores; between cases due close together the score decides.
PRIORITY_CREDIT = timedelta(seconds=36)


class InUTC(Func):
    """A moment as UTC wall-clock time.

    In PostgreSQL, timestamptz − interval depends on the session's time zone, so it cannot be
    indexed; UTC wall-clock time minus an interval can. SQLite keeps moments in UTC already.
    """

    template = "%(expressions)s"
    output_field = DateTimeField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(%(expressions)s AT TIME ZONE 'UTC')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def serve_by(tier: Expression, priority: Expression, due_at: Expression) -> Expression:
    """When a case should be served: its due time, brought forward by its priority.

    Read as urgency, priority − 100 × hours left: it rises as the due time nears, at the same
    rate for every case. So two cases never swap places as time passes; the order a page shows
    is the order "next case" serves, and a page's cursor stays good. In the emergency tier the
    score is not counted (every case there is a life at risk): the one due first is served first.

    Built from a row's columns for the queue, or from a cursor's values to compare with them.
    """
    due = InUTC(due_at)
    return models.Case(
        models.When(Exact(tier, Tier.EMERGENCY), then=due),
        # Typed, so that SQLite (the quick start's) does the date arithmetic too.
        default=due - ExpressionWrapper(priority * PRIORITY_CREDIT, DurationField()),
        output_field=DateTimeField(),
    )


SERVE_BY = serve_by(F("tier"), F("priority"), F("due_at"))
