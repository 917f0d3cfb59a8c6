"""Emergencies first: one lane across categories, on top of a senior's home, first on call."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamMembership
from reports.models import AuditEvent, Case, CaseStatus, Reason, Tier
from reports.selectors import queues as selectors
from reports.services.claims import claim_next_case, claim_next_emergency
from reports.services.intake import submit_report
from reports.services.triage import triage_case
from tests.conftest import make_content, make_member, make_moderator, make_team

pytestmark = pytest.mark.django_db


def spam_case(category, *, opened_ago: timedelta = timedelta(0)):
    case = submit_report(reporter=make_member(), subject=make_member(), category=category).case
    opened = timezone.now() - opened_ago
    Case.objects.filter(pk=case.pk).update(
        opened_at=opened, due_at=opened + timedelta(hours=48), priority=190
    )
    return case


def self_harm_report(hate):
    """A member says they will hurt themself: triage sends the case to the emergency tier."""
    subject = make_member()
    report = submit_report(
        reporter=make_member(),
        subject=subject,
        category=hate,
        reason=Reason.objects.get(category=hate, slug="self-harm"),
        content=make_content(subject, text="I can't go on, tonight I end it."),
        description="She says she will hurt herself tonight.",
    )
    triage_case(case_id=report.case_id, report_id=report.pk)
    return Case.objects.get(pk=report.case_id)


def emergency(category, *, due_in: timedelta, waited: timedelta = timedelta(minutes=5)):
    case = submit_report(reporter=make_member(), subject=make_member(), category=category).case
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        tier=Tier.EMERGENCY,
        status=CaseStatus.ESCALATED,
        priority=940,
        escalated_at=now - waited,
        due_at=now + due_in,
    )
    return case


@pytest.fixture
def on_call_senior(spam, hate):
    """A senior of spam and of harm, on call tonight."""
    senior = make_moderator(role="Senior moderator", username="on-call-senior")
    TeamMembership.objects.create(
        team=make_team(spam, hate, name="Seniors on call"), user=senior, is_on_call=True
    )
    return senior


# --- "Next case" ---


def test_an_on_call_senior_s_next_case_is_the_emergency_before_fifty_older_spam_cases(
    client, spam, hate, on_call_senior
):
    older = [spam_case(spam, opened_ago=timedelta(hours=50 - n)) for n in range(50)]
    assert Case.objects.filter(pk=older[0].pk, due_at__lt=timezone.now()).exists()  # overdue
    at_risk = self_harm_report(hate)
    assert (at_risk.tier, at_risk.status) == (Tier.EMERGENCY, CaseStatus.ESCALATED)
    client.force_login(on_call_senior)

    response = client.post(reverse("moderation:next", args=[spam.slug]), {"tier": Tier.FRONTLINE})

    assert response.status_code == 302
    assert response.url.startswith(reverse("moderation:case", args=[at_risk.pk]))
    at_risk.refresh_from_db()
    assert (at_risk.status, at_risk.claimed_by) == (CaseStatus.CLAIMED, on_call_senior)
    # Then the spam queue, the longest overdue first.
    assert claim_next_case(moderator=on_call_senior, category=spam).pk == older[0].pk


def test_on_call_emergencies_are_served_due_first_across_categories(spam, hate, on_call_senior):
    later = emergency(spam, due_in=timedelta(minutes=50))
    first = emergency(hate, due_in=timedelta(minutes=10))
    spam_case(spam, opened_ago=timedelta(hours=47))

    taken = [claim_next_case(moderator=on_call_senior, category=spam) for _ in range(2)]

    assert [c.pk for c in taken] == [first.pk, later.pk]


def test_a_senior_off_call_works_the_queue_asked_for(spam, hate, senior):
    """Off call, "next case" is the queue's own order: the hate emergency is not theirs to chase."""
    TeamMembership.objects.filter(user=senior).update(is_on_call=False)
    senior.teams.first().categories.add(hate)
    emergency(hate, due_in=timedelta(minutes=10))
    waiting = spam_case(spam)

    assert claim_next_case(moderator=senior, category=spam).pk == waiting.pk


def test_a_frontline_moderator_on_call_never_gets_an_emergency(spam, spam_moderator):
    TeamMembership.objects.filter(user=spam_moderator).update(is_on_call=True)
    at_risk = emergency(spam, due_in=timedelta(minutes=10))
    waiting = spam_case(spam)

    assert claim_next_case(moderator=spam_moderator, category=spam).pk == waiting.pk
    assert claim_next_case(moderator=spam_moderator, category=spam) is None
    at_risk.refresh_from_db()
    assert at_risk.claimed_by is None


