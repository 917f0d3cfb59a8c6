"""Failed sign-ins lock, on both sign-in pages; T&S admins unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from reports.models import AuditEvent
from tests.accounts.conftest import (
    ELSEWHERE,
    HOME,
    LOCKED,
    OFFICE,
    SIGN_IN_PAGES,
    T0,
    fail,
    sign_in,
    signed_in,
    verified_client,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_thirty_wrong_passwords_lock_the_sign_in_page_and_the_right_one_is_refused(
    client, tessa, page
):
    answers = fail(client, "tessa", 30, page=page)

    # Five wrong passwords from one address for one account, then the lock.
    assert [r.status_code for r in answers[:4]] == [200] * 4
    assert {r.status_code for r in answers[4:]} == {429}
    locked = answers[-1]
    text = locked.content.decode()
    assert LOCKED in text
    assert "try again in 15 minutes" in text
    assert "Staff can ask a Trust &amp; Safety admin to unlock their account." in text
    # On the sign-in page itself, in the form's error, ready for the next try.
    assert 'name="password"' in text
    assert "correct username and password" not in text
    assert 800 <= int(locked["Retry-After"]) <= 900

    right = sign_in(client, "tessa", page=page)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert not signed_in(client)
    # Attempts while locked are refused without being counted: the end time holds.
    assert AccessAttempt.objects.get(username="tessa").failures_since_start == 5


def test_the_lock_names_the_time_it_ends(client, tessa, time_machine):
    time_machine.move_to(T0, tick=False)
    fail(client, "tessa", 5)

    time_machine.move_to(T0 + timedelta(minutes=10), tick=False)
    response = sign_in(client, "tessa")

    assert response.status_code == 429
    assert "try again in 5 minutes (at 09:15 UTC)" in response.content.decode()
    assert response["Retry-After"] == "300"


def test_the_lock_lifts_after_the_cool_off(client, tessa, time_machine):
    time_machine.move_to(T0, tick=False)
    fail(client, "tessa", 5)

    time_machine.move_to(T0 + timedelta(minutes=15, seconds=1), tick=False)
    assert sign_in(client, "tessa").status_code == 302
    assert signed_in(client)


def test_the_account_from_another_address_and_another_account_here_still_sign_in(client, tessa, mo):
    fail(client, "tessa", 30, address=OFFICE)

    # Tessa at home: one address guessing does not lock her out everywhere.
    assert sign_in(client, "tessa", address=HOME).status_code == 302
    client.logout()
    # Mo, in the same office behind the same address.
    assert sign_in(client, "mo", address=OFFICE).status_code == 302


def test_guessing_one_account_from_many_addresses_locks_it_everywhere(client, tessa):
    for n in range(5):
        fail(client, "tessa", 2, address=f"192.0.2.{n + 1}")

    response = sign_in(client, "tessa", address=HOME)

    assert response.status_code == 429
    assert not signed_in(client)


def test_one_password_sprayed_over_many_accounts_locks_the_address(client, mo):
    for n in range(10):
        fail(client, f"guess{n}", 3, address=ELSEWHERE)

    assert sign_in(client, "mo", address=ELSEWHERE).status_code == 429
    # An office's few typos lock nobody: 29 failures over several accounts from one address.
    for n in range(10):
        fail(client, f"typo{n}", 2 if n else 1, address=OFFICE)
    assert AccessAttempt.objects.filter(ip_address=OFFICE).count() == 10
    assert sign_in(client, "mo", address=OFFICE).status_code == 302


def test_a_trust_and_safety_admin_unlocks_in_the_admin(client, tessa, mo):
    fail(client, "mo", 5)
    assert sign_in(client, "mo").status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")
    verified_client(client, tessa)

    listed = client.get(changelist, {"q": "mo"})
    assert listed.status_code == 200
    assert "Locked Out" in listed.content.decode()
    attempts = list(AccessAttempt.objects.filter(username="mo").values_list("pk", flat=True))
    response = client.post(
        changelist, {"action": "unlock", "_selected_action": attempts}, follow=True
    )
    assert "Unlocked: 1 record of failed sign-ins forgotten." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="mo").exists()
    unlocked = AuditEvent.objects.get(action="sign_in.unlocked")
    assert (unlocked.actor, unlocked.before) == (tessa, {"username": "mo"})
    assert OFFICE not in str(unlocked.before)

    client.logout()
    assert sign_in(client, "mo").status_code == 302


def test_unlocking_is_the_only_way_failed_sign_ins_go(client, tessa, mo):
    fail(client, "mo", 2)
    attempt = AccessAttempt.objects.get(username="mo")
    verified_client(client, tessa)

    listed = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    delete = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]))

    assert 'value="delete_selected"' not in listed
    assert delete.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_moderator_cannot_unlock(client, mo, tessa):
    fail(client, "tessa", 5)
    verified_client(client, mo)

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="tessa").exists()
