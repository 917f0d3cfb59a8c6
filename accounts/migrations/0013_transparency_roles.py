"""Trust & Safety leads: senior moderators who also read the dashboard and the transparency
report; T&S admins read them too, enter the monthly active recipients and follow the statements
sent to the EU Transparency Database."""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")

LEAD = "Trust & Safety lead"


def grant_transparency_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reports = Permission.objects.filter(content_type__app_label="reports")
    senior = Group.objects.get(name="Senior moderator")
    lead, _created = Group.objects.get_or_create(name=LEAD)
    lead.permissions.add(*senior.permissions.all())
    lead.permissions.add(*reports.filter(codename__in=["view_dashboard"]))
    Group.objects.get(name="Trust & Safety admin").permissions.add(
        *reports.filter(
            codename__in=[
                "view_dashboard",
                "view_activerecipients",
                "add_activerecipients",
                "change_activerecipients",
                "delete_activerecipients",
                "view_transparencystatement",
                "change_transparencystatement",
                "view_dailyfigure",
                "view_figurecursor",
            ]
        )
    )


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_transparency_roles(apps)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=LEAD).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0012_misuse_roles"), ("reports", "0030_statement_mapping")]

    operations = [migrations.RunPython(forwards, backwards)]
