"""The queue's order by serve-by time, indexed: case open serve order."""

import importlib

from django.db import migrations, models

from reports.db_operations import AddIndexWithoutLocking

# The serve-by expression as migration 0018 froze it: one written record for the three indexes.
SERVE_BY = importlib.import_module("reports.migrations.0018_case_waiting_serve_order").SERVE_BY


class Migration(migrations.Migration):
    # Built without blocking writes, one index per migration: a build that fails leaves the
    # indexes before it recorded as done.
    atomic = False

    dependencies = [("reports", "0018_case_waiting_serve_order")]

    operations = [
        AddIndexWithoutLocking(
            model_name="case",
            index=models.Index(
                models.F("category"),
                models.OrderBy(models.F("tier"), descending=True),
                SERVE_BY,
                models.F("id"),
                condition=models.Q(("status__in", ("open", "claimed", "escalated"))),
                name="case_open_serve_order",
            ),
        ),
    ]
