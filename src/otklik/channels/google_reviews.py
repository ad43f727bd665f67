"""Google Business Profile reviews: read by polling, answered with ``PUT …/reply``.

Inbound, ``GET https://mybusiness.googleapis.com/v4/accounts/{a}/locations/{l}/reviews``
ordered by ``updateTime desc``, page by page until the reviews are older than the cursor
(the newest ``updateTime`` already stored; it moves only after the items are committed).
Each review is a ``review`` item threaded by review: its first version has the review's id
as ``external_id``; a review edited later is a *new* item ``<id>/v/<updateTime>`` answering
it, in the same conversation. The star rating (``ONE``…``FIVE``) stays in the raw review.

Outbound, ``PUT …/reviews/{id}/reply`` with ``{"comment": …}`` creates or replaces the one
owner reply, so sending again is harmless (the channel is idempotent). The access token is
an OAuth 2.0 bearer; with a refresh token and client credentials it is fetched from the token
endpoint (configurable) and refreshed when Google answers 401.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from otklik.channels import rest
from otklik.channels.base import Capabilities, ChannelContext, ChannelSpec, DeliveryReceipt, OutboundReply, SettingField, SourceConfig
from otklik.channels.payload import PayloadReader
from otklik.domain.items import Addressing, Author, ItemDraft
from otklik.errors import (
    ConfigError,
    DeliveryRejected,
    DeliveryUnknown,
    InvalidPayload,
    PlatformUnavailable,
    RateLimited,
    SignatureInvalid,
)

log = logging.getLogger(__name__)

KIND = "google_reviews"
API_BASE = "https://mybusiness.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret
SCOPE = "https://www.googleapis.com/auth/business.manage"
#: The longest owner reply Google takes, in characters.
MAX_REPLY = 4096
PAGE_SIZE = 50
MAX_PAGES = 20
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}

# Access tokens by refresh token, shared by every channel object of the process: a channel is
# built per delivery, and a token lives an hour.
_TOKENS: dict[str, tuple[str, float]] = {}
_TOKENS_LOCK = threading.Lock()


# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoogleSettings:
    """A Google reviews source's settings, checked."""

    account_id: str
    location_id: str
    access_token: str = ""
    refresh_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    token_url: str = TOKEN_URL
    api_base: str = API_BASE
    location_name: str = ""

    @classmethod
    def from_source(cls, source: SourceConfig) -> GoogleSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw = source.settings
        account, location = raw.get("account_id"), raw.get("location_id")
        if not isinstance(account, str) or not account.isdigit() or not isinstance(location, str) or not location.isdigit():
            raise ConfigError(f"source {source.name}: account_id and location_id are the numeric ids of the account and location")
        values = {k: raw.get(k) or "" for k in ("access_token", "refresh_token", "client_id", "client_secret")}
        if not all(isinstance(v, str) for v in values.values()):
            raise ConfigError(f"source {source.name}: the OAuth settings must be strings")
        if not values["access_token"] and not (values["refresh_token"] and values["client_id"] and values["client_secret"]):
            raise ConfigError(f"source {source.name}: give an access token, or a refresh token with the OAuth client id and secret")
        urls = {k: raw.get(k) or default for k, default in (("token_url", TOKEN_URL), ("api_base", API_BASE))}
        if not all(isinstance(u, str) and u.startswith(("https://", "http://")) for u in urls.values()):
            raise ConfigError(f"source {source.name}: token_url and api_base must be http(s) URLs")
        return cls(
            account_id=account,
            location_id=location,
            token_url=urls["token_url"],
            api_base=urls["api_base"].rstrip("/"),
            location_name=str(raw.get("location_name") or ""),
            **values,
        )

    @property
    def reviews_path(self) -> str:
        """``/v4/accounts/{a}/locations/{l}/reviews``."""
        return f"/v4/accounts/{self.account_id}/locations/{self.location_id}/reviews"


# --- the API ------------------------------------------------------------------------------


