"""A case another moderator holds: who holds it and until when, a decision panel that is off and
says why, a senior's "Take over" (one wins when two try at once), the former holder told, and a
case page that gives its case back when it is left but not when it is reloaded."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import AuditEvent, Case, CaseStatus
from reports.services.claims import claim_case, take_over_case
from tests.concurrency import run_at_once
from tests.conftest import make_moderator, make_team
from tests.reports.test_moderation_pages import content_case


@pytest.fixture
def held_case(spam, spam_moderator):
    """A case Moderator Mo holds, their lease running."""
    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=spam_moderator)
    case.refresh_from_db()
    return case


@pytest.fixture
def senior_sam(spam_team):
    return make_moderator(role="Senior moderator", team=spam_team, display_name="Senior Sam")


@pytest.fixture
def colleague(spam_team):
    """A frontline moderator of the same team: not a senior."""
    return make_moderator(team=spam_team, display_name="Colleague Cy")


def page_of(client, case) -> str:
    return client.get(reverse("moderation:case", args=[case.pk])).content.decode()


def lease_of(html: str) -> str:
    return re.search(r'data-lease="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_a_held_case_says_who_holds_it_and_until_when(client, held_case, colleague):
    client.force_login(colleague)

    page = page_of(client, held_case)

    until = timezone.localtime(held_case.lease_expires_at)
    assert "Moderator Mo holds this case" in page
    assert f"until {until:%H:%M} (in 14 min" in page or f"until {until:%H:%M} (in 15 min" in page
    # The decision panel is there, off, and says why; so is escalating.
    assert '<fieldset class="decide-fields stack" disabled aria-describedby="decide-held">' in page
    assert "Moderator Mo holds this case: you cannot decide it now." in page
    assert '<fieldset class="escalate-fields stack" disabled' in page
    # A frontline colleague cannot take it over, and the page offers nothing of the kind.
    assert "Take over" not in page
    assert reverse("moderation:take-over", args=[held_case.pk]) not in page


@pytest.mark.django_db
def test_the_holder_sees_an_open_panel(client, held_case, spam_moderator):
    client.force_login(spam_moderator)

    page = page_of(client, held_case)

    assert "holds this case" not in page
    assert '<fieldset class="decide-fields stack">' in page
    assert 'data-release-url="' in page


@pytest.mark.django_db
def test_a_senior_takes_the_case_over_and_it_is_on_the_record(
    client, held_case, senior_sam, spam_moderator
):
    client.force_login(senior_sam)
    page = page_of(client, held_case)
    assert "Take over" in page
    before = held_case.lease_expires_at

    response = client.post(
        reverse("moderation:take-over", args=[held_case.pk]),
        {"holder": spam_moderator.pk},
        follow=True,
    )

    held_case.refresh_from_db()
    assert (held_case.status, held_case.claimed_by) == (CaseStatus.CLAIMED, senior_sam)
    assert held_case.lease_expires_at > before
    assert held_case.lease_expires_at > timezone.now() + timedelta(minutes=14)
    event = AuditEvent.objects.get(action="case.taken_over")
    assert (event.actor, event.case_id) == (senior_sam, held_case.pk)
    assert event.before["claimed_by"] == spam_moderator.pk
    assert event.after["claimed_by"] == senior_sam.pk
    html = response.content.decode()
    assert f"You hold case #{held_case.pk} now. Moderator Mo sees that you took it over." in html
    assert '<fieldset class="decide-fields stack">' in html  # the senior may decide now


@pytest.mark.django_db
def test_the_former_holder_learns_it_at_the_next_lease_renewal_and_on_the_next_page(
    held_case, senior_sam, spam_moderator, spam
):
    holder = Client()
    holder.force_login(spam_moderator)
    assert 'data-lease-url="' in page_of(holder, held_case)
    take_over_case(case_id=held_case.pk, moderator=senior_sam, holder_id=spam_moderator.pk)
    at = timezone.localtime(AuditEvent.objects.get(action="case.taken_over").created_at)

    renewal = holder.post(reverse("moderation:lease", args=[held_case.pk]))

    assert renewal.status_code == 409
    assert renewal.json() == {
        "error": f"Senior Sam took this case over at {at:%H:%M}.",
        "taken_over": True,
    }
    # Their next page says it once.
    queue = holder.get(reverse("moderation:queue", args=[spam.slug])).content.decode()
    assert f"Senior Sam took case #{held_case.pk} over from you at {at:%H:%M}." in queue
    again = holder.get(reverse("moderation:queue", args=[spam.slug])).content.decode()
    assert "over from you" not in again
    # The case page itself says so, the panel off.
    page = page_of(holder, held_case)
    assert f"Senior Sam took this case over at {at:%H:%M}." in page
    assert "Senior Sam holds this case" in page
    assert '<fieldset class="decide-fields stack" disabled' in page


@pytest.mark.django_db
def test_a_moderator_who_is_not_a_senior_is_refused(client, held_case, colleague, spam_moderator):
    client.force_login(colleague)

    response = client.post(
        reverse("moderation:take-over", args=[held_case.pk]), {"holder": spam_moderator.pk}
    )

    assert response.status_code == 403
    assert "Only senior moderators can take a case over." in response.content.decode()
    held_case.refresh_from_db()
    assert held_case.claimed_by == spam_moderator
    assert not AuditEvent.objects.filter(action="case.taken_over").exists()


@pytest.mark.django_db
def test_a_senior_of_another_team_gets_404(client, held_case, hate, spam_moderator):
    outsider = make_moderator(role="Senior moderator", team=make_team(hate))
    client.force_login(outsider)

    response = client.post(
        reverse("moderation:take-over", args=[held_case.pk]), {"holder": spam_moderator.pk}
    )

    assert response.status_code == 404
    held_case.refresh_from_db()
    assert held_case.claimed_by == spam_moderator


@pytest.mark.django_db
@pytest.mark.parametrize("holder", ["", "abc", "9" * 30, "-1"])
def test_a_bad_holder_is_a_clear_message_not_a_crash(
    client, held_case, senior_sam, spam_moderator, holder
):
    client.force_login(senior_sam)

    response = client.post(
        reverse("moderation:take-over", args=[held_case.pk]), {"holder": holder}, follow=True
    )

    assert response.status_code == 200
    assert "Moderator Mo holds this case now; it changed hands before your request." in (
        response.content.decode()
    )
    held_case.refresh_from_db()
    assert held_case.claimed_by == spam_moderator


@pytest.mark.django_db
def test_taking_over_a_case_nobody_holds_any_more_says_so(
    client, held_case, senior_sam, spam_moderator
):
    from reports.services.claims import release_case

    release_case(case_id=held_case.pk, moderator=spam_moderator)
    client.force_login(senior_sam)

    response = client.post(
        reverse("moderation:take-over", args=[held_case.pk]),
        {"holder": spam_moderator.pk},
        follow=True,
    )

    assert "Nobody holds this case any more: take it if it is yours." in response.content.decode()
    held_case.refresh_from_db()
    assert held_case.status == CaseStatus.OPEN


@pytest.mark.django_db(transaction=True)
def test_two_seniors_taking_over_at_once_one_wins_the_other_sees_who(spam, spam_team):
    holder = make_moderator(team=spam_team, display_name="Moderator Mo")
    seniors = [
        make_moderator(role="Senior moderator", team=spam_team, display_name=name)
        for name in ("Senior Sam", "Senior Sue")
    ]
    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=holder)
    clients = []
    for senior in seniors:
        client = Client()
        client.force_login(senior)
        clients.append((senior, client))

    def take_over(pair):
        senior, client = pair
        response = client.post(
            reverse("moderation:take-over", args=[case.pk]), {"holder": holder.pk}, follow=True
        )
        return senior, response.content.decode()

    answers = run_at_once(take_over, clients)

    case.refresh_from_db()
    winner = case.claimed_by
    assert winner in seniors
    assert AuditEvent.objects.filter(action="case.taken_over").count() == 1
    (loser_page,) = [page for senior, page in answers if senior != winner]
    assert f"{winner.display_name} holds this case now; it changed hands before your request." in (
        loser_page
    )
    assert f"{winner.display_name} holds this case" in loser_page


# --- Leaving a case gives it back; reloading it does not ---


@pytest.mark.django_db
def test_a_page_being_left_gives_its_case_back(client, held_case, spam_moderator):
    client.force_login(spam_moderator)
    lease = lease_of(page_of(client, held_case))

    answer = client.post(
        reverse("moderation:release", args=[held_case.pk]), {"beacon": "1", "lease": lease}
    )

    assert answer.json() == {"released": True}
    held_case.refresh_from_db()
    assert (held_case.status, held_case.claimed_by) == (CaseStatus.OPEN, None)


@pytest.mark.django_db
def test_a_reloaded_page_keeps_the_case(client, held_case, spam_moderator):
    client.force_login(spam_moderator)
    first = lease_of(page_of(client, held_case))
    # The reload's page is drawn (and renews the lease) before the old page's beacon arrives.
    second = lease_of(page_of(client, held_case))
    assert second != first

    answer = client.post(
        reverse("moderation:release", args=[held_case.pk]), {"beacon": "1", "lease": first}
    )

    assert answer.json() == {"released": False}
    held_case.refresh_from_db()
    assert (held_case.status, held_case.claimed_by) == (CaseStatus.CLAIMED, spam_moderator)
    assert held_case.lease_expires_at.isoformat() == second
    # The lease renewal keeps the page's lease up to date, and a later leave still works.
    renewed = client.post(reverse("moderation:lease", args=[held_case.pk])).json()
    client.post(
        reverse("moderation:release", args=[held_case.pk]),
        {"beacon": "1", "lease": renewed["lease_expires_at"]},
    )
    held_case.refresh_from_db()
    assert held_case.status == CaseStatus.OPEN


@pytest.mark.django_db
def test_a_beacon_never_releases_someone_else_s_claim(client, held_case, colleague):
    client.force_login(colleague)

    answer = client.post(
        reverse("moderation:release", args=[held_case.pk]),
        {"beacon": "1", "lease": held_case.lease_expires_at.isoformat()},
    )

    assert answer.json() == {"released": False}
    assert Case.objects.get(pk=held_case.pk).status == CaseStatus.CLAIMED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lease", ["", "yesterday", "2026-02-30T10:00:00+00:00", "2026-11-30T10:00:00"]
)
def test_a_garbled_lease_is_a_400_and_keeps_the_case(client, held_case, spam_moderator, lease):
    client.force_login(spam_moderator)

    answer = client.post(
        reverse("moderation:release", args=[held_case.pk]), {"beacon": "1", "lease": lease}
    )

    assert answer.status_code == 400
    assert answer.json()["error"]
    assert Case.objects.get(pk=held_case.pk).status == CaseStatus.CLAIMED


@pytest.mark.django_db
def test_the_release_button_gives_the_case_back_whatever_the_lease(
    client, held_case, spam_moderator, spam
):
    client.force_login(spam_moderator)

    response = client.post(reverse("moderation:release", args=[held_case.pk]))

    assert response.url == reverse("moderation:queue", args=[spam.slug])
    assert Case.objects.get(pk=held_case.pk).status == CaseStatus.OPEN
