"""Make the audit table append-only on PostgreSQL: UPDATE and DELETE raise an error.

TRUNCATE (used by test database flushes) is a statement-level operation and stays possible.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reports_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reports_auditevent_append_only
    BEFORE UPDATE OR DELETE ON reports_auditevent
    FOR EACH ROW EXECUTE FUNCTION reports_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS reports_auditevent_append_only ON reports_auditevent;
DROP FUNCTION IF EXISTS reports_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_shipped_categories")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
