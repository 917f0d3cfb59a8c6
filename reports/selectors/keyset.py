"""Keyset cursors: where the next page starts, as the last row's sort key in a link.

A cursor is the key's values joined by dots, each an integer; a moment is written as
microseconds since the epoch ("1.0.1767225600000000.42"). A page deeper in a list then costs
what the first costs, where OFFSET would read every row above it.

Cursors arrive in a query string, so anyone can write one: a cursor we could not have handed
out reads as None (the caller shows the first page) and never reaches a query.
"""

import re
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# An integer a bigint column can compare with: ASCII digits, a sign, no more than 19 digits.
_INTEGER = re.compile(r"-?[0-9]{1,19}")

Value = int | datetime


def encode(*values: Value) -> str:
    return ".".join(
        str((v - _EPOCH) // _MICROSECOND if isinstance(v, datetime) else int(v)) for v in values
    )


def decode(cursor: str, *kinds: type[Value]) -> tuple[Value, ...] | None:
    """The values of a cursor written by `encode`, read as `kinds` (int or datetime), or None."""
    parts = cursor.split(".")
    if len(parts) != len(kinds) or not all(_INTEGER.fullmatch(part) for part in parts):
        return None
    values: list[Value] = []
    for part, kind in zip(parts, kinds, strict=True):
        if kind is datetime:
            try:
                values.append(_EPOCH + int(part) * _MICROSECOND)
            except OverflowError:  # past the years datetime can hold
                return None
        else:
            values.append(int(part))
    return tuple(values)
