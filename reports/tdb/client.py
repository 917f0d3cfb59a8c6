"""Talking to the Transparency Database: one batch of statements POSTed, its answer read.

The batch endpoint takes at most 100 statements and is all-or-nothing. Its answers:
- 201 {"statements": [{..., "puid": …, "uuid": …}, …]}: every statement created;
- 422 {"errors": {"statements.3.decision_facts": [...]}} (or {"statement_3": {field: [...]}}):
  the statements named break its rules; none of the batch was created;
- 422 {"message": "The platform identifier(s) are not all unique within this call.",
  "errors": {"puid": [...], "existing_puids": [...]}}: those puids were created before (by an
  earlier call whose answer we lost): they are in the database already;
- anything else (5xx, a timeout, no connection): try again later.
"""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

ENDPOINT = "/api/v1/statements"
NOT_UNIQUE = "not unique"
# A batch's answer echoes its (at most 100) statements: far below this. Anything longer is not
# read whole, and counts as a failure (the next try learns which statements exist already).
MAX_ANSWER = 8 * 1024 * 1024
TOO_LARGE = "The answer was too large."
_NAMED = re.compile(r"^statements?[._](\d+)(?:\.(.+))?$")


@dataclass
class Outcome:
    """What a batch's answer means for each of its statements (by position in the batch)."""

    created: dict[int, str] = field(default_factory=dict)  # position → the database's uuid
    rejected: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    duplicates: set[int] = field(default_factory=set)
    failure: str = ""  # set when nothing can be said of any statement: try again later


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without body: a failure, not a success.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_statements(statements: list[dict[str, Any]]) -> tuple[int | None, Any, str]:
    """POST one batch; returns (HTTP status or None, the parsed JSON body or None, error)."""
    body = json.dumps({"statements": statements}).encode()
    url = settings.TDB_API_URL + ENDPOINT
    if not url.startswith(("https://", "http://")):
        return None, None, "TDB_API_URL is not an http(s) address."
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.TDB_API_TOKEN}",
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "hellomod-statements",
        },
    )
    try:
        with _opener.open(request, timeout=settings.TDB_TIMEOUT) as response:
            status, raw = response.status, response.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(MAX_ANSWER + 1)
    except ValueError as exc:
        # A bad address or header: its message may quote the Authorization header, token and
        # all, so only its kind is kept (errors are shown in the admin and logged).
        return None, None, f"{type(exc).__name__}: TDB_API_URL or TDB_API_TOKEN is not valid."
    except (urllib.error.URLError, OSError) as exc:  # refused, timeout
        return None, None, f"{type(exc).__name__}: {exc}"[:500]
    if len(raw) > MAX_ANSWER:
        return None, None, TOO_LARGE
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, parsed, "" if 200 <= status < 300 else f"HTTP {status}"


def read_answer(status: int | None, body: Any, error: str, puids: list[str]) -> Outcome:
    """What the answer to a batch of these puids (in order) says of each statement.

    The body is read for what it may say, never trusted to be of the documented shape: a part of
    another shape says nothing (a 201 still means the whole batch was created).
    """
    outcome = Outcome()
    if status == 201:
        uuids = {}
        for created in _list(body.get("statements") if isinstance(body, dict) else None):
            if isinstance(created, dict) and isinstance(created.get("puid"), str):
                uuids[created["puid"]] = str(created.get("uuid") or "")[:64]
        outcome.created = {n: uuids.get(puid, "") for n, puid in enumerate(puids)}
        return outcome
    if status != 422 or not isinstance(body, dict) or not isinstance(body.get("errors"), dict):
        outcome.failure = error or f"HTTP {status}"
        return outcome
    position = {puid: n for n, puid in enumerate(puids)}
    errors = body["errors"]
    for key, problems in errors.items():
        named = _NAMED.match(str(key))
        if named and int(named.group(1)) < len(puids):
            n = int(named.group(1))
            if isinstance(problems, dict):  # {"statement_3": {"field": [...]}}
                by_field = {str(k): _messages(v) for k, v in problems.items()}
            else:  # {"statements.3.field": [...]}
                by_field = {named.group(2) or "statement": _messages(problems)}
            if set(by_field) == {"puid"} and _says_not_unique(by_field["puid"]):
                outcome.duplicates.add(n)
            else:
                outcome.rejected.setdefault(n, {}).update(by_field)
    existing = _list(errors.get("existing_puids"))
    if isinstance(body.get("existing"), dict) and _says_not_unique(_messages(errors.get("puid"))):
        existing.append(body["existing"].get("puid"))
    for puid in existing:
        puid = puid.get("puid") if isinstance(puid, dict) else puid
        if isinstance(puid, str) and puid in position:
            outcome.duplicates.add(position[puid])
    if not outcome.rejected and not outcome.duplicates:
        # Refused, but for no statement we can name: keep them all for a later try.
        outcome.failure = f"HTTP 422: {json.dumps(errors)[:400]}"
    return outcome


def _list(value: Any) -> list:
    return list(value) if isinstance(value, list) else []


def _messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def _says_not_unique(messages: list[str]) -> bool:
    return any(NOT_UNIQUE in m for m in messages)
