"""Statements of reasons for the EU Transparency Database: built from decisions, validated,
queued once the member has been told, and exported. Sending them: test_statements_sending.py.
"""

import io
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.models import Decision, DecisionAction, Policy
from reports.models.choices import (
    DecisionSource,
    Ground,
    MediaType,
    Restriction,
)
from reports.models.flaggers import FlaggerMembership, FlaggerOrganisation
from reports.models.tdb import StatementKind, StatementStatus, TransparencyStatement
from reports.services.decisions.decide import decide
from reports.services.decisions.reversal import mark_reversed
from reports.services.decisions.undo import undo_decision
from reports.services.statements import queue_statements
from reports.tdb import schema
from reports.tdb.build import build_statement, statement_decisions
from reports.tdb.validator import validate
from tests.conftest import make_content, make_member, make_report

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)
LAW = "Strafgesetzbuch § 130"
TOLD = settings.DECISION_UNDO_WINDOW + timedelta(seconds=1)


def reported_content(member, category, *, reporter=None, **content):
    report = make_report(
        reporter=reporter or make_member(),
        subject=member,
        category=category,
        content=make_content(member, **content),
    )
    return report.case


def reported_member(member, category, *, reporter=None):
    return make_report(reporter=reporter or make_member(), subject=member, category=category).case


def statement_of(decision: Decision, kind=StatementKind.DECISION) -> dict | None:
    return build_statement(statement_decisions().get(pk=decision.pk), kind)


def valid_statement(**changes) -> dict:
    statement = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "decision_ground": schema.GROUND_INCOMPATIBLE,
        "incompatible_content_ground": "hellomod community guidelines: Spam",
        "incompatible_content_explanation": "The message was spam.",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "territorial_scope": ["DE", "FR"],
        "content_language": "EN",
        "content_date": "2026-01-02",
        "application_date": "2026-01-03",
        "decision_facts": "The message was removed.",
        "source_type": schema.SOURCE_ARTICLE_16,
        "automated_detection": "No",
        "automated_decision": schema.NOT_AUTOMATED,
        "puid": "hellomod-0b7c5f3e-1d2a-4c7e-9a51-2f0e6d8b9c10",
    }
    statement.update(changes)
    return {k: v for k, v in statement.items() if v is not None}


# --- The validator ---


def test_a_complete_statement_is_valid():
    assert validate(valid_statement()) == {}


