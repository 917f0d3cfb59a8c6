"""A decision as a statement of reasons for the Transparency Database.

A statement holds no personal data (DSA Art. 24(5)): never the moderator's own words (facts,
statement of reasons, justification), nobody's name, e-mail, member id or username, and no
platform id or address of the content. Its texts are composed here, in English, from structured
facts: what was restricted, the category and reason (their names), the kind of content, how many
notices, whether a trusted flagger sent one, whether anything was automated. The legal ground a
moderator named (the law's name) is the one free text it carries, cut to the database's length,
and screened first: what looks like an address (e-mail, web, @handle) and the names, usernames,
e-mails and member ids of the case's people, and its content's platform id, are cut out of it
(`legal_ground`). A name typed there of someone hellomod does not know cannot be told from a
law's, and is the moderator's to leave out (the form asks for the law only).

`puid` is "hellomod-" and the decision's random public id: the same on every rebuild, unique, and
meaningless outside hellomod.
"""

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from reports.models import Decision, Enforcement, Report
from reports.models.choices import (
    CaseKind,
    ContentKind,
    DecisionAction,
    DecisionSource,
    EnforcementKind,
    Ground,
    MediaType,
    MisuseKind,
    Restriction,
)
from reports.models.tdb import StatementKind
from reports.tdb import schema

PUID_PREFIX = "hellomod-"
MEMBER_ACCOUNT = "Member account"

REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED"
# What a decision restricted, as the database's field and value, and the field of its end date.
RESTRICTION_FIELDS = {
    Restriction.CONTENT_REMOVED: (
        "decision_visibility",
        [REMOVED],
        "end_date_visibility_restriction",
    ),
    Restriction.CONTENT_DISABLED: (
        "decision_visibility",
        ["DECISION_VISIBILITY_CONTENT_DISABLED"],
        "end_date_visibility_restriction",
    ),
    Restriction.ACCOUNT_SUSPENDED: (
        "decision_account",
        "DECISION_ACCOUNT_SUSPENDED",
        "end_date_account_restriction",
    ),
    Restriction.ACCOUNT_TERMINATED: (
        "decision_account",
        "DECISION_ACCOUNT_TERMINATED",
        "end_date_account_restriction",
    ),
    Restriction.SERVICE_PARTIALLY_SUSPENDED: (
        "decision_provision",
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "end_date_service_restriction",
    ),
}
CONTENT_TYPES = {
    MediaType.TEXT: "CONTENT_TYPE_TEXT",
    MediaType.IMAGE: "CONTENT_TYPE_IMAGE",
    MediaType.AUDIO: "CONTENT_TYPE_AUDIO",
    MediaType.VIDEO: "CONTENT_TYPE_VIDEO",
}
SOURCES = {
    DecisionSource.NOTICE: schema.SOURCE_ARTICLE_16,
    DecisionSource.TRUSTED_FLAGGER: schema.SOURCE_TRUSTED_FLAGGER,
    DecisionSource.OWN_INITIATIVE: schema.SOURCE_VOLUNTARY,
}
# The English words of each kind of content, as the statement names it.
CONTENT_WORDS = {
    ContentKind.PROFILE_PHOTO: "profile photo",
    ContentKind.USERNAME: "username",
    ContentKind.SELF_INTRODUCTION: "self-introduction",
    ContentKind.MESSAGE: "private message",
    ContentKind.VOICE_MESSAGE: "voice message",
    ContentKind.MOMENT: "moment (public post)",
    ContentKind.COMMENT: "comment",
    ContentKind.VOICE_ROOM: "voice room",
    ContentKind.LIVE_STREAM: "live stream",
}


def statement_decisions() -> QuerySet[Decision]:
    """Decisions with everything their statement reads, in one query per batch of them."""
    removal = Enforcement.objects.filter(
        decision=OuterRef("pk"), kind=EnforcementKind.REMOVE_CONTENT
    )
    flagger = (
        Report.objects.filter(case=OuterRef("case_id"), flagger_organisation__isnull=False)
        .order_by("created_at", "pk")
        .values("flagger_organisation__name")[:1]
    )
    return Decision.objects.select_related(
        "case__category", "case__reason", "case__content", "reason"
    ).annotate(tdb_removed_content=Exists(removal), tdb_flagger=Subquery(flagger))


# A word holding an e-mail or web address, or an @handle: never part of a law's name.
_ADDRESS = re.compile(r"\S*@\S*|\S*://\S*|(?<!\w)www\.\S*", re.IGNORECASE)
# Shorter names and ids are not looked for: they would cut words out of the law's own name.
_SHORTEST_NAME = 3
CUT = "[…]"


