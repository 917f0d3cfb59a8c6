from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # The outbox runs a message by its topic; these modules register their handlers.
        from reports.effects import (  # noqa: F401
            appeal_messages,
            collapsed,
            notifications,
            webhooks,
        )
        from reports.services import bulk, bundles, misuse, rescheduling, triage  # noqa: F401
