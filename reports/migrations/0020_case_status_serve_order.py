"""The queue's order by serve-by time, indexed: case status serve order."""

import datetime

from django.db import migrations, models
from django.db.models.expressions import CombinedExpression
from django.db.models.lookups import Exact

from reports.db_operations import AddIndexWithoutLocking
from reports.models.queue_order import InUTC

# The queue's serve-by time (reports/models/queue_order.py): the due time, brought forward 36 s
# per point of priority, except in the emergency tier.
SERVE_BY = models.Case(
    models.When(Exact(models.F("tier"), 4), then=InUTC(models.F("due_at"))),
    default=CombinedExpression(
        InUTC(models.F("due_at")),
        "-",
        models.ExpressionWrapper(
            CombinedExpression(
                models.F("priority"), "*", models.Value(datetime.timedelta(seconds=36))
            ),
            models.DurationField(),
        ),
    ),
    output_field=models.DateTimeField(),
)


class Migration(migrations.Migration):
    # Built without blocking writes, one index per migration: a build that fails leaves the
    # indexes before it recorded as done.
    atomic = False

    dependencies = [("reports", "0019_case_open_serve_order")]

    operations = [
        AddIndexWithoutLocking(
            model_name="case",
            index=models.Index(
                models.F("category"),
                models.F("status"),
                models.OrderBy(models.F("tier"), descending=True),
                SERVE_BY,
                name="case_status_serve_order",
            ),
        ),
    ]
