"""A fake VK API on 127.0.0.1: the methods the desk calls and Bots Long Poll, as VK documents them.

Methods (form-encoded POST to ``/method/<name>``, ``v`` required, a bearer token):
``groups.getById``, ``groups.getLongPollServer``, ``messages.send`` (``random_id`` required;
a repeat answers the first message's id), ``wall.createComment`` / ``photos.createComment``
/ ``board.createComment`` (a repeated ``guid`` answers the first comment), ``wall.pin`` /
``wall.unpin`` / ``likes.add`` (a community token gets error 27, as VK's do). Errors come as
HTTP 200 with ``{"error": …}``. The long poll server answers ``a_check`` from ``ts`` and
waits up to ``wait``. Tests script per method: an error code (6, 9, 10, 901 …), an HTTP
5xx, an answer later than the client waits, duplicate events, ``failed`` 1/2/3.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

TOKEN = "vk1.a.FakeCommunityToken_0123456789abcdef"
USER_TOKEN = "vk1.a.FakeAdminUserToken_abcdef0123456789"
GROUP = {"id": 218000111, "name": "Волна — магазин наушников", "screen_name": "volna_shop", "type": "page"}
MESSAGES = {
    6: "Too many requests per second",
    9: "Flood control",
    10: "Internal server error",
    15: "Access denied",
    27: "Group authorization failed: method is unavailable with group auth.",
    100: "One of the parameters specified was missing or invalid",
    901: "Can't send messages for users without permission",
}


@dataclass
class Act:
    """A scripted answer to the next call of a method (or of ``a_check``)."""

    error: int | None = None  # answer HTTP 200 with this error_code
    status: int = 200  # or an HTTP error
    slow: float = 0.0  # do the work, then wait this long before answering
    duplicate: bool = False  # a_check: every event twice
    failed: int | None = None  # a_check: answer {"failed": n}


@dataclass
class FakeVk:
    """The fake's state; tests read and script it."""

    token: str = TOKEN
    user_token: str = USER_TOKEN
    group: dict[str, Any] = field(default_factory=lambda: dict(GROUP))
    events: list[dict[str, Any]] = field(default_factory=list)  # the long poll history; ts is an index
    key: str = "lpkey-1"
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: list[dict[str, str]] = field(default_factory=list)  # messages and comments the community posted
    by_random_id: dict[str, int] = field(default_factory=dict)
    by_guid: dict[str, int] = field(default_factory=dict)
    pinned: set[tuple[int, int]] = field(default_factory=set)
    likes: list[dict[str, str]] = field(default_factory=list)
    script: dict[str, list[Act]] = field(default_factory=dict)
    next_id: int = 5000
    url: str = ""
    lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def api_base(self) -> str:
        """What the desk's ``api_base`` setting points at."""
        return f"{self.url}/method"

    def push(self, event: dict[str, Any]) -> None:
        """A new event for the long poll."""
        with self.lock:
            self.events.append(event)
            self.lock.notify_all()

    def calls_of(self, method: str) -> list[dict[str, str]]:
        """The parameters of every call of ``method``, in order."""
        return [params for name, params in self.calls if name == method]

    def _next(self) -> int:
        self.next_id += 1
        return self.next_id

    def handle(self, method: str, params: dict[str, str], token: str) -> Any:
        """Answer one method call: its ``response``, or raise :class:`VkError`."""
        if params.get("v") != "5.199":
            raise VkError(8, "Invalid request: v (version) is required")
        if token not in (self.token, self.user_token):
            raise VkError(5, "User authorization failed: invalid access_token (4).")
        group_methods = {"wall.pin", "wall.unpin", "likes.add"}
        if method in group_methods and token != self.user_token:
            raise VkError(27, MESSAGES[27])
        if method == "groups.getById":
            return {"groups": [self.group], "profiles": []}
        if method == "groups.getLongPollServer":
            return {"server": f"{self.url}/lp", "key": self.key, "ts": str(len(self.events))}
        if method == "messages.send":
            if "random_id" not in params or not params.get("peer_id"):
                raise VkError(100, MESSAGES[100] + ": random_id is undefined")
            if not params.get("message", "").strip():
                raise VkError(100, MESSAGES[100] + ": message is empty")
            if params["random_id"] in self.by_random_id:
                return self.by_random_id[params["random_id"]]
            message_id = self._next()
            self.by_random_id[params["random_id"]] = message_id
            self.sent.append({"method": method, **params, "id": str(message_id)})
            return message_id
        if method in ("wall.createComment", "photos.createComment", "board.createComment"):
            guid = params.get("guid", "")
            if guid and guid in self.by_guid:
                comment_id = self.by_guid[guid]
            else:
                comment_id = self._next()
                if guid:
                    self.by_guid[guid] = comment_id
                self.sent.append({"method": method, **params, "id": str(comment_id)})
            return {"comment_id": comment_id} if method == "wall.createComment" else comment_id
        if method in ("wall.pin", "wall.unpin"):
            post = (int(params["owner_id"]), int(params["post_id"]))
            (self.pinned.add if method == "wall.pin" else self.pinned.discard)(post)
            return 1
        if method == "likes.add":
            self.likes.append(params)
            return {"likes": 1}
        raise VkError(3, "Unknown method passed")

    def check(self, params: dict[str, str], act: Act) -> dict[str, Any]:
        """``a_check``: the events after ``ts`` (waiting up to ``wait``), or ``failed``."""
        if act.failed is not None:
            return {"failed": act.failed, "ts": str(len(self.events))} if act.failed == 1 else {"failed": act.failed}
        if params.get("key") != self.key:
            return {"failed": 2}
        ts = int(params.get("ts") or 0)
        deadline = time.monotonic() + float(params.get("wait") or 0)
        with self.lock:
            while len(self.events) <= ts and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            updates = self.events[ts:]
            if act.duplicate:
                updates = [u for u in updates for _ in (0, 1)]
            return {"ts": str(len(self.events)), "updates": updates}