class BusinessProfileApi:
    """Calls the reviews API with a bearer token, refreshing it once when Google says 401."""

    def __init__(self, settings: GoogleSettings, *, client: httpx.Client, timeout: float):
        self._settings = settings
        self._client = client
        self._timeout = timeout

    def token(self, *, fresh: bool = False) -> str:
        """A valid access token: the configured one, or one from the refresh token."""
        s = self._settings
        if not s.refresh_token:
            return s.access_token
        with _TOKENS_LOCK:
            hit = _TOKENS.get(s.refresh_token)
        if hit is not None and not fresh and hit[1] > time.monotonic():
            return hit[0]
        response = rest.request(
            self._client,
            "POST",
            s.token_url,
            what="Google token endpoint",
            timeout=self._timeout,
            data={
                "grant_type": "refresh_token",
                "refresh_token": s.refresh_token,
                "client_id": s.client_id,
                "client_secret": s.client_secret,
            },
        )
        answer = rest.json_of(response)
        if response.status_code >= 500:
            raise PlatformUnavailable(f"Google token endpoint: HTTP {response.status_code}")
        if response.status_code == 429:
            raise RateLimited(
                "Google token endpoint: too many requests", retry_after=rest.seconds(response.headers.get("retry-after"), default=60)
            )
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            error = answer.get("error") if isinstance(answer, dict) else None
            raise DeliveryRejected(f"Google refused the refresh token ({error or response.status_code}); connect the location again")
        lifetime = answer.get("expires_in") if isinstance(answer.get("expires_in"), int) else 3600
        with _TOKENS_LOCK:
            # Renew a minute early, so a token never expires mid-request.
            _TOKENS[s.refresh_token] = (token, time.monotonic() + max(lifetime - 60, 30))
        return token

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None) -> Any:
        """``method`` on ``path``; the decoded answer, or the error its status means."""
        what = f"Google {method} reviews" + ("/{id}/reply" if path.endswith("/reply") else "")
        response = self._send(method, path, what, self.token(), params, json)
        if response.status_code == 401 and self._settings.refresh_token:
            response = self._send(method, path, what, self.token(fresh=True), params, json)
        return _result(what, response)

    def _send(self, method: str, path: str, what: str, token: str, params: Mapping[str, Any] | None, json: Any) -> httpx.Response:
        return rest.request(
            self._client,
            method,
            self._settings.api_base + path,
            what=what,
            timeout=self._timeout,
            headers={"authorization": f"Bearer {token}"},
            params=params,
            json=json,
        )


