"""Create (or show) the API token of the platform's service account."""

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from accounts.models import User


class Command(BaseCommand):
    help = (
        "Print the API token of the platform service account, creating the account (allowed to "
        "send reports and content snapshots on members' behalf) if it does not exist."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="platform")

    def handle(self, *args, username: str, **options) -> None:
        account, created = User.objects.get_or_create(
            username=username, defaults={"display_name": "Community platform", "password": "!"}
        )
        account.user_permissions.add(Permission.objects.get(codename="submit_for_members"))
        token, _ = Token.objects.get_or_create(user=account)
        if created:
            self.stderr.write(f"Created the service account {username!r}.")
        self.stdout.write(token.key)
