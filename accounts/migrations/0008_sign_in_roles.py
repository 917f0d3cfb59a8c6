"""Trust & Safety admins unlock sign-ins and remove a lost authenticator.

They read the failed sign-ins (django-axes) and delete them to unlock someone, and they read and
delete staff members' authenticators and recovery codes (django-otp), so that someone who lost
their phone sets up a new one at their next sign-in. Adding a device stays with superusers: a
device added by someone else would be a second factor that someone else knows.
"""

import importlib

from django.db import migrations

configuration = importlib.import_module("accounts.migrations.0005_configuration_roles")

ADMIN_SIGN_IN = {
    "axes": {"accessattempt": ["view", "delete"]},
    "otp_totp": {"totpdevice": ["view", "delete"]},
    "otp_static": {"staticdevice": ["view", "delete"]},
}


def grant_sign_in_roles(apps):
    configuration.grant_to_admins(apps, ADMIN_SIGN_IN)


def forwards(apps, schema_editor):
    configuration.create_all_permissions(apps)
    grant_sign_in_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_records_role"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
