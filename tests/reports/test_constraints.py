"""The database itself refuses states the product must never be in."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Decision,
    DecisionAction,
    LadderStep,
    Report,
    Tier,
)
from tests.conftest import make_content, make_report

pytestmark = pytest.mark.django_db


def open_case(**fields) -> Case:
    fields.setdefault("status", CaseStatus.OPEN)
    fields.setdefault("due_at", timezone.now() + timedelta(hours=1))
    return Case.objects.create(**fields)


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            open_case(**fields)
    except IntegrityError:
        return True
    return False


def test_runs_on_postgresql():
    # Every constraint below is meant for production's database, not SQLite's dialect.
    assert connection.vendor == "postgresql"


def test_second_open_case_for_same_member_and_category_is_refused(member, spam, hate):
    open_case(subject=member, category=spam)

    assert refused(subject=member, category=spam)
    assert not refused(subject=member, category=hate)


def test_second_open_case_for_same_content_and_category_is_refused(member, spam):
    content = make_content(member)
    open_case(subject=member, category=spam, content=content)

    assert refused(subject=member, category=spam, content=content)
    # A case about the member themself is a different subject from one of their messages.
    assert not refused(subject=member, category=spam)


def test_a_closed_case_does_not_block_a_new_one(member, spam):
    open_case(
        subject=member, category=spam, status=CaseStatus.DISMISSED, resolved_at=timezone.now()
    )

    assert not refused(subject=member, category=spam)


def test_claimed_case_needs_its_moderator_and_lease(member, spam, spam_moderator):
    assert refused(subject=member, category=spam, status=CaseStatus.CLAIMED)
    assert not refused(
        subject=member,
        category=spam,
        status=CaseStatus.CLAIMED,
        claimed_by=spam_moderator,
        lease_expires_at=timezone.now() + timedelta(minutes=15),
    )


def test_open_cases_have_no_resolution_time_and_closed_ones_do(member, spam):
    assert refused(subject=member, category=spam, resolved_at=timezone.now())
    assert refused(subject=member, category=spam, status=CaseStatus.DECIDED)


def test_escalated_status_and_tier_agree(member, spam):
    assert refused(subject=member, category=spam, status=CaseStatus.ESCALATED)
    assert refused(subject=member, category=spam, tier=Tier.SENIOR)
    assert not refused(subject=member, category=spam, status=CaseStatus.ESCALATED, tier=Tier.SENIOR)


def test_members_cannot_report_themselves_even_past_the_service(member, spam):
    case = open_case(subject=member, category=spam)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=member, subject=member, category=spam, case=case)


def test_one_report_per_reporter_per_case(member, reporter, spam):
    case = open_case(subject=member, category=spam)
    Report.objects.create(reporter=reporter, subject=member, category=spam, case=case)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, subject=member, category=spam, case=case)


@pytest.mark.parametrize(
    ("action", "duration", "allowed"),
    [
        (DecisionAction.SUSPEND, timedelta(days=3), True),
        (DecisionAction.SUSPEND, None, False),
        (DecisionAction.RESTRICT, timedelta(0), False),
        (DecisionAction.RESTRICT, -timedelta(days=1), False),
        (DecisionAction.BAN, None, True),
        (DecisionAction.BAN, timedelta(days=3), False),
        (DecisionAction.WARN, None, True),
    ],
)
def test_decision_durations_match_their_action(member, reporter, spam, action, duration, allowed):
    report = make_report(reporter=reporter, subject=member, category=spam)
    try:
        with transaction.atomic():
            Decision.objects.create(
                case=report.case, action=action, duration=duration, statement_of_reasons="…"
            )
    except IntegrityError:
        created = False
    else:
        created = True
    assert created is allowed


def test_ladder_steps_need_a_duration_for_timed_actions(spam):
    with pytest.raises(IntegrityError), transaction.atomic():
        LadderStep.objects.create(category=spam, offence=9, action=DecisionAction.SUSPEND)


def test_suspended_member_needs_an_end_time(member):
    member.status = "suspended"
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_audit_events_cannot_be_rewritten_or_deleted(member, reporter, spam):
    make_report(reporter=reporter, subject=member, category=spam)
    event = AuditEvent.objects.filter(action="report.submitted").get()

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).message == ""
