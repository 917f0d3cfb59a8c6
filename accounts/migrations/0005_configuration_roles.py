"""Trust & Safety admins also write notification texts, set rate limits and follow jobs."""

import importlib

from django.db import migrations

roles = importlib.import_module("accounts.migrations.0003_roles")

ADMIN_EXTRA = {
    # Team members and the on-call rota are part of a team's configuration.
    "accounts": {"teammembership": ["view", "add", "change", "delete"]},
    "reports": {
        "notificationtemplate": ["view", "add", "change", "delete"],
        "configurationjob": ["view"],
        "bulkdecision": ["view"],
        "ratelimit": ["view", "add", "change", "delete"],
    },
}


def grant_to_admins(apps, grants: dict) -> None:
    """Add permissions (app → model → verbs) to the Trust & Safety admin role."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Trust & Safety admin")
    for app_label, models in grants.items():
        for model, verbs in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[roles._codename(verb, model) for verb in verbs],
                )
            )


def create_all_permissions(apps) -> None:
    """Permissions are normally created after migrate; the role needs them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_configuration_roles(apps):
    grant_to_admins(apps, ADMIN_EXTRA)


def forwards(apps, schema_editor):
    create_all_permissions(apps)
    grant_configuration_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_moderator_preferences"),
        ("reports", "0010_rate_limits"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