class VkError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def serve(api: FakeVk) -> ThreadingHTTPServer:
    """Serve ``api`` on a free port of 127.0.0.1 in a thread; sets ``api.url``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(b"")

        def do_POST(self) -> None:
            self._answer(self.rfile.read(int(self.headers.get("content-length") or 0)))

        def _answer(self, body: bytes) -> None:
            parts = urlsplit(self.path)
            params = dict(parse_qsl(parts.query))
            if body:
                params.update(parse_qsl(body.decode()))
            name = "a_check" if parts.path == "/lp" else parts.path.removeprefix("/method/")
            token = params.pop("access_token", None) or (self.headers.get("authorization") or "").removeprefix("Bearer ")
            with api.lock:
                api.calls.append((name, params))
                queue = api.script.get(name) or []
                act = queue.pop(0) if queue else Act()
            if act.status != 200:
                self._send(act.status, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
                return
            if act.error is not None:
                error = {"error_code": act.error, "error_msg": MESSAGES.get(act.error, "Error"), "request_params": []}
                self._json({"error": error})
                return
            if name == "a_check":
                answer: dict[str, Any] = api.check(params, act)
            else:
                try:
                    with api.lock:
                        answer = {"response": api.handle(name, params, token)}
                except VkError as exc:
                    answer = {"error": {"error_code": exc.code, "error_msg": exc.message, "request_params": []}}
            if act.slow:
                time.sleep(act.slow)  # the work is done; the answer comes too late
            self._json(answer)

        def _json(self, answer: dict[str, Any]) -> None:
            self._send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json; charset=utf-8")

        def _send(self, status: int, content: bytes, kind: str) -> None:
            try:
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(content)))
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


@pytest.fixture
def fake_vk() -> Iterator[FakeVk]:
    """A fake VK API for one test."""
    api = FakeVk()
    server = serve(api)
    yield api
    with api.lock:
        api.lock.notify_all()
    server.shutdown()
    server.server_close()
