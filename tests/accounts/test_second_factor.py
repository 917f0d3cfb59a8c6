"""Staff pass a second factor: an authenticator app, or a recovery code."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import confirm_authenticator, new_authenticator, replace_recovery_codes
from reports.models import AuditEvent
from tests.accounts.conftest import (
    ELSEWHERE,
    PASSWORD,
    T0,
    app_from,
    second_factor_url,
    sign_in,
    verified_client,
    verify,
)
from tests.conftest import authenticator_code, give_authenticator, make_member

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("code", ["²²²²²²", "12345", "1234567", "abcdef"])
def test_a_code_that_is_not_six_digits_is_refused_on_the_set_up_page(client, mo, code):
    sign_in(client, "mo")

    response = client.post(reverse("accounts:second-factor-set-up"), {"code": code})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=mo).exists()


def test_of_two_set_ups_at_once_only_the_first_is_kept(mo):
    first, second = new_authenticator(user=mo), new_authenticator(user=mo)

    kept = confirm_authenticator(user=mo, key=first.key, code=authenticator_code(first))
    refused = confirm_authenticator(user=mo, key=second.key, code=authenticator_code(second))

    assert kept is not None
    assert refused is None
    assert TOTPDevice.objects.get(user=mo).key == first.key