def test_an_emergency_someone_holds_is_not_handed_out_again(spam, hate, on_call_senior, senior):
    held = emergency(spam, due_in=timedelta(minutes=5))
    claim_next_emergency(moderator=senior)
    free = emergency(spam, due_in=timedelta(minutes=30))

    assert claim_next_case(moderator=on_call_senior, category=hate).pk == free.pk
    held.refresh_from_db()
    assert held.claimed_by == senior


# --- The emergencies page ---


def test_the_emergencies_page_lists_every_category_s_emergencies_due_first(
    client, spam, hate, on_call_senior
):
    later = emergency(spam, due_in=timedelta(minutes=75))
    fresh = self_harm_report(hate)  # due within the emergency tier's hour
    overdue = emergency(hate, due_in=-timedelta(minutes=3))
    spam_case(spam)  # not an emergency
    client.force_login(on_call_senior)

    response = client.get(reverse("moderation:emergencies"))

    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].cases] == [overdue.pk, fresh.pk, later.pk]
    page = response.content.decode()
    assert hate.name in page and spam.name in page  # each row names its category
    assert "Next emergency" in page
    assert "3 min late" in page


def test_a_senior_sees_only_the_emergencies_of_their_categories(client, spam, hate, senior):
    mine = emergency(spam, due_in=timedelta(minutes=30))
    emergency(hate, due_in=timedelta(minutes=5))
    client.force_login(senior)

    response = client.get(reverse("moderation:emergencies"))

    assert [c.pk for c in response.context["page"].cases] == [mine.pk]


def test_a_trust_and_safety_admin_sees_every_emergency(client, spam, hate, ts_admin):
    cases = [emergency(hate, due_in=timedelta(minutes=5)), emergency(spam, due_in=timedelta(1))]
    client.force_login(ts_admin)

    response = client.get(reverse("moderation:emergencies"))

    assert [c.pk for c in response.context["page"].cases] == [c.pk for c in cases]


def test_the_emergencies_page_walks_its_keyset_pages(client, spam, hate, senior, monkeypatch):
    senior.teams.first().categories.add(hate)
    cases = [
        emergency(spam if n % 2 else hate, due_in=timedelta(minutes=50 - 7 * n)) for n in range(7)
    ]
    real_page = selectors.queue_page
    monkeypatch.setattr(
        "reports.web.views.queues.queue_page",
        lambda qs, **kw: real_page(qs, **{**kw, "size": 3}),
    )
    client.force_login(senior)
    seen, after = [], ""
    while True:
        page = client.get(reverse("moderation:emergencies"), {"after": after}).context["page"]
        seen += [c.pk for c in page.cases]
        if not page.next_cursor:
            break
        after = page.next_cursor

    assert seen == [c.pk for c in reversed(cases)]


def test_next_emergency_takes_the_one_due_first_and_opens_it(client, spam, senior):
    emergency(spam, due_in=timedelta(minutes=40))
    first = emergency(spam, due_in=timedelta(minutes=4))
    client.force_login(senior)

    response = client.post(reverse("moderation:next-emergency"))

    assert response.url == reverse("moderation:case", args=[first.pk]) + f"?tier={Tier.EMERGENCY}"
    first.refresh_from_db()
    assert (first.status, first.claimed_by) == (CaseStatus.CLAIMED, senior)
    assert AuditEvent.objects.filter(action="case.claimed", case=first, actor=senior).exists()


def test_next_emergency_with_none_waiting_says_so_calmly(client, spam, senior):
    client.force_login(senior)

    response = client.post(reverse("moderation:next-emergency"), follow=True)

    page = response.content.decode()
    assert "No emergency is waiting." in page
    assert response.redirect_chain[-1][0] == reverse("moderation:emergencies")


