"""T&S admins configure the misuse policy (DSA Art. 23) in the admin."""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")


def grant_misuse_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Trust & Safety admin").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reports",
            codename__in=["view_misusepolicy", "change_misusepolicy"],
        )
    )


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_misuse_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_flagger_roles"), ("reports", "0026_misuse_policy")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
