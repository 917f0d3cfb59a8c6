"""Moderators and seniors read configuration in the admin; records are the T&S admin role's.

Moderators read a case on its moderation page, where its category and tier are checked; the
view permissions on the record tables that both roles held opened every category's reports in
the admin. They are taken away, the texts and team members are added to what they may read, and
reading records becomes a permission of its own for the T&S admin role.
"""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")

STAFF_ROLES = ["Moderator", "Senior moderator"]
# Tables that hold members' or reporters' data; the roles keep their custom permissions
# (work_queue, work_escalated, decide_appeal), which are not about the admin.
RECORDS = {
    "accounts": ["user"],
    "reports": [
        "content",
        "report",
        "evidence",
        "case",
        "note",
        "decision",
        "enforcement",
        "strike",
        "bulkdecision",
        "auditevent",
        "notification",
        "outboxmessage",
        "webhookendpoint",
        "webhookdelivery",
    ],
}
DEFAULT_VERBS = ["view", "add", "change", "delete"]
STAFF_READ = {"reports": ["notificationtemplate"], "accounts": ["teammembership"]}


def _permissions(Permission, grants: dict, verbs: list[str]):
    for app_label, models in grants.items():
        for model in models:
            yield from Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{verb}_{model}" for verb in verbs],
            )


def narrow_staff_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    records = list(_permissions(Permission, RECORDS, DEFAULT_VERBS))
    readable = list(_permissions(Permission, STAFF_READ, ["view"]))
    for group in Group.objects.filter(name__in=STAFF_ROLES):
        group.permissions.remove(*records)
        group.permissions.add(*readable)
    configuration.grant_to_admins(apps, {"accounts": {"user": ["read_records"]}})


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    narrow_staff_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_webhook_roles"),
        ("reports", "0014_decision_open_proposal"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [
                    ("read_records", "Can read members' and reporters' records in the admin")
                ],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
