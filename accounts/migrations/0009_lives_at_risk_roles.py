"""Seniors refer cases to the authorities; T&S admins also hold evidence, build bundles and keep
the crisis lines."""

import importlib

from django.db import migrations

roles = importlib.import_module("accounts.migrations.0003_roles")
configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")


def grant_lives_at_risk_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def grant(group_name, *codenames):
        Group.objects.get(name=group_name).permissions.add(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=codenames)
        )

    grant("Senior moderator", "refer_case", "view_referral", "view_crisisresource")
    grant("Moderator", "view_crisisresource")
    grant(
        "Trust & Safety admin",
        "refer_case",
        "view_referral",
        "manage_legal_holds",
        "view_legalhold",
        "download_bundle",
        "view_evidencebundle",
        "view_crisisresource",
        "add_crisisresource",
        "change_crisisresource",
        "delete_crisisresource",
    )


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_lives_at_risk_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_sign_in_roles"), ("reports", "0017_welfare_defaults")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
