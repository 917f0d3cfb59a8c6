"""The texts of the messages hellomod writes: admin-written per event and language, or built in.

Trust & Safety admins write a NotificationTemplate per event and language, with placeholders in
braces ({reference}, {category} …). Each event allows only the placeholders listed in
placeholders.PLACEHOLDERS: none of them names a reporter to anyone, nor a moderator to a
member, and a template naming any other cannot be saved. Without an admin's template the
built-in text of DEFAULTS is used, translated by gettext like the rest of the product.
"""

import re
from collections.abc import Mapping
from datetime import timedelta

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.languages import supported_language
from reports.models import NotificationTemplate
from reports.models.choices import (
    TIMED_ACTIONS,
    DecisionAction,
    EscalationCause,
    NotificationEvent,
    Tier,
)
from reports.texts.durations import describe_duration
from reports.texts.placeholders import (
    OUTCOME_WELFARE,
    PLACEHOLDERS,
    SUPPORT_RESOURCES,
    WELFARE_CHECK_REQUESTED,
    fill_placeholders,
)
from reports.texts.statements import appeal_link

Event = NotificationEvent

# A sample case, for previews. Labels stay lazy so that a preview reads in the template's
# language where the product has a translation.
_SAMPLE_REPORT = {"reference": "R-7KQ2-M9XD", "category": "Spam, advertising or solicitation"}
_SAMPLE_APPEAL = {
    "reference": "A-3HW9-T4PA",
    "category": "Spam, advertising or solicitation",
    "decision": DecisionAction.SUSPEND.label,
}
_SAMPLE_ANSWER = {
    **_SAMPLE_APPEAL,
    "answer": "The links you sent were to your own language school, sent to forty members.",
    "dispute_url": "https://digital-strategy.ec.europa.eu/en/policies/dsa-out-of-court-dispute-settlement",
}
_SAMPLE_REVIEW_RECEIPT = {
    "reference": "A-3HW9-T4PA",
    "report": "R-7KQ2-M9XD",
    "category": "Spam, advertising or solicitation",
}
_SAMPLE_REVIEW = {
    **_SAMPLE_REVIEW_RECEIPT,
    "answer": "The messages you reported offer a paid course to members who did not ask.",
    "dispute_url": "https://digital-strategy.ec.europa.eu/en/policies/dsa-out-of-court-dispute-settlement",
}
SAMPLES: dict[str, dict[str, str]] = {
    Event.REPORT_RECEIVED: _SAMPLE_REPORT,
    Event.OUTCOME_ACTIONED: _SAMPLE_REPORT,
    Event.OUTCOME_NO_VIOLATION: _SAMPLE_REPORT,
    Event.STATEMENT_OF_REASONS: {
        "category": "Spam, advertising or solicitation",
        "decision": DecisionAction.SUSPEND.label,
    },
    Event.RESTRICTION_LIFTED: {},
    Event.CASE_ESCALATED: {
        "case": "1042",
        "category": "Spam, advertising or solicitation",
        "tier": Tier.SENIOR.label,
        "why": EscalationCause.OVERDUE.label,
        "due": "2026-03-14 16:30 UTC",
    },
    Event.CASE_EMERGENCY: {
        "case": "1043",
        "category": "Hate, abuse, threats or harmful content",
        "tier": Tier.EMERGENCY.label,
        "why": EscalationCause.CRITICAL.label,
        "due": "2026-03-14 14:45 UTC",
    },
    Event.CASES_OVERDUE: {
        "count": "3",
        "category": "Spam, advertising or solicitation",
        "tier": Tier.SENIOR.label,
        "cases": "1042, 1057, 1061",
    },
    Event.APPEAL_RECEIVED: _SAMPLE_APPEAL,
    Event.APPEAL_UPHELD: _SAMPLE_ANSWER,
    Event.APPEAL_REVERSED: _SAMPLE_ANSWER,
    Event.APPEAL_REPLACED: {**_SAMPLE_ANSWER, "new_decision": "Suspend, 3 days"},
    Event.REVIEW_RECEIVED: _SAMPLE_REVIEW_RECEIPT,
    Event.REVIEW_UPHELD: _SAMPLE_REVIEW,
    Event.REVIEW_REOPENED: _SAMPLE_REVIEW,
    Event.OUTCOME_REVERSED: _SAMPLE_REPORT,
    SUPPORT_RESOURCES: {},
    OUTCOME_WELFARE: {
        "reference": "R-7KQ2-M9XD",
        "category": "Hate, abuse, threats or harmful content",
    },
    WELFARE_CHECK_REQUESTED: {
        "case": "1043",
        "category": "Hate, abuse, threats or harmful content",
        "who": "Senior Sam",
    },
}

# What a statement of reasons (StatementTemplate) says about the sample case.
STATEMENT_SAMPLES: dict[str, str] = {
    "category": "Spam, advertising or solicitation",
    "content_kind": "message",
    "duration": "7 days",
    "ends_at": "21 March 2026, 16:30",
    "facts": "Sent the same link to a paid course to 40 members within an hour.",
    "crisis_lines": "• Samaritans: call 116 123 · https://www.samaritans.org · 24/7",
    "emergency_number": "999",
}  # and appeal_url, where members appeal (statements.appeal_link)

