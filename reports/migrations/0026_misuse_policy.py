"""The misuse policy (DSA Art. 23): one row, with the defaults T&S admins start from."""

import datetime

from django.db import migrations, models


def ship_misuse_policy(apps, schema_editor=None):
    MisusePolicy = apps.get_model("reports", "MisusePolicy")
    MisusePolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("reports", "0025_reporting_misuse")]

    operations = [
        migrations.CreateModel(
            name="MisusePolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "window",
                    models.DurationField(
                        default=datetime.timedelta(days=30),
                        help_text="How far back the figures below look.",
                        verbose_name="window",
                    ),
                ),
                (
                    "minimum_decided_reports",
                    models.PositiveIntegerField(
                        default=10,
                        help_text=(
                            "A member's reports decided in the window before their share is "
                            "looked at."
                        ),
                        verbose_name="minimum decided reports",
                    ),
                ),
                (
                    "unfounded_share",
                    models.PositiveSmallIntegerField(
                        default=75,
                        help_text=(
                            "Of those decided reports, the share found to be no violation, in "
                            "percent."
                        ),
                        verbose_name="share manifestly unfounded (%)",
                    ),
                ),
                (
                    "illegal_strikes",
                    models.PositiveIntegerField(
                        default=3,
                        help_text="Strikes in the window on decisions whose ground was illegal content.",
                        verbose_name="strikes for illegal content",
                    ),
                ),
                (
                    "suspension_length",
                    models.DurationField(
                        default=datetime.timedelta(days=14),
                        help_text="The length the case page offers a senior for a suspension.",
                        verbose_name="suspension offered",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "misuse policy",
                "verbose_name_plural": "misuse policy",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="misuse_policy_singleton"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("unfounded_share__gte", 1), ("unfounded_share__lte", 100)
                        ),
                        name="misuse_policy_share_percent",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("illegal_strikes__gte", 1), ("minimum_decided_reports__gte", 1)
                        ),
                        name="misuse_policy_counts_positive",
                    ),
                ],
            },
        ),
        migrations.RunPython(ship_misuse_policy, migrations.RunPython.noop),
    ]