ILLEGAL = {
    "decision_ground": schema.GROUND_ILLEGAL,
    "incompatible_content_ground": None,
    "incompatible_content_explanation": None,
    "illegal_content_legal_ground": "Strafgesetzbuch § 130",
    "illegal_content_explanation": "Incitement.",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision_ground": None}, "decision_ground"),
        ({"content_type": None}, "content_type"),
        ({"category": None}, "category"),
        ({"content_date": None}, "content_date"),
        ({"application_date": None}, "application_date"),
        ({"decision_facts": None}, "decision_facts"),
        ({"source_type": None}, "source_type"),
        ({"automated_detection": None}, "automated_detection"),
        ({"automated_decision": None}, "automated_decision"),
        ({"puid": None}, "puid"),
        ({"decision_visibility": None}, "decision_visibility"),  # no decision_* at all
        ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
        ({"decision_visibility_other": "Greyed out"}, "decision_visibility_other"),
        (
            {"decision_monetary": "DECISION_MONETARY_OTHER"},
            "decision_monetary_other",
        ),
        ({"decision_monetary_other": "Fewer coins"}, "decision_monetary_other"),
        ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other"),
        ({"content_type_other": "Member account"}, "content_type_other"),
        ({"category_specification": ["KEYWORD_OTHER"]}, "category_specification_other"),
        ({"category_specification_other": "Other"}, "category_specification_other"),
        ({"incompatible_content_ground": None}, "incompatible_content_ground"),
        ({"incompatible_content_explanation": None}, "incompatible_content_explanation"),
        ({"illegal_content_legal_ground": "A law"}, "illegal_content_legal_ground"),
        ({**ILLEGAL, "illegal_content_legal_ground": None}, "illegal_content_legal_ground"),
        ({**ILLEGAL, "illegal_content_explanation": None}, "illegal_content_explanation"),
        ({**ILLEGAL, "incompatible_content_ground": "Rule 3"}, "incompatible_content_ground"),
        ({"incompatible_content_illegal": "Maybe"}, "incompatible_content_illegal"),
        ({"decision_visibility_other": "x" * 501}, "decision_visibility_other"),
        ({"incompatible_content_ground": "x" * 501}, "incompatible_content_ground"),
        ({"incompatible_content_explanation": "x" * 2001}, "incompatible_content_explanation"),
        ({"decision_facts": "x" * 5001}, "decision_facts"),
        (
            {"source_identity": "x" * 501, "source_type": "SOURCE_TRUSTED_FLAGGER"},
            "source_identity",
        ),
        ({"puid": "hellomod/1"}, "puid"),
        ({"puid": "héllo"}, "puid"),
        ({"puid": "x" * 501}, "puid"),
        ({"content_date": "1999-12-31"}, "content_date"),
        ({"application_date": "2019-12-31"}, "application_date"),
        ({"application_date": "2026-1-3"}, "application_date"),
        ({"application_date": "2026-02-30"}, "application_date"),
        ({"content_date": "2026-01-02 10:00:00"}, "content_date"),
        ({"application_date": "2039-01-01"}, "application_date"),
        ({"end_date_account_restriction": "2026-01-02"}, "end_date_account_restriction"),
        ({"end_date_service_restriction": "soon"}, "end_date_service_restriction"),
        ({"source_type": "SOURCE_VOLUNTARY", "source_identity": "Hotline"}, "source_identity"),
        ({"unknown_field": "x"}, "unknown_field"),
        ({"url": "https://example.com"}, "url"),
        ({"category": "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"}, "category"),
        ({"category_specification": ["KEYWORD_DISINFORMATION"]}, "category_specification"),
        (
            {"category_specification": ["KEYWORD_HATE_SPEECH", "KEYWORD_HATE_SPEECH"]},
            "category_specification",
        ),
        ({"category_addition": ["STATEMENT_CATEGORY_FRAUD"]}, "category_addition"),
        ({"decision_visibility": ["CONTENT_DISABLED"]}, "decision_visibility"),
        ({"decision_visibility": "DECISION_VISIBILITY_CONTENT_REMOVED"}, "decision_visibility"),
        ({"decision_provision": "DECISION_PROVISION_SOME"}, "decision_provision"),
        ({"decision_account": "ACCOUNT_TERMINATED"}, "decision_account"),
        ({"account_type": "ACCOUNT_TYPE_PERSONAL"}, "account_type"),
        ({"content_type": ["CONTENT_TYPE_PODCAST"]}, "content_type"),
        ({"territorial_scope": ["DE", "US"]}, "territorial_scope"),
        ({"territorial_scope": ["GB"]}, "territorial_scope"),
        ({"content_language": "en"}, "content_language"),
        ({"content_language": "ENG"}, "content_language"),
        ({"automated_detection": "yes"}, "automated_detection"),
        ({"automated_decision": "No"}, "automated_decision"),
        ({"source_type": "SOURCE_NOTICE"}, "source_type"),
        ({"decision_ground": "DECISION_GROUND_OTHER"}, "decision_ground"),
        ({"decision_ground_reference_url": "not an address"}, "decision_ground_reference_url"),
        ({"content_id": {"EAN-13": "123"}}, "content_id"),
    ],
)
def test_the_validator_refuses_each_broken_rule(changes, field):
    problems = validate(valid_statement(**changes))

    assert field in problems, problems


