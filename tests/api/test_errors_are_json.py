"""Every refusal under /api/ is JSON with a 4xx, whichever layer refuses; pages keep HTML."""

import io
import json

import pytest

from reports.models import Content, Evidence, Report
from tests.api.conftest import CONTENT, REPORTS, is_json_error
from tests.conftest import upload

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class BodyThatCountsReads(io.RawIOBase):
    """A request body of `size` bytes that is never held in memory; it counts what is read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_so_far)
        buffer[:n] = b"x" * n
        self.read_so_far += n
        return n


def nothing_written() -> bool:
    return not (Report.objects.exists() or Evidence.objects.exists() or Content.objects.exists())


def test_more_files_than_allowed_in_one_body_is_a_json_400(app, member, spam):
    response = app.post(
        REPORTS,
        {
            "member": member.public_id,
            "category": spam.slug,
            "evidence": [upload(f"shot{n}.png") for n in range(9)],
        },
        format="multipart",
    )

    assert is_json_error(response, 400)
    assert response.json()["code"] == "too_many_files"
    assert nothing_written()


def test_a_json_body_over_the_limit_is_a_json_413(app, member, spam, settings):
    body = json.dumps(
        {"member": member.public_id, "category": spam.slug, "description": "x" * (6 * MB)}
    )

    response = app.post(REPORTS, body, content_type="application/json")

    assert is_json_error(response, 413)
    assert response.json()["code"] == "too_large"
    assert nothing_written()


def test_a_150_mb_multipart_body_is_refused_before_it_is_read(app):
    body = BodyThatCountsReads(150 * MB)

    response = app.generic(
        "POST",
        REPORTS,
        content_type="multipart/form-data; boundary=hellomod",
        **{"CONTENT_LENGTH": str(body.size), "wsgi.input": body},
    )

    assert is_json_error(response, 413)
    assert response.json()["code"] == "too_large"
    assert body.read_so_far == 0
    assert nothing_written()


def test_a_large_form_body_to_the_platform_endpoint_is_refused_before_it_is_read(platform):
    body = BodyThatCountsReads(6 * MB)

    response = platform.generic(
        "POST",
        CONTENT,
        content_type="application/x-www-form-urlencoded",
        **{"CONTENT_LENGTH": str(body.size), "wsgi.input": body},
    )

    assert is_json_error(response, 413)
    assert body.read_so_far == 0


def test_an_address_without_its_slash_keeps_the_method_and_body(app, member, spam):
    payload = {"member": member.public_id, "category": spam.slug}

    moved = app.post(REPORTS.rstrip("/"), payload, format="json")
    followed = app.post(moved["Location"], payload, format="json")

    assert moved.status_code == 308
    assert moved["Location"] == REPORTS
    assert moved.json()["code"] == "moved"
    assert followed.status_code == 201


def test_a_body_without_a_length_is_refused_unread(app):
    body = BodyThatCountsReads(10 * MB)

    response = app.generic(
        "POST",
        REPORTS,
        content_type="application/json",
        **{"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": body},
    )

    assert is_json_error(response, 411)
    assert response.json()["code"] == "length_required"
    assert body.read_so_far == 0
    assert nothing_written()


@pytest.mark.parametrize(
    ("caller", "method", "path", "status"),
    [
        pytest.param("app", "get", f"{REPORTS}not-a-reference/", 404, id="reference-shape"),
        pytest.param("app", "get", f"{REPORTS}r-aaaa-aaaa/", 404, id="reference-in-lower-case"),
        pytest.param("app", "get", "/api/v2/reports/", 404, id="unknown-version"),
        pytest.param("app", "get", "/api/", 404, id="api-root"),
        pytest.param("app", "get", "/api/v1/", 404, id="v1-root"),
        pytest.param("app", "delete", REPORTS, 405, id="delete-the-list"),
        pytest.param("platform", "put", CONTENT, 405, id="put-content"),
        pytest.param("app", "patch", f"{REPORTS}R-AAAA-AAAA/", 405, id="patch-a-report"),
        pytest.param("app", "post", "/api/schema/", 405, id="post-the-schema"),
    ],
)
def test_unknown_addresses_and_methods_answer_json(request, caller, method, path, status):
    response = getattr(request.getfixturevalue(caller), method)(path)

    assert is_json_error(response, status), (response["Content-Type"], response.content[:120])
    assert set(response.json()) == {"detail", "code"}


def test_a_snapshot_nested_too_deep_in_a_multipart_body_is_a_400(platform, member, reporter, spam):
    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": spam.slug,
            "content_snapshot": "[" * 100_000 + "]" * 100_000,
        },
        format="multipart",
    )

    assert is_json_error(response, 400)
    assert response.json()["content_snapshot"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        pytest.param({}, 401, "not_authenticated", id="no-token"),
        pytest.param({"HTTP_AUTHORIZATION": "Token nope"}, 401, "authentication_failed", id="bad"),
        pytest.param({"HTTP_ACCEPT": "application/xml"}, 406, "not_acceptable", id="accept-xml"),
    ],
)
def test_refusals_before_the_view_have_the_same_shape(client, request_kwargs, status, code):
    response = client.get(REPORTS, **request_kwargs)

    assert is_json_error(response, status)
    assert response.json()["code"] == code
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"


def test_a_field_error_keeps_the_field_and_a_body_error_has_detail_and_code(app, spam):
    by_field = app.post(REPORTS, {"category": spam.slug}, format="json")
    unreadable = app.post(REPORTS, "{", content_type="application/json")
    wrong_type = app.post(REPORTS, "member=x", content_type="text/plain")

    assert is_json_error(by_field, 400)
    assert by_field.json() == {"member": ["This field is required."]}
    assert is_json_error(unreadable, 400)
    assert unreadable.json()["code"] == "parse_error"
    assert is_json_error(wrong_type, 415)
    assert wrong_type.json()["code"] == "unsupported_media_type"


def test_pages_outside_the_api_keep_their_html_error_pages(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_field_error_is_a_list_of_messages(platform, member, reporter, spam):
    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": spam.slug,
            "source": "automatic",
        },
        format="json",
    )

    assert is_json_error(response, 400)
    assert response.json() == {"source": ["Automatic reports have no reporter."]}


@pytest.mark.parametrize("path", [REPORTS, f"{REPORTS}R-AAAA-AAAA/"])
def test_a_format_the_api_does_not_speak_is_not_acceptable(app, path):
    response = app.get(path, {"format": "xml"})

    assert is_json_error(response, 406)
    assert response.json()["code"] == "not_acceptable"
