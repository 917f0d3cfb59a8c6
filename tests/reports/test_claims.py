""" "Next case": every waiting case goes to one moderator at a time."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import TeamMembership, User
from reports.models import AuditAction, AuditEvent, Case, CaseStatus, Tier
from reports.services.audit import audit_event
from reports.services.claims import claim_case, claim_next_case
from reports.services.intake import submit_report
from reports.services.sweeps import release_expired_leases
from tests.concurrency import run_at_once
from tests.conftest import make_member, make_moderator, make_team


def open_cases(category, count: int) -> list[Case]:
    return [
        submit_report(reporter=make_member(), subject=make_member(), category=category).case
        for _ in range(count)
    ]


@pytest.mark.django_db
def test_the_most_urgent_case_is_leased_to_the_moderator(spam, spam_moderator):
    low, high = open_cases(spam, 2)
    Case.objects.filter(pk=high.pk).update(priority=900)

    case = claim_next_case(moderator=spam_moderator, category=spam)

    assert case.pk == high.pk
    assert (case.status, case.claimed_by) == (CaseStatus.CLAIMED, spam_moderator)
    assert case.lease_expires_at > case.first_action_at
    assert AuditEvent.objects.filter(action="case.claimed", actor=spam_moderator).count() == 1
    assert claim_next_case(moderator=spam_moderator, category=spam).pk == low.pk
    assert claim_next_case(moderator=spam_moderator, category=spam) is None


@pytest.mark.django_db
def test_escalated_cases_go_to_seniors_only(spam, spam_moderator, senior):
    (case,) = open_cases(spam, 1)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ESCALATED, tier=Tier.SENIOR)

    assert claim_next_case(moderator=spam_moderator, category=spam) is None
    assert claim_next_case(moderator=senior, category=spam).pk == case.pk


@pytest.mark.django_db
def test_a_moderator_of_another_team_cannot_take_from_this_queue(spam, other_moderator):
    open_cases(spam, 1)

    with pytest.raises(PermissionDenied):
        claim_next_case(moderator=other_moderator, category=spam)
    assert Case.objects.get().status == CaseStatus.OPEN


@pytest.mark.django_db(transaction=True)
def test_many_moderators_at_once_never_get_the_same_case(spam, spam_team):
    open_cases(spam, 40)
    moderators = [make_moderator(team=spam_team) for _ in range(8)]

    def take_all(moderator) -> list[int]:
        taken = []
        while (case := claim_next_case(moderator=moderator, category=spam)) is not None:
            taken.append(case.pk)
        return taken

    taken = [pk for batch in run_at_once(take_all, moderators) for pk in batch]

    assert len(taken) == 40
    assert len(set(taken)) == 40
    assert Case.objects.filter(status=CaseStatus.CLAIMED).count() == 40


@pytest.mark.django_db(transaction=True)
def test_fifty_moderators_asking_at_once_each_get_a_different_case(spam, spam_team):
    open_cases(spam, 60)
    moderators = [make_moderator(team=spam_team) for _ in range(50)]

    def take_one(moderator) -> tuple[int, int | None]:
        case = claim_next_case(moderator=moderator, category=spam)
        return moderator.pk, case.pk if case else None

    taken = dict(run_at_once(take_one, moderators))

    assert None not in taken.values()
    assert len(set(taken.values())) == 50
    claimed = Case.objects.filter(status=CaseStatus.CLAIMED)
    assert dict(claimed.values_list("claimed_by_id", "pk")) == taken
    assert Case.objects.filter(status=CaseStatus.OPEN, claimed_by=None).count() == 10
    assert AuditEvent.objects.filter(action="case.claimed").count() == 50


@pytest.mark.django_db
def test_a_case_whose_lease_ran_out_goes_back_to_the_queue_for_someone_else(
    spam, spam_team, spam_moderator
):
    (case,) = open_cases(spam, 1)
    assert claim_next_case(moderator=spam_moderator, category=spam).pk == case.pk
    colleague = make_moderator(team=spam_team)
    assert claim_next_case(moderator=colleague, category=spam) is None

    with time_machine.travel(timezone.now() + settings.CASE_LEASE + timedelta(seconds=1)):
        assert release_expired_leases() == 1
        taken = claim_next_case(moderator=colleague, category=spam)

    assert taken.pk == case.pk
    case.refresh_from_db()
    assert (case.status, case.claimed_by) == (CaseStatus.CLAIMED, colleague)
    assert AuditEvent.objects.filter(action="case.lease_expired", case=case).count() == 1
    assert list(
        AuditEvent.objects.filter(action="case.claimed", case=case)
        .order_by("id")
        .values_list("actor", flat=True)
    ) == [spam_moderator.pk, colleague.pk]


# --- One statement per claim, and what it leaves on record ---


def read_permissions(moderator) -> None:
    """What a request has done before it asks for a case (the moderator pages' access check)."""
    moderator.get_all_permissions()


@pytest.mark.django_db
def test_a_claim_is_one_statement(spam, spam_moderator, django_assert_num_queries):
    open_cases(spam, 3)
    read_permissions(spam_moderator)
    claim_next_case(moderator=spam_moderator, category=spam)  # the queue's SQL is compiled

    with django_assert_num_queries(1):
        first = claim_next_case(moderator=spam_moderator, category=spam)
    # Another request: the same moderator, read anew.
    again = User.objects.get(pk=spam_moderator.pk)
    read_permissions(again)
    with django_assert_num_queries(1):
        second = claim_next_case(moderator=again, category=spam)

    assert first.pk != second.pk
    assert first.claimed_by == spam_moderator  # no query: the moderator who asked


@pytest.mark.django_db
def test_an_on_call_senior_s_claim_is_one_statement_emergencies_included(
    spam, spam_team, django_assert_num_queries
):
    senior = make_moderator(role="Senior moderator", team=spam_team)
    TeamMembership.objects.filter(user=senior).update(is_on_call=True)
    (waiting,) = open_cases(spam, 1)
    read_permissions(senior)

    with django_assert_num_queries(1):
        assert claim_next_case(moderator=senior, category=spam).pk == waiting.pk


@pytest.mark.django_db
def test_an_empty_queue_costs_one_more_statement_to_tell_it_from_another_team_s(
    spam, spam_moderator, django_assert_num_queries
):
    read_permissions(spam_moderator)

    with django_assert_num_queries(2):
        assert claim_next_case(moderator=spam_moderator, category=spam) is None


@pytest.mark.django_db
def test_the_claim_s_audit_event_reads_as_it_always_has(spam, spam_moderator):
    (case,) = open_cases(spam, 1)
    before = timezone.now()

    claimed = claim_next_case(moderator=spam_moderator, category=spam)

    event = AuditEvent.objects.get(action="case.claimed")
    lease = Case.objects.get(pk=case.pk).lease_expires_at
    expected = audit_event(
        action=AuditAction.CASE_CLAIMED,
        target=claimed,
        actor=spam_moderator,
        case=claimed,
        before={"status": CaseStatus.OPEN, "claimed_by": None},
        after={"status": CaseStatus.CLAIMED, "lease_expires_at": lease},
    )
    fields = [
        "action", "actor_id", "actor_label", "case_id", "category_id", "target_type",
        "target_id", "message",
    ]  # fmt: skip
    assert [getattr(event, f) for f in fields] == [getattr(expected, f) for f in fields]
    as_stored = json.loads(json.dumps(expected.after, cls=DjangoJSONEncoder))
    assert (event.before, event.after) == (expected.before, as_stored)
    assert event.after["lease_expires_at"].endswith("Z")  # ISO 8601, to the millisecond, UTC
    assert before <= claimed.first_action_at <= event.created_at <= timezone.now()
    assert claimed.lease_expires_at == lease == claimed.first_action_at + settings.CASE_LEASE


@pytest.mark.django_db
def test_a_second_claim_keeps_the_first_action_time(spam, spam_team, spam_moderator):
    (case,) = open_cases(spam, 1)
    first = claim_next_case(moderator=spam_moderator, category=spam).first_action_at
    colleague = make_moderator(team=spam_team)

    with time_machine.travel(timezone.now() + settings.CASE_LEASE + timedelta(seconds=1)):
        release_expired_leases()
        again = claim_next_case(moderator=colleague, category=spam)

    assert again.pk == case.pk
    assert again.first_action_at == first
    assert again.lease_expires_at > first + settings.CASE_LEASE


@pytest.mark.django_db
def test_a_claimed_case_opened_from_the_list_records_its_earlier_holder(spam, spam_team):
    (case,) = open_cases(spam, 1)
    holder = make_moderator(team=spam_team)
    colleague = make_moderator(team=spam_team)
    claim_case(case_id=case.pk, moderator=holder)

    with time_machine.travel(timezone.now() + settings.CASE_LEASE + timedelta(seconds=1)):
        taken = claim_case(case_id=case.pk, moderator=colleague)

    assert (taken.status, taken.claimed_by_id) == (CaseStatus.CLAIMED, colleague.pk)
    event = AuditEvent.objects.filter(action="case.claimed").latest("id")
    assert (event.actor_id, event.before) == (
        colleague.pk,
        {"status": CaseStatus.CLAIMED, "claimed_by": holder.pk},
    )


# --- Who is handed what ---


@pytest.mark.django_db
def test_a_moderator_outside_the_team_is_refused_even_with_nothing_waiting(
    spam, other_moderator, member
):
    with pytest.raises(PermissionDenied):
        claim_next_case(moderator=other_moderator, category=spam)
    with pytest.raises(PermissionDenied):
        claim_next_case(moderator=member, category=spam)


@pytest.mark.django_db
def test_an_on_call_senior_of_other_teams_gets_no_emergency_from_a_queue_not_theirs(spam, hate):
    senior = make_moderator(role="Senior moderator")
    TeamMembership.objects.create(team=make_team(hate), user=senior, is_on_call=True)
    (case,) = open_cases(hate, 1)
    Case.objects.filter(pk=case.pk).update(tier=Tier.EMERGENCY, status=CaseStatus.ESCALATED)

    with pytest.raises(PermissionDenied):
        claim_next_case(moderator=senior, category=spam)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ESCALATED
    assert claim_next_case(moderator=senior, category=hate).pk == case.pk


@pytest.mark.django_db
def test_a_case_reopened_on_review_goes_to_anyone_but_its_decider(spam, spam_team, spam_moderator):
    not_yours, other = open_cases(spam, 2)
    Case.objects.filter(pk=not_yours.pk).update(not_for=spam_moderator, priority=900)

    assert claim_next_case(moderator=spam_moderator, category=spam).pk == other.pk
    assert claim_next_case(moderator=spam_moderator, category=spam) is None
    colleague = make_moderator(team=spam_team)
    assert claim_next_case(moderator=colleague, category=spam).pk == not_yours.pk


@pytest.mark.django_db
def test_a_moderator_promoted_and_put_on_call_is_handed_emergencies_at_once(spam, spam_team):
    moderator = make_moderator(team=spam_team)
    waiting, urgent = open_cases(spam, 2)
    assert claim_next_case(moderator=moderator, category=spam) is not None
    Case.objects.filter(status=CaseStatus.CLAIMED).update(
        status=CaseStatus.OPEN, claimed_by=None, lease_expires_at=None
    )
    Case.objects.filter(pk=urgent.pk).update(
        tier=Tier.EMERGENCY, status=CaseStatus.ESCALATED, priority=0
    )
    Case.objects.filter(pk=waiting.pk).update(priority=900)

    moderator.groups.set([Group.objects.get(name="Senior moderator")])
    TeamMembership.objects.filter(user=moderator).update(is_on_call=True)
    promoted = User.objects.get(pk=moderator.pk)  # the next request's

    assert claim_next_case(moderator=promoted, category=spam, tiers=[Tier.FRONTLINE]).pk == (
        urgent.pk
    )


@pytest.mark.django_db(transaction=True)
def test_on_call_seniors_asking_at_once_each_get_a_different_emergency_first(spam, spam_team):
    cases = open_cases(spam, 12)
    emergencies = {c.pk for c in cases[:6]}
    Case.objects.filter(pk__in=emergencies).update(tier=Tier.EMERGENCY, status=CaseStatus.ESCALATED)
    seniors = [make_moderator(role="Senior moderator", team=spam_team) for _ in range(6)]
    TeamMembership.objects.filter(user__in=seniors).update(is_on_call=True)

    def take_one(senior) -> int:
        return claim_next_case(moderator=senior, category=spam, tiers=[Tier.FRONTLINE]).pk

    taken = run_at_once(take_one, seniors)

    assert sorted(taken) == sorted(emergencies)
    assert AuditEvent.objects.filter(action="case.claimed").count() == 6
