"""A tiny HTTP server on 127.0.0.1 for the contract fakes: one function answers every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson


@dataclass
class Request:
    """What the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON (None when empty)."""
        return orjson.loads(self.body) if self.body else None

    def form(self) -> dict[str, str]:
        """The body as a form."""
        return dict(parse_qsl(self.body.decode()))


@dataclass
class Answer:
    """What the fake sends back; ``slow`` waits after the work is done, as a late answer does."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    slow: float = 0.0
    raw: bytes | None = None
    #: Lines of a streamed answer, each sent and flushed in turn (``raw``/``body`` unused).
    lines: list[bytes] | None = None


Handle = Callable[[Request], Answer]


def serve(handle: Handle) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``handle`` on a free port of 127.0.0.1 in a thread; the server and its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            request = Request(self.command, split.path, dict(parse_qsl(split.query)), {k.lower(): v for k, v in self.headers.items()}, body)
            answer = handle(request)
            try:
                if answer.lines is not None:
                    self.send_response(answer.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("transfer-encoding", "chunked")
                    self.end_headers()
                    for line in answer.lines:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    return
                content = answer.raw if answer.raw is not None else (orjson.dumps(answer.body) if answer.body is not None else b"")
                if answer.slow:
                    time.sleep(answer.slow)  # the work is done; the answer comes too late
                self.send_response(answer.status)
                kind = "application/json" if answer.raw is None else "text/plain"
                self.send_header("content-type", answer.headers.pop("content-type", kind))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as a timed-out client does

        do_GET = do_POST = do_PUT = do_DELETE = _any  # noqa: N815 - the names http.server calls

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def stop(server: ThreadingHTTPServer) -> None:
    """Stop a server started by :func:`serve`."""
    server.shutdown()
    server.server_close()
