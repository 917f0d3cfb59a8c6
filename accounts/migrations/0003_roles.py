"""The three roles of the back-office, as groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view"]
MODERATOR = {
    "accounts": {"user": READ, "team": READ},
    "reports": {
        "case": ["view", "work_queue"],
        "report": READ,
        "evidence": READ,
        "content": READ,
        "decision": ["view", "add"],
        "enforcement": READ,
        "strike": READ,
        "note": ["view", "add"],
        "auditevent": READ,
        "category": READ,
        "reason": READ,
        "policy": READ,
        "escalationtier": READ,
        "ladderstep": READ,
        "statementtemplate": READ,
    },
}
SENIOR_EXTRA = {"reports": {"case": ["work_escalated", "decide_appeal"], "decision": ["change"]}}
CONFIGURATION = [
    "category",
    "reason",
    "policy",
    "escalationtier",
    "ladderstep",
    "statementtemplate",
]
ADMIN_EXTRA = {
    "accounts": {"user": ["change"], "team": ["add", "change", "delete"]},
    "reports": {
        **{model: ["add", "change"] for model in CONFIGURATION},
        "ladderstep": ["add", "change", "delete"],
        "statementtemplate": ["add", "change", "delete"],
        "escalationtier": ["add", "change", "delete"],
        "notification": READ,
        "outboxmessage": ["view", "change"],
    },
}


def _merge(*grants):
    merged: dict = {}
    for grant in grants:
        for app_label, models in grant.items():
            for model, verbs in models.items():
                merged.setdefault(app_label, {}).setdefault(model, set()).update(verbs)
    return merged


def _codename(verb, model):
    return f"{verb}_{model}" if verb in ("view", "add", "change", "delete") else verb


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_roles(apps)


def grant_roles(apps):
    """Create the three groups with their permissions, which must exist already."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    roles = {
        "Moderator": _merge(MODERATOR),
        "Senior moderator": _merge(MODERATOR, SENIOR_EXTRA),
        "Trust & Safety admin": _merge(MODERATOR, SENIOR_EXTRA, ADMIN_EXTRA),
    }
    for name, grants in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in grants.items():
            for model, verbs in models.items():
                codenames = [_codename(verb, model) for verb in verbs]
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label,
                        content_type__model=model,
                        codename__in=codenames,
                    )
                )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Moderator", "Senior moderator", "Trust & Safety admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_team_categories"),
        ("reports", "0003_audit_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
