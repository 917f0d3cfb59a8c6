"""POST and GET /api/v1/appeals/: the app files a member's appeal or a reporter's review, and reads
them back, through the real filing services."""

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import User
from reports.api.appeals import NewestAppealsFirst
from reports.models import (
    Appeal,
    AppealEvidence,
    AppealKind,
    AppealOutcome,
    AuditEvent,
    Decision,
    DecisionAction,
    OutboxMessage,
    Report,
)
from reports.services.appeals.outcomes import decide_appeal
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from tests.api.conftest import api_for, is_json_error
from tests.conftest import image_bytes, make_content, make_member, make_report, upload

pytestmark = pytest.mark.django_db

APPEALS = "/api/v1/appeals/"
WEEK = timedelta(days=7)
AFTER_UNDO = settings.DECISION_UNDO_WINDOW + timedelta(seconds=1)
STATEMENT = "I teach at that school; the learners asked me for the link."


def suspended_for_a_week(member: User, spam, moderator: User, reporter: User) -> Decision:
    content = make_content(member)
    report = make_report(reporter=reporter, subject=member, category=spam, content=content)
    return decide(
        case_id=report.case_id,
        moderator=moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts="Sent the same advert for a paid course to forty learners.",
    )


def found_no_violation(member: User, spam, moderator: User, reporter: User) -> Report:
    report = make_report(reporter=reporter, subject=member, category=spam)
    decide(case_id=report.case_id, moderator=moderator, action=DecisionAction.NO_VIOLATION)
    report.refresh_from_db()
    return report


def told(decision: Decision):
    """The moment the member has been told of the decision: its undo window is over."""
    return time_machine.travel(decision.notified_at + timedelta(seconds=1), tick=False)


def nothing_filed(appeals_before: int = 0) -> bool:
    return (
        Appeal.objects.count() == appeals_before
        and not AppealEvidence.objects.exists()
        and OutboxMessage.objects.filter(topic="notify_appeal_received").count() == appeals_before
        and AuditEvent.objects.filter(action="appeal.received").count() == appeals_before
    )


def no_files_under(media_root) -> bool:
    return not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


@pytest.fixture
def member_app(member) -> APIClient:
    """The community app, signed in as the member a decision was about."""
    return api_for(member)


@pytest.fixture
def platform_user(platform_token) -> User:
    return User.objects.get(auth_token__key=platform_token)


@pytest.fixture
def suspension(member, spam, spam_moderator, reporter) -> Decision:
    return suspended_for_a_week(member, spam, spam_moderator, reporter)


# Filing ----------------------------------------------------------------------------------------


def test_the_platform_files_a_members_appeal_of_a_suspension(
    platform, platform_user, member, reporter, spam, spam_moderator, suspension
):
    with told(suspension):
        response = platform.post(
            APPEALS,
            {"member": member.public_id, "decision": str(suspension.uuid), "statement": STATEMENT},
            format="json",
        )

    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert (appeal.kind, appeal.appellant, appeal.decision, appeal.report) == (
        AppealKind.MEMBER,
        member,
        suspension,
        None,
    )
    assert appeal.statement == STATEMENT
    body = response.json()
    assert body == {
        "reference": appeal.reference,
        "kind": "member",
        "decision": str(suspension.uuid),
        "report": None,
        "status": "open",
        "outcome": None,
        "answer": None,
        "received_at": body["received_at"],
        "due_at": body["due_at"],
        "decided_at": None,
        "replacement": None,
        "evidence_count": 0,
    }
    assert appeal.due_at == appeal.received_at + spam.appeal_sla
    # The platform sent it, for the member.
    event = AuditEvent.objects.get(action="appeal.received")
    assert event.actor == platform_user
    assert OutboxMessage.objects.filter(topic="notify_appeal_received").count() == 1
    # Nobody else is named: not the moderator, not the reporter.
    text = response.content.decode()
    for person in (spam_moderator, reporter):
        assert person.public_id not in text
        assert person.username not in text


