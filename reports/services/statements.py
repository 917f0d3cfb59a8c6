"""Statements of reasons to the EU Transparency Database (DSA Art. 24(5)).

- `queue_statements` (beat, every minute): a statement for every decision that restricted
  something, once its member has been told (the undo window has passed), and a second one for a
  decision later reversed on appeal. Each is built and validated once: a statement our validator
  refuses is kept as "invalid" with the reasons, and never sent.
- `submit_statements` (beat, every minute): the statements waiting, oldest first, in batches of at
  most 100. Rows are claimed with SKIP LOCKED and held while their batch is sent, so two workers
  never send one statement twice. A failure (5xx, timeout, no connection) keeps the batch for a
  later try with a growing pause; nothing is ever dropped.
- `resend_statement` (the admin's "Send again"): rebuilt, validated, and waiting again.
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from reports.effects.outbox import backoff
from reports.models import AuditAction, Decision
from reports.models.tdb import StatementKind, StatementStatus, TransparencyStatement
from reports.services.audit import record_event
from reports.tdb.build import build_statement, puid_of
from reports.tdb.client import Outcome, post_statements, read_answer
from reports.tdb.selection import owing_statements, reversed_on_appeal, told_by
from reports.tdb.validator import validate

logger = logging.getLogger(__name__)

# The queue looks this far back for decisions still without a statement (older ones are what
# `manage.py export_statements` is for); it keeps each run to recent rows.
LOOKBACK = timedelta(days=90)
CHUNK = 500
# A run sends at most this many batches, so a backlog is worked by several runs in turn.
MAX_BATCHES = 50
_unconfigured_said = False


def _statement_of(decision: Decision, kind: str) -> TransparencyStatement:
    try:
        payload = build_statement(decision, kind)
    except Exception as exc:  # a bug must not stop the queue: the row shows it to an admin
        logger.exception("statement of decision %s could not be built", decision.pk)
        payload, errors = {}, {"statement": [f"Could not be built: {type(exc).__name__}"]}
    else:
        errors = validate(payload) if payload else {"statement": ["No statement is owed."]}
    return TransparencyStatement(
        decision=decision,
        kind=kind,
        puid=puid_of(decision, kind),
        payload=payload or {},
        status=StatementStatus.INVALID if errors else StatementStatus.PENDING,
        errors=errors,
    )


def _queue(decisions, kind: str) -> int:
    made = 0
    batch: list[TransparencyStatement] = []
    for decision in decisions.order_by("starts_at", "pk").iterator(chunk_size=CHUNK):
        batch.append(_statement_of(decision, kind))
        if len(batch) >= CHUNK:
            made += len(TransparencyStatement.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        made += len(TransparencyStatement.objects.bulk_create(batch, ignore_conflicts=True))
    return made


def queue_statements(now: datetime | None = None) -> int:
    """Build the statements owed and not yet built; returns how many were looked at.

    Safe to run twice or in two workers at once: (decision, kind) is unique and rows already
    there are left as they are.
    """
    now = now or timezone.now()
    since = now - LOOKBACK

    def built(kind: str) -> Exists:
        return Exists(TransparencyStatement.objects.filter(decision=OuterRef("pk"), kind=kind))

    owed = owing_statements().filter(told_by(now))
    made = _queue(
        owed.filter(starts_at__gte=since).exclude(built(StatementKind.DECISION)),
        StatementKind.DECISION,
    )
    # A reversal follows its decision's statement: the database learns the restriction ended.
    made += _queue(
        owed.filter(reversed_on_appeal(), reversed_at__gte=since, reversed_at__lte=now)
        .filter(built(StatementKind.DECISION))
        .exclude(built(StatementKind.REVERSAL)),
        StatementKind.REVERSAL,
    )
    return made


def _settle(rows: list[TransparencyStatement], outcome: Outcome, now: datetime) -> Counter:
    counts: Counter = Counter()
    changed = []
    for n, row in enumerate(rows):
        if n in outcome.created or n in outcome.duplicates:
            # A duplicate is a statement the database took on an earlier call whose answer
            # never reached us: it is there, so it counts as sent.
            row.status, row.sent_at, row.errors = StatementStatus.SENT, now, {}
            row.database_id = outcome.created.get(n, "") or row.database_id
            row.attempts += 1
            counts["sent" if n in outcome.created else "duplicate"] += 1
        elif n in outcome.rejected:
            row.status, row.errors = StatementStatus.REJECTED, outcome.rejected[n]
            row.attempts += 1
            counts["rejected"] += 1
        elif outcome.failure:
            row.attempts += 1
            row.next_attempt_at = now + backoff(row.attempts)
            row.errors = {"delivery": [outcome.failure]}
            counts["failed"] += 1
        else:
            continue  # refused only because a neighbour was: goes again in the next batch
        changed.append(row)
    TransparencyStatement.objects.bulk_update(
        changed, ["status", "sent_at", "errors", "database_id", "attempts", "next_attempt_at"]
    )
    return counts


def submit_statements(now: datetime | None = None) -> dict[str, int]:
    """Send the statements waiting and due, batch after batch; returns what became of them."""
    global _unconfigured_said
    if not settings.TDB_API_URL:
        if not _unconfigured_said:
            logger.warning("TDB_API_URL is empty: statements are queued but not sent")
            _unconfigured_said = True
        return {}
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    counts: Counter = Counter()
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            rows = list(
                TransparencyStatement.objects.select_for_update(skip_locked=True)
                .filter(due, status=StatementStatus.PENDING)
                .order_by("created_at", "pk")[: settings.TDB_BATCH_SIZE]
            )
            if not rows:
                break
            answer = post_statements([row.payload for row in rows])
            outcome = read_answer(*answer, [row.puid for row in rows])
            counts.update(_settle(rows, outcome, now))
        if outcome.failure:
            logger.warning("Transparency Database refused a batch: %s", outcome.failure)
            break
    return dict(counts)


def resend_statement(statement: TransparencyStatement, *, actor=None) -> TransparencyStatement:
    """Rebuild a rejected or invalid statement from its decision and queue it again.

    The decision's mapping may have been fixed since (a category's keywords, say): the new
    payload is validated, and waits to be sent, or stays invalid with the new reasons.
    """
    with transaction.atomic():
        row = TransparencyStatement.objects.select_for_update().get(pk=statement.pk)
        if row.status not in (StatementStatus.REJECTED, StatementStatus.INVALID):
            return row
        decision = owing_statements().filter(pk=row.decision_id).first()
        if decision is None:
            decision = Decision.objects.get(pk=row.decision_id)
        fresh = _statement_of(decision, row.kind)
        if fresh.payload:
            fresh.payload["puid"] = row.puid  # a row's identifier never changes
        before = {"status": row.status, "errors": row.errors}
        row.payload, row.status, row.errors = fresh.payload, fresh.status, fresh.errors
        row.next_attempt_at = None
        row.save(update_fields=["payload", "status", "errors", "next_attempt_at"])
        record_event(
            action=AuditAction.STATEMENT_RESENT,
            target=row,
            actor=actor,
            actor_label="" if actor else "job:statements",
            case=decision.case_id,
            before=before,
            after={"status": row.status, "errors": row.errors},
        )
        return row
