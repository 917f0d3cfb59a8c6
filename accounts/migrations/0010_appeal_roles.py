"""T&S admins read appeals among the records in the admin; seniors work them on their own pages
(the `decide_appeal` permission they already hold)."""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")


def grant_appeal_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Trust & Safety admin").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reports",
            codename__in=["view_appeal", "view_appealevidence"],
        )
    )


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_appeal_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_lives_at_risk_roles"), ("reports", "0022_appeals")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
