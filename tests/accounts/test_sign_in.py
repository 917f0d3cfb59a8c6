"""Staff sign-in: lockout after failed passwords, the second factor, idle staff sessions.

The suite runs with DEBUG off, so the second factor is on (STAFF_TWO_FACTOR) as in production.
Here nobody is verified behind the scenes: people sign in on the forms and type their codes.
"""

import re
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import replace_recovery_codes
from accounts.staff_sessions import LAST_SEEN_KEY
from reports.models import AuditEvent
from tests.conftest import authenticator_code, give_authenticator, make_member, make_moderator

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password"
OFFICE = "198.51.100.7"
HOME = "203.0.113.20"
ELSEWHERE = "192.0.2.55"
SIGN_IN_PAGES = ["/accounts/login/", "/admin/login/"]
LOCKED = "Too many failed sign-ins"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _staff_pass_second_factor():
    """Overrides the suite's: here staff pass the second factor themselves, on its page."""


@pytest.fixture
def tessa(db):
    return make_moderator(role="Trust & Safety admin", username="tessa", password=PASSWORD)


@pytest.fixture
def mo(spam_team):
    return make_moderator(team=spam_team, username="mo", password=PASSWORD)


def sign_in(client, username, password=PASSWORD, *, address=OFFICE, page=SIGN_IN_PAGES[0]):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def fail(client, username, times, *, address=OFFICE, page=SIGN_IN_PAGES[0]):
    return [
        sign_in(client, username, "not-the-password", address=address, page=page)
        for _ in range(times)
    ]


def verify(client, code, next_url=""):
    data = {"code": code, "next": next_url} if next_url else {"code": code}
    return client.post(reverse("accounts:second-factor"), data)


def verified_client(client, user):
    """Signed in with the password and the code of a real authenticator."""
    assert sign_in(client, user.username).status_code == 302
    response = verify(client, authenticator_code(give_authenticator(user)))
    assert response.status_code == 302, response.content
    return client


def app_from(page) -> TOTPDevice:
    """The authenticator a person adds to their app from the key the set-up page shows."""
    secret = re.search(r'id="secret"[^>]*>([A-Z2-7 ]+)</p>', page.content.decode()).group(1)
    return TOTPDevice(key=b32decode(secret.replace(" ", "")).hex())


def second_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:second-factor')}?next={next_url.replace('/', '%2F')}"


# --- Lockout ---


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


def test_a_lost_authenticator_is_removed_on_the_record(client, tessa, mo):
    device = give_authenticator(mo)
    verified_client(client, tessa)

    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=mo).exists()
    removed = AuditEvent.objects.get(action="second_factor.removed")
    assert (removed.actor, removed.target_id) == (tessa, str(mo.pk))


def test_a_superuser_s_authenticator_is_out_of_a_t_and_s_admin_s_reach(client, tessa):
    root = make_member(username="root", is_staff=True, is_superuser=True)
    device = give_authenticator(root)
    verified_client(client, tessa)

    listed = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert "root" not in listed
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_moderator_cannot_unlock(client, mo, tessa):
    fail(client, "tessa", 5)
    verified_client(client, mo)

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="tessa").exists()


# --- Second factor ---


@pytest.mark.parametrize(
    "url", ["/moderation/", "/admin/", "/admin/reports/category/", "/evidence/1/", "/api/docs/"]
)
def test_every_staff_surface_asks_for_the_second_factor_first(client, mo, url):
    give_authenticator(mo)
    sign_in(client, "mo")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == second_factor_url(url)


