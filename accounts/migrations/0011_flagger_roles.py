"""T&S admins keep the registry of trusted flaggers (DSA Art. 22) in the admin."""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")


def grant_flagger_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Trust & Safety admin").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reports",
            codename__in=[
                f"{verb}_{model}"
                for verb in ("view", "add", "change", "delete")
                for model in ("flaggerorganisation", "flaggermembership")
            ],
        )
    )


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_flagger_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_appeal_roles"), ("reports", "0025_reporting_misuse")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
