"""schemathesis sends what the schema allows (and what it does not) to every operation.

As the community app (a member's token) and as the platform (its token), against the real WSGI
application, PostgreSQL and Redis: no answer may be a 5xx, a status the schema does not list, a
body or header that breaks the schema, or a content type it does not name.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.conftest import make_content, make_member

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    # Without the token the request is refused; a method the schema does not list is a 405.
    ignored_auth,
    unsupported_method,
]

# Bounded so that both callers together stay well under a minute in `make test`; raise it for a
# deeper run, e.g. HELLOMOD_FUZZ_EXAMPLES=500.
EXAMPLES_PER_OPERATION = int(os.environ.get("HELLOMOD_FUZZ_EXAMPLES", "25"))

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # what the schema allows, and what it does not
            "max-examples": EXAMPLES_PER_OPERATION,
            "database": "none",  # nothing written outside the test run
        },
    }
)


# Read through the WSGI application itself, as a client would (no database needed for it).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=CONFIG)


@pytest.fixture(autouse=True)
def _requests_keep_the_test_transaction(db):
    """As Django's test client does: neither the start nor the end of a request may close the
    connection that holds the test's transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def examples_exist(db) -> None:
    """The members and content the schema's examples name, so examples reach a 201."""
    reported = make_member(public_id="7KQ2M9XD4P")
    make_member(public_id="R3P0RT3R22")
    make_content(reported, external_id="moment-1")


@pytest.fixture
def member_token(examples_exist) -> str:
    return Token.objects.create(user=make_member()).key


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZ
def test_the_app_gets_what_the_schema_says(case, member_token):
    case.call_and_validate(headers={"Authorization": f"Token {member_token}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_the_platform_gets_what_the_schema_says(case, examples_exist, platform_token):
    case.call_and_validate(headers={"Authorization": f"Token {platform_token}"}, checks=CHECKS)
