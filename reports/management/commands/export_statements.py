"""Every statement of reasons of a period, as JSON lines: one statement per line.

    manage.py export_statements --from 2026-01-01 --to 2026-03-31 > statements.jsonl

The statements of the decisions that took effect in the period, and of those reversed on appeal
in it, built exactly as the queue builds them (reports/tdb/build.py), in the order they took
effect. Read in chunks and written as they come: a year of a busy platform streams in constant
memory. For a backfill (decisions before the queue existed) or the database's own upload form.
"""

import heapq
import json
from collections.abc import Iterator
from datetime import UTC, date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.models.tdb import StatementKind
from reports.tdb.build import build_statement
from reports.tdb.selection import day_range, owing_statements, reversed_on_appeal, told_by

CHUNK = 2000


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{option} must be a date written YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Write the statements of reasons of a period as JSON lines (one per line) on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")

    def handle(self, *args, start: str, end: str, **options):
        first, last = _day(start, "--from"), _day(end, "--to")
        if last < first:
            raise CommandError("--to must not be before --from.")
        # No decision takes effect after today (and the day after 9999-12-31 is not a date).
        last = min(last, timezone.now().astimezone(UTC).date())
        for statement in self.statements(first, last):
            self.stdout.write(json.dumps(statement, sort_keys=True, ensure_ascii=False))

    @staticmethod
    def statements(first: date, last: date) -> Iterator[dict]:
        low, high = day_range(first, last)
        owed = owing_statements().filter(told_by(timezone.now()))
        decisions = owed.filter(starts_at__gte=low, starts_at__lt=high).order_by("starts_at", "pk")
        reversals = owed.filter(
            reversed_on_appeal(), reversed_at__gte=low, reversed_at__lt=high
        ).order_by("reversed_at", "pk")

        def lines(queryset, kind: str, when: str):
            for decision in queryset.iterator(chunk_size=CHUNK):
                statement = build_statement(decision, kind)
                if statement is not None:
                    yield getattr(decision, when), statement["puid"], statement

        merged = heapq.merge(
            lines(decisions, StatementKind.DECISION, "starts_at"),
            lines(reversals, StatementKind.REVERSAL, "reversed_at"),
            key=lambda line: line[:2],
        )
        for _when, _puid, statement in merged:
            yield statement
