"""Sending statements of reasons to the EU Transparency Database (a local stand-in, `tdb`):
batches of at most 100, all-or-nothing answers, duplicates, failures with backoff, two workers.
"""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import Decision, DecisionAction
from reports.models.tdb import StatementStatus, TransparencyStatement
from reports.services.statements import submit_statements
from reports.tdb import schema
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member, make_report

STATEMENT = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": schema.GROUND_INCOMPATIBLE,
    "incompatible_content_ground": "hellomod community guidelines: Spam",
    "incompatible_content_explanation": "The message was found to be spam.",
    "content_type": ["CONTENT_TYPE_TEXT"],
    "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "territorial_scope": list(schema.TERRITORIAL_SCOPE),
    "content_date": "2026-01-02",
    "application_date": "2026-01-03",
    "decision_facts": "The private message was removed.",
    "source_type": schema.SOURCE_ARTICLE_16,
    "automated_detection": "No",
    "automated_decision": schema.NOT_AUTOMATED,
}
_numbers = itertools.count(1)


def pending_statements(spam, count: int) -> list[TransparencyStatement]:
    """`count` statements waiting, each of its own decision, oldest first."""
    member = make_member()
    case = make_report(
        reporter=make_member(), subject=member, category=spam, content=make_content(member)
    ).case
    decisions = Decision.objects.bulk_create(
        Decision(
            case=case,
            action=DecisionAction.REMOVE_CONTENT,
            restriction="content_removed",
            statement_of_reasons="Removed.",
        )
        for _ in range(count)
    )
    now = timezone.now()
    rows = TransparencyStatement.objects.bulk_create(
        TransparencyStatement(
            decision=decision,
            puid=(puid := f"hellomod-test-{next(_numbers)}-{decision.uuid}"),
            payload={**STATEMENT, "puid": puid},
        )
        for decision in decisions
    )
    # Oldest first, in the order made.
    for n, row in enumerate(rows):
        TransparencyStatement.objects.filter(pk=row.pk).update(
            created_at=now - timedelta(seconds=count - n)
        )
    return rows


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in TransparencyStatement.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


@pytest.mark.django_db
def test_250_statements_go_in_three_batches(tdb, spam):
    rows = pending_statements(spam, 250)

    outcome = submit_statements()

    assert outcome == {"sent": 250}
    assert [len(r.body["statements"]) for r in tdb.requests] == [100, 100, 50]
    assert {r.path for r in tdb.requests} == {"/api/v1/statements"}
    headers = tdb.requests[0].headers
    assert headers["Authorization"] == "Bearer tdb-test-token"
    assert headers["Accept"] == headers["Content-Type"] == "application/json"
    sent_order = [s["puid"] for r in tdb.requests for s in r.body["statements"]]
    assert sent_order == [row.puid for row in rows]  # oldest first
    assert statuses() == {StatementStatus.SENT: 250}
    first = TransparencyStatement.objects.get(pk=rows[0].pk)
    assert first.database_id == tdb.created[first.puid]
    assert first.sent_at is not None and first.attempts == 1

    assert submit_statements() == {}  # nothing left, nothing sent twice
    assert len(tdb.requests) == 3


@pytest.mark.django_db
def test_a_refusal_marks_only_the_named_statements_and_sends_the_rest_at_once(tdb, spam):
    rows = pending_statements(spam, 5)
    tdb.refuse[rows[1].puid] = {"decision_facts": ["The decision facts field is required."]}
    tdb.refuse[rows[3].puid] = {"category": ["The selected category is invalid."]}

    outcome = submit_statements()

    assert outcome == {"rejected": 2, "sent": 3}
    assert [len(r.body["statements"]) for r in tdb.requests] == [5, 3]
    refused = TransparencyStatement.objects.get(pk=rows[1].pk)
    assert refused.status == StatementStatus.REJECTED
    assert refused.errors == {"decision_facts": ["The decision facts field is required."]}
    assert TransparencyStatement.objects.get(pk=rows[3].pk).errors == {
        "category": ["The selected category is invalid."]
    }
    assert statuses() == {StatementStatus.SENT: 3, StatementStatus.REJECTED: 2}


