"""Placeholders in admin-written texts: {name} is replaced by a value when a message is written.

Not str.format: a template is admin-written text, and format() would fail on a lone brace and
follow attribute lookups such as {facts.__class__}. Which placeholders each message may name is
listed here too, beside the rules that read it, so that a template row can check itself without
reading the texts module (which reads template rows).
"""

import re
from collections.abc import Iterable

from django.conf import settings

from reports.models.choices import NotificationEvent

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """Put values in for {name}; unknown names and stray braces are left as written."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), body)


def unknown_placeholders(text: str, allowed: Iterable[str]) -> list[str]:
    """The {names} in a text that are not allowed, in the order they first appear."""
    allowed = set(allowed)
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name not in allowed and name not in seen:
            seen.append(name)
    return seen


# What a statement of reasons (StatementTemplate) may name.
STATEMENT_PLACEHOLDERS = {
    "category": "the category, in the member's language",
    "content_kind": "what was reported, e.g. message",
    "duration": "how long a restriction or suspension lasts, e.g. 7 days",
    "ends_at": "when it ends",
    "facts": "the moderator's own words",
    "appeal_url": "where to appeal",
    "crisis_lines": "the crisis lines for the member's country and language, one to a row",
    "emergency_number": "the emergency number of the member's country, e.g. 112",
}


def braced(names: Iterable[str]) -> str:
    """{a}, {b}: names as an admin writes them."""
    return ", ".join("{" + name + "}" for name in names)


def language_codes() -> list[str]:
    """The languages a text can be written in: the site's."""
    return [code for code, _name in settings.LANGUAGES]


_REPORT = {
    "reference": "the report's reference, e.g. R-7KQ2-M9XD",
    "category": "the category the reporter chose, in the reader's language",
}
_CASE_ALERT = {
    "case": "the case number",
    "category": "the category of the case",
    "tier": "the tier the case now waits at",
    "why": "why it moved there, e.g. Past its due time",
    "due": "when it is due at that tier",
}

_APPEAL = {
    "reference": "the appeal's reference, e.g. A-7KQ2-M9XD",
    "category": "the category of the decision, in the reader's language",
    "decision": "the decision appealed, e.g. Suspend",
}
_APPEAL_ANSWER = {
    **_APPEAL,
    "answer": "the senior moderator's answer, in their own words",
    "dispute_url": "where to find an out-of-court dispute settlement body",
}
_REVIEW = {
    "reference": "the review's reference, e.g. A-7KQ2-M9XD",
    "report": "the report's reference, e.g. R-7KQ2-M9XD",
    "category": "the category the reporter chose, in the reader's language",
}
_REVIEW_ANSWER = {
    **_REVIEW,
    "answer": "the senior moderator's answer, in their own words",
    "dispute_url": "where to find an out-of-court dispute settlement body",
}

# What each message may name. Members' messages never get a reporter's identity (nor the
# reported member's, for a reporter) or a moderator's name: those are simply not offered.
PLACEHOLDERS: dict[str, dict[str, str]] = {
    NotificationEvent.REPORT_RECEIVED: _REPORT,
    NotificationEvent.OUTCOME_ACTIONED: _REPORT,
    NotificationEvent.OUTCOME_NO_VIOLATION: _REPORT,
    NotificationEvent.STATEMENT_OF_REASONS: {
        "category": "the category of the decision, in the member's language",
        "decision": "what was decided, e.g. Suspend",
    },
    NotificationEvent.RESTRICTION_LIFTED: {},
    NotificationEvent.CASE_ESCALATED: _CASE_ALERT,
    NotificationEvent.CASE_EMERGENCY: _CASE_ALERT,
    NotificationEvent.CASES_OVERDUE: {
        "count": "how many cases moved",
        "category": "their category",
        "tier": "the tier they now wait at",
        "cases": "their numbers (the first 20, then how many more)",
    },
    NotificationEvent.APPEAL_RECEIVED: _APPEAL,
    NotificationEvent.APPEAL_UPHELD: _APPEAL_ANSWER,
    NotificationEvent.APPEAL_REVERSED: _APPEAL_ANSWER,
    NotificationEvent.APPEAL_REPLACED: {
        **_APPEAL_ANSWER,
        "new_decision": "the milder decision, e.g. Suspend, 3 days",
    },
    NotificationEvent.REVIEW_RECEIVED: _REVIEW,
    NotificationEvent.REVIEW_UPHELD: _REVIEW_ANSWER,
    NotificationEvent.REVIEW_REOPENED: _REVIEW_ANSWER,
    NotificationEvent.OUTCOME_REVERSED: _REPORT,
}

# Messages with built-in texts only, for now: a NotificationTemplate's event takes the values of
# NotificationEvent, and these need a migration of its choices before admins can write them.
SUPPORT_RESOURCES = "support_resources"
OUTCOME_WELFARE = "outcome_welfare"
WELFARE_CHECK_REQUESTED = "welfare_check_requested"
PLACEHOLDERS.update(
    {
        # The body is the decision's own support message (texts/statements.py).
        SUPPORT_RESOURCES: {},
        OUTCOME_WELFARE: _REPORT,
        WELFARE_CHECK_REQUESTED: {
            "case": "the case number",
            "category": "the category of the case",
            "who": "the moderator who asked for the check",
        },
    }
)
