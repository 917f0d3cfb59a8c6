"""A bulk choice the queue refuses goes back to the queue page as it was chosen: the same cases
ticked, the decision, days and words kept, and why in the bulk bar; never a dead end."""

import re

import pytest
from django.urls import reverse

from reports.models import BulkDecision, OutboxMessage
from reports.services import bulk as bulk_service
from tests.reports.test_moderation_pages import content_case

pytestmark = pytest.mark.django_db


def ticked(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="cases" value="(\d+)"[^>]*\bchecked\b', html)}


def bar(html: str) -> str:
    start = html.index('id="bulk-bar"')
    return html[start : html.index("</table>", start)]


@pytest.fixture
def wave(spam):
    return [content_case(spam) for _ in range(4)]


def post_bulk(client, spam, data, **query):
    url = reverse("moderation:bulk", args=[spam.slug])
    return client.post(url, data, follow=True, **query)


def test_a_suspension_without_days_comes_back_ticked_with_why(client, spam, spam_moderator, wave):
    client.force_login(spam_moderator)
    chosen = [wave[0].pk, wave[2].pk]

    response = post_bulk(
        client, spam, {"cases": chosen, "action": "suspend", "days": "", "facts": "Wave of 3 May."}
    )

    (redirect, status), *_ = response.redirect_chain
    assert status == 302
    assert redirect.startswith(reverse("moderation:queue", args=[spam.slug]))
    html = response.content.decode()
    assert ticked(html) == set(chosen)
    assert "Days: Say for how many days." in bar(html)
    assert 'value="" aria-invalid="true" aria-describedby="bulk-errors"' in bar(html)
    assert '<option value="suspend" selected>' in bar(html)
    assert 'name="facts" maxlength="2000" value="Wave of 3 May."' in bar(html)
    assert "2 selected" in bar(html)
    assert not BulkDecision.objects.exists()
    assert not OutboxMessage.objects.filter(topic="bulk_decide_chunk").exists()


def test_days_out_of_range_are_kept_to_be_corrected(client, spam, spam_moderator, wave):
    client.force_login(spam_moderator)

    response = post_bulk(client, spam, {"cases": [wave[1].pk], "action": "restrict", "days": "999"})

    html = bar(response.content.decode())
    assert 'name="days" min="1" max="365" class="short" value="999"' in html
    assert '<option value="restrict" selected>' in html
    assert "Days: Ensure this value is less than or equal to 365." in html


def test_no_case_chosen_says_so_in_the_bar(client, spam, spam_moderator, wave):
    client.force_login(spam_moderator)

    response = post_bulk(client, spam, {"action": "warn"})

    html = response.content.decode()
    assert "Select at least one case." in bar(html)
    assert ticked(html) == set()
    assert "0 selected" in bar(html)


def test_too_many_cases_come_back_with_the_limit(client, spam, spam_moderator, wave, monkeypatch):
    # The limit is 1,000 (the most a form may post); a queue of four says the same with three.
    monkeypatch.setattr(bulk_service, "MAX_CASES", 3)
    client.force_login(spam_moderator)
    ids = [case.pk for case in wave]

    response = post_bulk(client, spam, {"cases": ids, "action": "warn"})

    html = response.content.decode()
    assert "At most 3 cases at once." in bar(html)
    assert ticked(html) == set(ids)
    assert "4 selected" in bar(html)
    assert not BulkDecision.objects.exists()


def test_the_queue_s_filters_come_back_too(client, spam, spam_moderator, wave):
    client.force_login(spam_moderator)

    response = post_bulk(
        client,
        spam,
        {"cases": [wave[0].pk], "action": "suspend", "query": "language=en&overdue=on&x=<b>"},
    )

    redirect = response.redirect_chain[0][0]
    assert redirect.startswith(reverse("moderation:queue", args=[spam.slug]) + "?language=en")
    assert "overdue=on" in redirect
    assert "<b>" not in redirect


def test_a_refusal_is_shown_once(client, spam, spam_moderator, wave):
    client.force_login(spam_moderator)
    post_bulk(client, spam, {"cases": [wave[0].pk], "action": "suspend"})

    again = client.get(reverse("moderation:queue", args=[spam.slug])).content.decode()

    assert "Say for how many days." not in again
    assert ticked(again) == set()


def test_a_refusal_on_the_confirmation_step_comes_back_too(client, spam, spam_moderator, wave):
    client.force_login(spam_moderator)
    data = {"cases": [wave[0].pk], "action": "ban", "facts": "Scam ring."}
    confirm = client.post(reverse("moderation:bulk", args=[spam.slug]), data)
    assert confirm.status_code == 200
    # Meanwhile an admin asks for a second moderator on bans in this category.
    spam.policy.four_eyes_for_bans = True
    spam.policy.save(update_fields=["four_eyes_for_bans"])

    response = post_bulk(client, spam, {**data, "confirm": "1"})

    html = response.content.decode()
    assert "Bans in this category need a second moderator" in bar(html)
    assert ticked(html) == {wave[0].pk}
    assert not BulkDecision.objects.exists()


def test_another_team_s_queue_stays_a_404(client, spam, other_moderator, wave):
    client.force_login(other_moderator)

    response = client.post(
        reverse("moderation:bulk", args=[spam.slug]), {"cases": [wave[0].pk], "action": "warn"}
    )

    assert response.status_code == 404
