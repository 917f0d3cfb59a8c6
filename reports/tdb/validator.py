"""Does a statement of reasons follow every rule of the Transparency Database?

`validate` answers with the problems by field, in the database's own terms (an empty dict means
the statement would be accepted). It runs before a statement is queued, so that a statement the
database would refuse is kept back and shown, never sent.
"""

import re
from datetime import date
from typing import Any

from reports.tdb import schema

_PUID = re.compile(schema.PUID_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class _Problems(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def _one_of(problems: _Problems, field: str, value: Any, allowed: frozenset) -> None:
    if not isinstance(value, str):
        problems.add(field, "Must be one value, written as text.")
    elif value in schema.RETIRED:
        problems.add(field, f"{value} is no longer accepted by the database.")
    elif value not in allowed:
        problems.add(field, f"{value} is not one of the accepted values.")


def _many_of(problems: _Problems, field: str, value: Any, allowed: frozenset) -> None:
    if not isinstance(value, list) or not value:
        problems.add(field, "Must be a list of at least one value.")
        return
    for item in value:
        _one_of(problems, field, item, allowed)
    if len(set(map(str, value))) != len(value):
        problems.add(field, "Names a value twice.")


def _date(problems: _Problems, field: str, value: Any, earliest: str | None) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        problems.add(field, "Must be a date written YYYY-MM-DD.")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.add(field, "Must be a date written YYYY-MM-DD.")
        return None
    if earliest and value < earliest:
        problems.add(field, f"Must be {earliest} or later.")
    if value > schema.LATEST:
        problems.add(field, f"Must be {schema.LATEST} or earlier.")
    return parsed


def _other(problems: _Problems, statement: dict, field: str, chosen: bool) -> None:
    """A free `*_other` text goes with the OTHER value, and only with it."""
    value = statement.get(field)
    if chosen and not _present(value):
        problems.add(field, "Required when OTHER is chosen.")
    elif not chosen and _present(value):
        problems.add(field, "Only allowed when OTHER is chosen.")


def _decisions(problems: _Problems, statement: dict) -> None:
    if not any(_present(statement.get(field)) for field in schema.DECISION_FIELDS):
        problems.add(
            "decision_visibility",
            "At least one of decision_visibility, decision_monetary, decision_provision and "
            "decision_account is required.",
        )
    visibility = statement.get("decision_visibility")
    if _present(visibility):
        _many_of(problems, "decision_visibility", visibility, schema.DECISION_VISIBILITY)
    chosen = isinstance(visibility, list) and schema.VISIBILITY_OTHER in visibility
    _other(problems, statement, "decision_visibility_other", chosen)
    monetary = statement.get("decision_monetary")
    if _present(monetary):
        _one_of(problems, "decision_monetary", monetary, schema.DECISION_MONETARY)
    _other(problems, statement, "decision_monetary_other", monetary == schema.MONETARY_OTHER)
    for field, allowed in (
        ("decision_provision", schema.DECISION_PROVISION),
        ("decision_account", schema.DECISION_ACCOUNT),
        ("account_type", schema.ACCOUNT_TYPE),
    ):
        if _present(statement.get(field)):
            _one_of(problems, field, statement[field], allowed)


def _ground(problems: _Problems, statement: dict) -> None:
    ground = statement.get("decision_ground")
    if not _present(ground):
        return
    _one_of(problems, "decision_ground", ground, schema.DECISION_GROUND)
    if ground == schema.GROUND_ILLEGAL:
        required, forbidden = (
            schema.ILLEGAL_FIELDS,
            (
                *schema.INCOMPATIBLE_FIELDS,
                *schema.INCOMPATIBLE_OPTIONAL,
            ),
        )
    elif ground == schema.GROUND_INCOMPATIBLE:
        required, forbidden = schema.INCOMPATIBLE_FIELDS, schema.ILLEGAL_FIELDS
        if _present(statement.get("incompatible_content_illegal")):
            _one_of(
                problems,
                "incompatible_content_illegal",
                statement["incompatible_content_illegal"],
                schema.YES_NO,
            )
    else:
        return
    for field in required:
        if not _present(statement.get(field)):
            problems.add(field, "Required with this decision ground.")
    for field in forbidden:
        if _present(statement.get(field)):
            problems.add(field, "Not allowed with this decision ground.")
    url = statement.get("decision_ground_reference_url")
    if _present(url) and (not isinstance(url, str) or not _URL.match(url)):
        problems.add("decision_ground_reference_url", "Must be a web address.")


def _content(problems: _Problems, statement: dict) -> None:
    content_type = statement.get("content_type")
    if _present(content_type):
        _many_of(problems, "content_type", content_type, schema.CONTENT_TYPE)
    chosen = isinstance(content_type, list) and schema.CONTENT_TYPE_OTHER in content_type
    _other(problems, statement, "content_type_other", chosen)
    content_id = statement.get("content_id")
    if _present(content_id):
        ean = content_id.get("EAN-13") if isinstance(content_id, dict) else None
        if set(content_id) != {"EAN-13"} or not re.fullmatch(r"\d{13}", str(ean)):
            problems.add("content_id", 'Must be {"EAN-13": "<13 digits>"}.')
    language = statement.get("content_language")
    if _present(language):
        _one_of(problems, "content_language", language, schema.CONTENT_LANGUAGE)


def _category(problems: _Problems, statement: dict) -> None:
    if _present(statement.get("category")):
        _one_of(problems, "category", statement["category"], schema.CATEGORY)
    if _present(statement.get("category_addition")):
        _many_of(problems, "category_addition", statement["category_addition"], schema.CATEGORY)
    keywords = statement.get("category_specification")
    if _present(keywords):
        _many_of(problems, "category_specification", keywords, schema.KEYWORDS)
    chosen = isinstance(keywords, list) and schema.KEYWORD_OTHER in keywords
    _other(problems, statement, "category_specification_other", chosen)


def _dates(problems: _Problems, statement: dict) -> None:
    applied = None
    for field in schema.DATE_FIELDS:
        if _present(statement.get(field)):
            parsed = _date(problems, field, statement[field], schema.EARLIEST[field])
            if field == "application_date":
                applied = parsed
    for field in schema.END_DATE_FIELDS:
        if not _present(statement.get(field)):
            continue
        ends = _date(problems, field, statement[field], None)
        if ends and applied and ends < applied:
            problems.add(field, "Must not be before the application date.")


def _source(problems: _Problems, statement: dict) -> None:
    source = statement.get("source_type")
    if _present(source):
        _one_of(problems, "source_type", source, schema.SOURCE_TYPE)
    if source == schema.SOURCE_VOLUNTARY and _present(statement.get("source_identity")):
        problems.add("source_identity", "Not allowed with a voluntary (own-initiative) source.")
    if _present(statement.get("automated_detection")):
        _one_of(problems, "automated_detection", statement["automated_detection"], schema.YES_NO)
    if _present(statement.get("automated_decision")):
        _one_of(
            problems,
            "automated_decision",
            statement["automated_decision"],
            schema.AUTOMATED_DECISION,
        )


def _texts(problems: _Problems, statement: dict) -> None:
    for field, longest in schema.MAX_LENGTH.items():
        value = statement.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.add(field, "Must be text.")
        elif len(value) > longest:
            problems.add(field, f"At most {longest} characters (now {len(value)}).")
    puid = statement.get("puid")
    if isinstance(puid, str) and puid and not _PUID.match(puid):
        problems.add("puid", "Only letters, digits, hyphens and underscores.")


def validate(statement: dict) -> dict[str, list[str]]:
    """The problems of a statement by field; empty when the database would take it."""
    problems = _Problems()
    if not isinstance(statement, dict):
        return {"statement": ["Must be an object."]}
    for field in sorted(set(statement) - schema.FIELDS):
        problems.add(field, "Not a field of the database.")
    for field in schema.REQUIRED:
        if not _present(statement.get(field)):
            problems.add(field, "Required.")
    _decisions(problems, statement)
    _ground(problems, statement)
    _content(problems, statement)
    _category(problems, statement)
    if _present(statement.get("territorial_scope")):
        _many_of(problems, "territorial_scope", statement["territorial_scope"], schema.EEA)
    _dates(problems, statement)
    _source(problems, statement)
    _texts(problems, statement)
    return dict(problems)