def test_the_validator_takes_every_current_value():
    statement = valid_statement(
        decision_visibility=sorted(schema.DECISION_VISIBILITY),
        decision_visibility_other="Hidden from search",
        decision_monetary="DECISION_MONETARY_OTHER",
        decision_monetary_other="Gifts paused",
        decision_provision="DECISION_PROVISION_TOTAL_SUSPENSION",
        decision_account="DECISION_ACCOUNT_SUSPENDED",
        account_type="ACCOUNT_TYPE_PRIVATE",
        content_type=sorted(schema.CONTENT_TYPE),
        content_type_other="Member account",
        category_addition=sorted(schema.CATEGORY),
        category_specification=sorted(schema.KEYWORDS),
        category_specification_other="Something else",
        territorial_scope=list(schema.TERRITORIAL_SCOPE),
        incompatible_content_illegal="Yes",
        end_date_account_restriction="2026-01-10",
        decision_ground_reference_url="https://hellomod.example/guidelines",
        source_type=schema.SOURCE_TRUSTED_FLAGGER,
        source_identity="Hotline e.V.",
        automated_decision=schema.AUTOMATED_PARTIALLY,
    )

    assert validate(statement) == {}
    assert len(schema.CATEGORY) == 16
    assert {"KEYWORD_CYBER_HARASSMENT", "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"} <= schema.KEYWORDS


# --- The builder ---

