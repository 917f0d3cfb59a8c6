""" "Next case": every waiting case goes to one moderator at a time."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reports.models import AuditEvent, Case, CaseStatus, Tier
from reports.services.claims import claim_next_case
from reports.services.intake import submit_report
from reports.services.sweeps import release_expired_leases
from tests.concurrency import run_at_once
from tests.conftest import make_member, make_moderator


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
