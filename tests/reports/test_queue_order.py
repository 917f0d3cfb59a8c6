"""The queue's order: urgency rises as the due time nears; "next case" serves what pages show.

One order (reports.selectors.queues.QUEUE_ORDER) for the queue page, its cursors and the claim:
the higher tiers first, then each case by its serve-by time, its due time brought forward by
36 seconds per point of priority (an hour per 100 points).
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from reports.models import Case, CaseStatus, Tier
from reports.permissions import queue_cases
from reports.selectors.queues import queue_page
from reports.services.claims import claim_next_case
from reports.services.intake import submit_report
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def waiting_case(category, *, due_in: timedelta, priority: int, tier: int = Tier.FRONTLINE):
    case = submit_report(reporter=make_member(), subject=make_member(), category=category).case
    Case.objects.filter(pk=case.pk).update(
        tier=tier,
        status=CaseStatus.OPEN if tier == Tier.FRONTLINE else CaseStatus.ESCALATED,
        priority=priority,
        due_at=timezone.now() + due_in,
    )
    return case


def served(moderator, category) -> list[int]:
    """Every case "next case" hands this moderator, one after the other, until none is left."""
    taken = []
    while (case := claim_next_case(moderator=moderator, category=category)) is not None:
        taken.append(case.pk)
    return taken


def shown(moderator, category, *, size: int = 3) -> list[int]:
    """Every case of the queue page, walked page by page through its cursors."""
    seen, cursor = [], ""
    while True:
        page = queue_page(queue_cases(moderator, category), cursor=cursor, size=size)
        seen += [case.pk for case in page.cases]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_a_case_due_in_an_hour_is_served_before_one_due_in_twenty_hours_with_a_higher_score(
    spam, spam_moderator
):
    later = waiting_case(spam, due_in=timedelta(hours=20), priority=560)
    sooner = waiting_case(spam, due_in=timedelta(hours=1), priority=500)

    assert served(spam_moderator, spam) == [sooner.pk, later.pk]


def test_no_score_makes_up_for_being_due_more_than_ten_hours_later(spam, spam_moderator):
    """The whole score, 0 to 1000, is worth 10 hours."""
    later = waiting_case(spam, due_in=timedelta(hours=11, minutes=5), priority=1000)
    sooner = waiting_case(spam, due_in=timedelta(hours=1), priority=0)

    assert served(spam_moderator, spam) == [sooner.pk, later.pk]


def test_the_score_decides_between_cases_due_close_together(spam, spam_moderator):
    # 100 more points bring a case an hour forward: more than the 20 minutes between them.
    sooner = waiting_case(spam, due_in=timedelta(hours=1), priority=400)
    higher = waiting_case(spam, due_in=timedelta(hours=1, minutes=20), priority=500)
    # With the same due time, the higher score comes first.
    tied_low = waiting_case(spam, due_in=timedelta(hours=3), priority=100)
    tied_high = waiting_case(spam, due_in=timedelta(hours=3), priority=300)

    assert served(spam_moderator, spam) == [higher.pk, sooner.pk, tied_high.pk, tied_low.pk]


def test_an_overdue_case_keeps_rising(spam, spam_moderator):
    fresh = waiting_case(spam, due_in=timedelta(hours=2), priority=600)
    overdue = waiting_case(spam, due_in=-timedelta(hours=3), priority=150)

    assert served(spam_moderator, spam) == [overdue.pk, fresh.pk]


def test_in_the_emergency_tier_the_case_due_first_is_served_first(spam, senior):
    """Every emergency is a life at risk: the score does not move one ahead of another."""
    first_due = waiting_case(spam, due_in=timedelta(minutes=10), priority=900, tier=Tier.EMERGENCY)
    higher = waiting_case(spam, due_in=timedelta(minutes=40), priority=1000, tier=Tier.EMERGENCY)
    frontline = waiting_case(spam, due_in=-timedelta(hours=5), priority=1000)

    assert served(senior, spam) == [first_due.pk, higher.pk, frontline.pk]


@pytest.fixture
def mixed_queue(spam):
    """Cases at three tiers, with scores and due times that pull different ways."""
    shapes = [
        (Tier.EMERGENCY, 950, timedelta(minutes=50)),
        (Tier.EMERGENCY, 1000, timedelta(minutes=55)),
        (Tier.SENIOR, 300, timedelta(hours=6)),
        (Tier.SENIOR, 700, timedelta(hours=9)),
        (Tier.SENIOR, 700, timedelta(hours=9)),
        (Tier.FRONTLINE, 190, timedelta(hours=47)),
        (Tier.FRONTLINE, 900, timedelta(hours=40)),
        (Tier.FRONTLINE, 250, timedelta(hours=2)),
        (Tier.FRONTLINE, 200, timedelta(hours=1, minutes=30)),  # as urgent as the one above
        (Tier.FRONTLINE, 0, -timedelta(minutes=45)),
        (Tier.FRONTLINE, 640, timedelta(hours=30)),
    ]
    return [waiting_case(spam, tier=t, priority=p, due_in=d) for t, p, d in shapes]


def test_next_case_serves_the_queue_in_the_order_its_pages_show(spam, senior, mixed_queue):
    pages = shown(senior, spam)

    assert sorted(pages) == sorted(c.pk for c in mixed_queue)
    assert served(senior, spam) == pages


def test_the_order_holds_by_hand(spam, senior, mixed_queue):
    """The order spelled out, so that a change of formula shows here and not only in SQL."""
    e50, e55, s300, s700a, s700b, f190, f900, f250, f200, f_late, f640 = mixed_queue

    assert served(senior, spam) == [
        e50.pk, e55.pk,  # emergencies by due time alone
        s700a.pk, s700b.pk,  # due in 9 h, brought 7 h forward: 2 h
        s300.pk,  # 6 h − 3 h = 3 h
        f_late.pk,  # 45 min late
        f250.pk, f200.pk,  # 2 h − 2 h 30 and 1 h 30 − 2 h: both 30 min late
        f640.pk,  # 30 h − 6 h 24 = 23 h 36
        f900.pk,  # 40 h − 9 h = 31 h
        f190.pk,  # 47 h − 1 h 54 = 45 h 06
    ]  # fmt: skip


def test_two_cases_never_swap_places_as_time_passes(spam, senior, mixed_queue):
    now = shown(senior, spam)

    with time_machine.travel(timezone.now() + timedelta(hours=30)):
        assert shown(senior, spam) == now


def test_a_cursor_handed_out_earlier_still_continues_the_walk(spam, senior, mixed_queue):
    first = queue_page(queue_cases(senior, spam), size=4)

    with time_machine.travel(timezone.now() + timedelta(hours=8)):
        rest = queue_page(queue_cases(senior, spam), cursor=first.next_cursor, size=50)

    assert [c.pk for c in first.cases + rest.cases] == shown(senior, spam)
