"""Member pages and the API list cost the same number of queries for 3 reports or 30."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.services.intake import submit_report
from tests.conftest import make_content, make_member

pytestmark = pytest.mark.django_db


def file_reports(reporter, category, count: int) -> None:
    for _ in range(count):
        subject = make_member()
        submit_report(
            reporter=reporter, subject=subject, category=category, content=make_content(subject)
        )


@pytest.mark.parametrize("count", [3, 30])
def test_my_reports_page_has_a_fixed_query_count(
    client, reporter, spam, count, django_assert_max_num_queries, settings
):
    settings.REPORTS_PER_HOUR = 100
    file_reports(reporter, spam, count)
    client.force_login(reporter)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("reports:mine"))

    assert response.status_code == 200
    assert response.content.decode().count("/reports/R-") == min(count, 25)  # 25 a page


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_list_has_a_fixed_query_count(
    reporter, spam, count, django_assert_max_num_queries, settings
):
    settings.REPORTS_PER_HOUR = 100
    file_reports(reporter, spam, count)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reporter).key}")

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/reports/")

    assert len(response.json()["results"]) == count


def test_the_report_form_has_a_fixed_query_count(
    client, reporter, member, django_assert_max_num_queries
):
    client.force_login(reporter)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("reports:report"), {"member": member.public_id})

    assert response.status_code == 200
