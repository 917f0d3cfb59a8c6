"""Create (or show) the API token of the platform's service account."""

from django.core.management.base import BaseCommand

from accounts.services import platform_account


class Command(BaseCommand):
    help = (
        "Print the API token of the platform service account, creating the account (allowed to "
        "send reports and content snapshots on members' behalf) if it does not exist."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="platform")

    def handle(self, *args, username: str, **options) -> None:
        _account, token, created = platform_account(username=username)
        if created:
            self.stderr.write(f"Created the service account {username!r}.")
        self.stdout.write(token)
