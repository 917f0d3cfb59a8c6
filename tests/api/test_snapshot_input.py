"""What the platform sends in a snapshot is checked before anything is written.

Lone surrogates cannot be stored by PostgreSQL (neither as text nor inside jsonb), and a language
code is one of the languages the community speaks, or nothing.
"""

import json

import pytest
from django.core.exceptions import ValidationError

from reports.models import AuditEvent, Content, Report
from reports.services.content import record_content
from tests.api.conftest import CONTENT, REPORTS, is_json_error

pytestmark = pytest.mark.django_db

LONE = "\ud800"


def post_json(client, path: str, payload: dict):
    # Escaped as \ud800 on the wire, the way any JSON encoder writes it.
    return client.post(path, json.dumps(payload), content_type="application/json")


def report_with_snapshot(platform, member, reporter, spam, content_snapshot: dict):
    """The platform reports `member` on behalf of `reporter`, with the content sent along."""
    return post_json(
        platform,
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": spam.slug,
            "content_snapshot": content_snapshot,
        },
    )


def snapshot(**fields) -> dict:
    return {"kind": "message", "external_id": "msg-42", "text": "hello", **fields}


def nothing_written() -> bool:
    return not (
        Content.objects.exists()
        or Report.objects.exists()
        or AuditEvent.objects.filter(action="content.snapshotted").exists()
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"context": [{"text": f"hi {LONE}"}]}, "context", id="context-value"),
        pytest.param({"context": [{LONE: "hi"}]}, "context", id="context-key"),
        pytest.param({"context": [[["deep", LONE]]]}, "context", id="context-nested"),
        pytest.param({"context": [{"text": "a\x00b"}]}, "context", id="context-nul"),
        pytest.param({"text": LONE}, "text", id="text"),
        pytest.param({"external_id": f"m-{LONE}"}, "external_id", id="external-id"),
        pytest.param({"media_reference": LONE}, "media_reference", id="media-reference"),
    ],
)
def test_a_lone_surrogate_in_a_pushed_snapshot_is_a_400_on_its_field(
    platform, member, fields, field
):
    response = post_json(platform, CONTENT, {**snapshot(**fields), "author": member.public_id})

    assert is_json_error(response, 400), response.content[:300]
    assert response.json()[field]
    assert nothing_written()


def test_a_lone_surrogate_in_a_reports_snapshot_is_a_400_on_the_snapshot(
    platform, member, reporter, spam
):
    response = report_with_snapshot(
        platform, member, reporter, spam, snapshot(context=[{"from": "them", "text": LONE}])
    )

    assert is_json_error(response, 400), response.content[:300]
    assert response.json()["content_snapshot"]["context"]
    assert nothing_written()


def test_a_lone_surrogate_in_a_multipart_snapshot_is_a_400(platform, member, reporter, spam):
    response = platform.post(
        REPORTS,
        {
            "member": member.public_id,
            "reporter": reporter.public_id,
            "category": spam.slug,
            "content_snapshot": json.dumps(snapshot(context=[LONE])),
        },
        format="multipart",
    )

    assert is_json_error(response, 400), response.content[:300]
    assert "content_snapshot" in response.json()
    assert nothing_written()


def test_a_lone_surrogate_in_the_details_is_a_400(app, member, spam):
    response = post_json(
        app,
        REPORTS,
        {"member": member.public_id, "category": spam.slug, "description": f"he said {LONE}"},
    )

    assert is_json_error(response, 400)
    assert response.json()["description"]
    assert nothing_written()


def test_the_service_refuses_what_postgresql_cannot_store(platform, member):
    from accounts.models import User

    actor = User.objects.get(username="platform")
    with pytest.raises(ValidationError) as refused:
        record_content(
            actor=actor, kind="message", external_id="m-1", author=member, context=[{LONE: 1}]
        )

    assert "context" in refused.value.message_dict
    assert nothing_written()


@pytest.mark.parametrize("language", ["<svg/onl", "xx", "english", "EN", "en-US", " en", "zh\x00"])
def test_an_unknown_language_code_is_a_400(platform, member, reporter, spam, language):
    pushed = post_json(
        platform, CONTENT, {**snapshot(language=language), "author": member.public_id}
    )
    reported = report_with_snapshot(platform, member, reporter, spam, snapshot(language=language))

    assert is_json_error(pushed, 400)
    assert pushed.json()["language"]
    assert is_json_error(reported, 400)
    assert reported.json()["content_snapshot"]["language"]
    assert nothing_written()


@pytest.mark.parametrize("language", ["ja", "zh", ""])
def test_known_language_codes_and_no_language_are_kept(platform, member, language):
    response = post_json(
        platform, CONTENT, {**snapshot(language=language), "author": member.public_id}
    )

    assert response.status_code == 201, response.json()
    assert Content.objects.get().language == language


def test_the_service_refuses_an_unknown_language_for_every_caller(platform, member):
    from accounts.models import User

    actor = User.objects.get(username="platform")
    with pytest.raises(ValidationError) as refused:
        record_content(
            actor=actor, kind="message", external_id="m-1", author=member, language="<svg/onl"
        )

    assert "language" in refused.value.message_dict
    assert nothing_written()


def nested(depth: int) -> list:
    value: object = "hi"
    for _ in range(depth - 1):
        value = [value]
    return [{"from": "them", "text": value}]


def test_a_context_nested_hundreds_deep_is_a_400_and_never_reaches_a_case_page(
    platform, member, reporter, spam
):
    # It would be stored, then fail every page that shows the snapshot.
    response = report_with_snapshot(platform, member, reporter, spam, snapshot(context=nested(300)))
    pushed = post_json(
        platform, CONTENT, {**snapshot(context=nested(12)), "author": member.public_id}
    )

    assert is_json_error(response, 400), response.content[:300]
    assert "levels deep" in response.json()["content_snapshot"]["context"][0]
    assert is_json_error(pushed, 400)
    assert nothing_written()


def test_a_context_as_deep_as_a_conversation_needs_is_kept(platform, member):
    context = [{"from": "them", "text": "hi", "reactions": [{"emoji": ["👍", "❤"]}]}]

    response = post_json(
        platform, CONTENT, {**snapshot(context=context), "author": member.public_id}
    )

    assert response.status_code == 201
    assert Content.objects.get().context == context


@pytest.mark.parametrize(("depth", "kept"), [(8, True), (9, False)])
def test_the_context_depth_limit_is_exact(platform, member, depth, kept):
    # nested(n) nests n + 1 deep: the list of messages, the message, n - 1 lists around "hi".
    context = nested(depth - 1)

    response = post_json(
        platform, CONTENT, {**snapshot(context=context), "author": member.public_id}
    )

    assert response.status_code == (201 if kept else 400), response.content[:200]
