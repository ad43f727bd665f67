"""A fake Bot API on 127.0.0.1: what the desk calls, as the Bot API documents it.

It speaks ``getMe``, ``getUpdates`` (offsets acknowledge, long polls wait, a webhook makes
it 409), ``sendMessage`` (``reply_parameters``, 1-4096 characters), ``pinChatMessage`` and
``unpinChatMessage``, ``setMessageReaction``, ``setWebhook`` / ``deleteWebhook``; a wrong
token gets 401. Tests script failures per method: a 429 with ``parameters.retry_after``,
5xx, an answer slower than the client waits (after the work is done, as a real timeout may
be), or duplicate deliveries of the same update.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

TOKEN = "7711000111:AAFakeTokenForTests_k3Jd9sLq0pWz"
BOT = {"id": 7711000111, "is_bot": True, "first_name": "Volna Care", "username": "volna_care_bot"}
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class Act:
    """A scripted answer to the next call of a method."""

    status: int = 200  # 429, 5xx, 4xx: answer this error instead
    description: str = ""
    retry_after: int | None = None
    slow: float = 0.0  # do the work, then wait this long before answering
    duplicate: bool = False  # getUpdates: hand out every update twice
    html: bool = False  # answer a bare HTML error page, as a proxy in front would


@dataclass
class FakeBotApi:
    """The fake's state; tests read and script it."""

    token: str = TOKEN
    bot: dict[str, Any] = field(default_factory=lambda: dict(BOT))
    updates: list[dict[str, Any]] = field(default_factory=list)
    confirmed: int = 0  # every update below this was acknowledged by an offset
    offsets: list[int | None] = field(default_factory=list)  # the offset of each getUpdates
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # messages the bot posted
    pinned: set[tuple[int, int]] = field(default_factory=set)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    script: dict[str, list[Act]] = field(default_factory=dict)
    next_message_id: int = 9000
    url: str = ""
    lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def api_base(self) -> str:
        """What the desk's ``api_base`` setting points at."""
        return self.url

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for ``getUpdates``."""
        with self.lock:
            self.updates.append(update)
            self.lock.notify_all()

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of ``method``, in order."""
        return [params for name, params in self.calls if name == method]

    # --- the methods ----------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one call: the HTTP status and the Bot API's JSON."""
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        try:
            result = handler(params)
        except _BadRequest as exc:
            return exc.status, {"ok": False, "error_code": exc.status, "description": exc.description}
        return 200, {"ok": True, "result": result}

    def _m_getMe(self, _params: dict[str, Any]) -> Any:
        return self.bot

    def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise _BadRequest(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )
        offset = params.get("offset")
        limit = int(params.get("limit", 100))
        timeout = float(params.get("timeout", 0))
        allowed = params.get("allowed_updates")
        with self.lock:
            self.offsets.append(offset)
            if offset is not None:
                self.confirmed = max(self.confirmed, int(offset))
            deadline = time.monotonic() + timeout

            def pending() -> list[dict[str, Any]]:
                waiting = [
                    u
                    for u in self.updates
                    if u["update_id"] >= self.confirmed and (not allowed or any(k in allowed for k in u if k != "update_id"))
                ]
                return sorted(waiting, key=lambda u: int(u["update_id"]))[:limit]

            found = pending()
            while not found and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
                found = pending()
            return found

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, int):
            raise _BadRequest(400, "Bad Request: chat not found")
        if not isinstance(text, str) or not text.strip():
            raise _BadRequest(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise _BadRequest(400, "Bad Request: message is too long")
        reply = params.get("reply_parameters") or {}
        with self.lock:
            self.next_message_id += 1
            message: dict[str, Any] = {
                "message_id": self.next_message_id,
                "from": self.bot,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "date": int(time.time()),
                "text": text,
            }
            if reply.get("message_id"):
                message["reply_to_message"] = {"message_id": reply["message_id"], "chat": message["chat"], "date": 0}
            if params.get("business_connection_id"):
                message["business_connection_id"] = params["business_connection_id"]
            if params.get("message_thread_id"):
                message["message_thread_id"] = params["message_thread_id"]
            self.sent.append(message)
        return message

    def _m_pinChatMessage(self, params: dict[str, Any]) -> Any:
        self.pinned.add((int(params["chat_id"]), int(params["message_id"])))
        return True

    def _m_unpinChatMessage(self, params: dict[str, Any]) -> Any:
        self.pinned.discard((int(params["chat_id"]), int(params["message_id"])))
        return True

    def _m_setMessageReaction(self, params: dict[str, Any]) -> Any:
        self.reactions.append(params)
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            raise _BadRequest(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = params
        return True

    def _m_deleteWebhook(self, _params: dict[str, Any]) -> Any:
        self.webhook = None
        return True


class _BadRequest(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _params(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    """Parameters from the query string, a form or JSON, as the Bot API accepts them."""
    params: dict[str, Any] = dict(parse_qsl(urlsplit(handler.path).query))
    kind = handler.headers.get("content-type", "")
    if body and "json" in kind:
        params.update(json.loads(body))
    elif body:
        params.update(parse_qsl(body.decode()))
    return params


def serve(api: FakeBotApi) -> ThreadingHTTPServer:
    """Serve ``api`` on a free port of 127.0.0.1 in a thread; sets ``api.url``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            self._answer(body)

        def do_GET(self) -> None:
            self._answer(b"")

        def _answer(self, body: bytes) -> None:
            match = re.fullmatch(r"/bot([^/]+)/(\w+)", urlsplit(self.path).path)
            if match is None:
                self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            token, method = match.groups()
            if token != api.token:
                self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            params = _params(self, body)
            with api.lock:
                api.calls.append((method, params))
                queue = api.script.get(method) or []
                act = queue.pop(0) if queue else Act()
            if act.status != 200:
                if act.html:
                    self._send_raw(act.status, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
                    return
                answer: dict[str, Any] = {"ok": False, "error_code": act.status, "description": act.description or "Internal Server Error"}
                if act.retry_after is not None:
                    answer["parameters"] = {"retry_after": act.retry_after}
                self._send(act.status, answer)
                return
            status, answer = api.handle(method, params)
            if act.duplicate and isinstance(answer.get("result"), list):
                answer["result"] = [u for u in answer["result"] for _ in (0, 1)]
            if act.slow:
                time.sleep(act.slow)  # the work is done; the answer comes too late
            self._send(status, answer)

        def _send(self, status: int, answer: dict[str, Any]) -> None:
            self._send_raw(status, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

        def _send_raw(self, status: int, content: bytes, kind: str) -> None:
            try:
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as a timed-out client does

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def fake_telegram() -> Iterator[FakeBotApi]:
    """A fake Bot API for one test."""
    api = FakeBotApi()
    server = serve(api)
    yield api
    with api.lock:
        api.lock.notify_all()
    server.shutdown()
    server.server_close()
