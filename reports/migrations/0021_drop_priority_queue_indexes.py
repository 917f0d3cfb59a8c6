"""The queue's former order (priority, then due time) is no longer read: its indexes go."""

from django.db import migrations

from reports.db_operations import RemoveIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("reports", "0020_case_status_serve_order")]

    operations = [
        RemoveIndexWithoutLocking(model_name="case", name="case_queue_order"),
        RemoveIndexWithoutLocking(model_name="case", name="case_open_queue"),
        RemoveIndexWithoutLocking(model_name="case", name="case_waiting_queue"),
    ]
