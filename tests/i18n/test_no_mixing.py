"""Every statement of reasons and every message, in every language of the site, reads in that
language alone: its words and the values placed into it (category, duration, end date and zone,
decision, what was reported)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy

from reports.models import Case, DecisionAction, Tier
from reports.models.choices import (
    SANCTIONS,
    WELFARE_ACTIONS,
    CaseKind,
    CaseStatus,
    EscalationCause,
    MisuseKind,
    NotificationEvent,
)
from reports.texts import messages as texts
from reports.texts.durations import datetime_for_reader, describe_duration
from reports.texts.statements import CONTENT_NOUNS, compose_statement
from tests.conftest import make_content, make_member, make_report
from tests.i18n.mixing import NON_LATIN, foreign_parts, latin_words

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ENDS_AT = datetime(2026, 12, 30, 4, 56, tzinfo=UTC)
DURATION = timedelta(days=30)


def _case(category, *, language: str) -> Case:
    member = make_member(preferred_language=language)
    if category.takes_reports:
        case_id = make_report(
            reporter=make_member(),
            subject=member,
            category=category,
            content=make_content(member, kind="message"),
        ).case_id
    else:  # the misuse category, whose cases hellomod opens itself
        now = timezone.now()
        case_id = Case.objects.create(
            category=category,
            subject=member,
            kind=CaseKind.MISUSE,
            misuse=MisuseKind.UNFOUNDED_NOTICES,
            tier=Tier.SENIOR,
            status=CaseStatus.ESCALATED,
            opened_at=now,
            last_reported_at=now,
            escalated_at=now,
            due_at=now + timedelta(days=1),
        ).pk
    return Case.objects.select_related("category", "subject", "content", "reason").get(pk=case_id)


def _statement(case: Case, action: str, *, welfare: bool = False) -> str:
    timed = action in ("restrict", "suspend", "suspend_reporting")
    return compose_statement(
        case,
        action=action,
        duration=DURATION if timed else None,
        ends_at=ENDS_AT if timed else None,
        welfare=welfare,
    )


def _values_in(language: str, category) -> list[str]:
    """The values a statement about `category` carries, as a reader of `language` reads them."""
    with translation.override(language):
        return [
            category.translated("name", language),
            describe_duration(DURATION),
            datetime_for_reader(ENDS_AT),
            str(CONTENT_NOUNS["message"]),
        ]


def _differing(language: str, category) -> list[str]:
    """The English values that the reader's language writes otherwise."""
    english, theirs = _values_in("en", category), _values_in(language, category)
    return [e for e, t in zip(english, theirs, strict=True) if e != t]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_statement_of_reasons_reads_in_one_language(language, spam):
    misuse = spam.__class__.objects.get(slug="reporting-misuse")
    wrong = {}
    for category, actions in (
        (spam, [a.value for a in SANCTIONS] + ["no_violation", *WELFARE_ACTIONS]),
        (misuse, ["no_violation", "warn", "suspend_reporting", "suspend"]),
    ):
        english_case = _case(category, language="en")
        case = _case(category, language=language)
        for action in actions:
            text = _statement(case, action)
            english = _statement(english_case, action)
            parts = foreign_parts(
                text,
                language=language,
                english=english,
                english_values=_differing(language, category),
            )
            if parts:
                wrong[f"{category.slug}/{action}"] = parts
    # Content removed from a welfare case reads as care, in the same language.
    case, english_case = _case(spam, language=language), _case(spam, language="en")
    text = _statement(case, "remove_content", welfare=True)
    parts = foreign_parts(
        text,
        language=language,
        english=_statement(english_case, "remove_content", welfare=True),
        english_values=_differing(language, spam),
    )
    if parts:
        wrong["welfare/remove_content"] = parts
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_a_statement_carries_the_values_in_the_readers_language(language, spam):
    case = _case(spam, language=language)
    text = _statement(case, "suspend")
    for value in _values_in(language, spam)[:3]:
        assert value in text
    with translation.override(language):
        assert datetime_for_reader(ENDS_AT).endswith(" UTC")
    if language in NON_LATIN:
        assert latin_words(text) == []


def _message_values(event: str, category) -> dict[str, object]:
    """The values of an event's message, lazy where the product's are (read in the reader's
    language when the message is written)."""
    return {
        "reference": "R-7KQ2-M9XD",
        "report": "R-7KQ2-M9XD",
        "category": lazy(category.translated, str)("name"),
        "decision": DecisionAction.SUSPEND.label,
        "new_decision": lazy(texts.decision_in_words, str)(
            "suspend", timedelta(days=3), language=translation.get_language()
        ),
        "answer": "",
        "dispute_url": settings.DISPUTE_SETTLEMENT_URL,
        "case": "1042",
        "tier": Tier.SENIOR.label,
        "why": EscalationCause.OVERDUE.label,
        "due": "2026-03-14 16:30 UTC",
        "count": "3",
        "cases": "1042, 1057, 1061",
        "who": "",
    }


EVENTS = list(texts.DEFAULTS)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_reads_in_one_language(language, spam):
    wrong = {}
    for event in EVENTS:
        with translation.override(language):
            values = _message_values(event, spam)
            subject, body = texts.render(event, language=language, values=values)
        with translation.override("en"):
            english_values = _message_values(event, spam)
            english = texts.render(event, language="en", values=english_values)
        english_category = spam.translated("name", "en")
        differing = (
            [english_category] if spam.translated("name", language) != english_category else []
        )
        for part, english_part in zip((subject, body), english, strict=True):
            parts = foreign_parts(
                part, language=language, english=english_part, english_values=differing
            )
            if parts:
                wrong[f"{event}:{part[:30]}"] = parts
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_a_replaced_decision_is_named_in_the_readers_language(language):
    english = texts.decision_in_words("suspend", timedelta(days=3), language="en")
    theirs = texts.decision_in_words("suspend", timedelta(days=3), language=language)
    assert theirs != english
    assert "3" in theirs
    if language in NON_LATIN:
        assert latin_words(theirs) == []


def test_every_event_is_checked():
    assert set(EVENTS) >= set(NotificationEvent.values)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_e_mail_around_a_message_reads_in_its_language(language):
    context = {"subject": "", "body": "", "site_name": "hellomod"}
    with translation.override(language):
        page = render_to_string("emails/notification.html", context)
    english = render_to_string("emails/notification.html", context)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert (
        foreign_parts(
            text, language=language, english=" ".join(re.sub(r"<[^>]+>", " ", english).split())
        )
        == []
    )
    assert ('dir="rtl"' in page) == (language == "ar")


@pytest.mark.parametrize("language", ["es", "fr", "de", "it", "pt", "ru", "ar", "hi"])
def test_a_date_reads_day_month_year_where_the_language_does(language):
    """Not "Dec. 30, 2026, 4:56 a.m.": Django's Arabic and Hindi locales have no date-and-time
    format of their own, hellomod's formats give them one."""
    with translation.override(language):
        moment = datetime_for_reader(ENDS_AT)

    # The day first (Italian names the weekday before it), never an English month.
    assert re.match(r"^(\w+ )?30\b", moment), moment
    assert "Dec" not in moment
    assert moment.endswith("04:56 UTC") or moment.endswith("4:56 UTC"), moment
