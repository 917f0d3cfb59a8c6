"""Placeholders in admin-written texts: {name} is replaced by a value when a message is written.

Not str.format: a template is admin-written text, and format() would fail on a lone brace and
follow attribute lookups such as {facts.__class__}.
"""

import re
from collections.abc import Iterable

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
}


def braced(names: Iterable[str]) -> str:
    """{a}, {b}: names as an admin writes them."""
    return ", ".join("{" + name + "}" for name in names)