def test_the_platform_asks_for_a_review_of_a_report_that_found_no_violation(
    platform, member, reporter, spam, spam_moderator
):
    report = found_no_violation(member, spam, spam_moderator, reporter)
    decision = Decision.objects.get(case=report.case)

    with told(decision):
        response = platform.post(
            APPEALS,
            {
                "member": reporter.public_id,
                "report": report.reference.lower(),  # as someone might type it
                "statement": "He sent the same advert to six of my classmates.",
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert (appeal.kind, appeal.appellant, appeal.report) == (AppealKind.NOTIFIER, reporter, report)
    body = response.json()
    assert (body["kind"], body["report"], body["decision"]) == (
        "notifier",
        report.reference,
        str(decision.uuid),
    )
    assert member.public_id not in response.content.decode()


def test_a_member_files_their_own_appeal_with_screenshots(member_app, member, suspension):
    with told(suspension):
        response = member_app.post(
            APPEALS,
            {
                "decision": str(suspension.uuid),
                "statement": STATEMENT,
                "evidence": [upload("chat.png"), upload("course.jpg", image_bytes("JPEG"))],
            },
            format="multipart",
        )

    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert appeal.appellant == member
    assert response.json()["evidence_count"] == 2
    assert appeal.evidence.count() == 2
    # The member sent it themself.
    assert AuditEvent.objects.get(action="appeal.received").actor == member


def test_a_member_may_name_themself(member_app, member, suspension):
    with told(suspension):
        response = member_app.post(
            APPEALS,
            {"member": member.public_id, "decision": str(suspension.uuid), "statement": STATEMENT},
            format="json",
        )

    assert response.status_code == 201, response.json()
    assert Appeal.objects.get().appellant == member


# Refusals: 400 on the field, in words, and nothing written -------------------------------------


def test_an_appeal_after_six_months_is_refused(platform, member, suspension, _media_root):
    too_late = suspension.notified_at + settings.APPEAL_WINDOW + timedelta(days=1)
    with time_machine.travel(too_late, tick=False):
        response = platform.post(
            APPEALS,
            {
                "member": member.public_id,
                "decision": str(suspension.uuid),
                "statement": STATEMENT,
                "evidence": [upload()],
            },
            format="multipart",
        )

    assert is_json_error(response, 400)
    [message] = response.json()["decision"]
    assert message.startswith("The time to appeal this decision ended on")
    assert nothing_filed()
    assert no_files_under(_media_root)


def test_a_second_appeal_of_the_same_decision_is_refused(platform, member, suspension):
    payload = {"member": member.public_id, "decision": str(suspension.uuid), "statement": STATEMENT}
    with told(suspension):
        first = platform.post(APPEALS, payload, format="json")
        second = platform.post(APPEALS, {**payload, "statement": "Again."}, format="json")

    assert first.status_code == 201
    assert is_json_error(second, 400)
    [message] = second.json()["decision"]
    assert message.startswith(
        f"You already asked us to look at this decision again ({first.json()['reference']})"
    )
    assert nothing_filed(appeals_before=1)


def test_a_decision_about_someone_else_reads_as_no_decision(
    platform, member_app, member, spam, spam_moderator, reporter
):
    someone_else = make_member()
    theirs = suspended_for_a_week(someone_else, spam, spam_moderator, reporter)

    with told(theirs):
        by_the_platform = platform.post(
            APPEALS,
            {"member": member.public_id, "decision": str(theirs.uuid), "statement": STATEMENT},
            format="json",
        )
        by_the_member = member_app.post(
            APPEALS, {"decision": str(theirs.uuid), "statement": STATEMENT}, format="json"
        )
        unknown = member_app.post(
            APPEALS, {"decision": str(uuid.uuid4()), "statement": STATEMENT}, format="json"
        )

    for response in (by_the_platform, by_the_member, unknown):
        assert is_json_error(response, 400)
        assert response.json() == {"decision": ["No decision with this id about this member."]}
    assert nothing_filed()


def test_an_undone_decision_cannot_be_appealed(platform, member, suspension, spam_moderator):
    undo_decision(decision_id=suspension.pk, moderator=spam_moderator)

    with told(suspension):
        response = platform.post(
            APPEALS,
            {"member": member.public_id, "decision": str(suspension.uuid), "statement": STATEMENT},
            format="json",
        )

    assert is_json_error(response, 400)
    assert response.json() == {
        "decision": ["This decision was undone by its moderator; nothing of it applies."]
    }
    assert nothing_filed()


def test_a_decision_still_in_its_undo_window_cannot_be_appealed_yet(platform, member, suspension):
    response = platform.post(
        APPEALS,
        {"member": member.public_id, "decision": str(suspension.uuid), "statement": STATEMENT},
        format="json",
    )

    assert is_json_error(response, 400)
    [message] = response.json()["decision"]
    assert message.startswith("This decision is not final yet")
    assert nothing_filed()


def test_a_review_of_a_report_that_led_to_action_is_refused(platform, reporter, member, suspension):
    report = Report.objects.get(reporter=reporter)

    with told(suspension):
        response = platform.post(
            APPEALS,
            {"member": reporter.public_id, "report": report.reference, "statement": "Too mild."},
            format="json",
        )

    assert is_json_error(response, 400)
    assert response.json() == {"report": ["This report led to action; there is nothing to review."]}
    assert nothing_filed()


def test_someone_elses_report_reads_as_no_report(platform, member, reporter, spam, spam_moderator):
    report = found_no_violation(member, spam, spam_moderator, reporter)

    with told(Decision.objects.get(case=report.case)):
        response = platform.post(
            APPEALS,
            {"member": make_member().public_id, "report": report.reference, "statement": "Look."},
            format="json",
        )

    assert is_json_error(response, 400)
    assert response.json() == {"report": ["No report with this reference from this member."]}
    assert nothing_filed()


def test_the_platform_must_name_the_member(platform, suspension):
    with told(suspension):
        response = platform.post(
            APPEALS, {"decision": str(suspension.uuid), "statement": STATEMENT}, format="json"
        )

    assert is_json_error(response, 400)
    assert response.json() == {"member": ["Name the member who appeals."]}
    assert nothing_filed()


def test_a_member_cannot_appeal_for_someone_else(member_app, reporter, spam, spam_moderator):
    report = found_no_violation(make_member(), spam, spam_moderator, reporter)

    with told(Decision.objects.get(case=report.case)):
        response = member_app.post(
            APPEALS,
            {
                "member": reporter.public_id,
                "report": report.reference,
                "statement": "Look again.",
                # Refused before any screenshot is looked at.
                "evidence": [upload("notes.jpg", b"plain text")],
            },
            format="multipart",
        )

    assert is_json_error(response, 403)
    assert response.json()["code"] == "permission_denied"
    assert "Only the platform" in response.json()["detail"]
    assert nothing_filed()


BAD_INPUT = {
    "decision-not-a-uuid": ({"decision": "not-a-uuid"}, "decision"),
    "decision-a-number": ({"decision": 12345}, "decision"),
    "decision-negative-number": ({"decision": -1}, "decision"),
    "decision-an-object": ({"decision": {"id": {"deeper": [1, 2, {"x": None}]}}}, "decision"),
    "decision-a-list": ({"decision": ["3f0c2a9e-6b1d-4c8e-9a57-2d4b8e1f6c03"]}, "decision"),
    "decision-huge": ({"decision": "a" * 1_000_000}, "decision"),
    "decision-null": ({"decision": None}, "decision"),
    "decision-with-nul": ({"decision": "3f0c2a9e-6b1d-4c8e-9a57-2d4b8e1f6c0\x00"}, "decision"),
    "decision-and-report": ({"report": "R-AAAA-AAAA"}, "report"),
    "neither-decision-nor-report": ({"decision": "<drop>"}, "decision"),
    "statement-missing": ({"statement": "<drop>"}, "statement"),
    "statement-blank": ({"statement": "   "}, "statement"),
    "statement-too-long": ({"statement": "x" * 4001}, "statement"),
    "statement-huge": ({"statement": "x" * 4_000_000}, "statement"),
    "statement-an-object": ({"statement": {"text": ["nested"]}}, "statement"),
    "statement-with-nul": ({"statement": "I disagree\x00"}, "statement"),
    "statement-unpaired-surrogate": ({"statement": "I disagree \ud800"}, "statement"),
    "member-a-list": ({"member": ["7KQ2M9XD4P"]}, "member"),
    "member-unknown": ({"member": "NOSUCH0000"}, "member"),
    "member-with-nul": ({"member": "AB\x00CD"}, "member"),
    "report-wrong-shape": ({"decision": "<drop>", "report": "R-12"}, "report"),
    "report-an-object": ({"decision": "<drop>", "report": {"reference": "R-AAAA-AAAA"}}, "report"),
    "evidence-not-files": ({"evidence": ["screenshot.png"]}, "evidence"),
    "evidence-an-object": ({"evidence": {"a": 1}}, "evidence"),
}


@pytest.mark.parametrize(("change", "field"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_a_400_on_its_field_and_writes_nothing(
    platform, member, suspension, change, field
):
    payload = {"member": member.public_id, "decision": str(suspension.uuid), "statement": STATEMENT}
    payload.update(change)
    payload = {key: value for key, value in payload.items() if value != "<drop>"}

    with told(suspension):
        # Sent as JSON text, escapes and all: an unpaired surrogate cannot be encoded otherwise.
        response = platform.post(APPEALS, json.dumps(payload), content_type="application/json")

    assert is_json_error(response, 400), response.content[:300]
    assert response.json()[field], response.json()
    assert len(response.content) < 2000  # nothing sent is echoed back whole
    assert nothing_filed()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("[1, 2, 3]", "application/json", id="a-list"),
        pytest.param("null", "application/json", id="null"),
        pytest.param('"an appeal"', "application/json", id="a-string"),
        pytest.param("[" * 100_000 + "]" * 100_000, "application/json", id="nested-too-deep"),
        pytest.param('{"statement": ', "application/json", id="cut-short"),
        pytest.param(b"\xff\xfe{}", "application/json", id="not-utf-8"),
        pytest.param(
            "statement=hello&decision=%00", "application/x-www-form-urlencoded", id="form"
        ),
    ],
)
def test_bodies_that_are_not_an_appeal_are_a_400(platform, body, content_type):
    response = platform.post(APPEALS, body, content_type=content_type)

    assert is_json_error(response, 400), response.content[:300]
    assert nothing_filed()


def test_evidence_that_is_not_an_image_is_refused(platform, member, suspension, _media_root):
    with told(suspension):
        too_many = platform.post(
            APPEALS,
            {
                "member": member.public_id,
                "decision": str(suspension.uuid),
                "statement": STATEMENT,
                "evidence": [
                    upload(f"shot{n}.png") for n in range(settings.EVIDENCE_MAX_FILES + 1)
                ],
            },
            format="multipart",
        )
        text = platform.post(
            APPEALS,
            {
                "member": member.public_id,
                "decision": str(suspension.uuid),
                "statement": STATEMENT,
                "evidence": [upload("notes.jpg", b"plain text")],
            },
            format="multipart",
        )

    assert too_many.json() == {
        "evidence": [f"Attach at most {settings.EVIDENCE_MAX_FILES} screenshots."]
    }
    assert is_json_error(text, 400)
    assert text.json()["evidence"][0].startswith("notes.jpg: ")
    assert nothing_filed()
    assert no_files_under(_media_root)


# As the reports API answers ----------------------------------------------------------------------


def test_without_a_token_the_answer_is_401(member, suspension):
    client = APIClient()

    posted = client.post(APPEALS, {"decision": str(suspension.uuid), "statement": STATEMENT})
    listed = client.get(APPEALS)
    read = client.get(f"{APPEALS}A-AAAA-AAAA/")

    for response in (posted, listed, read):
        assert is_json_error(response, 401)
        assert response["WWW-Authenticate"] == "Token"
    assert nothing_filed()


def test_a_format_other_than_json_is_406_and_a_body_of_another_type_415(member_app, suspension):
    xml = member_app.get(APPEALS, HTTP_ACCEPT="application/xml")
    unknown_format = member_app.get(APPEALS, {"format": "xml"})
    plain = member_app.post(
        APPEALS, f"decision={suspension.uuid}&statement=x", content_type="text/plain"
    )

    assert is_json_error(xml, 406)
    assert is_json_error(unknown_format, 406)
    assert is_json_error(plain, 415)
    assert plain.json()["code"] == "unsupported_media_type"
    assert nothing_filed()


def test_a_method_the_api_does_not_take_is_405(member_app):
    assert is_json_error(member_app.delete(f"{APPEALS}A-AAAA-AAAA/"), 405)
    assert is_json_error(member_app.put(APPEALS, {}, format="json"), 405)


# Reading --------------------------------------------------------------------------------------


def appeals_of(
    member: User, count: int, spam, moderator: User, *, screenshots: bool = False
) -> list[str]:
    """`count` appeals of `member`, one a minute apart, each about a decision of its own."""
    references = []
    for n in range(count):
        decision = suspended_for_a_week(member, spam, moderator, make_member())
        payload = {"decision": str(decision.uuid), "statement": f"Appeal number {n}."}
        if screenshots:
            payload["evidence"] = [upload()]
        with time_machine.travel(decision.notified_at + timedelta(minutes=n + 1), tick=False):
            response = api_for(member).post(
                APPEALS, payload, format="multipart" if screenshots else "json"
            )
        assert response.status_code == 201, response.json()
        references.append(response.json()["reference"])
    return references


def test_the_platform_lists_a_members_appeals_newest_first_page_by_page(
    platform, member, spam, spam_moderator, monkeypatch
):
    monkeypatch.setattr(NewestAppealsFirst, "page_size", 2)
    references = appeals_of(member, 3, spam, spam_moderator)
    appeals_of(make_member(), 1, spam, spam_moderator)  # someone else's

    first = platform.get(APPEALS, {"member": member.public_id.lower()})
    assert first.status_code == 200, first.json()
    second = platform.get(first.json()["next"])

    assert [a["reference"] for a in first.json()["results"]] == references[:0:-1]
    assert [a["reference"] for a in second.json()["results"]] == references[:1]
    assert second.json()["next"] is None
    back = platform.get(second.json()["previous"])
    assert [a["reference"] for a in back.json()["results"]] == references[:0:-1]


def test_a_member_lists_their_own_appeals_and_no_one_elses(
    member_app, member, spam, spam_moderator
):
    [mine] = appeals_of(member, 1, spam, spam_moderator)
    other = make_member()
    appeals_of(other, 1, spam, spam_moderator)

    listed = member_app.get(APPEALS)
    named_myself = member_app.get(APPEALS, {"member": member.public_id})
    named_someone_else = member_app.get(APPEALS, {"member": other.public_id})

    assert [a["reference"] for a in listed.json()["results"]] == [mine]
    assert [a["reference"] for a in named_myself.json()["results"]] == [mine]
    assert is_json_error(named_someone_else, 403)
    assert "own appeals only" in named_someone_else.json()["detail"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param({}, "member_required", id="no-member"),
        pytest.param({"member": ""}, "member_required", id="empty"),
        pytest.param({"member": "NOSUCH0000"}, "invalid_member", id="unknown"),
        pytest.param({"member": "not a public id"}, "invalid_member", id="wrong-shape"),
        pytest.param({"member": "AB\x00CD"}, "invalid_member", id="nul"),
        pytest.param({"member": "A" * 100_000}, "invalid_member", id="huge"),
        pytest.param(
            {"cursor": "%%%not-base64", "member": "<member>"}, "invalid_cursor", id="cursor"
        ),
    ],
)
def test_the_platform_lists_only_the_member_it_names(platform, member, query, code):
    query = {
        key: member.public_id if value == "<member>" else value for key, value in query.items()
    }

    response = platform.get(APPEALS, query)

    assert is_json_error(response, 400)
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_one_appeal_is_read_by_its_member_and_the_platform_only(
    platform, member_app, member, spam, spam_moderator
):
    [mine] = appeals_of(member, 1, spam, spam_moderator)
    [theirs] = appeals_of(make_member(), 1, spam, spam_moderator)

    read = member_app.get(f"{APPEALS}{mine}/")
    assert read.json()["reference"] == mine
    assert read["Cache-Control"] == "private, no-store"
    assert platform.get(f"{APPEALS}{theirs}/").json()["reference"] == theirs
    assert is_json_error(member_app.get(f"{APPEALS}{theirs}/"), 404)
    assert is_json_error(member_app.get(f"{APPEALS}A-0000-0000/"), 404)
    assert is_json_error(member_app.get(f"{APPEALS}{mine.lower()}/"), 404)


def test_the_answer_and_the_milder_decision_show_once_decided(
    member_app, member, spam, spam_moderator, senior
):
    [reference] = appeals_of(member, 1, spam, spam_moderator)
    appeal = Appeal.objects.get(reference=reference)
    answer = "Advertising once is a warning's worth; a short restriction is enough."

    while_open = member_app.get(f"{APPEALS}{reference}/").json()
    with time_machine.travel(appeal.received_at + timedelta(hours=2), tick=False):
        decide_appeal(
            appeal_id=appeal.pk,
            moderator=senior,
            outcome=AppealOutcome.REPLACED,
            answer=answer,
            action=DecisionAction.RESTRICT,
            duration=timedelta(days=3),
        )
    response = member_app.get(f"{APPEALS}{reference}/")

    assert (while_open["outcome"], while_open["answer"], while_open["replacement"]) == (
        None,
        None,
        None,
    )
    body = response.json()
    appeal.refresh_from_db()
    assert (body["status"], body["outcome"], body["answer"]) == ("decided", "replaced", answer)
    assert body["decided_at"] is not None
    assert body["replacement"] == {
        "action": "restrict",
        "duration_days": 3,
        "ends_at": body["replacement"]["ends_at"],
    }
    assert body["replacement"]["ends_at"] is not None
    # Who decided stays inside: neither the senior nor the moderator is named.
    text = response.content.decode()
    for person in (senior, spam_moderator):
        assert person.public_id not in text
        assert person.username not in text
        assert person.display_name not in text


def test_listing_a_members_appeals_takes_the_same_queries_however_many(
    platform, member, spam, spam_moderator, senior, django_assert_num_queries
):
    appeals_of(member, 1, spam, spam_moderator)
    # The token with its account and its permissions in one query, the member named, the page.
    with django_assert_num_queries(3):
        one = platform.get(APPEALS, {"member": member.public_id})
    # More of them, with screenshots, and one answered with a milder decision.
    later = appeals_of(member, 4, spam, spam_moderator, screenshots=True)
    decide_appeal(
        appeal_id=Appeal.objects.get(reference=later[0]).pk,
        moderator=senior,
        outcome=AppealOutcome.REPLACED,
        answer="A warning is enough for a first advert.",
        action=DecisionAction.WARN,
    )
    with django_assert_num_queries(3):
        five = platform.get(APPEALS, {"member": member.public_id})

    results = five.json()["results"]
    assert len(one.json()["results"]) == 1
    assert len(results) == 5
    assert [a["evidence_count"] for a in results] == [1, 1, 1, 1, 0]
    assert [a["replacement"] is not None for a in results] == [False, False, False, True, False]