# The built-in texts, as gettext message ids with %(name)s. These are the very strings the
# product wrote before admins could change them, so the existing translations still apply.
# The statement of reasons has no body here: its text is the decision's own statement.
DEFAULTS: dict[str, tuple[Promise, Promise | None]] = {
    Event.REPORT_RECEIVED: (
        _("We received your report %(reference)s"),
        _(
            'Thank you for your report %(reference)s about "%(category)s". A moderator will '
            "review it against the community guidelines, and we will tell you what we decided. "
            "The member you reported will not learn who reported them."
        ),
    ),
    Event.OUTCOME_ACTIONED: (
        _("About your report %(reference)s"),
        _(
            'We reviewed your report %(reference)s under "%(category)s" and took action: '
            "what you reported broke the community guidelines. Thank you for telling us."
        ),
    ),
    Event.OUTCOME_NO_VIOLATION: (
        _("About your report %(reference)s"),
        _(
            'We reviewed your report %(reference)s under "%(category)s" and found no '
            "violation of the community guidelines."
        ),
    ),
    Event.STATEMENT_OF_REASONS: (_("A decision about your account"), None),
    Event.RESTRICTION_LIFTED: (
        _("Your account is no longer restricted"),
        _(
            "The restriction on your account has ended. Thank you for following the community "
            "guidelines."
        ),
    ),
    Event.CASE_ESCALATED: (
        _("[%(tier)s] Case %(case)s · %(category)s"),
        _("Case %(case)s (%(category)s) is waiting at the %(tier)s tier: %(why)s. Due %(due)s."),
    ),
    Event.CASE_EMERGENCY: (
        _("[%(tier)s] Case %(case)s · %(category)s"),
        _("Case %(case)s (%(category)s) is waiting at the %(tier)s tier: %(why)s. Due %(due)s."),
    ),
    Event.CASES_OVERDUE: (
        _("[%(tier)s] %(count)s overdue case(s) in %(category)s"),
        _(
            "%(count)s case(s) in %(category)s passed their due time and now wait at the "
            "%(tier)s tier: %(cases)s."
        ),
    ),
    Event.APPEAL_RECEIVED: (
        _("We received your appeal %(reference)s"),
        _(
            'Thank you. We received your appeal %(reference)s about the decision "%(decision)s" '
            'under "%(category)s". A senior moderator who had no part in that decision will look '
            "at it again with what you told us, and we will tell you what they decide. Appealing "
            "is free."
        ),
    ),
    Event.APPEAL_UPHELD: (
        _("About your appeal %(reference)s"),
        _(
            "A senior moderator who had no part in the decision looked at your appeal "
            '%(reference)s and decided that the decision "%(decision)s" under "%(category)s" '
            "stands.\n\nWhy: %(answer)s\n\nIf you still disagree, you can turn to a certified "
            "out-of-court dispute settlement body: %(dispute_url)s"
        ),
    ),
    Event.APPEAL_REVERSED: (
        _("About your appeal %(reference)s"),
        _(
            "A senior moderator who had no part in the decision looked at your appeal "
            '%(reference)s and reversed the decision "%(decision)s" under "%(category)s". '
            "Nothing of it applies any more: any restriction on your account has ended, what we "
            "removed is back unless something else keeps it down, and it no longer counts on "
            "your record.\n\nWhy: %(answer)s\n\nIf you disagree with this answer, you can turn "
            "to a certified out-of-court dispute settlement body: %(dispute_url)s"
        ),
    ),
    Event.APPEAL_REPLACED: (
        _("About your appeal %(reference)s"),
        _(
            "A senior moderator who had no part in the decision looked at your appeal "
            '%(reference)s and replaced the decision "%(decision)s" under "%(category)s" with a '
            "milder one: %(new_decision)s. It counts from the day of the first decision, so the "
            "time already passed counts towards it. The new statement of reasons follows this "
            "answer.\n\nWhy: %(answer)s\n\nIf you still disagree, you can turn to a certified "
            "out-of-court dispute settlement body: %(dispute_url)s"
        ),
    ),
    Event.REVIEW_RECEIVED: (
        _("We received your request for a review %(reference)s"),
        _(
            "Thank you. We received your request %(reference)s to look again at your report "
            '%(report)s under "%(category)s". A senior moderator who had no part in the decision '
            "will review it with what you told us, and we will tell you what they decide. The "
            "member you reported will not learn who reported them."
        ),
    ),
    Event.REVIEW_UPHELD: (
        _("About your request for a review %(reference)s"),
        _(
            "A senior moderator who had no part in the decision reviewed your report %(report)s "
            'under "%(category)s" again and found, as before, no violation of the community '
            "guidelines.\n\nWhy: %(answer)s\n\nIf you still disagree, you can turn to a "
            "certified out-of-court dispute settlement body: %(dispute_url)s"
        ),
    ),
    Event.REVIEW_REOPENED: (
        _("About your request for a review %(reference)s"),
        _(
            'A senior moderator reviewed your report %(report)s under "%(category)s" again and '
            "set the earlier decision aside. Another moderator will decide it again, and we "
            "will tell you what they decide.\n\nWhy: %(answer)s"
        ),
    ),
    Event.OUTCOME_REVERSED: (
        _("About your report %(reference)s"),
        _(
            'The action we took on your report %(reference)s under "%(category)s" was reversed '
            "on appeal: a senior moderator looked at it again and found that what you reported "
            "does not break the community guidelines after all. Thank you for telling us all "
            "the same."
        ),
    ),
    # Built in only, for now (see placeholders.SUPPORT_RESOURCES).
    SUPPORT_RESOURCES: (_("You don't have to go through this alone"), None),
    OUTCOME_WELFARE: (
        _("About your report %(reference)s"),
        _(
            "We reviewed your report %(reference)s and reached out to the member with support. "
            "Thank you for looking out for them: telling us may have made a real difference."
        ),
    ),
    WELFARE_CHECK_REQUESTED: (
        _("[Emergency] Welfare check requested · case %(case)s"),
        _(
            "%(who)s asked the platform for an urgent welfare check on the member of case "
            "%(case)s (%(category)s). Follow up with the platform's on-call team and note on the "
            "case what they did."
        ),
    ),
}

