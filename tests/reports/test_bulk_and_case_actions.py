"""Bulk decisions on a spam wave, and what a moderator does to one case besides deciding it."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import MemberStatus, User
from reports.effects import outbox
from reports.models import (
    AuditEvent,
    BulkDecision,
    Case,
    CaseStatus,
    Decision,
    DecisionAction,
    Enforcement,
    Note,
    OutboxMessage,
    Report,
    ReportStatus,
    Strike,
    Tier,
    Visibility,
)
from reports.permissions import can_view_case
from reports.services.bulk import CHUNK, start_bulk_decision
from reports.services.claims import claim_case, claim_next_case, release_case, renew_lease
from reports.services.decisions.decide import decide
from reports.services.escalation import escalate_case
from reports.services.notes import MAX_NOTE_LENGTH, add_note
from tests.conftest import make_content, make_member, make_moderator, make_report

pytestmark = pytest.mark.django_db

THREE_DAYS = timedelta(days=3)


def spam_wave(category, count: int) -> list[Case]:
    """Messages of `count` different accounts, each reported once: one case per message."""
    cases = []
    for _ in range(count):
        spammer = make_member()
        report = make_report(
            reporter=make_member(),
            subject=spammer,
            category=category,
            content=make_content(spammer),
        )
        cases.append(report.case)
    return cases


def chunk_messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(topic="bulk_decide_chunk").order_by("pk"))


def run_chunks() -> list[str]:
    return [outbox.run_message(message.pk) for message in chunk_messages()]


@pytest.fixture
def case(member, reporter, spam) -> Case:
    return make_report(reporter=reporter, subject=member, category=spam).case


@pytest.fixture
def colleague(spam_team) -> User:
    return make_moderator(team=spam_team, display_name="Colleague Cy")


# --- bulk decisions -----------------------------------------------------------------------------


def test_a_bulk_suspension_decides_the_whole_wave_in_chunks(spam, spam_moderator):
    cases = spam_wave(spam, 30)
    ids = [c.pk for c in cases]

    bulk = start_bulk_decision(
        moderator=spam_moderator,
        category=spam,
        case_ids=list(reversed(ids)) + ids[:3],  # order and repeats do not matter
        action=DecisionAction.SUSPEND,
        duration=THREE_DAYS,
        facts="  Crypto wave of 2 March.  ",
    )

    assert (bulk.total, bulk.decided, bulk.skipped, bulk.finished_at) == (30, 0, 0, None)
    assert bulk.case_ids == sorted(ids)
    assert bulk.facts == "Crypto wave of 2 March."
    messages = chunk_messages()
    sizes = [sum(map(len, m.payload["groups"])) for m in messages]
    assert sizes == [CHUNK, 30 - CHUNK] == [25, 5]
    assert {pk for m in messages for group in m.payload["groups"] for pk in group} == set(ids)
    assert all(m.payload["bulk_id"] == bulk.pk for m in messages)
    started = AuditEvent.objects.get(action="bulk_decision.started")
    assert (started.actor, started.after["cases"]) == (spam_moderator, 30)
    assert not Decision.objects.exists()  # nothing is decided before the chunks run

    assert outbox.run_message(messages[0].pk) == "done"
    bulk.refresh_from_db()
    assert (bulk.decided, bulk.finished_at) == (25, None)
    assert outbox.run_message(messages[1].pk) == "done"

    bulk.refresh_from_db()
    assert (bulk.decided, bulk.skipped) == (30, 0)
    assert bulk.finished_at is not None
    assert bulk.percent == 100
    decisions = Decision.objects.filter(moderator=spam_moderator, action=DecisionAction.SUSPEND)
    assert decisions.count() == 30
    assert all(d.duration == THREE_DAYS and d.facts == bulk.facts for d in decisions)
    assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        CaseStatus.DECIDED
    }
    spammers = User.objects.filter(cases__in=ids)
    assert set(spammers.values_list("status", flat=True)) == {MemberStatus.SUSPENDED}
    for c in cases:
        c.content.refresh_from_db()
        assert c.content.visibility == Visibility.REMOVED
    assert set(Report.objects.filter(case__in=ids).values_list("status", flat=True)) == {
        ReportStatus.ACTIONED
    }
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 30

    assert run_chunks() == ["skipped", "skipped"]
    bulk.refresh_from_db()
    assert bulk.decided == 30
    assert Decision.objects.count() == 30


def test_a_case_decided_meanwhile_is_skipped_not_decided_twice(spam, spam_moderator, colleague):
    cases = spam_wave(spam, 4)
    bulk = start_bulk_decision(
        moderator=spam_moderator,
        category=spam,
        case_ids=[c.pk for c in cases],
        action=DecisionAction.SUSPEND,
        duration=THREE_DAYS,
    )
    decide(case_id=cases[1].pk, moderator=colleague, action=DecisionAction.WARN)
    Case.objects.filter(pk=cases[2].pk).update(
        status=CaseStatus.CLAIMED,
        claimed_by=colleague,
        lease_expires_at=timezone.now() + timedelta(minutes=10),
    )

    assert run_chunks() == ["done"]

    bulk.refresh_from_db()
    assert (bulk.decided, bulk.skipped) == (2, 2)
    assert bulk.finished_at is not None
    already = Decision.objects.get(case=cases[1])
    assert (already.moderator, already.action) == (colleague, DecisionAction.WARN)
    assert not Decision.objects.filter(case=cases[2]).exists()
    assert Case.objects.get(pk=cases[2].pk).claimed_by == colleague
    assert Decision.objects.filter(moderator=spam_moderator).count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"case_ids": []}, "cases"),
        ({"case_ids": "hate"}, "cases"),
        ({"case_ids": "escalated"}, "cases"),
        ({"duration": None}, "duration"),
        ({"duration": timedelta(0)}, "duration"),
        ({"duration": timedelta(days=366)}, "duration"),
        ({"action": "mass_delete"}, "action"),
    ],
)
def test_a_bad_bulk_decision_is_refused_and_starts_nothing(
    spam, hate, member, spam_moderator, values, field
):
    cases = spam_wave(spam, 2)
    ids = [c.pk for c in cases]
    values = dict(values)
    if values.get("case_ids") == "hate":
        values["case_ids"] = [
            *ids,
            make_report(reporter=make_member(), subject=member, category=hate).case_id,
        ]
    elif values.get("case_ids") == "escalated":
        Case.objects.filter(pk=ids[0]).update(status=CaseStatus.ESCALATED, tier=Tier.SENIOR)
        values["case_ids"] = ids
    arguments = {
        "moderator": spam_moderator,
        "category": spam,
        "case_ids": ids,
        "action": DecisionAction.SUSPEND,
        "duration": THREE_DAYS,
        **values,
    }

    with pytest.raises(ValidationError) as refused:
        start_bulk_decision(**arguments)

    assert field in refused.value.message_dict
    assert not BulkDecision.objects.exists()
    assert not chunk_messages()
    assert not AuditEvent.objects.filter(action="bulk_decision.started").exists()


def test_a_moderator_of_another_team_cannot_start_a_bulk_decision(spam, other_moderator):
    cases = spam_wave(spam, 2)

    with pytest.raises(PermissionDenied):
        start_bulk_decision(
            moderator=other_moderator,
            category=spam,
            case_ids=[c.pk for c in cases],
            action=DecisionAction.WARN,
        )

    assert not BulkDecision.objects.exists()
    assert not chunk_messages()


# --- holding a case: claim, renew, release ------------------------------------------------------


def test_releasing_a_case_gives_it_back_to_the_queue(case, spam_moderator):
    claim_case(case_id=case.pk, moderator=spam_moderator)

    assert release_case(case_id=case.pk, moderator=spam_moderator) is True

    case.refresh_from_db()
    assert (case.status, case.claimed_by, case.lease_expires_at) == (CaseStatus.OPEN, None, None)
    released = AuditEvent.objects.get(action="case.released")
    assert (released.actor, released.case) == (spam_moderator, case)
    assert released.before["claimed_by"] == spam_moderator.pk
    assert released.after == {"status": CaseStatus.OPEN}


def test_an_escalated_case_released_waits_for_the_seniors_again(case, senior):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ESCALATED, tier=Tier.SENIOR)
    claim_case(case_id=case.pk, moderator=senior)

    assert release_case(case_id=case.pk, moderator=senior) is True

    case.refresh_from_db()
    assert (case.status, case.tier, case.claimed_by) == (CaseStatus.ESCALATED, Tier.SENIOR, None)


def test_only_the_holder_can_release_a_case(case, spam_moderator, colleague):
    claim_case(case_id=case.pk, moderator=spam_moderator)
    lease = Case.objects.get(pk=case.pk).lease_expires_at

    assert release_case(case_id=case.pk, moderator=colleague) is False

    case.refresh_from_db()
    assert (case.status, case.claimed_by, case.lease_expires_at) == (
        CaseStatus.CLAIMED,
        spam_moderator,
        lease,
    )
    assert not AuditEvent.objects.filter(action="case.released").exists()
    # Nor can a case nobody holds be "released".
    release_case(case_id=case.pk, moderator=spam_moderator)
    assert release_case(case_id=case.pk, moderator=spam_moderator) is False
    assert AuditEvent.objects.filter(action="case.released").count() == 1


def test_the_holder_renews_the_lease_and_nobody_else_can(case, spam_moderator, colleague):
    claim_case(case_id=case.pk, moderator=spam_moderator)
    first_lease = Case.objects.get(pk=case.pk).lease_expires_at
    events = AuditEvent.objects.count()

    later = timezone.now() + timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        assert renew_lease(case_id=case.pk, moderator=colleague) is None
        assert Case.objects.get(pk=case.pk).lease_expires_at == first_lease
        renewed = renew_lease(case_id=case.pk, moderator=spam_moderator)

    assert renewed.lease_expires_at == later + settings.CASE_LEASE
    assert renewed.lease_expires_at > first_lease
    assert Case.objects.get(pk=case.pk).lease_expires_at == renewed.lease_expires_at
    assert AuditEvent.objects.count() == events  # renewals are not audited

    release_case(case_id=case.pk, moderator=spam_moderator)
    assert renew_lease(case_id=case.pk, moderator=spam_moderator) is None
    assert Case.objects.get(pk=case.pk).lease_expires_at is None


def test_claiming_a_free_case_takes_it(case, spam_moderator):
    taken = claim_case(case_id=case.pk, moderator=spam_moderator)

    assert (taken.status, taken.claimed_by) == (CaseStatus.CLAIMED, spam_moderator)
    assert taken.lease_expires_at > timezone.now()
    assert taken.first_action_at is not None
    claimed = AuditEvent.objects.get(action="case.claimed")
    assert claimed.before == {"status": CaseStatus.OPEN, "claimed_by": None}
    # Claiming it again is harmless.
    assert claim_case(case_id=case.pk, moderator=spam_moderator).claimed_by == spam_moderator
    assert AuditEvent.objects.filter(action="case.claimed").count() == 1


def test_a_case_held_with_a_valid_lease_is_not_taken_away(case, spam_moderator, colleague):
    claim_case(case_id=case.pk, moderator=spam_moderator)
    lease = Case.objects.get(pk=case.pk).lease_expires_at

    shown = claim_case(case_id=case.pk, moderator=colleague)

    assert shown.claimed_by == spam_moderator
    case.refresh_from_db()
    assert (case.claimed_by, case.lease_expires_at) == (spam_moderator, lease)
    assert AuditEvent.objects.filter(action="case.claimed").count() == 1


def test_a_case_whose_lease_ran_out_can_be_taken(case, spam_moderator, colleague):
    claim_case(case_id=case.pk, moderator=spam_moderator)
    Case.objects.filter(pk=case.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    taken = claim_case(case_id=case.pk, moderator=colleague)

    assert taken.claimed_by == colleague
    assert taken.lease_expires_at > timezone.now()
    takeover = AuditEvent.objects.filter(action="case.claimed", actor=colleague).get()
    assert takeover.before == {"status": CaseStatus.CLAIMED, "claimed_by": spam_moderator.pk}
    assert renew_lease(case_id=case.pk, moderator=spam_moderator) is None
    assert release_case(case_id=case.pk, moderator=spam_moderator) is False


def test_a_moderator_of_another_category_cannot_claim(case, other_moderator):
    with pytest.raises(PermissionDenied):
        claim_case(case_id=case.pk, moderator=other_moderator)

    case.refresh_from_db()
    assert (case.status, case.claimed_by) == (CaseStatus.OPEN, None)
    assert not AuditEvent.objects.filter(action="case.claimed").exists()


# --- escalation ----------------------------------------------------------------------------------


def test_a_moderator_escalates_a_case_to_the_seniors_with_a_note(case, spam_moderator, senior):
    claim_case(case_id=case.pk, moderator=spam_moderator)

    escalated = escalate_case(
        case_id=case.pk, moderator=spam_moderator, note="  Looks like a coordinated ring.  "
    )

    case.refresh_from_db()
    assert escalated.pk == case.pk
    assert (case.tier, case.status, case.escalation_cause) == (
        Tier.SENIOR,
        CaseStatus.ESCALATED,
        "moderator",
    )
    assert (case.claimed_by, case.lease_expires_at) == (None, None)
    assert case.escalated_at is not None
    assert case.due_at > timezone.now()
    event = AuditEvent.objects.get(action="case.escalated")
    assert (event.actor, event.case, event.message) == (
        spam_moderator,
        case,
        "Looks like a coordinated ring.",
    )
    assert event.before["tier"] == Tier.FRONTLINE
    assert event.after["tier"] == Tier.SENIOR

    assert can_view_case(spam_moderator, case) is False
    assert can_view_case(senior, case) is True
    assert claim_next_case(moderator=spam_moderator, category=case.category) is None
    assert claim_next_case(moderator=senior, category=case.category).pk == case.pk
    with pytest.raises(PermissionDenied):
        escalate_case(case_id=case.pk, moderator=spam_moderator, note="Again.")


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_an_escalation_needs_a_note(case, spam_moderator, note):
    with pytest.raises(ValidationError) as refused:
        escalate_case(case_id=case.pk, moderator=spam_moderator, note=note)

    assert "note" in refused.value.message_dict
    case.refresh_from_db()
    assert (case.tier, case.status) == (Tier.FRONTLINE, CaseStatus.OPEN)
    assert not AuditEvent.objects.filter(action="case.escalated").exists()


def test_a_closed_case_cannot_be_escalated(case, spam_moderator):
    decide(case_id=case.pk, moderator=spam_moderator, action=DecisionAction.WARN)

    with pytest.raises(ValidationError):
        escalate_case(case_id=case.pk, moderator=spam_moderator, note="Too late.")

    case.refresh_from_db()
    assert (case.tier, case.status) == (Tier.FRONTLINE, CaseStatus.DECIDED)


def test_a_moderator_of_another_category_cannot_escalate(case, other_moderator):
    with pytest.raises(PermissionDenied):
        escalate_case(case_id=case.pk, moderator=other_moderator, note="Not mine.")

    case.refresh_from_db()
    assert case.tier == Tier.FRONTLINE
    assert not AuditEvent.objects.filter(action="case.escalated").exists()


# --- notes ----------------------------------------------------------------------------------------


def test_a_note_is_kept_on_the_case_and_audited(case, spam_moderator):
    note = add_note(case=case, author=spam_moderator, body="  Same text as case 12.  ")

    stored = Note.objects.get()
    assert stored == note
    assert (stored.case, stored.author, stored.body) == (
        case,
        spam_moderator,
        "Same text as case 12.",
    )
    event = AuditEvent.objects.get(action="note.added")
    assert (event.actor, event.case, event.target_id) == (spam_moderator, case, str(note.pk))
    assert event.message == "Same text as case 12."


def test_a_note_may_be_as_long_as_the_limit(case, spam_moderator):
    add_note(case=case, author=spam_moderator, body="x" * MAX_NOTE_LENGTH)

    assert len(Note.objects.get().body) == MAX_NOTE_LENGTH == 4000


@pytest.mark.parametrize("body", ["", "  \n ", "x" * (MAX_NOTE_LENGTH + 1)])
def test_an_empty_or_overlong_note_is_refused(case, spam_moderator, body):
    with pytest.raises(ValidationError) as refused:
        add_note(case=case, author=spam_moderator, body=body)

    assert "body" in refused.value.message_dict
    assert not Note.objects.exists()
    assert not AuditEvent.objects.filter(action="note.added").exists()


def test_a_moderator_of_another_category_cannot_add_a_note(case, other_moderator):
    with pytest.raises(PermissionDenied):
        add_note(case=case, author=other_moderator, body="Peeking.")

    assert not Note.objects.exists()
    assert not AuditEvent.objects.filter(action="note.added").exists()


def test_a_bulk_ban_gives_each_member_one_strike_and_one_statement(spam, spam_moderator):
    spammer = make_member()
    cases = [
        make_report(
            reporter=make_member(), subject=spammer, category=spam, content=make_content(spammer)
        ).case
        for _ in range(3)
    ]
    bulk = start_bulk_decision(
        moderator=spam_moderator,
        category=spam,
        case_ids=[c.pk for c in cases],
        action=DecisionAction.BAN,
    )
    for message in chunk_messages():
        assert outbox.run_message(message.pk) == "done"

    bulk.refresh_from_db()
    assert (bulk.decided, bulk.skipped, bulk.failed) == (3, 0, 0)
    assert Strike.objects.filter(member=spammer).count() == 1
    assert Enforcement.objects.filter(member=spammer).count() == 1
    assert Enforcement.objects.filter(kind="remove_content").count() == 3
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1
    assert Decision.objects.filter(primary__isnull=False).count() == 2


def test_removing_content_in_bulk_refuses_cases_about_members(spam, spam_moderator):
    about_member = make_report(reporter=make_member(), subject=make_member(), category=spam).case

    with pytest.raises(ValidationError) as refused:
        start_bulk_decision(
            moderator=spam_moderator,
            category=spam,
            case_ids=[about_member.pk],
            action=DecisionAction.REMOVE_CONTENT,
        )

    assert "action" in refused.value.message_dict
    assert not BulkDecision.objects.exists()


def test_the_overdue_sweep_leaves_a_case_a_moderator_is_working_on(spam, spam_moderator):
    from reports.services.escalation import escalate_overdue

    held, waiting = (
        make_report(reporter=make_member(), subject=make_member(), category=spam).case
        for _ in range(2)
    )
    Case.objects.update(due_at=timezone.now() - timedelta(minutes=5))
    claim_case(case_id=held.pk, moderator=spam_moderator)

    assert escalate_overdue() == 1

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert (held.tier, held.claimed_by) == (Tier.FRONTLINE, spam_moderator)
    assert waiting.tier == Tier.SENIOR
