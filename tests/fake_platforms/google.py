"""A fake Business Profile API and OAuth token endpoint on 127.0.0.1.

``POST /token`` trades the refresh token for an access token (each a new one);
``GET /v4/accounts/{a}/locations/{l}/reviews`` pages the reviews newest ``updateTime``
first with ``nextPageToken``; ``PUT …/reviews/{id}/reply`` creates or replaces the owner's
reply. An expired token gets 401. Tests script 429s, 5xx and slow answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fake_platforms.loopback import Answer, Request, serve, stop

ACCOUNT = "107766554433221100"
LOCATION = "4455667788990011223"
REFRESH = "1//0gFakeRefreshToken-abcdefghijklmnop"
CLIENT_ID = "1234567890-fake.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fakeClientSecret012345"


@dataclass
class FakeGoogle:
    """The fake's state; tests read and script it."""

    url: str = ""
    calls: list[Request] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    replies: dict[str, str] = field(default_factory=dict)
    valid_tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    script: dict[str, list[Answer]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def reviews_path(self) -> str:
        """The location's reviews path."""
        return f"/v4/accounts/{ACCOUNT}/locations/{LOCATION}/reviews"

    def handle(self, request: Request) -> Answer:
        """Answer one call."""
        self.calls.append(request)
        key = f"{request.method} {'token' if request.path == '/token' else 'reply' if request.path.endswith('/reply') else 'reviews'}"
        queue = self.script.get(key) or []
        if queue:
            answer = queue.pop(0)
            if answer.slow:
                self._do(request)
            return answer
        return self._do(request)

    def _do(self, request: Request) -> Answer:
        if request.path == "/token":
            form = request.form()
            if (form.get("grant_type"), form.get("refresh_token"), form.get("client_id")) != ("refresh_token", REFRESH, CLIENT_ID):
                return Answer(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            self.tokens_issued += 1
            token = f"ya29.fake-{next(self._ids)}"
            self.valid_tokens.add(token)
            return Answer(
                200,
                {
                    "access_token": token,
                    "expires_in": 3599,
                    "scope": "https://www.googleapis.com/auth/business.manage",
                    "token_type": "Bearer",
                },
            )
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
            return Answer(
                401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}
            )
        if request.path == self.reviews_path and request.method == "GET":
            ordered = sorted(self.reviews, key=lambda r: r["updateTime"], reverse=True)
            size = int(request.query.get("pageSize", "50"))
            start = int(request.query.get("pageToken", "0"))
            body: dict[str, Any] = {"reviews": ordered[start : start + size], "averageRating": 3.7, "totalReviewCount": len(ordered)}
            if start + size < len(ordered):
                body["nextPageToken"] = str(start + size)
            return Answer(200, body)
        if request.path.startswith(self.reviews_path + "/") and request.path.endswith("/reply") and request.method == "PUT":
            review_id = request.path.split("/")[-2]
            if not any(r["reviewId"] == review_id for r in self.reviews):
                return Answer(404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}})
            comment = (request.json() or {}).get("comment", "")
            self.replies[review_id] = comment
            return Answer(200, {"comment": comment, "updateTime": "2026-11-20T09:00:00Z"})
        return Answer(404, {"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}})


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    """A fake Business Profile API for one test."""
    api = FakeGoogle()
    server, api.url = serve(api.handle)
    yield api
    stop(server)