@pytest.mark.django_db
def test_a_duplicate_puid_counts_as_sent_and_is_not_sent_again(tdb, spam):
    rows = pending_statements(spam, 3)
    tdb.created[rows[0].puid] = "already-there"  # an earlier call whose answer was lost

    outcome = submit_statements()

    assert outcome == {"duplicate": 1, "sent": 2}
    assert [len(r.body["statements"]) for r in tdb.requests] == [3, 2]
    assert statuses() == {StatementStatus.SENT: 3}
    assert submit_statements() == {}
    assert len(tdb.requests) == 2


@pytest.mark.django_db
def test_a_failure_is_tried_again_after_a_pause(tdb, spam):
    (row,) = pending_statements(spam, 1)
    tdb.script = [503]
    now = timezone.now()

    assert submit_statements(now=now) == {"failed": 1}
    row.refresh_from_db()
    assert row.status == StatementStatus.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at == now + timedelta(seconds=30)
    assert row.errors == {"delivery": ["HTTP 503"]}

    assert submit_statements(now=now + timedelta(seconds=10)) == {}  # the pause is kept
    assert len(tdb.requests) == 1

    assert submit_statements(now=now + timedelta(seconds=31)) == {"sent": 1}
    row.refresh_from_db()
    assert row.status == StatementStatus.SENT
    assert row.attempts == 2
    assert row.errors == {}
    assert len(tdb.requests) == 2
    assert list(tdb.created) == [row.puid]  # created once


@pytest.mark.django_db
def test_timeouts_and_a_closed_door_keep_the_statements(tdb, spam, settings):
    (row,) = pending_statements(spam, 1)
    tdb.script = ["timeout"]
    now = timezone.now()

    assert submit_statements(now=now) == {"failed": 1}
    row.refresh_from_db()
    assert row.attempts == 1 and row.status == StatementStatus.PENDING
    assert "timed out" in row.errors["delivery"][0]

    settings.TDB_API_URL = "http://127.0.0.1:9"  # nothing listens there
    later = now + timedelta(hours=2)
    assert submit_statements(now=later) == {"failed": 1}
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == later + timedelta(seconds=60)


@pytest.mark.django_db
def test_the_pause_grows_and_is_capped(tdb, spam):
    (row,) = pending_statements(spam, 1)
    now = timezone.now()
    pauses = []
    for _ in range(10):
        tdb.script = [500]
        assert submit_statements(now=now) == {"failed": 1}
        row.refresh_from_db()
        pauses.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert pauses[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert pauses[-1] == timedelta(hours=1)
    assert row.status == StatementStatus.PENDING  # never given up


@pytest.mark.django_db
def test_a_wrong_token_sends_nothing_and_keeps_everything(tdb, spam, settings):
    pending_statements(spam, 2)
    settings.TDB_API_TOKEN = "wrong"

    assert submit_statements() == {"failed": 2}
    assert statuses() == {StatementStatus.PENDING: 2}


@pytest.mark.django_db
def test_without_an_address_nothing_is_sent(spam, settings):
    pending_statements(spam, 2)
    settings.TDB_API_URL = ""

    assert submit_statements() == {}
    assert statuses() == {StatementStatus.PENDING: 2}


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_a_statement_twice(tdb, spam, settings):
    settings.TDB_BATCH_SIZE = 20
    rows = pending_statements(spam, 150)

    run_at_once(lambda _n: submit_statements(), range(3))

    sent = [s["puid"] for r in tdb.requests for s in r.body["statements"]]
    assert sorted(sent) == sorted(row.puid for row in rows)  # each exactly once
    assert statuses() == {StatementStatus.SENT: 150}
