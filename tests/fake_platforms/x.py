"""A fake X API v2 on 127.0.0.1: the calls the desk makes, as X documents them.

It speaks ``GET /2/users/me``, ``GET /2/users/:id/mentions`` (``since_id``, pages of
``max_results`` with ``next_token``, authors in ``includes.users``), ``GET /2/users/:id/tweets``
(the read-back), ``POST /2/tweets`` (a reply is refused with 403 unless the post summoned the
account, as self-serve X does), ``POST /2/users/:id/likes``, DMs, the stream rules and a
filtered stream of NDJSON lines with blank keep-alives. Tests script 429s with
``x-rate-limit-reset``, 5xx, and answers slower than the client waits.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from tests.fake_platforms.loopback import Answer, Request, serve, stop

USER_ID = "1500000000000000001"
USERNAME = "volna_care"
USER_TOKEN = "xUserToken-0123456789abcdefghij"
BEARER = "AAAAAAAAAAAAAAAAAAAAAFakeBearer0123456789"
CONSUMER_SECRET = "xConsumerSecret0123456789abcdefghijklmnopqrstuv"


@dataclass
class FakeX:
    """The fake's state; tests read and script it."""

    url: str = ""
    calls: list[Request] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)  # newest first, as X answers
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    summoned: set[str] = field(default_factory=set)  # posts the account may answer by API
    posted: list[dict[str, Any]] = field(default_factory=list)
    likes: list[str] = field(default_factory=list)
    dms: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    stream_lines: list[bytes] = field(default_factory=list)
    script: dict[str, list[Answer]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1862000000000000001))

    @property
    def api_base(self) -> str:
        """What the source's ``api_base`` points at."""
        return self.url

    def handle(self, request: Request) -> Answer:
        """Answer one call."""
        self.calls.append(request)
        if request.headers.get("authorization") not in (f"Bearer {USER_TOKEN}", f"Bearer {BEARER}"):
            return Answer(401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
        path = request.path
        key = f"{request.method} {path.replace(USER_ID, ':id')}"
        queue = self.script.get(key) or []
        if queue:
            answer = queue.pop(0)
            if answer.slow:
                self._do(request, path)
            return answer
        return self._do(request, path)

    def _do(self, request: Request, path: str) -> Answer:
        body = request.json() or {}
        if path == "/2/users/me":
            return Answer(200, {"data": {"id": USER_ID, "name": "Volna Care", "username": USERNAME}})
        if path == f"/2/users/{USER_ID}/mentions":
            return self._mentions(request.query)
        if path == f"/2/users/{USER_ID}/tweets":
            return Answer(200, {"data": list(reversed(self.posted))[: int(request.query.get("max_results", 10))]})
        if path == "/2/tweets" and request.method == "POST":
            reply = (body.get("reply") or {}).get("in_reply_to_tweet_id")
            if reply and reply not in self.summoned:
                detail = "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author"
                return Answer(403, {"title": "Forbidden", "status": 403, "detail": detail, "type": "about:blank"})
            post = {"id": str(next(self._ids)), "text": body.get("text", "")}
            if reply:
                post["referenced_tweets"] = [{"type": "replied_to", "id": reply}]
            self.posted.append(post)
            return Answer(201, {"data": {"id": post["id"], "text": post["text"], "edit_history_tweet_ids": [post["id"]]}})
        if path == f"/2/users/{USER_ID}/likes":
            self.likes.append(str(body.get("tweet_id")))
            return Answer(200, {"data": {"liked": True}})
        if path.startswith("/2/dm_conversations/with/"):
            event = str(next(self._ids))
            self.dms.append({"to": path.split("/")[4], "text": body.get("text"), "id": event})
            return Answer(201, {"data": {"dm_conversation_id": "c1", "dm_event_id": event}})
        if path == "/2/tweets/search/stream/rules":
            return self._rules(request.method, body)
        if path == "/2/tweets/search/stream":
            return Answer(200, lines=list(self.stream_lines))
        return Answer(404, {"title": "Not Found Error", "status": 404, "detail": f"no route {path}"})

    def _mentions(self, query: dict[str, str]) -> Answer:
        since = int(query.get("since_id", "0"))
        page = int(query.get("max_results", "10"))
        start = int(query.get("pagination_token", "0"))
        newer = [t for t in self.mentions if int(t["id"]) > since]
        chunk = newer[start : start + page]
        if not chunk:
            return Answer(200, {"meta": {"result_count": 0}})
        meta: dict[str, Any] = {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"], "result_count": len(chunk)}
        if start + page < len(newer):
            meta["next_token"] = str(start + page)
        authors = [self.users[t["author_id"]] for t in chunk if t["author_id"] in self.users]
        return Answer(200, {"data": chunk, "includes": {"users": authors}, "meta": meta})

    def _rules(self, method: str, body: dict[str, Any]) -> Answer:
        if method == "GET":
            return Answer(
                200, {"data": self.rules, "meta": {"result_count": len(self.rules)}} if self.rules else {"meta": {"result_count": 0}}
            )
        for rule in body.get("add") or []:
            self.rules.append({"id": str(next(self._ids)), **rule})
        gone = set((body.get("delete") or {}).get("ids") or [])
        self.rules = [r for r in self.rules if r["id"] not in gone]
        return Answer(200, {"data": self.rules, "meta": {"summary": {"created": len(body.get("add") or []), "deleted": len(gone)}}})


def stream_line(delivery: dict[str, Any]) -> bytes:
    """One line of the filtered stream."""
    return orjson.dumps(delivery) + b"\r\n"


@pytest.fixture
def fake_x() -> Iterator[FakeX]:
    """A fake X API for one test."""
    api = FakeX()
    server, api.url = serve(api.handle)
    yield api
    stop(server)