def _people_words(decision: Decision) -> set[str]:
    """The names, usernames, e-mails and member ids of the people of the decision's case (the
    member, the reporters, the moderators), and its content's platform id."""
    case = decision.case
    people = User.objects.filter(
        Q(pk__in=[case.subject_id, decision.moderator_id, decision.confirmed_by_id])
        | Q(reports_filed__case_id=case.pk)
    ).values_list("username", "display_name", "first_name", "last_name", "email", "public_id")
    words = {word for person in people for word in person}
    if case.content is not None:
        words.add(case.content.external_id)
    return {word.strip() for word in words if word and len(word.strip()) >= _SHORTEST_NAME}


def legal_ground(decision: Decision) -> str:
    """The law the moderator named, with no one's data in it (the statement's one free text)."""
    text = _ADDRESS.sub(CUT, decision.legal_ground)
    words = sorted(_people_words(decision), key=len, reverse=True) if text.strip() else []
    if words:
        pattern = "|".join(re.escape(word) for word in words)
        text = re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", CUT, text, flags=re.IGNORECASE)
    return " ".join(text.split())[:500]


def puid_of(decision: Decision, kind: str = StatementKind.DECISION) -> str:
    puid = f"{PUID_PREFIX}{decision.uuid}"
    return f"{puid}-reversal" if kind == StatementKind.REVERSAL else puid


def _removed_content(decision: Decision) -> bool:
    removed = getattr(decision, "tdb_removed_content", None)
    if removed is None:
        removed = decision.enforcements.filter(kind=EnforcementKind.REMOVE_CONTENT).exists()
    return removed


def _flagger(decision: Decision) -> str:
    if hasattr(decision, "tdb_flagger"):
        return decision.tdb_flagger or ""
    name = (
        Report.objects.filter(case_id=decision.case_id, flagger_organisation__isnull=False)
        .order_by("created_at", "pk")
        .values_list("flagger_organisation__name", flat=True)
        .first()
    )
    return name or ""


def restrictions(decision: Decision) -> list[Restriction]:
    """What the statement reports as restricted; empty when no statement is owed.

    A sanction (a warning too) that also removed the case's content reports the removal. One that
    closed another case of the member with a primary one reports only that case's content, if it
    removed it: the restriction of the member is the primary decision's statement.
    """
    removed = _removed_content(decision)
    if decision.primary_id is not None or not decision.restriction:
        # A warning that also took the content down restricted its visibility all the same.
        return [Restriction.CONTENT_REMOVED] if removed else []
    found = [Restriction(decision.restriction)]
    if removed and Restriction.CONTENT_REMOVED not in found:
        found.insert(0, Restriction.CONTENT_REMOVED)
    return found


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _subject(decision: Decision) -> str:
    content = decision.case.content
    if content is None:
        return "member account"
    return CONTENT_WORDS.get(content.kind, "piece of content")


def _policy(decision: Decision) -> str:
    case = decision.case
    reason = decision.reason or case.reason
    words = f'the category "{case.category.name}"'
    return f'{words}, reason "{reason.name}"' if reason else words


def _what(restriction: Restriction, decision: Decision, *, subject: str) -> str:
    until = f" until {_day(decision.ends_at)}" if decision.ends_at else ""
    if restriction == Restriction.CONTENT_REMOVED:
        return f"The {subject} was removed."
    if restriction == Restriction.CONTENT_DISABLED:
        return f"Access to the {subject} was disabled."
    if restriction == Restriction.ACCOUNT_SUSPENDED:
        return f"The member's account was suspended{until}."
    if restriction == Restriction.ACCOUNT_TERMINATED:
        return "The member's account was terminated."
    if decision.action == DecisionAction.SUSPEND_REPORTING:
        return f"The member was suspended from submitting reports{until}."
    return f"The member's use of the service was partially restricted{until}."


def _source_type(decision: Decision) -> str:
    # A misuse case is opened by hellomod itself, from figures of past reports: no notice.
    if decision.case.kind == CaseKind.MISUSE:
        return schema.SOURCE_VOLUNTARY
    return SOURCES[DecisionSource(decision.source)]


def _how(decision: Decision, source_type: str) -> str:
    case = decision.case
    if source_type == schema.SOURCE_VOLUNTARY:
        why = "It was taken on hellomod's own initiative"
        if decision.misuse == MisuseKind.UNFOUNDED_NOTICES:
            why += ", after the member repeatedly sent manifestly unfounded reports (DSA Art. 23)"
        elif decision.misuse == MisuseKind.ILLEGAL_CONTENT:
            why += ", after the member repeatedly posted manifestly illegal content (DSA Art. 23)"
    else:
        notices = case.report_count
        plural = "notice" if notices == 1 else "notices"
        why = f"It was taken after {notices} {plural} from users"
        if source_type == schema.SOURCE_TRUSTED_FLAGGER:
            why += ", including a notice from a trusted flagger"
    detected = "detected by automated means" if decision.automated_detection else "reported"
    decided = "decided automatically" if decision.automated_decision else "reviewed by a moderator"
    return f"{why}, under {_policy(decision)}. The matter was {detected} and {decided}."


