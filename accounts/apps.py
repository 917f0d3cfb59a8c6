from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Members and moderators"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import staff_sessions

        # A staff session's idle clock starts at sign-in, so the first page after it (or after
        # a test's force_login) has nothing to write.
        user_logged_in.connect(staff_sessions.start, dispatch_uid="accounts.staff_sessions.start")
