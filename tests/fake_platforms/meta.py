"""A fake Graph API on 127.0.0.1, as Meta documents it, for one Page and its Instagram account.

It speaks ``GET /{page-id}`` (the connection test), ``POST /{comment-id}/comments``,
``POST /{ig-comment-id}/replies``, ``POST /{ig-user-id}/mentions``, ``POST /{page-id}/messages``
(Send API and private replies; one private reply per comment), ``POST /{id}/likes`` and
``POST /{id}`` (hide). A wrong token gets error 190; a wrong ``appsecret_proof`` error 100.
Tests script failures: throttling (code 4/613 with the usage headers), transient code 2,
5xx, permissions (10/200), 551, and answers slower than the client waits.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fake_platforms.loopback import Answer, Request, serve, stop

PAGE_ID = "1029384756"
IG_ID = "17841400000000001"
PAGE_TOKEN = "EAAGfakePageToken0123456789abcdefXYZ"
APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
VERSION = "v21.0"


def graph_error(code: int, message: str, *, subcode: int | None = None, status: int = 400, transient: bool = False) -> Answer:
    """A Graph error answer in the documented shape."""
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    return Answer(status, {"error": error})


@dataclass
class FakeGraph:
    """The fake's state; tests read and script it."""

    url: str = ""
    calls: list[Request] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    likes: list[str] = field(default_factory=list)
    hidden: dict[str, bool] = field(default_factory=dict)
    private_replied: set[str] = field(default_factory=set)
    #: Scripted answers per "METHOD last-path-part" (``POST comments``, ``POST messages``…), in order.
    script: dict[str, list[Answer]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(9001))

    @property
    def api_base(self) -> str:
        """What the source's ``api_base`` points at."""
        return self.url

    def handle(self, request: Request) -> Answer:
        """Answer one Graph call."""
        self.calls.append(request)
        parts = request.path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != VERSION:
            return graph_error(2500, "Unknown path components", status=404)
        if request.headers.get("authorization") != f"Bearer {PAGE_TOKEN}":
            return graph_error(190, "Invalid OAuth access token - Cannot parse access token", status=401)
        proof = hmac.new(APP_SECRET.encode(), PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()
        if request.query.get("appsecret_proof") != proof:
            return graph_error(100, "Invalid appsecret_proof provided in the API argument")
        node, edge = parts[1], (parts[2] if len(parts) > 2 else "")
        key = f"{request.method} {edge or 'node'}"
        queue = self.script.get(key) or []
        if queue:
            answer = queue.pop(0)
            if answer.slow:
                # A late answer: the work is done, then the answer comes after the client gave up.
                self._do(request, node, edge)
                return answer
            return answer
        return self._do(request, node, edge)

    def _do(self, request: Request, node: str, edge: str) -> Answer:
        body = request.json() or {}
        if request.method == "GET" and not edge:
            if node != PAGE_ID:
                return graph_error(100, "Unsupported get request. Object does not exist")
            return Answer(200, {"id": PAGE_ID, "name": "Volna", "instagram_business_account": {"id": IG_ID, "username": "volna.shop"}})
        if request.method != "POST":
            return graph_error(100, "Unsupported request")
        if edge in ("comments", "replies", "mentions"):
            text = body.get("message")
            if not isinstance(text, str) or not text.strip():
                return graph_error(100, "(#100) The parameter message is required")
            new = f"{node}_{next(self._ids)}" if edge == "comments" else str(next(self._ids))
            self.comments.append(
                {"on": node, "edge": edge, "message": text, "id": new, **{k: v for k, v in body.items() if k != "message"}}
            )
            return Answer(200, {"id": new})
        if edge == "messages":
            recipient = body.get("recipient") or {}
            comment = recipient.get("comment_id")
            if comment:
                if comment in self.private_replied:
                    return graph_error(10900, "Activity already replied to")
                self.private_replied.add(comment)
            elif body.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
                return graph_error(100, "(#100) messaging_type is required")
            text = (body.get("message") or {}).get("text", "")
            if len(text) >= 2000:
                return graph_error(100, "(#100) Length of param message[text] must be less than or equal to 2000")
            mid = f"m_fake{next(self._ids)}"
            self.messages.append({**body, "page": node, "message_id": mid})
            return Answer(200, {"recipient_id": recipient.get("id", "7000000000000000"), "message_id": mid})
        if edge == "likes":
            self.likes.append(node)
            return Answer(200, {"success": True})
        if not edge:
            self.hidden[node] = bool(body.get("is_hidden", body.get("hide")))
            return Answer(200, {"success": True})
        return graph_error(100, f"Unknown edge {edge}")


@pytest.fixture
def fake_graph() -> Iterator[FakeGraph]:
    """A fake Graph API for one test."""
    graph = FakeGraph()
    server, graph.url = serve(graph.handle)
    yield graph
    stop(server)
