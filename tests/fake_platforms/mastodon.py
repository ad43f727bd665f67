"""A fake Mastodon instance on 127.0.0.1: the client API the desk calls, as Mastodon documents it.

It speaks ``verify_credentials``, ``/api/v2/instance``, ``/api/v1/notifications`` and
``/api/v1/timelines/tag/:tag`` (``min_id``/``max_id``/``limit`` paging with a ``Link``
header), ``POST /api/v1/statuses`` (honouring ``Idempotency-Key``, 422 over the length
limit), ``/pin`` ``/unpin`` (own statuses only) and ``/favourite``, and SSE streams
(``/api/v1/streaming/user``, ``/api/v1/streaming/hashtag?tag=``) with ``:`` heartbeats. A
wrong bearer token gets 401. Tests script failures per route: a 429 with
``X-RateLimit-Reset``, 5xx, an answer slower than the client waits (after the work is
done), duplicate entries in a page, or a stream that drops.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "mst-Fake_access_token_0123456789abcdef"
ACCOUNT = {
    "id": "109000000000000001",
    "username": "volna",
    "acct": "volna",
    "display_name": "Volna Care",
    "url": "https://mastodon.example/@volna",
    "bot": False,
}


def order(value: str) -> tuple[int, str]:
    """Mastodon ids sort by length, then by text."""
    return len(value), value


@dataclass
class Act:
    """A scripted answer to the next call of a route."""

    status: int = 200  # 429, 5xx, 4xx: answer this error instead
    reset_in: float | None = None  # 429: X-RateLimit-Reset this many seconds ahead
    slow: float = 0.0  # do the work, then wait this long before answering
    duplicate: bool = False  # a page: every entry twice


@dataclass
class FakeMastodon:
    """The fake's state; tests read and script it."""

    token: str = TOKEN
    account: dict[str, Any] = field(default_factory=lambda: dict(ACCOUNT))
    max_characters: int = 500
    notifications: list[dict[str, Any]] = field(default_factory=list)
    tags: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)  # what our account posted, by id
    keys: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → status id
    pinned: set[str] = field(default_factory=set)
    favourited: list[str] = field(default_factory=list)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # method, path, query or body
    script: dict[str, list[Act]] = field(default_factory=dict)
    streams: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # stream → pending (event, data)
    connections: dict[str, int] = field(default_factory=dict)  # stream → how many times it was opened
    drop: set[str] = field(default_factory=set)  # streams to cut at their next tick
    heartbeat_s: float = 0.2
    next_id: int = 110000000000000000
    url: str = ""
    lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def instance(self) -> str:
        """What the desk's ``instance`` setting points at."""
        return self.url

    def notify(self, notification: dict[str, Any]) -> None:
        """A new notification (REST only; use :meth:`emit` for the stream too)."""
        with self.lock:
            self.notifications.append(notification)

    def tag(self, tag: str, status: dict[str, Any]) -> None:
        """A new status on a tag timeline."""
        with self.lock:
            self.tags.setdefault(tag, []).append(status)

    def emit(self, stream: str, event: str, payload: Any) -> None:
        """Send an event on a stream (``user`` or ``hashtag:<tag>``) to whoever is connected."""
        with self.lock:
            self.streams.setdefault(stream, []).append(
                (event, payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False))
            )
            self.lock.notify_all()

    def calls_of(self, method: str, prefix: str) -> list[dict[str, Any]]:
        """The query (GET) or body (POST) of every call whose path starts with ``prefix``."""
        return [params for m, path, params in self.calls if m == method and path.startswith(prefix)]

    # --- routes ---------------------------------------------------------------------

    def page(self, entries: list[dict[str, Any]], query: dict[str, list[str]]) -> tuple[list[dict[str, Any]], str]:
        """A page as Mastodon pages: ``min_id`` the oldest just after it, else the newest; newest first."""
        limit = min(int((query.get("limit") or ["40"])[0]), 80)
        min_id = (query.get("min_id") or [None])[0]
        max_id = (query.get("max_id") or [None])[0]
        types = query.get("types[]")
        chosen = sorted((e for e in entries if not types or e.get("type") in types), key=lambda e: order(e["id"]))
        if max_id is not None:
            chosen = [e for e in chosen if order(e["id"]) < order(max_id)]
        # min_id pages forward from the cursor (oldest first); without it, the newest page.
        chosen = [e for e in chosen if order(e["id"]) > order(min_id)][:limit] if min_id is not None else chosen[-limit:]
        chosen.reverse()
        link = ""
        if chosen:
            link = f'<{self.url}/next?max_id={chosen[-1]["id"]}>; rel="next", <{self.url}/prev?min_id={chosen[0]["id"]}>; rel="prev"'
        return chosen, link

    def post_status(self, body: dict[str, Any], key: str | None) -> tuple[int, dict[str, Any]]:
        """``POST /api/v1/statuses``: a repeat of a key answers the first status."""
        if key and key in self.keys:
            return 200, self.statuses[self.keys[key]]
        text = body.get("status")
        if not isinstance(text, str) or not text.strip():
            return 422, {"error": "Validation failed: Text can't be blank"}
        if len(text) > self.max_characters:
            return 422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"}
        self.next_id += 1
        status = {
            "id": str(self.next_id),
            "uri": f"https://mastodon.example/users/volna/statuses/{self.next_id}",
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "account": self.account,
            "content": f"<p>{text}</p>",
            "visibility": body.get("visibility", "public"),
            "in_reply_to_id": body.get("in_reply_to_id"),
            "language": body.get("language"),
        }
        self.statuses[status["id"]] = status
        if key:
            self.keys[key] = status["id"]
        return 200, status