def test_the_api_treats_a_session_without_second_factor_as_no_session(client, mo):
    sign_in(client, "mo")

    response = client.get("/api/v1/reports/")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_staff_without_an_authenticator_set_one_up_and_get_recovery_codes(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    assert sign_in(client, "mo").status_code == 302
    asked = client.get("/moderation/")
    assert asked["Location"] == second_factor_url("/moderation/")
    set_up_url = f"{reverse('accounts:second-factor-set-up')}?next=%2Fmoderation%2F"
    assert client.get(asked["Location"])["Location"] == set_up_url

    page = client.get(set_up_url)
    text = page.content.decode()
    assert re.search(r'<svg viewBox="[0-9 ]+" class="qr-code"><title>QR code for your', text)
    device = app_from(page)
    assert app_from(client.get(set_up_url)).key == device.key  # the same key on a reload
    assert not TOTPDevice.objects.filter(user=mo).exists()  # nothing kept before a code
    assert page["Cache-Control"].count("no-store") == 1

    right = authenticator_code(device)
    wrong = client.post(set_up_url, {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=mo).exists()

    time_machine.move_to(T0 + timedelta(seconds=2), tick=False)
    confirmed = client.post(
        set_up_url, {"code": authenticator_code(device), "next": "/moderation/"}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == (f"{reverse('accounts:recovery-codes')}?next=%2Fmoderation%2F")
    assert TOTPDevice.objects.get(user=mo, confirmed=True).key == device.key

    codes_page = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=mo).values_list("token", flat=True)
    )
    # Shown once: the page does not show them again.
    again = client.get(reverse("accounts:recovery-codes")).content.decode()
    assert not re.findall(r"<li><code>", again)
    assert "You have 10 unused recovery codes." in again

    assert client.get("/moderation/").status_code == 200


def test_a_key_shown_to_another_session_is_never_the_one_set_up(client, mo, time_machine):
    # Someone else who knows the password opens the set-up page first and copies its key.
    time_machine.move_to(T0, tick=False)
    intruder = Client()
    sign_in(intruder, "mo", address=ELSEWHERE)
    copied = app_from(intruder.get(reverse("accounts:second-factor-set-up")))

    sign_in(client, "mo")
    shown = app_from(client.get(reverse("accounts:second-factor-set-up")))
    assert shown.key != copied.key
    client.post(reverse("accounts:second-factor-set-up"), {"code": authenticator_code(shown)})
    assert TOTPDevice.objects.get(user=mo).key == shown.key

    time_machine.move_to(T0 + timedelta(seconds=40), tick=False)
    later = Client()
    sign_in(later, "mo", address=ELSEWHERE)
    assert verify(later, authenticator_code(copied)).status_code == 200  # refused
    time_machine.move_to(T0 + timedelta(seconds=42), tick=False)  # after the wrong code's wait
    assert verify(later, authenticator_code(shown)).status_code == 302


def test_a_password_alone_cannot_replace_an_authenticator(client, mo):
    give_authenticator(mo)
    sign_in(client, "mo")

    response = client.get(reverse("accounts:second-factor-set-up"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second-factor"))
    assert TOTPDevice.objects.filter(user=mo).count() == 1


def test_a_wrong_code_is_refused_throttled_and_the_right_one_passes(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    device = give_authenticator(mo)
    sign_in(client, "mo")
    right = authenticator_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    refused = verify(client, wrong, "/moderation/")
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert client.get("/moderation/").status_code == 302

    # Straight after a wrong code even the right one waits: django-otp's throttling.
    throttled = verify(client, right, "/moderation/")
    assert "Too many wrong codes. Wait 1 second, then try again." in throttled.content.decode()
    for _ in range(3):
        time_machine.shift(timedelta(seconds=30))
        verify(client, wrong)
    # Four wrong codes in a row: the next is checked no sooner than 8 seconds after the last.
    assert "Wait 8 seconds" in verify(client, right).content.decode()

    time_machine.shift(timedelta(seconds=8))
    passed = verify(
        client, authenticator_code(TOTPDevice.objects.get(pk=device.pk)), "/moderation/"
    )
    assert passed.status_code == 302
    assert passed["Location"] == "/moderation/"
    assert client.get("/moderation/").status_code == 200


def test_the_second_factor_does_not_send_people_off_site(client, mo):
    device = give_authenticator(mo)
    sign_in(client, "mo")

    response = verify(client, authenticator_code(device), "https://evil.example/")

    assert response["Location"] == reverse("home")


def test_a_recovery_code_works_once(client, mo):
    give_authenticator(mo)
    codes = replace_recovery_codes(user=mo)
    sign_in(client, "mo")

    # Typed as people copy it: upper case, with spaces.
    passed = verify(client, f" {codes[0][:4].upper()} {codes[0][4:].upper()} ", "/moderation/")
    assert passed.status_code == 302
    page = client.get("/moderation/")
    assert page.status_code == 200
    assert "You used a recovery code: 9 are left." in page.content.decode()

    client.post(reverse("logout"))
    sign_in(client, "mo")
    again = verify(client, codes[0], "/moderation/")
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()
    assert StaticToken.objects.filter(device__user=mo).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, mo):
    old = replace_recovery_codes(user=mo)
    verified_client(client, mo)

    response = client.post(reverse("accounts:recovery-codes"), follow=True)

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_a_removed_authenticator_stops_counting_within_a_minute(client, mo, time_machine):
    time_machine.move_to(T0, tick=False)
    verified_client(client, mo)
    TOTPDevice.objects.filter(user=mo).delete()

    time_machine.shift(timedelta(seconds=61))

    assert client.get("/moderation/")["Location"] == second_factor_url("/moderation/")


def test_members_are_never_asked(client, reporter):
    reporter.set_password(PASSWORD)
    reporter.save()

    assert sign_in(client, reporter.username).status_code == 302
    assert client.get(reverse("reports:report")).status_code == 200
    assert client.get(reverse("reports:mine")).status_code == 200
    assert client.get(reverse("accounts:second-factor")).status_code == 404
    assert client.get(reverse("accounts:second-factor-set-up")).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_with_the_second_factor_off_staff_go_straight_in(client, mo, settings):
    settings.STAFF_TWO_FACTOR = False
    sign_in(client, "mo")

    assert client.get("/moderation/").status_code == 200


# --- Idle staff sessions ---


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
