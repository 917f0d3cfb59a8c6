"""POST /api/v1/reports/ and /api/v1/content/: the app and the platform send reports in."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.models import (
    AuditEvent,
    Case,
    Category,
    Content,
    Evidence,
    OutboxMessage,
    Report,
    ReportSource,
)
from tests.conftest import image_bytes, make_content, make_member, upload

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
CONTENT = "/api/v1/content/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def app(reporter) -> APIClient:
    """The community app, signed in as the reporting member."""
    return api_for(reporter)


@pytest.fixture
def platform_user(db):
    service = make_member(username="platform", display_name="Platform service")
    service.user_permissions.add(Permission.objects.get(codename="submit_for_members"))
    return service


@pytest.fixture
def platform(platform_user) -> APIClient:
    return api_for(platform_user)


def transparent_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (200, 30, 30, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def nothing_written() -> bool:
    return not (
        Report.objects.exists()
        or Case.objects.exists()
        or Evidence.objects.exists()
        or OutboxMessage.objects.exists()
    )


def test_requests_without_a_token_are_refused_as_json(member, spam):
    response = APIClient().post(REPORTS, {"member": member.public_id, "category": spam.slug})

    assert response.status_code == 401
    assert "detail" in response.json()
    assert nothing_written()


def test_the_app_reports_a_pushed_content_as_json(app, reporter, member, spam):
    content = make_content(member)

    response = app.post(
        REPORTS,
        {
            "member": member.public_id,
            "content": content.pk,
            "category": "spam-solicitation",
            "reason": "advertising",
            "description": "Selling followers.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    report = Report.objects.get()
    assert body["reference"] == report.reference
    assert body["status"] == "open"
    assert body["category"] == "spam-solicitation"
    assert body["reason"] == "advertising"
    assert (report.reporter, report.subject, report.content) == (reporter, member, content)
    assert report.source == ReportSource.APP
    assert "case" not in body and "reporter" not in body


def test_multipart_brings_evidence_and_a_snapshot_with_the_report(platform, reporter, member, spam):
    snapshot = {
        "kind": "moment",
        "external_id": "moment-991",
        "text": "Follow me on my shop page!",
        "language": "en",
        "created_at": "2026-11-20T10:00:00Z",
    }

    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": "spam-solicitation",
            "content_snapshot": json.dumps(snapshot),
            "evidence": [
                upload("one.png", transparent_png()),
                upload("two.jpg", image_bytes("JPEG")),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    report = Report.objects.get()
    assert report.content.text == "Follow me on my shop page!"
    assert report.content.author == member
    assert report.content.external_id == "moment-991"
    assert sorted(report.evidence.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/png",
    ]
    assert response.json()["evidence_count"] == 2


def test_the_platform_pushes_content_once_and_reports_for_a_member(
    platform, platform_user, member, reporter, spam
):
    pushed = platform.post(
        CONTENT,
        {"kind": "message", "external_id": "msg-1", "author": member.public_id, "text": "hi"},
        format="json",
    )
    again = platform.post(
        CONTENT,
        {"kind": "message", "external_id": "msg-1", "author": member.public_id, "text": "edited"},
        format="json",
    )

    assert pushed.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == pushed.json()["id"]
    assert Content.objects.get().text == "hi"  # the first snapshot is the evidence
    assert AuditEvent.objects.filter(action="content.snapshotted", actor=platform_user).count() == 1

    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "content": pushed.json()["id"],
            "category": "spam-solicitation",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Report.objects.get().reporter == reporter


def test_members_cannot_push_content_or_report_for_someone_else(app, member, spam):
    pushed = app.post(
        CONTENT, {"kind": "message", "external_id": "m", "author": member.public_id}, format="json"
    )
    on_behalf = app.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": make_member().public_id,
            "category": "spam-solicitation",
        },
        format="json",
    )

    assert pushed.status_code == 403
    assert on_behalf.status_code == 403
    assert on_behalf.json()["detail"]
    assert not Content.objects.exists()
    assert nothing_written()


def test_members_list_and_read_only_their_own_reports(app, reporter, member, spam):
    app.post(REPORTS, {"member": member.public_id, "category": spam.slug}, format="json")
    theirs = api_for(make_member()).post(
        REPORTS, {"member": member.public_id, "category": spam.slug}, format="json"
    )

    listed = app.get(REPORTS).json()["results"]
    assert [r["member"] for r in listed] == [member.public_id]
    assert app.get(f"{REPORTS}{theirs.json()['reference']}/").status_code == 404


@pytest.mark.parametrize(
    ("case", "status", "field"),
    [
        ("self", 400, "member"),
        ("unknown_member", 400, "member"),
        ("unknown_category", 400, "category"),
        ("inactive_category", 400, "category"),
        ("foreign_reason", 400, "reason"),
        ("missing_details", 400, "description"),
        ("details_too_long", 400, "description"),
        ("six_files", 400, "evidence"),
        ("text_named_jpg", 400, "evidence"),
        ("bomb", 400, "evidence"),
        ("malformed_json", 400, "detail"),
        ("nul_in_member", 400, "member"),
        ("nul_in_category", 400, "category"),
        ("someone_elses_content", 400, "content"),
        ("unknown_content", 400, "content"),
        ("deep_json", 400, "detail"),
        ("snapshot_from_a_member", 403, "detail"),
    ],
)
def test_bad_input_gets_a_json_error_per_field_and_writes_nothing(
    app, reporter, member, spam, case, status, field
):
    data = {"member": member.public_id, "category": spam.slug}
    fmt = "json"
    if case == "self":
        data["member"] = reporter.public_id
    elif case == "unknown_member":
        data["member"] = "NOSUCH0000"
    elif case == "unknown_category":
        data["category"] = "no-such-category"
    elif case == "inactive_category":
        Category.objects.filter(pk=spam.pk).update(is_active=False)
    elif case == "foreign_reason":
        data["reason"] = "self-harm"
    elif case == "missing_details":
        data["category"] = "rights-infringement"
    elif case == "details_too_long":
        data["description"] = "x" * 4001
    elif case == "six_files":
        data["evidence"] = [upload(f"s{n}.png") for n in range(6)]
        fmt = "multipart"
    elif case == "text_named_jpg":
        data["evidence"] = [upload("notes.jpg", b"plain text")]
        fmt = "multipart"
    elif case == "bomb":
        buffer = io.BytesIO()
        Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
        data["evidence"] = [upload("bomb.png", buffer.getvalue())]
        fmt = "multipart"
    elif case == "nul_in_member":
        data["member"] = "AB\x00CD"
    elif case == "nul_in_category":
        data["category"] = "spam\x00"
    elif case == "someone_elses_content":
        data["content"] = make_content(make_member()).pk
    elif case == "unknown_content":
        data["content"] = 987654321
    elif case == "snapshot_from_a_member":
        data["content_snapshot"] = {"kind": "message", "external_id": "forged", "text": "made up"}

    if case == "malformed_json":
        response = app.post(
            REPORTS, '{"member": "X", "category": ', content_type="application/json"
        )
    elif case == "deep_json":
        deep = "[" * 100_000 + "]" * 100_000
        response = app.post(REPORTS, deep, content_type="application/json")
    else:
        response = app.post(REPORTS, data, format=fmt)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert field in body, body
    assert body[field]
    assert nothing_written()
    assert not Content.objects.exclude(author__reports_received__isnull=True).exists()


def test_platform_snapshots_with_a_bad_shape_are_refused(platform, reporter, member, spam):
    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": spam.slug,
            "content_snapshot": {"kind": "telegram", "external_id": ""},
        },
        format="json",
    )

    assert response.status_code == 400
    assert "content_snapshot" in response.json()
    assert nothing_written()


def test_odd_characters_in_addresses_are_not_found(app):
    assert app.get(f"{REPORTS}R-AAAA%00AAAA/").status_code == 404
    assert app.get("/reports/R-AA%00/").status_code in (302, 404)


def test_the_hourly_limit_answers_429_with_a_message_and_retry_after(app, spam, settings):
    settings.REPORTS_PER_HOUR = 1
    first = app.post(REPORTS, {"member": make_member().public_id, "category": "spam-solicitation"})

    second = app.post(REPORTS, {"member": make_member().public_id, "category": "spam-solicitation"})

    assert first.status_code == 201
    assert second.status_code == 429
    assert "You can send the next one in 60 minutes." in second.json()["detail"]
    assert second["Retry-After"] in ("3599", "3600")
    assert Report.objects.count() == 1


def test_the_api_and_the_form_write_identical_rows(client, member, spam, reporter):
    other = make_member()
    content = make_content(member)
    fields = {
        "member": member.public_id,
        "content": content.pk,
        "category": spam.slug,
        "reason": "money",
        "description": "Asked me for money for a plane ticket.",
        "also_block": True,
    }
    api_for(other).post(REPORTS, {**fields, "evidence": [upload()]}, format="multipart")
    client.force_login(reporter)
    client.post(
        "/report/",
        {
            **fields,
            "category": spam.pk,
            "reason": spam.reasons.get(slug="money").pk,
            "also_block": "on",
            "evidence": [upload()],
        },
    )

    by_api = Report.objects.get(reporter=other)
    by_form = Report.objects.get(reporter=reporter)
    compared = [
        "subject_id",
        "content_id",
        "category_id",
        "reason_id",
        "description",
        "status",
        "also_blocked",
        "case_id",
    ]
    assert [getattr(by_api, f) for f in compared] == [getattr(by_form, f) for f in compared]
    assert (by_api.source, by_form.source) == (ReportSource.APP, ReportSource.WEB)
    api_evidence = by_api.evidence.get()
    form_evidence = by_form.evidence.get()
    assert (api_evidence.sha256, api_evidence.width) == (form_evidence.sha256, form_evidence.width)
    case = Case.objects.get()
    assert (case.report_count, case.distinct_reporters) == (2, 2)
    topics = sorted(OutboxMessage.objects.values_list("topic", flat=True))
    assert topics == sorted(["triage_case", "notify_report_received"] * 2)


def test_the_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert "/api/v1/reports/" in schema.content.decode()
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


def test_the_platform_must_name_the_reporter(platform, member, spam):
    response = platform.post(
        REPORTS, {"member": member.public_id, "category": spam.slug}, format="json"
    )

    assert response.status_code == 400
    assert "reporter" in response.json()
    assert nothing_written()


def test_a_refused_report_leaves_no_snapshot_image_behind(platform, reporter, member, _media_root):
    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": "rights-infringement",  # details are required here, and missing
            "content_snapshot": json.dumps({"kind": "moment", "external_id": "m-77"}),
            "content_media": upload("photo.png"),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert "description" in response.json()
    assert not Content.objects.exists()
    assert [p for p in _media_root.rglob("*") if p.is_file()] == []
