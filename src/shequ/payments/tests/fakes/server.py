"""A tiny threaded HTTP server on 127.0.0.1 that hands each request to a fake's ``handle`` method."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol


@dataclass
class Request:
    method: str
    path: str  # with the query string, exactly as sent
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class Fake(Protocol):
    base_url: str

    def handle(self, request: Request) -> Response: ...


def _handler_for(fake: Fake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            response = fake.handle(request)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args) -> None:  # the stdlib names it "format"
            pass

    return Handler


class FakeServer:
    """Runs ``fake`` on a free port of 127.0.0.1 in a background thread; sets ``fake.base_url``."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        fake.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-gateway", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self.fake

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
