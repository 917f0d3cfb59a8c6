"""The platform, as tests meet it: a local HTTP server that records the webhooks it receives."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from reports.models import WebhookEndpoint


@pytest.fixture
def platform():
    """A local HTTP server standing in for the platform: records what it receives."""
    received = []
    state = SimpleNamespace(status=200, requests=received)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(SimpleNamespace(path=self.path, headers=dict(self.headers), body=body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hellomod"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(platform) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="Platform", url=platform.url)
