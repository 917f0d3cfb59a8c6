"""`manage.py refresh_figures`: what the beat task does, now; or rebuild a period's figures."""

from datetime import UTC, date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.services.figures import RefreshResult, rebuild_figures, refresh_figures


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Bring the daily figures up to date, as the beat task does; with --from and --to, "
        "recompute every day of that period from the raw tables."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD")

    def handle(self, *args, start=None, end=None, **options) -> None:
        if (start is None) != (end is None):
            raise CommandError("Give both --from and --to, or neither.")
        if start is None:
            result = refresh_figures()
        else:
            first, last = _day(start), _day(end)
            if last < first:
                raise CommandError("--to is before --from.")
            # As the beat task: no figures for days still to come.
            last = min(last, timezone.now().astimezone(UTC).date())
            result = rebuild_figures(first, last) if first <= last else RefreshResult([], 0, 0)
        days = len(result.days)
        self.stdout.write(
            f"{days} day{'s' if days != 1 else ''}: {result.written} rows written, "
            f"{result.deleted} deleted."
        )