RESTRICTIVE = [
    (DecisionAction.REMOVE_CONTENT, None),
    (DecisionAction.RESTRICT, WEEK),
    (DecisionAction.SUSPEND, WEEK),
    (DecisionAction.BAN, None),
    (DecisionAction.SUSPEND_REPORTING, WEEK),
]
RESTRICTIONS = {
    DecisionAction.REMOVE_CONTENT: Restriction.CONTENT_REMOVED,
    DecisionAction.RESTRICT: Restriction.SERVICE_PARTIALLY_SUSPENDED,
    DecisionAction.SUSPEND: Restriction.ACCOUNT_SUSPENDED,
    DecisionAction.BAN: Restriction.ACCOUNT_TERMINATED,
    DecisionAction.SUSPEND_REPORTING: Restriction.SERVICE_PARTIALLY_SUSPENDED,
}
EXPECTED = {
    DecisionAction.REMOVE_CONTENT: ("decision_visibility", ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
    DecisionAction.RESTRICT: ("decision_provision", "DECISION_PROVISION_PARTIAL_SUSPENSION"),
    DecisionAction.SUSPEND: ("decision_account", "DECISION_ACCOUNT_SUSPENDED"),
    DecisionAction.BAN: ("decision_account", "DECISION_ACCOUNT_TERMINATED"),
    DecisionAction.SUSPEND_REPORTING: (
        "decision_provision",
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
    ),
}
END_FIELD = {
    DecisionAction.RESTRICT: "end_date_service_restriction",
    DecisionAction.SUSPEND: "end_date_account_restriction",
    DecisionAction.SUSPEND_REPORTING: "end_date_service_restriction",
}
CONTENT_TYPES = {
    MediaType.TEXT: "CONTENT_TYPE_TEXT",
    MediaType.IMAGE: "CONTENT_TYPE_IMAGE",
    MediaType.AUDIO: "CONTENT_TYPE_AUDIO",
    MediaType.VIDEO: "CONTENT_TYPE_VIDEO",
    None: "CONTENT_TYPE_OTHER",  # a member, no content
}


def test_every_action_ground_source_and_content_kind_builds_a_valid_statement(
    member, spam, spam_moderator
):
    hotline = FlaggerOrganisation.objects.create(
        name="Hotline e.V.",
        contact_email="notices@hotline.example",
        designated_on=timezone.now().date(),
        designated_by="Bundesnetzagentur",
    )
    flagger = make_member(is_trusted_flagger=True)
    FlaggerMembership.objects.create(organisation=hotline, member=flagger)
    content_case = reported_content(member, spam, reporter=flagger)
    member_case = reported_member(member, spam, reporter=flagger)
    now = timezone.now()
    built = 0
    for action, duration in RESTRICTIVE:
        for ground in Ground.values:
            for source in DecisionSource.values:
                for media in CONTENT_TYPES:
                    case = member_case if media is None else content_case
                    decision = Decision.objects.create(
                        case=case,
                        moderator=spam_moderator,
                        action=action,
                        duration=duration,
                        statement_of_reasons="Yours.",
                        ground=ground,
                        legal_ground=LAW if ground == Ground.ILLEGAL_CONTENT else "",
                        restriction=RESTRICTIONS[action],
                        media_type=media or MediaType.TEXT,
                        content_language="en",
                        source=source,
                        starts_at=now,
                        ends_at=now + duration if duration else None,
                    )
                    statement = statement_of(decision)
                    where = f"{action} {ground} {source} {media}"
                    assert validate(statement) == {}, (where, validate(statement))
                    field, value = EXPECTED[action]
                    assert statement[field] == value, where
                    assert statement["content_type"] == [CONTENT_TYPES[media]], where
                    if action in END_FIELD:
                        assert statement[END_FIELD[action]] == decision.ends_at.date().isoformat()
                    if source == DecisionSource.TRUSTED_FLAGGER:
                        assert statement["source_identity"] == "Hotline e.V.", where
                    else:
                        assert "source_identity" not in statement, where
                    built += 1
    assert built == 5 * 2 * 3 * 5


def test_a_member_without_content_is_a_member_account(member, spam, spam_moderator):
    decision = decide(
        case_id=reported_member(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )

    statement = statement_of(decision)

    assert statement["content_type"] == ["CONTENT_TYPE_OTHER"]
    assert statement["content_type_other"] == "Member account"
    assert statement["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert "decision_visibility" not in statement
    assert statement["content_date"] == decision.case.opened_at.date().isoformat()


def test_a_suspension_that_removed_the_content_says_both(member, spam, spam_moderator):
    posted = timezone.now() - timedelta(days=40)
    case = reported_content(member, spam, created_at=posted, language="zh-hans")
    decision = decide(
        case_id=case.pk, moderator=spam_moderator, action=DecisionAction.SUSPEND, duration=WEEK
    )

    statement = statement_of(decision)

    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert statement["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert "end_date_visibility_restriction" not in statement  # removed for good
    assert statement["end_date_account_restriction"] == decision.ends_at.date().isoformat()
    assert statement["content_date"] == posted.date().isoformat()
    assert statement["application_date"] == decision.starts_at.date().isoformat()
    assert statement["content_language"] == "ZH"
    assert statement["territorial_scope"] == list(schema.TERRITORIAL_SCOPE)
    assert validate(statement) == {}


def test_the_reasons_mapping_wins_over_the_categorys(member, spam, spam_moderator):
    spam.statement_category = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    spam.statement_keywords = ["KEYWORD_INAUTHENTIC_ACCOUNTS"]
    spam.save()
    reason = spam.reasons.create(
        slug="phishing",
        name="Phishing link",
        statement_category="STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        statement_keywords=[],
    )
    narrower = spam.reasons.create(
        slug="fake",
        name="Fake account",
        statement_keywords=["KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"],
    )
    plain = spam.reasons.create(slug="plain", name="Plain spam")

    def mapping(reason):
        case = reported_content(make_member(), spam)
        decision = decide(
            case_id=case.pk,
            moderator=spam_moderator,
            action=DecisionAction.REMOVE_CONTENT,
            reason=reason,
        )
        statement = statement_of(decision)
        return statement["category"], statement.get("category_specification")

    assert mapping(reason) == ("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", None)
    assert mapping(narrower) == (
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        ["KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"],
    )
    assert mapping(plain) == (
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        ["KEYWORD_INAUTHENTIC_ACCOUNTS"],
    )


def test_no_personal_data_reaches_the_statement(spam, spam_moderator):
    member = make_member(
        username="rita_rossi_1987", display_name="Rita Rossi", email="rita.rossi@example.org"
    )
    reporter = make_member(
        username="ren_watcher", display_name="Ren Watanabe", email="ren.w@example.net"
    )
    secrets = [
        member.username,
        member.display_name,
        member.email,
        str(member.public_id),
        reporter.username,
        reporter.display_name,
        reporter.email,
        str(reporter.public_id),
        spam_moderator.display_name,  # (username "mo" is too short to look for)
        spam_moderator.email,
    ]
    content = make_content(member, external_id="msg-8841", text=f"Write to {member.email}")
    report = make_report(
        reporter=reporter,
        subject=member,
        category=spam,
        content=content,
        description=f"{member.display_name} ({member.username}) spammed me, {reporter.email}",
    )
    facts = " ".join(secrets)
    decision = decide(
        case_id=report.case_id,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts=f"Facts: {facts}",
        ground=Ground.ILLEGAL_CONTENT,
        legal_ground="Strafgesetzbuch § 263",
    )
    Decision.objects.filter(pk=decision.pk).update(justification=f"Because {facts}")
    mark_reversed([decision], by=make_member(), why=f"Reversed for {facts}", now=timezone.now())
    decision.refresh_from_db()

    for kind in StatementKind.values:
        text = json.dumps(statement_of(decision, kind), ensure_ascii=False)
        for secret in [*secrets, content.external_id, content.text, report.reference]:
            assert secret not in text, (kind, secret)
        assert "Strafgesetzbuch § 263" in text  # the law's name is no one's data


def test_the_puid_is_stable_unique_and_well_formed(member, spam, spam_moderator):
    decisions = [
        decide(
            case_id=reported_content(member, spam).pk,
            moderator=spam_moderator,
            action=DecisionAction.REMOVE_CONTENT,
        )
        for _ in range(3)
    ]
    puids = [statement_of(d)["puid"] for d in decisions]

    assert puids == [statement_of(d)["puid"] for d in decisions]  # rebuilt: the same
    assert len(set(puids)) == 3
    for puid, decision in zip(puids, decisions, strict=True):
        assert re.fullmatch(schema.PUID_PATTERN, puid)
        assert puid == f"hellomod-{decision.uuid}"
        assert str(decision.case_id) not in puid.removeprefix("hellomod-").split("-")


# --- The queue ---


def test_a_statement_is_queued_once_the_member_has_been_told(member, spam, spam_moderator):
    decision = decide(
        case_id=reported_content(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.REMOVE_CONTENT,
    )

    queue_statements(now=timezone.now())
    assert not TransparencyStatement.objects.exists()  # still in the undo window

    queue_statements(now=decision.starts_at + TOLD)
    queue_statements(now=decision.starts_at + TOLD)  # and again: nothing more

    statement = TransparencyStatement.objects.get()
    assert statement.decision == decision
    assert statement.kind == StatementKind.DECISION
    assert statement.status == StatementStatus.PENDING
    assert statement.puid == f"hellomod-{decision.uuid}"
    assert statement.payload == statement_of(decision)
    assert statement.errors == {}


def test_undone_decisions_warnings_and_care_owe_no_statement(member, spam, spam_moderator):
    undone = decide(
        case_id=reported_content(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.REMOVE_CONTENT,
    )
    undo_decision(decision_id=undone.pk, moderator=spam_moderator)
    warned = decide(
        case_id=reported_member(make_member(), spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
    )
    kept_up = decide(
        case_id=reported_content(make_member(), spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        remove_content=False,
    )
    fine = decide(
        case_id=reported_content(make_member(), spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.NO_VIOLATION,
    )

    queue_statements(now=timezone.now() + TOLD)

    assert not TransparencyStatement.objects.exists()
    for decision in (warned, kept_up, fine):
        assert statement_of(decision) is None


def test_a_warning_that_took_the_content_down_reports_the_removal(member, spam, spam_moderator):
    decision = decide(
        case_id=reported_content(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        remove_content=True,
    )

    queue_statements(now=timezone.now() + TOLD)

    payload = TransparencyStatement.objects.get(decision=decision).payload
    assert payload["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert not {"decision_account", "decision_provision"} & set(payload)


def test_a_ban_waiting_for_its_second_moderator_owes_nothing_yet(member, spam, spam_moderator):
    Policy.objects.filter(category=spam).update(four_eyes_for_bans=True)
    proposal = decide(
        case_id=reported_member(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.BAN,
    )
    assert proposal.awaiting_confirmation

    queue_statements(now=timezone.now() + TOLD)

    assert not TransparencyStatement.objects.exists()


def test_a_reversal_on_appeal_yields_a_second_statement(member, spam, spam_moderator, senior):
    decision = decide(
        case_id=reported_member(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )
    told = decision.starts_at + TOLD
    queue_statements(now=told)
    reversed_at = told + timedelta(days=2)
    mark_reversed([decision], by=senior, why="Reversed on appeal A-1.", now=reversed_at)

    queue_statements(now=reversed_at + timedelta(minutes=1))
    queue_statements(now=reversed_at + timedelta(minutes=2))

    first, second = TransparencyStatement.objects.order_by("pk")
    assert (first.kind, second.kind) == (StatementKind.DECISION, StatementKind.REVERSAL)
    assert second.puid == f"hellomod-{decision.uuid}-reversal"
    assert second.status == StatementStatus.PENDING
    assert second.payload["end_date_account_restriction"] == reversed_at.date().isoformat()
    assert second.payload["application_date"] == first.payload["application_date"]
    assert second.payload["decision_facts"].startswith("Reversed on appeal")


def test_a_statement_our_validator_refuses_is_kept_invalid(member, spam, spam_moderator):
    spam.statement_keywords = ["KEYWORD_DISINFORMATION"]  # a keyword the database retired
    spam.save()
    decision = decide(
        case_id=reported_content(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.REMOVE_CONTENT,
    )

    queue_statements(now=decision.starts_at + TOLD)

    statement = TransparencyStatement.objects.get()
    assert statement.status == StatementStatus.INVALID
    assert "category_specification" in statement.errors


# --- The export ---


def export(*args) -> list[str]:
    out = io.StringIO()
    call_command("export_statements", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_export_writes_one_valid_statement_per_line(member, spam, spam_moderator, senior):
    decisions = [
        decide(
            case_id=reported_content(make_member(), spam).pk,
            moderator=spam_moderator,
            action=action,
            duration=duration,
        )
        for action, duration in RESTRICTIVE[:4]
    ]
    warned = decide(
        case_id=reported_member(member, spam).pk, moderator=spam_moderator, action="warn"
    )
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    mark_reversed([decisions[2]], by=senior, why="On appeal.", now=timezone.now())
    today = timezone.now().date().isoformat()

    lines = export("--from", today, "--to", today)

    statements = [json.loads(line) for line in lines]
    assert len(statements) == 5  # four decisions and one reversal, no warning
    assert all(validate(s) == {} for s in statements)
    puids = [s["puid"] for s in statements]
    assert puids[-1] == f"hellomod-{decisions[2].uuid}-reversal"
    assert f"hellomod-{warned.uuid}" not in puids
    assert export("--from", "2020-01-01", "--to", "2020-12-31") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01", "--to", "2026-12-31"), "--from must be a date"),
        (("--from", "yesterday", "--to", "2026-12-31"), "--from must be a date"),
        (("--from", "2026-01-01", "--to", "2026-02-30"), "--to must be a date"),
        (("--from", "2026-03-01", "--to", "2026-01-01"), "--to must not be before --from"),
    ],
)
def test_the_export_refuses_bad_dates(db, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)
