"""Statements of reasons: the text a decision sends the member, in their language."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reports.models import Case, DecisionAction, Report, ReportSource, StatementTemplate
from reports.texts.durations import datetime_for_reader, describe_duration
from reports.texts.placeholders import fill_placeholders


def compose_statement(
    case: Case,
    *,
    action: str,
    duration: timedelta | None = None,
    ends_at: datetime | None = None,
    facts: str = "",
    language: str | None = None,
    automated_detection: bool = False,
) -> str:
    """The statement of reasons as the member will read it, in their language.

    It ends by saying what automation had to do with it, as the Digital Services Act asks of
    a statement of reasons (Art. 17(3)(c)).
    """
    language = language or case.subject.preferred_language or "en"
    body = statement_bodies(category_id=case.category_id, language=language, action=action).get(
        action
    )
    with translation.override(language):
        if body is None:
            body = _('Decision on "{category}": {facts}')
        values = fixed_values(case, language)
        values.update(
            duration=describe_duration(duration),
            ends_at=datetime_for_reader(ends_at) if ends_at else "",
            facts=facts.strip(),
        )
        statement = fill_placeholders(body, values).strip()
        if action == DecisionAction.NO_VIOLATION:
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
    *, category_id: int, language: str, action: str | None = None
) -> dict[str, str]:
    """Each action's statement template in `language`, or in English where it has none."""
    templates = StatementTemplate.objects.filter(
        category_id=category_id, language__in={language, "en"}
    )
    if action is not None:
        templates = templates.filter(action=action)
    bodies: dict[str, str] = {}
    for template in templates:
        if template.language == language or template.action not in bodies:
            bodies[template.action] = template.body
    return bodies


def fixed_values(case: Case, language: str) -> dict[str, str]:
    """The placeholders known before the moderator chooses (call inside the member's language)."""
    return dict(
        category=case.category.translated("name", language),
        content_kind=(case.content.get_kind_display() if case.content_id else _("account")).lower(),
        appeal_url=settings.APPEAL_URL,
    )


def statement_as_decided(
    case: Case,
    *,
    action: str,
    duration: timedelta | None,
    facts: str,
    now: datetime,
    sources: set[str] | None = None,
) -> str:
    """The statement a decision taken at `now` sends, word for word (the case page shows it).

    `sources` are those of the case's reports, when the caller has read them already.
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
    )


def statement_previews(case: Case, templates: dict[str, str]) -> dict[str, str]:
    """Each action's statement with what is already known filled in; the page fills the rest.

    {duration}, {ends_at} and {facts} stay in place for the case page to fill as the moderator
    types.
    """
    language = case.subject.preferred_language or "en"
    with translation.override(language):
        values = fixed_values(case, language)
        return {action: fill_placeholders(body, values) for action, body in templates.items()}