def test_frontline_moderators_members_and_strangers_get_404(
    client, spam, spam_moderator, other_moderator, member
):
    at_risk = emergency(spam, due_in=timedelta(minutes=10))
    for person in (spam_moderator, other_moderator, member):
        client.force_login(person)
        assert client.get(reverse("moderation:emergencies")).status_code == 404
        assert client.post(reverse("moderation:next-emergency")).status_code == 404
    at_risk.refresh_from_db()
    assert at_risk.claimed_by is None
    client.logout()
    response = client.get(reverse("moderation:emergencies"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("moderation:next-emergency")).status_code == 302


def test_next_emergency_needs_post(client, senior):
    client.force_login(senior)

    assert client.get(reverse("moderation:next-emergency")).status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_the_emergencies_page_has_a_fixed_query_count(
    client, spam, hate, senior, count, django_assert_max_num_queries
):
    senior.teams.first().categories.add(hate)
    for n in range(count):
        emergency(spam if n % 2 else hate, due_in=timedelta(minutes=n))
    client.force_login(senior)

    # Session, user, rights, being a moderator, the page of cases, the unread alerts.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("moderation:emergencies"))
    assert len(response.context["rows"]) == count


# --- Home ---


def test_a_senior_s_home_opens_with_the_emergencies_count_and_oldest_age(
    client, spam, hate, on_call_senior
):
    emergency(spam, due_in=timedelta(minutes=20), waited=timedelta(minutes=40))
    emergency(hate, due_in=-timedelta(minutes=5), waited=timedelta(hours=1, minutes=5))
    client.force_login(on_call_senior)

    response = client.get(reverse("moderation:home"))

    lane = response.context["emergencies"]
    assert (lane.waiting, lane.overdue, lane.in_hand) == (2, 1, 0)
    page = response.content.decode()
    assert page.index('id="emergencies-title"') < page.index('<table class="table queues"')
    assert "2 waiting" in page
    assert "the oldest for 1 h 05" in page
    assert "1 overdue" in page
    assert "You are on call" in page
    assert [s for s in response.context["summaries"] if s.tiers == (Tier.EMERGENCY,)] == []


def test_a_senior_s_home_says_calmly_when_no_emergency_waits(client, spam, senior):
    client.force_login(senior)

    response = client.get(reverse("moderation:home"))

    page = response.content.decode()
    assert response.context["emergencies"].waiting == 0
    assert "No emergency is waiting." in page
    assert "Next emergency" not in page
    assert "You are on call" not in page


def test_emergencies_in_a_moderator_s_hands_are_counted_apart(client, spam, senior, ts_admin):
    held = emergency(spam, due_in=timedelta(minutes=10), waited=timedelta(minutes=30))
    claim_next_emergency(moderator=ts_admin)
    emergency(spam, due_in=timedelta(minutes=50), waited=timedelta(minutes=4))
    client.force_login(senior)

    response = client.get(reverse("moderation:home"))

    lane = response.context["emergencies"]
    assert (lane.waiting, lane.in_hand) == (1, 1)
    page = response.content.decode()
    assert "the oldest for 4 min" in page  # the one someone holds has someone
    assert "1 more in a moderator" in page
    held.refresh_from_db()
    assert held.claimed_by == ts_admin

    claim_next_emergency(moderator=senior)
    page = client.get(reverse("moderation:home")).content.decode()
    assert "No emergency is waiting." in page
    assert "2 are in moderators" in page


def test_frontline_moderators_see_no_emergencies_panel(client, spam, spam_moderator):
    emergency(spam, due_in=timedelta(minutes=10))
    client.force_login(spam_moderator)

    response = client.get(reverse("moderation:home"))

    assert response.context["emergencies"] is None
    assert "Emergencies" not in response.content.decode()


def test_a_new_emergency_shows_on_home_at_once_not_after_the_counts_cache(client, spam, senior):
    client.force_login(senior)
    assert client.get(reverse("moderation:home")).context["emergencies"].waiting == 0

    emergency(spam, due_in=timedelta(minutes=60))

    assert client.get(reverse("moderation:home")).context["emergencies"].waiting == 1


def test_a_senior_s_home_has_a_fixed_query_count(
    client, spam, hate, on_call_senior, django_assert_max_num_queries
):
    for n in range(12):
        emergency(spam if n % 2 else hate, due_in=timedelta(minutes=n))
    client.force_login(on_call_senior)
    client.get(reverse("moderation:home"))  # the queue counts, cached for 20 seconds

    # Session, user, rights, being a moderator, categories, teams and their categories, cases
    # held, unread alerts, the appeals waiting; and the lane's figures and whether they are on
    # call, read afresh.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("moderation:home")).status_code == 200


def test_every_moderation_page_links_to_the_emergencies_for_those_who_work_them(
    client, spam, senior, spam_moderator
):
    client.force_login(senior)
    assert 'class="emergencies-link"' in client.get(reverse("moderation:home")).content.decode()
    client.force_login(spam_moderator)
    assert "emergencies-link" not in client.get(reverse("moderation:home")).content.decode()
