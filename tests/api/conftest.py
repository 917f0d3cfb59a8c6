"""The API's callers: the community app (a member's token) and the platform (its own token)."""

import io

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User

REPORTS = "/api/v1/reports/"
CONTENT = "/api/v1/content/"


def api_for(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def app(reporter) -> APIClient:
    """The community app, signed in as the reporting member."""
    return api_for(reporter)


@pytest.fixture
def platform_token(db) -> str:
    """The platform's token, made the way operators make it."""
    out = io.StringIO()
    call_command("platform_token", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.fixture
def platform(platform_token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {platform_token}")
    return client


def is_json_error(response, status: int) -> bool:
    """A 4xx the caller's code can read: the status asked for, a JSON body, never HTML.

    A Content-Length that does not match the body would leave a client waiting for bytes.
    """
    return (
        response.status_code == status
        and response["Content-Type"].startswith("application/json")
        and isinstance(response.json(), dict)
        and int(response.get("Content-Length", len(response.content))) == len(response.content)
    )
