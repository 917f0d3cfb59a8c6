"""Idle staff sessions end; members keep the session age."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.staff_sessions import LAST_SEEN_KEY
from tests.accounts.conftest import (
    T0,
    sign_in,
    signed_in,
    verified_client,
)
from tests.conftest import give_authenticator

pytestmark = pytest.mark.django_db


def test_an_idle_staff_session_is_signed_out_with_a_message(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    verified_client(client, mo)
    assert client.get("/moderation/").status_code == 200

    time_machine.shift(timedelta(minutes=30, seconds=1))
    response = client.get("/moderation/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/moderation/"
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page


def test_an_active_staff_session_stays_signed_in(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    verified_client(client, mo)

    for _ in range(12):
        time_machine.shift(timedelta(minutes=20))
        assert client.get("/moderation/").status_code == 200

    assert signed_in(client)


def test_last_use_is_written_at_most_once_a_minute(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    verified_client(client, mo)
    stamped = client.session[LAST_SEEN_KEY]

    time_machine.shift(timedelta(seconds=59))
    client.get("/moderation/")
    assert client.session[LAST_SEEN_KEY] == stamped

    time_machine.shift(timedelta(seconds=1))
    client.get("/moderation/")
    assert client.session[LAST_SEEN_KEY] == stamped + 60


def test_a_member_session_keeps_the_session_age(client, reporter, time_machine):
    time_machine.move_to(T0, tick=False)
    client.force_login(reporter)

    time_machine.shift(timedelta(hours=3))

    assert client.get(reverse("reports:mine")).status_code == 200
    assert LAST_SEEN_KEY not in client.session


def test_a_moderator_idle_while_asked_for_a_code_starts_over(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    give_authenticator(mo)
    sign_in(client, "mo")

    time_machine.shift(timedelta(minutes=31))
    response = client.get(reverse("accounts:second-factor"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert not signed_in(client)
    assert "You were signed out after 30 minutes" in response.content.decode()


def test_idle_limit_comes_from_the_settings(client, mo, time_machine, settings):
    settings.STAFF_IDLE_TIMEOUT = timedelta(minutes=5)
    time_machine.move_to(T0, tick=False)
    verified_client(client, mo)

    time_machine.shift(timedelta(minutes=5, seconds=1))

    assert client.get("/moderation/")["Location"].startswith(reverse("login"))
