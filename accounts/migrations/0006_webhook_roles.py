"""Trust & Safety admins set up the platform's webhook endpoints and follow their deliveries."""

import importlib

from django.db import migrations

roles = importlib.import_module("accounts.migrations.0003_roles")

ADMIN_WEBHOOKS = {
    "reports": {
        # Endpoints are switched off, never deleted: their deliveries keep pointing at them.
        "webhookendpoint": ["view", "add", "change"],
        "webhookdelivery": ["view"],
    },
}


def grant_webhook_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Trust & Safety admin")
    for app_label, models in ADMIN_WEBHOOKS.items():
        for model, verbs in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[roles._codename(verb, model) for verb in verbs],
                )
            )


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_webhook_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_configuration_roles"),
        ("reports", "0011_webhooks"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
