"""X: mentions by polling, brand keywords by filtered stream, events by webhook; replies where allowed.

Inbound (docs/reference/channels/x.md):

- **mentions** — ``GET /2/users/:id/mentions`` with ``since_id`` (the cursor moves only after
  the items are committed), the author expanded from ``includes.users``;
- **filtered stream** — one rule built from the brand keywords
  (``(volna OR "volna shop") -from:<us> -is:retweet``), read from ``GET /2/tweets/search/stream``
  as newline-delimited JSON with blank keep-alive lines;
- **webhook** (Account Activity) — the CRC ``GET ?crc_token=`` is answered with
  ``sha256=<base64 HMAC-SHA256(consumer secret, token)>``; every ``POST`` carries
  ``x-twitter-webhooks-signature`` (the same HMAC over the raw body). Posts
  (``tweet_create_events``) and direct messages (``direct_message_events``) are read, and
  v2-shaped deliveries (``{"data": post, "includes": …}``) too.

A post that @mentions the account or replies to it is ``direct``; one that only names the
brand is ``brand_mention``; a DM is ``dm``. Our own posts, retweets and our own DMs are not
for the desk. The ``external_id`` is the post id (``dm:<event id>`` for a DM); an edit is a
new post id whose parent is the original.

Outbound: ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id``. Self-serve X accepts an
API reply only when the author summoned the account (an @mention, a reply to it, a quote), so
a reply to a post that only names the brand is handed to an agent with the post's link
(:class:`~otklik.errors.PostByHand`), unless the source says its plan allows such replies.
X has no idempotency key: after a request without a clear answer the account's recent posts
are read back; a reply found there is the receipt, otherwise ``DeliveryUnknown``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from otklik.channels import payload, rest
from otklik.channels.base import (
    Capabilities,
    ChallengeAnswer,
    ChannelContext,
    ChannelSpec,
    DeliveryReceipt,
    OutboundReply,
    RateLimit,
    SettingField,
    SourceConfig,
)
from otklik.domain.items import Addressing, Author, Item, ItemDraft
from otklik.errors import (
    ConfigError,
    DeliveryRejected,
    DeliveryUnknown,
    InvalidPayload,
    PlatformUnavailable,
    PostByHand,
    RateLimited,
    SignatureInvalid,
)

log = logging.getLogger(__name__)

KIND = "x"
API_BASE = "https://api.x.com"
SIGNATURE_HEADER = "x-twitter-webhooks-signature"
MAX_WEIGHTED_LENGTH = 280
MODES = ("polling", "webhook", "stream")
RULE_TAG = "otklik-brand"
#: The mentions timeline reaches about 800 posts back: 8 pages of 100.
MAX_PAGES = 8
TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,entities,lang,edit_history_tweet_ids"
USER_FIELDS = "username,name,public_metrics"

_ID = re.compile(r"^[0-9]{1,20}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_URL = re.compile(r"https?://\S+")
# twitter-text: these ranges count once, everything else (CJK, emoji…) twice; a URL is 23.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def weighted_length(text: str) -> int:
    """The length X counts against its 280 limit (URLs 23, most scripts 1, CJK and emoji 2)."""
    normalized = unicodedata.normalize("NFC", text)
    total = 23 * len(_URL.findall(normalized))
    rest_text = _URL.sub("", normalized)
    for char in rest_text:
        code = ord(char)
        total += 1 if any(low <= code <= high for low, high in _LIGHT) else 2
    return total


def crc_response(crc_token: str, consumer_secret: str) -> str:
    """``sha256=<base64 HMAC-SHA256>`` of a CRC token (also the body signature's form)."""
    return sign(crc_token.encode(), consumer_secret)


def sign(body: bytes, consumer_secret: str) -> str:
    """The ``x-twitter-webhooks-signature`` value X sends with ``body``."""
    digest = hmac.new(consumer_secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def build_rule(keywords: Iterable[str], username: str) -> str:
    """One filtered-stream rule: the account's @mentions or any brand name, not by us, no reposts.

    X matches whole tokens, not word starts: give the names as people write them.
    """
    words: list[str] = [f"@{username}"]
    for keyword in keywords:
        word = " ".join(keyword.replace('"', " ").split())
        if word and word.casefold() not in {w.strip('"').casefold() for w in words}:
            words.append(f'"{word}"' if " " in word else word)
    return f"({' OR '.join(words)}) -from:{username} -is:retweet"


# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XSettings:
    """An X source's settings, checked."""

    user_id: str
    username: str
    user_token: str
    bearer_token: str
    mode: str = "polling"
    api_base: str = API_BASE
    brand_keywords: tuple[str, ...] = ()
    #: The plan lets the account reply to posts that did not summon it (Enterprise).
    unrestricted_replies: bool = False

    @classmethod
    def from_source(cls, source: SourceConfig) -> XSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw = source.settings
        user_id, username = raw.get("user_id"), raw.get("username")
        if not isinstance(user_id, str) or not _ID.match(user_id) or not isinstance(username, str) or not _USERNAME.match(username):
            raise ConfigError(f"source {source.name}: the account's id and username are missing (add the channel again)")
        user_token = raw.get("user_token")
        if not isinstance(user_token, str) or len(user_token) < 10:
            raise ConfigError(f"source {source.name}: the user access token (OAuth 2.0, tweet.write) is missing")
        bearer = raw.get("bearer_token") or user_token
        mode = raw.get("mode", "polling")
        if mode not in MODES:
            raise ConfigError(f"source {source.name}: mode must be one of {', '.join(MODES)}, not {mode!r}")
        base = raw.get("api_base") or API_BASE
        keywords = raw.get("brand_keywords") or []
        if not isinstance(base, str) or not base.startswith(("https://", "http://")):
            raise ConfigError(f"source {source.name}: api_base must be an http(s) URL")
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ConfigError(f"source {source.name}: brand_keywords must be a list of words")
        return cls(
            user_id=user_id,
            username=username,
            user_token=user_token,
            bearer_token=str(bearer),
            mode=mode,
            api_base=base.rstrip("/"),
            brand_keywords=tuple(keywords),
            unrestricted_replies=raw.get("unrestricted_replies") is True,
        )


# --- the API ------------------------------------------------------------------------------


class XApi:
    """Calls the X API v2 and maps every answer onto the error tree."""

    def __init__(self, settings: XSettings, *, client: httpx.Client, timeout: float, now: Callable[[], datetime]):
        self._base = settings.api_base
        self._settings = settings
        self._client = client
        self._timeout = timeout
        self._now = now

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None, user: bool = False) -> Any:
        """``method`` on ``path``; ``user`` signs with the user token (writes), else the app's bearer."""
        what = f"X {method} {re.sub(r'/[0-9]+', '/:id', path)}"
        token = self._settings.user_token if user else self._settings.bearer_token
        response = rest.request(
            self._client,
            method,
            self._base + path,
            what=what,
            timeout=self._timeout,
            headers={"authorization": f"Bearer {token}"},
            params=params,
            json=json,
        )
        return self.result(what, response)

    def result(self, what: str, response: httpx.Response) -> Any:
        """The decoded answer, or the error an HTTP status means on X."""
        status = response.status_code
        answer = rest.json_of(response)
        if status == 429:
            raise RateLimited(f"{what}: too many requests", retry_after=self.reset_wait(response.headers))
        if status >= 500:
            raise PlatformUnavailable(f"{what}: HTTP {status}")
        if status >= 400:
            raise DeliveryRejected(f"{what}: HTTP {status}: {_detail(answer)}")
        if not isinstance(answer, dict):
            raise rest.unreadable(what, status)
        return answer

    def reset_wait(self, headers: Mapping[str, str]) -> float:
        """Seconds until ``x-rate-limit-reset`` (epoch seconds); a minute when it is missing."""
        reset = headers.get("x-rate-limit-reset")
        try:
            wait = float(reset) - self._now().timestamp() if reset is not None else None
        except ValueError:
            wait = None
        return rest.seconds(wait, default=60.0) if wait is not None else 60.0


def _detail(answer: Any) -> str:
    if isinstance(answer, dict):
        for key in ("detail", "title"):
            if isinstance(answer.get(key), str):
                return str(answer[key])[:300]
        errors = answer.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message") or errors[0].get("detail") or "")[:300]
    return "no detail"


# --- parsing ------------------------------------------------------------------------------


_read = payload.PayloadReader("X payload")
_problem = _read.problem
_iso = _read.iso_time


def _id(obj: Mapping[str, Any], key: str, loc: str) -> str:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID.match(value):
        raise _problem(payload.at(loc, key), "missing or not an id")
    return value


def _legacy_time(value: Any, loc: str) -> datetime:
    """v1.1 ``created_at`` (``Wed Nov 20 08:40:00 +0000 2026``)."""
    if not isinstance(value, str):
        raise _problem(loc, "missing or not a time")
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        try:
            return parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            raise _problem(loc, "not a time") from None


def _millis(value: Any, loc: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise _problem(loc, "not a unix time in milliseconds") from None


@dataclass(frozen=True, slots=True)
class ParsedPost:
    """One post or DM: the item it holds, or why it holds none."""

    external_id: str
    draft: ItemDraft | None
    ignored: str | None = None


class XChannel:
    """One X account: webhook checks, parsing, the mentions timeline, the stream and replies."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = XSettings.from_source(source)
        self._context = context
        self._now: Callable[[], datetime] = context.now or (lambda: datetime.now(UTC))
        self._me = self.settings.username.casefold()
        self._mention = re.compile(rf"(?<!\w)@{re.escape(self.settings.username)}(?!\w)", re.IGNORECASE)
        self._api = XApi(self.settings, client=context.client, timeout=context.timeout, now=self._now) if context.client else None

    @property
    def capabilities(self) -> Capabilities:
        """Replies (where X allows them), likes, 280 weighted characters; no idempotency key."""
        return Capabilities(can_reply=True, can_like=True, max_length=MAX_WEIGHTED_LENGTH, idempotent=False)

    @property
    def api(self) -> XApi:
        """The API client (only for channels built with an HTTP client)."""
        if self._api is None:
            raise RuntimeError("this X channel was built without an HTTP client")
        return self._api

    def can_reply_by_api(self, item: Item) -> bool:
        """Whether X takes an API reply to this item: a DM, a summoning post, or an unrestricted plan."""
        return item.addressing in (Addressing.DIRECT, Addressing.DM) or self.settings.unrestricted_replies

    # --- inbound ----------------------------------------------------------------------

    def challenge(self, query: Mapping[str, str]) -> ChallengeAnswer:
        """The CRC: ``{"response_token": "sha256=<base64 HMAC of crc_token>"}``."""
        token = query.get("crc_token")
        if not token:
            raise InvalidPayload("expected a crc_token", status_code=400)
        answer = {"response_token": crc_response(token, self.source.secret)}
        return ChallengeAnswer(body=orjson.dumps(answer), media_type="application/json")

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Check ``x-twitter-webhooks-signature`` against the raw body and the consumer secret."""
        given = headers.get(SIGNATURE_HEADER) or headers.get("X-Twitter-Webhooks-Signature")
        if not given:
            raise SignatureInvalid("missing x-twitter-webhooks-signature header")
        if not hmac.compare_digest(given.strip().encode("utf-8", "replace"), sign(body, self.source.secret).encode()):
            raise SignatureInvalid("x-twitter-webhooks-signature does not match the body and the consumer secret")

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The items of a webhook body: Account Activity events, or a v2 post delivery."""
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidPayload(f"body is not valid JSON: {exc}", status_code=400) from None
        if not isinstance(decoded, dict):
            raise _problem("(body)", "a webhook body must be a JSON object")
        parsed: list[ParsedPost] = []
        if "data" in decoded:
            parsed.append(self.parse_delivery(decoded))
        events = False
        if "tweet_create_events" in decoded or "direct_message_events" in decoded:
            events = True
            parsed.extend(self._activity(decoded))
        if not parsed and not events:
            kinds = sorted(k for k in decoded if k not in ("for_user_id", "user_has_blocked"))
            log.debug("x %s: %s: nothing a customer wrote", self.source.name, ", ".join(kinds) or "an empty body")
        for post in parsed:
            if post.draft is None:
                log.debug("x %s: %s ignored: %s", self.source.name, post.external_id, post.ignored)
        return [p.draft for p in parsed if p.draft is not None]

    def parse_delivery(self, delivery: Any) -> ParsedPost:
        """One v2 delivery (stream line, webhook): ``{"data": post, "includes": {"users": […]}}``."""
        if not isinstance(delivery, dict) or not isinstance(delivery.get("data"), dict):
            raise _problem("data", "missing or not an object")
        includes = delivery.get("includes")
        users = _users(includes.get("users") if isinstance(includes, dict) else None)
        return self.parse_post(delivery["data"], users, loc="data", listening=True, raw=delivery)

    def parse_post(
        self, post: Any, users: Mapping[str, Mapping[str, Any]], *, loc: str, listening: bool, raw: Mapping[str, Any] | None = None
    ) -> ParsedPost:
        """One v2 post with the users it names; ``listening`` files keyword hits as brand mentions."""
        if not isinstance(post, dict):
            raise _problem(loc, "a post must be an object")
        post_id = _id(post, "id", loc)
        author_id = _id(post, "author_id", loc)
        text = post.get("text")
        if not isinstance(text, str):
            raise _problem(f"{loc}.text", "missing or not a string")
        created = _iso(post.get("created_at"), f"{loc}.created_at")
        if author_id == self.settings.user_id:
            return ParsedPost(post_id, None, "our own post")
        refs = {r.get("type"): str(r.get("id")) for r in post.get("referenced_tweets") or [] if isinstance(r, dict)}
        if "retweeted" in refs:
            return ParsedPost(post_id, None, "a repost")
        mentions = post.get("entities", {}).get("mentions") if isinstance(post.get("entities"), dict) else None
        named = {str(m.get("username", "")).casefold() for m in mentions or [] if isinstance(m, dict)}
        summoned = (
            self._me in named or str(post.get("in_reply_to_user_id") or "") == self.settings.user_id or bool(self._mention.search(text))
        )
        if not summoned and not listening:
            return ParsedPost(post_id, None, "neither mentions nor answers the account")
        parent = refs.get("replied_to")
        history = post.get("edit_history_tweet_ids")
        if isinstance(history, list) and history and str(history[0]) != post_id:
            parent = str(history[0])  # an edit answers (and joins) the original
        user = users.get(author_id, {})
        username = user.get("username")
        metrics = user.get("public_metrics")
        followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
        author = Author(
            external_id=author_id,
            name=str(user.get("name") or ""),
            handle=f"@{username}" if isinstance(username, str) and username else "",
            followers=followers if isinstance(followers, int) and not isinstance(followers, bool) else None,
        )
        draft = ItemDraft(
            source=self.source.name,
            external_id=post_id,
            author=author,
            text=text,
            created_at=created,
            addressing=Addressing.DIRECT if summoned else Addressing.BRAND_MENTION,
            account=f"@{self.settings.username}",
            parent_external_id=parent,
            url=post_url(post_id, username if isinstance(username, str) else None),
            language=None,
            raw=dict(raw) if raw is not None else {"data": post, "includes": {"users": [user] if user else []}},
        )
        return ParsedPost(post_id, draft)

    def _activity(self, body: Mapping[str, Any]) -> list[ParsedPost]:
        out: list[ParsedPost] = []
        tweets = body.get("tweet_create_events") or []
        if not isinstance(tweets, list):
            raise _problem("tweet_create_events", "not a list")
        for index, tweet in enumerate(tweets):
            out.append(self._legacy_post(tweet, f"tweet_create_events.{index}", body))
        dms = body.get("direct_message_events") or []
        if not isinstance(dms, list):
            raise _problem("direct_message_events", "not a list")
        given = body.get("users")
        users: Mapping[str, Any] = given if isinstance(given, dict) else {}
        for index, event in enumerate(dms):
            out.append(self._legacy_dm(event, users, f"direct_message_events.{index}", body))
        return out

    def _legacy_post(self, tweet: Any, loc: str, body: Mapping[str, Any]) -> ParsedPost:
        """An Account Activity post (v1.1 shape) as a v2 post."""
        if not isinstance(tweet, dict):
            raise _problem(loc, "not an object")
        user = tweet.get("user")
        if not isinstance(user, dict):
            raise _problem(f"{loc}.user", "missing or not an object")
        extended = tweet.get("extended_tweet")
        text = extended.get("full_text") if isinstance(extended, dict) else tweet.get("full_text") or tweet.get("text")
        entities = (extended if isinstance(extended, dict) else tweet).get("entities") or {}
        mentions = [
            {"username": m.get("screen_name"), "id": m.get("id_str")} for m in entities.get("user_mentions") or [] if isinstance(m, dict)
        ]
        refs: list[dict[str, str]] = []
        if tweet.get("in_reply_to_status_id_str"):
            refs.append({"type": "replied_to", "id": str(tweet["in_reply_to_status_id_str"])})
        if isinstance(tweet.get("retweeted_status"), dict):
            refs.append({"type": "retweeted", "id": str(tweet["retweeted_status"].get("id_str"))})
        post = {
            "id": tweet.get("id_str"),
            "author_id": user.get("id_str"),
            "text": text,
            "created_at": _legacy_time(tweet.get("created_at"), f"{loc}.created_at").isoformat(),
            "in_reply_to_user_id": tweet.get("in_reply_to_user_id_str"),
            "referenced_tweets": refs,
            "entities": {"mentions": mentions},
        }
        users = {
            str(user.get("id_str")): {
                "username": user.get("screen_name"),
                "name": user.get("name"),
                "public_metrics": {"followers_count": user.get("followers_count")},
            }
        }
        raw = {"for_user_id": body.get("for_user_id"), "tweet_create_event": tweet}
        return self.parse_post(post, users, loc=loc, listening=False, raw=raw)

    def _legacy_dm(self, event: Any, users: Mapping[str, Any], loc: str, body: Mapping[str, Any]) -> ParsedPost:
        if not isinstance(event, dict):
            raise _problem(loc, "not an object")
        event_id = _id(event, "id", loc)
        if event.get("type") != "message_create":
            return ParsedPost(f"dm:{event_id}", None, f"a {event.get('type')} event")
        create = event.get("message_create")
        if not isinstance(create, dict):
            raise _problem(f"{loc}.message_create", "missing or not an object")
        sender = _id(create, "sender_id", f"{loc}.message_create")
        if sender == self.settings.user_id:
            return ParsedPost(f"dm:{event_id}", None, "our own direct message")
        data = create.get("message_data")
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise _problem(f"{loc}.message_create.message_data.text", "missing or not a string")
        found = users.get(sender)
        user: Mapping[str, Any] = found if isinstance(found, dict) else {}
        draft = ItemDraft(
            source=self.source.name,
            external_id=f"dm:{event_id}",
            author=Author(
                external_id=sender,
                name=str(user.get("name") or ""),
                handle=f"@{user['screen_name']}" if user.get("screen_name") else "",
            ),
            text=text or "[message without text]",
            created_at=_millis(event.get("created_timestamp"), f"{loc}.created_timestamp"),
            addressing=Addressing.DM,
            account=f"@{self.settings.username}",
            raw={"for_user_id": body.get("for_user_id"), "direct_message_event": event, "user": dict(user)},
        )
        return ParsedPost(draft.external_id, draft)

    # --- mentions timeline and stream -------------------------------------------------

    def mentions(self, *, since_id: str | None) -> tuple[list[ParsedPost], str | None]:
        """New mentions since ``since_id`` (every page, oldest last) and the newest id seen."""
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        found: list[ParsedPost] = []
        newest: str | None = None
        for _page in range(MAX_PAGES):
            answer = self.api.call("GET", f"/2/users/{self.settings.user_id}/mentions", params=params)
            meta = answer.get("meta") if isinstance(answer.get("meta"), dict) else {}
            if newest is None and isinstance(meta.get("newest_id"), str):
                newest = meta["newest_id"]
            includes = answer.get("includes")
            users = _users(includes.get("users") if isinstance(includes, dict) else None)
            for index, post in enumerate(answer.get("data") or []):
                try:
                    found.append(self.parse_post(post, users, loc=f"data.{index}", listening=False))
                except InvalidPayload as exc:
                    log.warning("x %s: a mention skipped: %s", self.source.name, exc)
            token = meta.get("next_token")
            if not isinstance(token, str) or not token:
                break
            params["pagination_token"] = token
        return found, newest

    def sync_rules(self, keywords: Sequence[str] = ()) -> str:
        """Make the stream's rules the brand's: add ours if missing, delete stale ones of ours."""
        value = build_rule((*self.settings.brand_keywords, *self._context.brand_keywords, *keywords), self.settings.username)
        answer = self.api.call("GET", "/2/tweets/search/stream/rules")
        current = [r for r in answer.get("data") or [] if isinstance(r, dict)]
        stale = [str(r["id"]) for r in current if r.get("tag") == RULE_TAG and r.get("value") != value and r.get("id")]
        if stale:
            self.api.call("POST", "/2/tweets/search/stream/rules", json={"delete": {"ids": stale}})
        if not any(r.get("tag") == RULE_TAG and r.get("value") == value for r in current):
            self.api.call("POST", "/2/tweets/search/stream/rules", json={"add": [{"value": value, "tag": RULE_TAG}]})
        return value

    def stream_params(self) -> dict[str, str]:
        """The fields a stream connection asks for."""
        return {"tweet.fields": TWEET_FIELDS, "expansions": "author_id", "user.fields": USER_FIELDS}

    def read_stream(self, lines: Iterable[bytes | str]) -> Iterator[ParsedPost]:
        """Parse stream lines: blank keep-alives skipped, each JSON line a delivery."""
        for line in lines:
            text = line.strip()
            if not text:
                continue
            try:
                delivery = orjson.loads(text)
            except orjson.JSONDecodeError:
                log.warning("x %s: a stream line is not JSON; skipped", self.source.name)
                continue
            if isinstance(delivery, dict) and "data" not in delivery and "errors" in delivery:
                log.warning("x %s: the stream reports: %s", self.source.name, _detail(delivery))
                continue
            try:
                yield self.parse_delivery(delivery)
            except InvalidPayload as exc:
                log.warning("x %s: a stream delivery skipped: %s", self.source.name, exc)

    # --- outbound ---------------------------------------------------------------------

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """Reply in the post's thread, or by DM; hand it to an agent where X allows no API reply."""
        item = reply.in_reply_to
        if item is None:
            raise DeliveryRejected("the reply answers no customer post, so there is nothing to reply to")
        if item.external_id.startswith("dm:"):
            return self._send_dm(item, reply.text)
        length = weighted_length(reply.text)
        if length > MAX_WEIGHTED_LENGTH:
            raise DeliveryRejected(f"X takes at most {MAX_WEIGHTED_LENGTH} characters in a post; this reply counts {length}")
        if not self.can_reply_by_api(item):
            url = item.url or post_url(item.external_id, None)
            raise PostByHand(
                f"X accepts an API reply only when the author mentioned or answered @{self.settings.username}; post it by hand: {url}",
                url=url,
            )
        body = {"text": reply.text, "reply": {"in_reply_to_tweet_id": item.external_id}}
        try:
            answer = self.api.call("POST", "/2/tweets", json=body, user=True)
        except DeliveryUnknown as unclear:
            found = self.find_reply(item.external_id, reply.text)
            if found is None:
                raise DeliveryUnknown(f"{unclear}; no reply to post {item.external_id} was found in the account's recent posts") from None
            return DeliveryReceipt(external_id=found)
        data = answer.get("data")
        posted = data.get("id") if isinstance(data, dict) else None
        return DeliveryReceipt(external_id=str(posted) if posted else None)

    def _send_dm(self, item: Item, text: str) -> DeliveryReceipt:
        answer = self.api.call("POST", f"/2/dm_conversations/with/{item.author.external_id}/messages", json={"text": text}, user=True)
        data = answer.get("data")
        event = data.get("dm_event_id") if isinstance(data, dict) else None
        return DeliveryReceipt(external_id=f"dm:{event}" if event else None)

    def find_reply(self, in_reply_to: str, text: str) -> str | None:
        """Our recent reply to ``in_reply_to`` with this text, if X has it (the read-back).

        A read-back that fails is not proof either way, so it answers None.
        """
        try:
            answer = self.api.call(
                "GET",
                f"/2/users/{self.settings.user_id}/tweets",
                params={"max_results": 20, "tweet.fields": "referenced_tweets,created_at", "exclude": "retweets"},
                user=True,
            )
        except (DeliveryRejected, PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
            log.warning("x %s: the read-back failed: %s", self.source.name, exc)
            return None
        wanted = " ".join(text.split())
        for post in answer.get("data") or []:
            if not isinstance(post, dict):
                continue
            refs = post.get("referenced_tweets") or []
            replied = any(isinstance(r, dict) and r.get("type") == "replied_to" and str(r.get("id")) == in_reply_to for r in refs)
            # X may put the @handles it answers in front of the text.
            if replied and " ".join(str(post.get("text", "")).split()).endswith(wanted):
                return str(post.get("id"))
        return None

    def like(self, external_id: str) -> None:
        """Like a post as the account (``POST /2/users/:id/likes``)."""
        if not _ID.match(external_id):
            raise DeliveryRejected("only posts can be liked")
        self.api.call("POST", f"/2/users/{self.settings.user_id}/likes", json={"tweet_id": external_id}, user=True)


def post_url(post_id: str, username: str | None) -> str:
    """The post's address on x.com."""
    return f"https://x.com/{username}/status/{post_id}" if username else f"https://x.com/i/web/status/{post_id}"


def _users(users: Any) -> dict[str, Mapping[str, Any]]:
    return {str(u["id"]): u for u in users or [] if isinstance(u, dict) and u.get("id")}


def who_am_i(user_token: str, *, client: httpx.Client, api_base: str = API_BASE, timeout: float = 10.0) -> tuple[str, str]:
    """The connection test: the account's (id, username) from ``GET /2/users/me``."""
    settings = XSettings(user_id="0", username="x", user_token=user_token, bearer_token=user_token, api_base=api_base.rstrip("/"))
    api = XApi(settings, client=client, timeout=timeout, now=lambda: datetime.now(UTC))
    try:
        answer = api.call("GET", "/2/users/me", user=True)
    except DeliveryRejected as exc:
        raise ConfigError(f"X refused the user token: {exc}") from None
    except (PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"could not reach the X API to test the token: {exc}") from None
    data = answer.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("username"), str):
        raise ConfigError("X answered GET /2/users/me without the account's id and username")
    return data["id"], data["username"]


def check(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test of a configured source: the token still belongs to the account."""
    if context.client is None:
        raise ConfigError("the connection test needs an HTTP client")
    settings = XSettings.from_source(source)
    user_id, username = who_am_i(settings.user_token, client=context.client, api_base=settings.api_base, timeout=context.timeout)
    if user_id != settings.user_id:
        raise ConfigError(f"the user token now belongs to @{username} (id {user_id}), not to @{settings.username}")
    return f"X account @{username} (id {user_id}), {settings.mode}"


SETTINGS_FIELDS = (
    SettingField(
        "user_token", "User access token", secret=True, help="OAuth 2.0 user token: tweet.read tweet.write users.read like.write."
    ),
    SettingField("bearer_token", "App bearer token", secret=True, required=False, help="For the mentions timeline and the stream."),
    SettingField("consumer_secret", "API key secret", secret=True, required=False, help="Signs webhook events and the CRC."),
    SettingField("mode", "How posts reach the desk", required=False, choices=MODES),
    SettingField("unrestricted_replies", "Plan allows replies without a mention", required=False, choices=("false", "true")),
    SettingField("brand_keywords", "Its own brand keywords", required=False, help="Besides the desk's; comma-separated."),
    SettingField("api_base", "API base URL", required=False, help=f"Default {API_BASE}."),
)

SPEC = ChannelSpec(
    kind=KIND,
    build=XChannel,
    secret_settings=frozenset({"user_token", "bearer_token", "consumer_secret"}),
    capabilities=Capabilities(can_reply=True, can_like=True, max_length=MAX_WEIGHTED_LENGTH),
    # POST /2/tweets: 100 per 15 minutes per user on pay-per-use.
    rate_limits=(RateLimit(calls=100, per_seconds=900, scope="token"),),
    listens=True,
    settings_fields=SETTINGS_FIELDS,
    check=check,
    label="X",
)