def serve(api: FakeMastodon) -> ThreadingHTTPServer:
    """Serve ``api`` on a free port of 127.0.0.1 in a thread; sets ``api.url``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer("GET", b"")

        def do_POST(self) -> None:
            self._answer("POST", self.rfile.read(int(self.headers.get("content-length") or 0)))

        def _answer(self, method: str, body: bytes) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qs(parts.query)
            if self.headers.get("authorization") != f"Bearer {api.token}":
                self._send(401, {"error": "The access token is invalid"})
                return
            params: dict[str, Any] = json.loads(body) if body else {k: v if len(v) > 1 else v[0] for k, v in query.items()}
            route = _route(path)
            with api.lock:
                api.calls.append((method, path, params))
                queue = api.script.get(route) or []
                act = queue.pop(0) if queue else Act()
            if act.status != 200:
                headers = {}
                if act.reset_in is not None:
                    reset = datetime.now(UTC) + timedelta(seconds=act.reset_in)
                    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()}
                self._send(act.status, {"error": "Too many requests" if act.status == 429 else "Internal server error"}, headers)
                return
            if route == "stream":
                self._stream(path, query)
                return
            status, answer, headers = self._handle(method, path, query, params, act)
            if act.slow:
                time.sleep(act.slow)  # the work is done; the answer comes too late
            self._send(status, answer, headers)

        def _handle(
            self, method: str, path: str, query: dict[str, list[str]], params: dict[str, Any], act: Act
        ) -> tuple[int, Any, dict[str, str]]:
            with api.lock:
                if path == "/api/v1/accounts/verify_credentials":
                    return 200, api.account, {}
                if path == "/api/v2/instance":
                    return 200, {"domain": "mastodon.example", "configuration": {"statuses": {"max_characters": api.max_characters}}}, {}
                if path == "/api/v1/notifications" or path.startswith("/api/v1/timelines/tag/"):
                    source = api.notifications if path == "/api/v1/notifications" else api.tags.get(path.rsplit("/", 1)[1], [])
                    entries, link = api.page(source, query)
                    if act.duplicate:
                        entries = [e for e in entries for _ in (0, 1)]
                    return 200, entries, {"Link": link} if link else {}
                if method == "POST" and path == "/api/v1/statuses":
                    status, answer = api.post_status(params, self.headers.get("idempotency-key"))
                    return status, answer, {}
                match = re.fullmatch(r"/api/v1/statuses/([^/]+)/(pin|unpin|favourite)", path)
                if method == "POST" and match:
                    status_id, action = match.groups()
                    if action == "favourite":
                        api.favourited.append(status_id)
                        return 200, {"id": status_id, "favourited": True}, {}
                    if status_id not in api.statuses:
                        return 422, {"error": "Validation failed: Someone else's post cannot be pinned"}, {}
                    (api.pinned.add if action == "pin" else api.pinned.discard)(status_id)
                    return 200, {**api.statuses[status_id], "pinned": action == "pin"}, {}
            return 404, {"error": "Record not found"}, {}

        def _stream(self, path: str, query: dict[str, list[str]]) -> None:
            name = "user" if path.endswith("/user") else f"hashtag:{(query.get('tag') or [''])[0]}"
            with api.lock:
                api.connections[name] = api.connections.get(name, 0) + 1
            try:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                self.wfile.write(b":)\n")
                self.wfile.flush()
                while True:
                    with api.lock:
                        if not api.streams.get(name) and name not in api.drop:
                            api.lock.wait(api.heartbeat_s)
                        if name in api.drop:
                            api.drop.discard(name)
                            return  # the connection drops
                        pending, api.streams[name] = api.streams.get(name, []), []
                    chunk = "".join(f"event: {event}\ndata: {data}\n\n" for event, data in pending) or ":thump\n"
                    self.wfile.write(chunk.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return  # the client went away

        def _send(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
            content = json.dumps(answer, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(content)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _route(path: str) -> str:
    """The name tests script a route by."""
    if path.startswith("/api/v1/streaming/"):
        return "stream"
    if path.startswith("/api/v1/timelines/tag/"):
        return "tag"
    if path == "/api/v1/notifications":
        return "notifications"
    if path == "/api/v1/statuses":
        return "statuses"
    return path


@pytest.fixture
def fake_mastodon() -> Iterator[FakeMastodon]:
    """A fake Mastodon instance for one test."""
    api = FakeMastodon()
    server = serve(api)
    yield api
    with api.lock:
        api.drop.update({"user", *api.streams, *api.connections})
        api.lock.notify_all()
    server.shutdown()
    server.server_close()