def _ground_fields(decision: Decision, *, subject: str) -> dict[str, Any]:
    case = decision.case
    reason = decision.reason or case.reason
    rule = f"hellomod community guidelines: {case.category.name}"
    if reason:
        rule += f" ({reason.name})"
    if decision.ground == Ground.ILLEGAL_CONTENT:
        return {
            "decision_ground": schema.GROUND_ILLEGAL,
            "illegal_content_legal_ground": legal_ground(decision),
            "illegal_content_explanation": (
                f"The {subject} was found to be illegal under the legal ground named, in the "
                f"area of {_policy(decision)}."
            )[:2000],
        }
    return {
        "decision_ground": schema.GROUND_INCOMPATIBLE,
        "incompatible_content_ground": rule[:500],
        "incompatible_content_explanation": (
            f"The {subject} was found to be incompatible with hellomod's community guidelines "
            f"under {_policy(decision)}."
        )[:2000],
    }


def _category_fields(decision: Decision) -> dict[str, Any]:
    """The reason's mapping when it has its own category, else the category's; a reason with
    keywords alone narrows its category's."""
    case = decision.case
    reason = decision.reason or case.reason
    category, keywords = case.category.statement_category, case.category.statement_keywords
    if reason is not None and reason.statement_category:
        category, keywords = reason.statement_category, reason.statement_keywords
    elif reason is not None and reason.statement_keywords:
        keywords = reason.statement_keywords
    fields: dict[str, Any] = {"category": category}
    if keywords:
        fields["category_specification"] = sorted(set(keywords))
    return fields


def _content_fields(decision: Decision) -> dict[str, Any]:
    case = decision.case
    content = case.content
    if content is None:
        fields: dict[str, Any] = {
            "content_type": ["CONTENT_TYPE_OTHER"],
            "content_type_other": MEMBER_ACCOUNT,
        }
        posted = case.opened_at
    else:
        fields = {"content_type": [CONTENT_TYPES.get(decision.media_type, "CONTENT_TYPE_TEXT")]}
        posted = content.created_at or content.snapshotted_at or case.opened_at
    fields["content_date"] = _day(posted)
    language = (decision.content_language or case.language).replace("_", "-").split("-")[0]
    if language.upper() in schema.CONTENT_LANGUAGE:
        fields["content_language"] = language.upper()
    return fields


def build_statement(decision: Decision, kind: str = StatementKind.DECISION) -> dict | None:
    """The statement of reasons of a decision (or of its reversal on appeal), or None when the
    decision restricted nothing and no statement is owed."""
    found = restrictions(decision)
    if not found:
        return None
    reversal = kind == StatementKind.REVERSAL
    if reversal and decision.reversed_at is None:
        raise ValueError("Only a reversed decision has a reversal statement.")
    subject = _subject(decision)
    statement: dict[str, Any] = {}
    for restriction in found:
        field, value, end_field = RESTRICTION_FIELDS[restriction]
        if isinstance(value, list):
            statement[field] = sorted({*statement.get(field, []), *value})
        else:
            statement[field] = value
        # A removal lasts for good; a suspension or restriction until its end; a reversal
        # ends every one of them on the day it was reversed.
        if reversal:
            statement[end_field] = _day(decision.reversed_at)
        elif decision.ends_at and restriction != Restriction.CONTENT_REMOVED:
            statement[end_field] = _day(decision.ends_at)
    statement.update(_ground_fields(decision, subject=subject))
    statement.update(_content_fields(decision))
    statement.update(_category_fields(decision))
    source_type = _source_type(decision)
    facts = " ".join(_what(r, decision, subject=subject) for r in found)
    facts += " " + _how(decision, source_type)
    if reversal:
        facts = (
            f"Reversed on appeal on {_day(decision.reversed_at)}: the restriction ended that "
            f"day. The original decision: {facts}"
        )
    statement.update(
        {
            "territorial_scope": list(settings.TDB_TERRITORIAL_SCOPE),
            "application_date": _day(decision.starts_at),
            "decision_facts": facts[:5000],
            "source_type": source_type,
            "automated_detection": schema.YES if decision.automated_detection else schema.NO,
            "automated_decision": (
                schema.AUTOMATED_FULLY if decision.automated_decision else schema.NOT_AUTOMATED
            ),
            "puid": puid_of(decision, kind),
        }
    )
    flagger = _flagger(decision) if source_type == schema.SOURCE_TRUSTED_FLAGGER else ""
    if flagger:
        statement["source_identity"] = flagger[:500]
    return statement
