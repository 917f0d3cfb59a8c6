"""The EU Transparency Database, as tests meet it: a local HTTP server answering like its batch
endpoint (POST /api/v1/statements) is documented to answer.

- 201 with each statement and a fresh uuid when every statement follows the rules;
- 422 {"errors": {"statements.N.field": [...]}} naming the statements that break them (our own
  validator stands in for the database's rules), or those listed in `refuse`;
- 422 with "existing_puids" for puids it already holds (all-or-nothing: nothing created);
- whatever `script` says first: a status such as 503, or "timeout" (answers after the client
  gave up).

Every request is recorded with its headers.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from reports.tdb.validator import validate

DUPLICATE = "The platform identifier(s) are not all unique within this call."


def _answer(state, payload) -> tuple[int, dict]:
    statements = payload.get("statements") if isinstance(payload, dict) else None
    if not isinstance(statements, list) or not 1 <= len(statements) <= 100:
        return 422, {"errors": {"statements": ["Between 1 and 100 statements."]}}
    errors = {}
    for n, statement in enumerate(statements):
        problems = {**validate(statement), **state.refuse.get(statement.get("puid"), {})}
        for field, messages in problems.items():
            errors[f"statements.{n}.{field}"] = messages
    if errors:
        return 422, {"message": "The given data was invalid.", "errors": errors}
    existing = [s["puid"] for s in statements if s["puid"] in state.created]
    if existing:
        return 422, {
            "message": DUPLICATE,
            "errors": {"puid": [DUPLICATE], "existing_puids": existing},
        }
    created = []
    for statement in statements:
        state.created[statement["puid"]] = str(uuid.uuid4())
        created.append({**statement, "uuid": state.created[statement["puid"]]})
    return 201, {"statements": created}


@pytest.fixture
def tdb(settings):
    """A Transparency Database on a local port, with hellomod's settings pointing at it."""
    lock = threading.Lock()
    state = SimpleNamespace(requests=[], script=[], refuse={}, created={}, token="tdb-test-token")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                payload = json.loads(body)
                state.requests.append(
                    SimpleNamespace(path=self.path, headers=dict(self.headers), body=payload)
                )
                scripted = state.script.pop(0) if state.script else None
                if scripted is None:
                    if self.headers.get("Authorization") != f"Bearer {state.token}":
                        status, answer = 401, {"message": "Unauthenticated."}
                    elif self.path != "/api/v1/statements":
                        status, answer = 404, {"message": "Not found."}
                    else:
                        status, answer = _answer(state, payload)
            if scripted == "timeout":
                time.sleep(settings.TDB_TIMEOUT + 0.5)
                status, answer = 504, {}
            elif scripted is not None:
                status, answer = scripted, {"message": "Server error."}
            raw = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except OSError:
                pass  # the client gave up (a timeout): nobody to answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    settings.TDB_API_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TDB_API_TOKEN = state.token
    settings.TDB_TIMEOUT = 1
    yield state
    server.shutdown()
    server.server_close()
