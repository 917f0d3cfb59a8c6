"""Cursor pagination whose cursors are checked before they reach a query."""

import binascii
from base64 import b64decode
from datetime import UTC
from urllib.parse import parse_qs

from django.utils.dateparse import parse_datetime
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from reports.api.errors import InvalidCursor

# The cursors we hand out are well under this; anything longer was not made by us.
MAX_CURSOR_LENGTH = 200
_KEYS = {"o", "r", "p"}


class NewestFirst(CursorPagination):
    """Newest first; a cursor we did not hand out answers 400 instead of reaching the query.

    The position is the `created_at` of a row; it goes into a datetime filter, so it must be an
    aware datetime PostgreSQL can hold, and it is handed on in the form DRF itself writes.
    """

    ordering = ("-created_at", "-id")

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        if len(encoded) > MAX_CURSOR_LENGTH:
            raise InvalidCursor()
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
        except (UnicodeError, binascii.Error, ValueError):
            raise InvalidCursor() from None
        if set(tokens) - _KEYS or any(len(values) != 1 for values in tokens.values()):
            raise InvalidCursor()
        return Cursor(
            offset=self._offset(tokens.get("o", ["0"])[0]),
            reverse=self._reverse(tokens.get("r", ["0"])[0]),
            position=self._position(tokens["p"][0]) if "p" in tokens else None,
        )

    def _offset(self, raw: str) -> int:
        if not (raw.isascii() and raw.isdecimal()) or int(raw) > self.offset_cutoff:
            raise InvalidCursor()
        return int(raw)

    def _reverse(self, raw: str) -> bool:
        if raw not in ("0", "1"):
            raise InvalidCursor()
        return raw == "1"

    def _position(self, raw: str) -> str:
        if not (raw.isascii() and raw.isprintable()):
            raise InvalidCursor()
        try:
            moment = parse_datetime(raw)
            if moment is None or moment.tzinfo is None:
                raise InvalidCursor()
            # Raises OverflowError for an instant before year 1 once in UTC.
            moment.astimezone(UTC)
        except (ValueError, OverflowError):
            raise InvalidCursor() from None
        return str(moment)