def _result(what: str, response: httpx.Response) -> Any:
    status = response.status_code
    answer = rest.json_of(response)
    if status == 429:
        raise RateLimited(f"{what}: quota exceeded", retry_after=rest.seconds(response.headers.get("retry-after"), default=60.0))
    if status >= 500:
        raise PlatformUnavailable(f"{what}: HTTP {status}")
    if status >= 400:
        error = answer.get("error") if isinstance(answer, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        raise DeliveryRejected(f"{what}: HTTP {status}: {str(message or 'no detail')[:300]}")
    if not isinstance(answer, dict):
        raise DeliveryUnknown(f"{what}: HTTP {status} with an unreadable answer")
    return answer


# --- parsing ------------------------------------------------------------------------------


_read = PayloadReader("Google review")
_problem = _read.problem


def _time(value: Any, loc: str) -> datetime:
    return _read.iso_time(value, loc, standard="RFC 3339")


def stars(review: Mapping[str, Any]) -> int | None:
    """The review's star rating as a number (None when Google gives none)."""
    return STARS.get(str(review.get("starRating")))


class GoogleReviewsChannel:
    """One Business Profile location: its reviews in, owner replies out."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = GoogleSettings.from_source(source)
        self._context = context
        self._now: Callable[[], datetime] = context.now or (lambda: datetime.now(UTC))
        self._api = BusinessProfileApi(self.settings, client=context.client, timeout=context.timeout) if context.client else None

    @property
    def capabilities(self) -> Capabilities:
        """One owner reply per review, replaced by a new one; ``PUT`` makes repeats harmless."""
        return Capabilities(can_reply=True, max_length=MAX_REPLY, idempotent=True)

    @property
    def api(self) -> BusinessProfileApi:
        """The API client (only for channels built with an HTTP client)."""
        if self._api is None:
            raise RuntimeError("this Google reviews channel was built without an HTTP client")
        return self._api

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Reviews are read by polling; nothing may be pushed to this source."""
        raise SignatureInvalid("Google reviews are read by polling; this source takes no webhooks")

    def parse(self, body: bytes) -> list[ItemDraft]:
        """Not used: reviews come from :meth:`reviews`."""
        raise InvalidPayload("Google reviews are read by polling", status_code=400)

    def parse_review(self, review: Any, *, loc: str = "review") -> ItemDraft:
        """One review as an item; a later version is a new item answering the first."""
        if not isinstance(review, dict):
            raise _problem(loc, "not an object")
        review_id = review.get("reviewId")
        if not isinstance(review_id, str) or not review_id:
            raise _problem(f"{loc}.reviewId", "missing")
        created = _time(review.get("createTime"), f"{loc}.createTime")
        updated = _time(review.get("updateTime") or review.get("createTime"), f"{loc}.updateTime")
        rating = stars(review)
        if rating is None and review.get("starRating") not in (None, "STAR_RATING_UNSPECIFIED"):
            raise _problem(f"{loc}.starRating", "not ONE…FIVE")
        given = review.get("reviewer")
        reviewer: Mapping[str, Any] = given if isinstance(given, dict) else {}
        anonymous = reviewer.get("isAnonymous") is True
        name = "" if anonymous else str(reviewer.get("displayName") or "")
        comment = review.get("comment")
        text = comment if isinstance(comment, str) and comment.strip() else f"[{'★' * (rating or 0) or 'rating'} without text]"
        edited = updated > created
        return ItemDraft(
            source=self.source.name,
            external_id=f"{review_id}/v/{review['updateTime']}" if edited else review_id,
            # Google gives reviewers no stable id: each review is its own person and conversation.
            author=Author(external_id=f"review:{review_id}", name=name),
            text=text,
            created_at=updated if edited else created,
            addressing=Addressing.REVIEW,
            account=f"google:{self.settings.location_id}",
            parent_external_id=review_id if edited else None,
            thread_id=review_id,
            url=None,
            raw=dict(review),
        )

    def reviews(self, *, since: str | None) -> tuple[list[ItemDraft], str | None, int]:
        """Reviews updated after ``since`` (an ``updateTime``), the newest ``updateTime``, malformed count."""
        params: dict[str, Any] = {"pageSize": PAGE_SIZE, "orderBy": "updateTime desc"}
        drafts: list[ItemDraft] = []
        newest: str | None = None
        malformed = 0
        cutoff = _time(since, "cursor") if since else None
        for _page in range(MAX_PAGES):
            answer = self.api.call("GET", self.settings.reviews_path, params=params)
            reviews = answer.get("reviews") or []
            older = False
            for index, review in enumerate(reviews if isinstance(reviews, list) else []):
                try:
                    updated_raw = review.get("updateTime") if isinstance(review, dict) else None
                    updated = _time(updated_raw, f"reviews.{index}.updateTime")
                    if cutoff is not None and updated <= cutoff:
                        older = True
                        break
                    draft = self.parse_review(review, loc=f"reviews.{index}")
                except InvalidPayload as exc:
                    malformed += 1
                    log.warning("google_reviews %s: a review skipped: %s", self.source.name, exc)
                    continue
                if newest is None or updated > _time(newest, "newest"):
                    newest = str(updated_raw)
                drafts.append(draft)
            token = answer.get("nextPageToken")
            if older or not isinstance(token, str) or not token:
                break
            params["pageToken"] = token
        return drafts, newest, malformed

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """``PUT …/reviews/{id}/reply``: the owner's reply, created or replaced."""
        item = reply.in_reply_to
        if item is None:
            raise DeliveryRejected("the reply answers no review")
        if len(reply.text) > MAX_REPLY:
            raise DeliveryRejected(f"Google takes at most {MAX_REPLY} characters in a reply; this one has {len(reply.text)}")
        review_id = item.external_id.split("/v/", 1)[0]
        self.api.call("PUT", f"{self.settings.reviews_path}/{review_id}/reply", json={"comment": reply.text})
        return DeliveryReceipt(external_id=f"{review_id}/reply")


def check(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test: one page of the location's reviews can be read."""
    if context.client is None:
        raise ConfigError("the connection test needs an HTTP client")
    settings = GoogleSettings.from_source(source)
    try:
        answer = BusinessProfileApi(settings, client=context.client, timeout=context.timeout).call(
            "GET", settings.reviews_path, params={"pageSize": 1}
        )
    except DeliveryRejected as exc:
        raise ConfigError(f"Google refused access to the location's reviews: {exc}") from None
    except (PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"could not reach the Business Profile API: {exc}") from None
    total = answer.get("totalReviewCount", 0)
    average = answer.get("averageRating")
    rating = f", average {average}" if average is not None else ""
    return f"Google location {settings.location_name or settings.location_id}: {total} reviews{rating}"


SETTINGS_FIELDS = (
    SettingField("account_id", "Account id", help="The numeric id in accounts/{id}."),
    SettingField("location_id", "Location id", help="The numeric id in locations/{id}."),
    SettingField("location_name", "Location name", required=False, help="How the desk names it."),
    SettingField("refresh_token", "OAuth refresh token", secret=True, required=False, help=f"Scope {SCOPE}."),
    SettingField("client_id", "OAuth client id", required=False),
    SettingField("client_secret", "OAuth client secret", secret=True, required=False),
    SettingField("access_token", "Access token", secret=True, required=False, help="Instead of a refresh token (lasts an hour)."),
    SettingField("token_url", "Token endpoint", required=False, help=f"Default {TOKEN_URL}."),
    SettingField("api_base", "API base URL", required=False, help=f"Default {API_BASE}."),
)

SPEC = ChannelSpec(
    kind=KIND,
    build=GoogleReviewsChannel,
    secret_settings=frozenset({"access_token", "refresh_token", "client_secret"}),
    capabilities=Capabilities(can_reply=True, max_length=MAX_REPLY, idempotent=True),
    settings_fields=SETTINGS_FIELDS,
    check=check,
    label="Google reviews",
)
