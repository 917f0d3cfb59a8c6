"""A new moderator sets up an authenticator app; a guessed password locks the sign-in page."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from reports.models import Category
from tests.conftest import make_moderator, make_team
from tests.e2e.test_sign_in_and_admin import pass_second_factor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-moderator-pass"


def submit_password(page, live_server, username, password, path="/accounts/login/"):
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^(Sign in|Log in)$")).click()


def code_from_key(secret: str, *, later: int = 0) -> str:
    """What an authenticator app shows for a key typed in by hand."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def test_a_new_moderator_sets_up_an_authenticator_and_signs_in_with_it(
    page, live_server, screenshot
):
    # The pages draw the QR code and style themselves under the strict Content-Security-Policy.
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    spam = Category.objects.get(slug="spam-solicitation")
    mo = make_moderator(team=make_team(spam), username="mo", password=PASSWORD)

    submit_password(page, live_server, "mo", PASSWORD)

    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    screenshot("second-factor-set-up")
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Code from the app").fill(code_from_key(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot("recovery-codes")
    page.get_by_role("link", name="I have saved them, continue").click()
    page.get_by_text("Your member id").wait_for()

    # The next sign-in asks for the code only.
    page.get_by_role("button", name="Sign out").first.click()
    submit_password(page, live_server, "mo", PASSWORD)
    expect(page.get_by_role("heading", name="Second step of signing in")).to_be_visible()
    screenshot("second-factor-verify")
    page.get_by_label("Code").fill("000000" if code_from_key(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".field .error")).to_contain_text("That code is not right")
    expect(page.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
    screenshot("second-factor-wrong-code")

    time.sleep(1.1)  # django-otp waits a second after a wrong code
    pass_second_factor(page, mo.totpdevice_set.get())
    page.goto(f"{live_server.url}/moderation/")
    assert page.url.endswith("/moderation/")
    assert violations == []


@pytest.mark.parametrize(("path", "name"), [("/accounts/login/", ""), ("/admin/login/", "admin-")])
def test_a_guessed_password_locks_the_sign_in_page_and_says_when_to_try_again(
    page, live_server, screenshot, path, name
):
    make_moderator(username="mo", password=PASSWORD)

    for _ in range(5):
        submit_password(page, live_server, "mo", "not-the-password", path)

    message = page.get_by_text("Too many failed sign-ins")
    expect(message).to_be_visible()
    expect(message).to_contain_text("try again in 15 minutes")
    screenshot(f"{name}sign-in-locked")

    submit_password(page, live_server, "mo", PASSWORD, path)
    expect(page.get_by_text("Too many failed sign-ins")).to_be_visible()
    assert path in page.url
