"""Trust & Safety admins set up the platform's webhook endpoints and follow their deliveries."""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")

ADMIN_WEBHOOKS = {
    "reports": {
        # Endpoints are switched off, never deleted: their deliveries keep pointing at them.
        "webhookendpoint": ["view", "add", "change"],
        "webhookdelivery": ["view"],
    },
}


def grant_webhook_roles(apps):
    configuration.grant_to_admins(apps, ADMIN_WEBHOOKS)


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_webhook_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_configuration_roles"),
        ("reports", "0011_webhooks"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
