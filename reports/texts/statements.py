"""Statements of reasons: the text a decision sends the member, in their language.

A member who may be at risk reads words of care instead: the support message of a welfare action
(not a statement of reasons, as nothing was restricted), and for content removed from a welfare
case a statement that says it is no punishment and where to find help.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.languages import reader_language, supported_language
from accounts.models import User
from reports.models import (
    Case,
    Category,
    ContentKind,
    DecisionAction,
    Reason,
    Report,
    ReportSource,
    StatementTemplate,
)
from reports.models.choices import WELFARE_ACTIONS
from reports.selectors.welfare import crisis_lines_for, is_welfare
from reports.texts.durations import datetime_for_reader, describe_duration
from reports.texts.placeholders import fill_placeholders
from reports.texts.shipped import CATEGORY_STATEMENTS, STATEMENTS
from reports.texts.welfare import crisis_lines, emergency_number

# What a welfare action sends the member where the category has no text of its own for it. The
# moderator's words ({facts}) are left out on purpose: they are written for the record, and a
# person in crisis should read words chosen for them.
SUPPORT = gettext_lazy(
    "Something you shared made us worried about you, and we wanted to reach out. You don't have "
    "to go through this alone.\n\n"
    "If you are thinking about hurting yourself or ending your life, please talk to someone now. "
    "These services are free and confidential:\n\n"
    "{crisis_lines}\n\n"
    "If your life is in immediate danger, call {emergency_number} now.\n\n"
    "This is not a warning, and nothing has changed on your account."
)
# Content removed from a welfare case: the category's own removal text reads as a sanction.
WELFARE_REMOVAL = gettext_lazy(
    "We removed your {content_kind} because content that shows or encourages self-harm can hurt "
    "others who see it, even when it is shared to ask for help. This is not a punishment: there "
    "is no strike on your account and nothing else has changed. {facts}\n\n"
    "If you are going through a hard time, you don't have to face it alone. These services are "
    "free and confidential:\n\n"
    "{crisis_lines}\n\n"
    "If your life is in immediate danger, call {emergency_number} now.\n\n"
    "If you think we got this wrong, you can appeal: {appeal_url}"
)
_CARE_PLACEHOLDERS = ("{crisis_lines}", "{emergency_number}")

# What was reported, as {content_kind} names it inside a sentence ("We removed your message").
# Words of their own rather than the kinds' labels in lower case: a lower-cased label is wrong
# German ("nachricht") and means nothing in scripts without case.
CONTENT_NOUNS = {
    ContentKind.PROFILE_PHOTO: pgettext_lazy("what was reported, in a sentence", "profile photo"),
    ContentKind.USERNAME: pgettext_lazy("what was reported, in a sentence", "username"),
    ContentKind.SELF_INTRODUCTION: pgettext_lazy(
        "what was reported, in a sentence", "self-introduction"
    ),
    ContentKind.MESSAGE: pgettext_lazy("what was reported, in a sentence", "message"),
    ContentKind.VOICE_MESSAGE: pgettext_lazy("what was reported, in a sentence", "voice message"),
    ContentKind.MOMENT: pgettext_lazy("what was reported, in a sentence", "moment"),
    ContentKind.COMMENT: pgettext_lazy("what was reported, in a sentence", "comment"),
    ContentKind.VOICE_ROOM: pgettext_lazy("what was reported, in a sentence", "voice room"),
    ContentKind.LIVE_STREAM: pgettext_lazy("what was reported, in a sentence", "live stream"),
}
ACCOUNT_NOUN = pgettext_lazy("what was reported, in a sentence", "account")


def compose_statement(
    case: Case,
    *,
    action: str,
    duration: timedelta | None = None,
    ends_at: datetime | None = None,
    facts: str = "",
    language: str | None = None,
    automated_detection: bool = False,
    welfare: bool = False,
    appeal_url: str = "",
) -> str:
    """The statement of reasons as the member will read it, in their language.

    It ends by saying what automation had to do with it, as the Digital Services Act asks of
    a statement of reasons (Art. 17(3)(c)). A welfare action's support message restricts
    nothing and is no statement of reasons: it has no such ending. `welfare` says the case is
    about a member who may be at risk, whose removed content is explained with care.
    `appeal_url` is where {appeal_url} points (see `appeal_link`).
    """
    language = supported_language(language or case.subject.preferred_language)
    body = None
    if not (welfare and action == DecisionAction.REMOVE_CONTENT):
        body = statement_bodies(category=case.category, language=language, action=action).get(
            action
        )
    with translation.override(language):
        if body is None:
            body = str(_builtin_body(action, welfare=welfare))
        values = fixed_values(case, language, body=body, appeal_url=appeal_url)
        values.update(
            duration=describe_duration(duration),
            ends_at=datetime_for_reader(ends_at) if ends_at else "",
            facts=facts.strip(),
        )
        statement = fill_placeholders(body, values).strip()
        if action == DecisionAction.NO_VIOLATION or action in WELFARE_ACTIONS:
            return statement
        if automated_detection:
            automation = _(
                "Automatic detection flagged this; a moderator reviewed it and took the decision."
            )
        else:
            automation = _(
                "A moderator took this decision after reviewing reports from members; no "
                "automated decision-making was involved."
            )
        return f"{statement}\n\n{automation}"


def statement_bodies(
    *, category: Category | int, language: str, action: str | None = None
) -> dict[str, str]:
    """Each action's statement template as a reader of `language` gets it.

    The admins' text in that language comes first; without one, the shipped text for the
    action (the category's own, if it ships one), translated into that language by the
    catalogues. An admins' text in another language is never used: a member reads a shipped
    text in their own language rather than a newer wording in one they may not read. A language
    the site does not offer reads English, where the admins' English text comes first.
    """
    if isinstance(category, int):
        category = Category.objects.only("slug").get(pk=category)
    language = supported_language(language)
    templates = StatementTemplate.objects.filter(category=category, language=language)
    if action is not None:
        templates = templates.filter(action=action)
    bodies = dict(templates.values_list("action", "body"))
    shipped = {**STATEMENTS, **CATEGORY_STATEMENTS.get(category.slug, {})}
    with translation.override(language):
        for shipped_action, body in shipped.items():
            if action in (None, shipped_action):
                bodies.setdefault(shipped_action, str(body))
    return bodies


def _builtin_body(action: str, *, welfare: bool):
    if action in WELFARE_ACTIONS:
        return SUPPORT
    if welfare and action == DecisionAction.REMOVE_CONTENT:
        return WELFARE_REMOVAL
    return _('Decision on "{category}": {facts}')


def care_values(person: User) -> dict[str, str]:
    """The crisis lines and emergency number a text names for this person (in their language)."""
    return dict(
        crisis_lines=crisis_lines(crisis_lines_for(person)),
        emergency_number=emergency_number(person.country),
    )


def appeal_link(decision_uuid: UUID | None = None) -> str:
    """Where a statement sends a member who disagrees: the platform's own appeal page when it
    hosts appeals (APPEAL_URL), otherwise the decision's page in hellomod, or for a preview the
    member's "Decisions about me"."""
    if settings.APPEAL_URL:
        return settings.APPEAL_URL
    if decision_uuid is None:
        return settings.SITE_URL + reverse("reports:decisions")
    return settings.SITE_URL + reverse("reports:decision", args=[decision_uuid])


def fixed_values(
    case: Case, language: str, *, body: str = "", appeal_url: str = ""
) -> dict[str, str]:
    """The placeholders known before the moderator chooses (call inside the member's language).

    The crisis lines are read only for a `body` that names them.
    """
    values = dict(
        category=case.category.translated("name", language),
        content_kind=str(CONTENT_NOUNS.get(case.content.kind, ACCOUNT_NOUN))
        if case.content_id
        else str(ACCOUNT_NOUN),
        appeal_url=appeal_url or appeal_link(),
    )
    if any(name in body for name in _CARE_PLACEHOLDERS):
        values.update(care_values(case.subject))
    return values


def is_welfare_case(case: Case, reason: Reason | None = None) -> bool:
    """The case, or the reason a moderator chose for it, is about a member who may be at risk."""
    return is_welfare(case.reason) or is_welfare(reason)


def statement_as_decided(
    case: Case,
    *,
    action: str,
    duration: timedelta | None,
    facts: str,
    now: datetime,
    sources: set[str] | None = None,
    reason: Reason | None = None,
    decision_uuid: UUID | None = None,
) -> str:
    """The statement a decision taken at `now` sends, word for word (the case page shows it).

    `sources` are those of the case's reports, when the caller has read them already; `reason`
    the one the moderator chose, if any; `decision_uuid` the decision's public id, for its
    appeal link.
    """
    if sources is None:
        sources = set(Report.objects.filter(case=case).values_list("source", flat=True))
    return compose_statement(
        case,
        action=action,
        duration=duration,
        ends_at=now + duration if duration else None,
        facts=facts,
        automated_detection=ReportSource.AUTOMATIC in sources,
        welfare=is_welfare_case(case, reason),
        appeal_url=appeal_link(decision_uuid) if decision_uuid else "",
    )


def statement_as_sent(decision) -> str:
    """A decision's statement as its member reads it when told, after the undo window.

    Composed again from the decision's own terms (its facts, length, end and reason) in the
    language the member reads at that moment: a member who changed language between the
    decision and the telling reads one language, never the subject in one and the statement in
    another. For a member who did not, it is the statement composed when it was decided.
    """
    case = decision.case
    return compose_statement(
        case,
        action=decision.action,
        duration=decision.duration,
        ends_at=decision.ends_at,
        facts=decision.facts,
        automated_detection=decision.automated_detection,
        welfare=is_welfare_case(case, decision.reason),
        appeal_url=appeal_link(decision.uuid),
    )


def statement_previews(case: Case, templates: dict[str, str]) -> dict[str, str]:
    """Each action's statement with what is already known filled in; the page fills the rest.

    {duration}, {ends_at} and {facts} stay in place for the case page to fill as the moderator
    types. The welfare actions, and a removal on a welfare case, read as `compose_statement`
    writes them.
    """
    language = reader_language(case.subject)
    welfare = is_welfare_case(case)
    with translation.override(language):
        bodies = dict(templates)
        for action in WELFARE_ACTIONS:
            bodies.setdefault(action, str(SUPPORT))
        if welfare:
            bodies[DecisionAction.REMOVE_CONTENT] = str(WELFARE_REMOVAL)
        values = fixed_values(case, language, body="".join(bodies.values()))
        return {action: fill_placeholders(body, values) for action, body in bodies.items()}
