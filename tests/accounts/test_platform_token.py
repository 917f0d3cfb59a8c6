import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def test_the_platform_token_reports_on_members_behalf(spam):
    out = io.StringIO()
    call_command("platform_token", stdout=out, stderr=io.StringIO())
    again = io.StringIO()
    call_command("platform_token", stdout=again)
    token = out.getvalue().strip()
    assert token == again.getvalue().strip()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/reports/",
        {
            "member": make_member().public_id,
            "reporter": make_member().public_id,
            "category": spam.slug,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
