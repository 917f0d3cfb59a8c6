"""Evidence is served only to those who may see its case, with headers that keep it inert."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from reports.evidence import clean_image
from reports.services.intake import submit_report
from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(reporter, member, spam):
    image = clean_image(io.BytesIO(image_bytes("PNG", size=(1200, 800))))
    report = submit_report(reporter=reporter, subject=member, category=spam, evidence=[image])
    return report.evidence.get()


def test_a_moderator_of_the_category_sees_the_image_with_safe_headers(
    client, spam_moderator, evidence
):
    client.force_login(spam_moderator)

    response = client.get(reverse("reports:evidence", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="evidence-{evidence.pk}.jpg"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (1200, 800)


def test_the_thumbnail_is_small(client, spam_moderator, evidence):
    client.force_login(spam_moderator)

    response = client.get(reverse("reports:evidence-thumbnail", args=[evidence.pk]))

    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert response.status_code == 200
    assert max(image.size) == 320


def test_trust_and_safety_admins_see_every_category(client, ts_admin, evidence):
    client.force_login(ts_admin)

    assert client.get(reverse("reports:evidence", args=[evidence.pk])).status_code == 200


@pytest.mark.parametrize("who", ["other_moderator", "reporter", "member"])
def test_anyone_else_gets_not_found(client, request, evidence, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("reports:evidence", args=[evidence.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, evidence):
    response = client.get(reverse("reports:evidence", args=[evidence.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_uploads_are_not_reachable_under_the_media_url(client, ts_admin, evidence):
    client.force_login(ts_admin)

    assert client.get(f"/media/{evidence.image.name}").status_code == 404