# Admin templates that may only have a subject: the body is written elsewhere.
SUBJECT_ONLY = frozenset({Event.STATEMENT_OF_REASONS, SUPPORT_RESOURCES})

_GETTEXT_NAME = re.compile(r"%\((\w+)\)s")


def load_templates(event: str) -> dict[str, NotificationTemplate]:
    """The admins' templates of one event by language, for writing many messages at once."""
    return {t.language: t for t in NotificationTemplate.objects.filter(event=event)}


def render(
    event: str,
    *,
    language: str | None,
    values: Mapping[str, object],
    templates: Mapping[str, NotificationTemplate] | None = None,
) -> tuple[str, str]:
    """The subject and body of one message, in the reader's language.

    The text is chosen in this order:
    1. the admins' template for the event in the reader's language;
    2. the built-in text, translated into the reader's language.
    An admins' template in another language is never used: a Chinese reader gets the built-in
    Chinese text rather than an admin's English one, because a message in a language the reader
    chose beats a newer wording they may not read. A reader whose language the site does not
    offer reads the site's default language (English), where the admins' template comes first
    as everywhere.

    `values` fill the event's placeholders; lazy values (labels) are read in the reader's
    language. A name the event does not allow is never filled, even if a template names it.
    `templates` are the event's templates from load_templates(), to save a query per message.
    The statement of reasons has only a subject here: its body is the decision's statement.
    """
    language = supported_language(language)
    if templates is None:
        template = NotificationTemplate.objects.filter(event=event, language=language).first()
    else:
        template = templates.get(language)
    allowed = PLACEHOLDERS[event]
    with translation.override(language):
        filled = {name: str(value) for name, value in values.items() if name in allowed}
        if template is not None:
            return (
                fill_placeholders(template.subject, filled),
                fill_placeholders(template.body, filled),
            )
        subject, body = DEFAULTS[event]
        return str(subject) % filled, (str(body) % filled if body is not None else "")


def preview(event: str, *, language: str, subject: str, body: str) -> tuple[str, str]:
    """An admin's subject and body as the sample case would read them."""
    language = supported_language(language)
    with translation.override(language):
        values = {name: str(value) for name, value in SAMPLES[event].items()}
        return fill_placeholders(subject, values), fill_placeholders(body, values)


def builtin_text(event: str, language: str) -> tuple[str, str]:
    """The built-in text in `language`, written with {placeholders} for an admin to start from."""
    subject, body = DEFAULTS[event]
    with translation.override(supported_language(language)):
        return (
            _GETTEXT_NAME.sub(r"{\1}", str(subject)),
            _GETTEXT_NAME.sub(r"{\1}", str(body)) if body is not None else "",
        )


def statement_sample_values(*, action: str, language: str, category=None) -> dict[str, str]:
    """The statement placeholders as the sample case fills them, as compose_statement would."""
    values = dict(STATEMENT_SAMPLES, appeal_url=appeal_link())
    if category is not None:
        values["category"] = category.translated("name", supported_language(language))
    if action not in TIMED_ACTIONS:
        # Only restrictions and suspensions last for a while.
        values.update(duration="", ends_at="")
    return values


def preview_statement(body: str, *, action: str, language: str, category=None) -> str:
    """A statement of reasons as the member of the sample case would read it."""
    values = statement_sample_values(action=action, language=language, category=category)
    with translation.override(supported_language(language)):
        return fill_placeholders(body, values).strip()


def decision_in_words(action: str, duration: timedelta | None, *, language: str) -> str:
    """ "Suspend, 3 days": a decision as a message names it, in the reader's language."""
    with translation.override(supported_language(language)):
        label = str(DecisionAction(action).label)
        if not duration:
            return label
        return gettext("%(decision)s, %(duration)s") % {
            "decision": label,
            "duration": describe_duration(duration),
        }
