"""An organisation's expert notice goes before every ordinary case of its tier, through "next case"
and on the queue page; its notice outside its expertise is an ordinary one."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Case, FlaggerOrganisation
from reports.services.claims import claim_next_case
from reports.services.configuration import Edit
from reports.services.flaggers import add_member, save_organisation
from reports.services.triage import EXPERT_NOTICE_PRIORITY, triage_case
from tests.conftest import make_member, make_moderator, make_report, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagger(ts_admin, hate):
    """A member reporting for a hotline whose expertise is hate, not spam."""
    organisation = save_organisation(
        edit=Edit(
            FlaggerOrganisation(
                name="Hate Speech Hotline",
                contact_email="notices@hotline.example",
                designated_on=date(2025, 3, 1),
                designated_by="Bundesnetzagentur",
                countries=["DE"],
            )
        ),
        expertise=[hate],
        actor=ts_admin,
    )
    person = make_member(display_name="Flagging Fritz")
    add_member(organisation, member=person, actor=ts_admin)
    return person


@pytest.fixture
def hate_and_spam_moderator(hate, spam):
    return make_moderator(team=make_team(hate, spam), username="both")


def reported(category, *, by, due_in: timedelta) -> Case:
    """A case reported now and triaged, due in `due_in`."""
    case = make_report(reporter=by, subject=make_member(), category=category).case
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + due_in)
    triage_case(case_id=case.pk)
    case.refresh_from_db()
    return case


def test_an_expert_notice_goes_before_an_ordinary_one_of_the_same_tier(
    client, flagger, hate, hate_and_spam_moderator
):
    ordinary = reported(hate, by=make_member(), due_in=timedelta(minutes=5))
    expert = reported(hate, by=flagger, due_in=timedelta(days=29))

    assert expert.priority >= EXPERT_NOTICE_PRIORITY > ordinary.priority
    client.force_login(hate_and_spam_moderator)
    page = client.get(reverse("moderation:queue", args=[hate.slug])).content.decode()
    assert page.index(f'data-href="/moderation/cases/{expert.pk}/') < page.index(
        f'data-href="/moderation/cases/{ordinary.pk}/'
    )
    assert page.count("Trusted flagger · expert") == 1
    served = claim_next_case(moderator=hate_and_spam_moderator, category=hate)
    assert served.pk == expert.pk


def test_a_notice_outside_its_expertise_is_an_ordinary_one(
    client, flagger, spam, hate_and_spam_moderator
):
    sooner = reported(spam, by=make_member(), due_in=timedelta(hours=1))
    outside = reported(spam, by=flagger, due_in=timedelta(hours=20))
    plain = reported(spam, by=make_member(), due_in=timedelta(hours=20))

    # Not the boost, and not the trusted flagger's +50 either: the same score as anyone's.
    assert outside.priority == plain.priority < EXPERT_NOTICE_PRIORITY
    client.force_login(hate_and_spam_moderator)
    page = client.get(reverse("moderation:queue", args=[spam.slug])).content.decode()
    assert "Trusted flagger · expert" not in page
    assert claim_next_case(moderator=hate_and_spam_moderator, category=spam).pk == sooner.pk


def test_the_queue_page_reads_the_badge_without_a_query_per_row(
    client,
    flagger,
    hate,
    hate_and_spam_moderator,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    reported(hate, by=flagger, due_in=timedelta(hours=3))
    client.force_login(hate_and_spam_moderator)
    url = reverse("moderation:queue", args=[hate.slug])
    client.get(url)  # warm the shared counts
    with django_assert_max_num_queries(100) as one:
        client.get(url)
    for _ in range(4):
        reported(hate, by=flagger, due_in=timedelta(hours=3))
        reported(hate, by=make_member(), due_in=timedelta(hours=3))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Trusted flagger · expert") == 5
