"""Whether text sent to us can be stored as it is.

PostgreSQL refuses NUL characters in text and lone surrogates (half of a UTF-16 pair, which a
JSON body can spell as "\\ud800") in text and jsonb alike; reaching the database with one would
be a 500 and, inside a larger transaction, a half-done request. Checked before any write.
"""

import re
from typing import Any

from django.utils.translation import gettext as _

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_message() -> str:
    return _("Text cannot contain NUL characters or unpaired surrogates (such as \\ud800).")


def storable_text(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def storable_json(value: Any) -> bool:
    """Every string in a JSON value, object keys included, is storable.

    Walked with a list rather than recursion: the platform's JSON can be nested as deep as the
    parser allows.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not storable_text(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return True


def nesting_depth(value: Any) -> int:
    """How deep lists and objects nest in a JSON value (a plain string or number is 0).

    Walked with a list rather than recursion, like storable_json.
    """
    deepest = 0
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list | tuple):
            deepest = max(deepest, depth + 1)
            pending.extend((child, depth + 1) for child in item)
    return deepest
