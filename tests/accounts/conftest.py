"""Staff sign-in tests: people sign in on the forms and type their codes.

The suite runs with DEBUG off, so the second factor is on (STAFF_TWO_FACTOR) as in production.
Here nobody is verified behind the scenes.
"""

import re
from base64 import b32decode
from datetime import UTC, datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import authenticator_code, give_authenticator, make_moderator

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
