"""Mastodon: notifications, the streaming API and hashtag timelines in, statuses out.

Mastodon pushes nothing signed to a client app, so the desk pulls (docs/reference/channels/
mastodon.md): it polls ``GET /api/v1/notifications`` (mentions and edits) and the tag
timelines of the configured hashtags, or holds server-sent-event streams open
(``/api/v1/streaming/user`` and ``/api/v1/streaming/hashtag``) and backfills through the
same REST calls after every (re)connect, since a stream never replays what it missed.

One status becomes at most one item:

- ``direct`` visibility: ``dm``;
- a reply to one of our statuses: ``comment``;
- any other status that mentions our account: ``direct``;
- a status on a listened hashtag, or one that names a brand keyword: ``brand_mention``;
- an edit (a ``update`` notification, a ``status.update`` event): a *new* item answering the
  original (stored items never change);
- our own statuses, boosts and everything else: ignored.

The item's ``external_id`` is the status id on our instance (``<id>/edit/<edited_at>`` for
an edit); the raw status is kept as the raw payload, its ``content`` HTML turned into text.

Outbound, ``POST /api/v1/statuses`` answers in the thread with the customer's visibility and
their ``@acct`` first, carrying the reply's idempotency key as ``Idempotency-Key``: the
server drops a repeat for an hour, so a retry after an unclear outcome is safe.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import orjson

from otklik.channels import rest
from otklik.channels.base import (
    Capabilities,
    ChannelContext,
    ChannelSpec,
    DeliveryReceipt,
    OutboundReply,
    RateLimit,
    SettingField,
    SourceConfig,
)
from otklik.channels.payload import PayloadReader
from otklik.channels.telegram import keyword_pattern
from otklik.domain.items import Addressing, Author, Item, ItemDraft
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

KIND = "mastodon"
MODES = ("polling", "streaming")
#: The length limit of vanilla Mastodon; an instance may set its own (``max_characters``).
MAX_TEXT = 500
#: ``GET /api/v1/notifications`` and tag timelines give at most 40 (80 since 4.1) per page.
PAGE = 40
#: The notification types the desk reads: mentions (replies and DMs included) and edits.
NOTIFICATION_TYPES = ("mention", "update")
#: Mastodon counts every link as 23 characters, whatever its length.
URL_LENGTH = 23

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_REMOTE_MENTION = re.compile(r"(?<![\w/])@(\w+)@[\w.-]+\w", re.UNICODE)
_HASHTAG = re.compile(r"^[^\s#/?]{1,100}$")
_MEDIA = {"image": "image", "video": "video", "gifv": "GIF", "audio": "audio"}


def status_length(text: str) -> int:
    """A status's length as Mastodon counts it: a link is 23, ``@user@domain`` is ``@user``."""
    text = _URL.sub("x" * URL_LENGTH, text)
    text = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), text)
    return len(text)


def id_order(status_id: str) -> tuple[int, str]:
    """Sort key of Mastodon ids: opaque strings that sort by length, then by text."""
    return len(status_id), status_id


def newest(ids: Iterable[str], current: str | None = None) -> str | None:
    """The greatest of ``ids`` and ``current`` (a cursor never moves back)."""
    best = current
    for value in ids:
        if best is None or id_order(value) > id_order(best):
            best = value
    return best


# --- HTML to text -------------------------------------------------------------------------


class _Text(HTMLParser):
    """Mastodon's sanitised HTML (``p br span a``) as plain text: paragraphs and line breaks kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of a status's ``content``; entities decoded, tags dropped, links whole."""
    if "<" not in html:
        return unescape(html).strip()
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountIdentity:
    """Our account, as ``verify_credentials`` describes it."""

    id: str
    username: str
    acct: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class MastodonSettings:
    """A Mastodon source's settings, checked."""

    instance: str
    token: str
    mode: str
    account: AccountIdentity
    hashtags: tuple[str, ...] = ()
    brand_keywords: tuple[str, ...] = ()
    max_characters: int = MAX_TEXT
    streaming_base: str | None = None

    @classmethod
    def from_source(cls, source: SourceConfig) -> MastodonSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw = source.settings
        instance, token = raw.get("instance"), raw.get("token")
        if not isinstance(instance, str) or not instance.startswith(("https://", "http://")):
            raise ConfigError(f"source {source.name}: the instance URL is missing or not http(s)")
        if not isinstance(token, str) or not token.strip():
            raise ConfigError(f"source {source.name}: the access token is missing")
        mode = raw.get("mode", "polling")
        if mode not in MODES:
            raise ConfigError(f"source {source.name}: mode must be polling or streaming, not {mode!r}")
        account_id, username = raw.get("account_id"), raw.get("username")
        if not isinstance(account_id, str) or not account_id or not isinstance(username, str) or not username:
            raise ConfigError(f"source {source.name}: the account's id and username are missing (add the channel again)")
        hashtags, keywords = raw.get("hashtags") or [], raw.get("brand_keywords") or []
        for value in (hashtags, keywords):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"source {source.name}: hashtags and brand_keywords must be lists of words")
        limit = raw.get("max_characters", MAX_TEXT)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ConfigError(f"source {source.name}: max_characters must be a positive number")
        streaming = raw.get("streaming_base")
        return cls(
            instance=instance.rstrip("/"),
            token=token,
            mode=mode,
            account=AccountIdentity(account_id, username, str(raw.get("acct") or username), str(raw.get("account_url") or "")),
            hashtags=tuple(hashtags),
            brand_keywords=tuple(keywords),
            max_characters=limit,
            streaming_base=streaming.rstrip("/") if isinstance(streaming, str) and streaming else None,
        )


def valid_hashtag(tag: str) -> bool:
    """Whether ``tag`` (without ``#``) can name a tag timeline."""
    return bool(_HASHTAG.match(tag))


# --- the REST API -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paginated list and the cursor of the newer page (``Link: rel="prev"``)."""

    entries: list[Any]
    prev_min_id: str | None


class MastodonApi:
    """Calls the REST API with the bearer token and maps every answer onto the error tree.

    Only outcomes that mean "not done" are retryable: no connection, a 429 (until
    ``X-RateLimit-Reset``) or a 5xx. A request sent without a readable answer is
    :class:`DeliveryUnknown`; ``POST /api/v1/statuses`` with ``Idempotency-Key`` makes it safe
    to send again. The token is never part of a message.
    """

    def __init__(self, instance: str, token: str, *, client: httpx.Client, timeout: float = 10.0):
        self.instance = instance.rstrip("/")
        self._headers = {"authorization": f"Bearer {token}", "user-agent": "otklik", "accept": "application/json"}
        self._client = client
        self._timeout = timeout

    @property
    def auth_headers(self) -> dict[str, str]:
        """Headers for a request made elsewhere (the streams)."""
        return dict(self._headers)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, str]] | None = None,
        json: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, httpx.Response]:
        """One call; the decoded JSON and the response, or a :class:`ChannelError`."""
        what = f"Mastodon {method} {path}"
        with rest.transport_errors(what):
            response = self._client.request(
                method,
                self.instance + path,
                params=params,  # type: ignore[arg-type]
                content=orjson.dumps(dict(json)) if json is not None else None,
                headers={**self._headers, **({"content-type": "application/json"} if json is not None else {}), **(headers or {})},
                timeout=self._timeout,
            )
        return decode_answer(what, response), response

    def page(self, path: str, params: list[tuple[str, str]]) -> Page:
        """A GET of a paginated list."""
        entries, response = self.call("GET", path, params=params)
        if not isinstance(entries, list):
            raise PlatformUnavailable(f"Mastodon GET {path}: the answer is not a list")
        return Page(entries, prev_min_id(response.headers.get("link")))


def decode_answer(what: str, response: httpx.Response) -> Any:
    """The JSON of a 2xx answer; any other answer as the error it means."""
    status = response.status_code
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    reason = f"{status} {str(error)[:300]}" if error else f"HTTP {status}"
    if status == 429:
        raise RateLimited(f"{what}: too many requests", retry_after=retry_after(response.headers))
    if status >= 500:
        raise PlatformUnavailable(f"{what}: {reason}")
    if status >= 400:
        raise DeliveryRejected(f"{what}: {reason}")
    if status >= 300:
        raise DeliveryRejected(f"{what}: redirected ({status}); check the instance URL")
    if body is None and status != 204:
        raise rest.unreadable(what, status)
    return body


def retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float:
    """Seconds until ``X-RateLimit-Reset`` (an ISO 8601 time), or ``Retry-After``; 1-3600 s."""
    moment = datetime.now(UTC) if now is None else now
    reset = headers.get("x-ratelimit-reset")
    seconds: float | None = None
    if reset:
        try:
            seconds = (datetime.fromisoformat(reset.replace("Z", "+00:00")) - moment).total_seconds()
        except ValueError:
            seconds = None
    if seconds is None:
        return rest.seconds(headers.get("retry-after"), default=30.0)
    return rest.seconds(seconds, default=30.0)


_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def prev_min_id(link: str | None) -> str | None:
    """The ``min_id`` of the ``rel="prev"`` page in a ``Link`` header (the newer items)."""
    for url, rel in _LINK.findall(link or ""):
        if rel == "prev":
            values = parse_qs(urlsplit(url).query).get("min_id")
            return values[0] if values else None
    return None


# --- server-sent events -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of a stream: its name and its (still encoded) data."""

    event: str
    data: str


def sse_events(lines: Iterable[str]) -> Iterator[StreamEvent]:
    """Events from the lines of an SSE stream; ``:`` heartbeats skipped, multi-line data joined."""
    name = ""
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield StreamEvent(name or "message", "\n".join(data))
            name, data = "", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    if data:
        yield StreamEvent(name or "message", "\n".join(data))


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one status, notification or event holds: an item, or why there is none."""

    draft: ItemDraft | None
    ignored: str | None = None
    #: The notification's id (the polling cursor), when it came as one.
    notification_id: str | None = None


_read = PayloadReader("Mastodon payload")
_problem = _read.problem
_str = _read.string
_obj = _read.mapping


def _when(value: str, loc: str) -> datetime:
    return _read.iso_time(value, loc, zoneless="a time without its zone")


def status_key(status_id: str, *, edited_at: str | None = None) -> str:
    """The ``external_id`` of a status (or of one edit of it)."""
    return f"{status_id}/edit/{edited_at}" if edited_at else status_id


def status_id_of(external_id: str) -> str:
    """The status id an ``external_id`` made by :func:`status_key` names."""
    status_id = external_id.split("/edit/", 1)[0]
    if not status_id or "/" in status_id:
        raise DeliveryRejected(f"{external_id!r} is not a Mastodon status id")
    return status_id


def _text(status: Mapping[str, Any]) -> str:
    content = status.get("content")
    text = html_to_text(content) if isinstance(content, str) else ""
    warning = status.get("spoiler_text")
    if isinstance(warning, str) and warning.strip():
        text = f"[CW: {warning.strip()}]\n{text}".strip()
    if not text:
        media = status.get("media_attachments")
        kinds = [str(m.get("type")) for m in media if isinstance(m, dict)] if isinstance(media, list) else []
        labels = ", ".join(_MEDIA.get(k, "file") for k in kinds)
        text = f"[{labels}]" if labels else "[empty status]"
    return text


class MastodonChannel:
    """One account on one instance (one source): parsing, the REST calls and the streams."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = MastodonSettings.from_source(source)
        self._context = context
        self._keywords = keyword_pattern((*self.settings.brand_keywords, *context.brand_keywords))
        self._hashtags = {t.casefold() for t in self.settings.hashtags}
        self._account = f"@{self.settings.account.acct}"
        self._api = (
            MastodonApi(self.settings.instance, self.settings.token, client=context.client, timeout=context.timeout)
            if context.client is not None
            else None
        )

    @property
    def capabilities(self) -> Capabilities:
        """Replies (idempotent by ``Idempotency-Key``), pins of our own statuses, favourites."""
        return Capabilities(can_reply=True, can_pin=True, can_like=True, max_length=self.settings.max_characters, idempotent=True)

    @property
    def api(self) -> MastodonApi:
        """The REST client (only for channels built with an HTTP client)."""
        if self._api is None:
            raise RuntimeError("this Mastodon channel was built without an HTTP client")
        return self._api

    # --- inbound ----------------------------------------------------------------------

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Mastodon signs nothing it could push to us, so no webhook is accepted."""
        raise SignatureInvalid("Mastodon channels are read by polling or streaming; they take no webhooks")

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The item in one JSON notification or status (as the REST API and streams give them)."""
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidPayload(f"body is not valid JSON: {exc}", status_code=400) from None
        if not isinstance(value, dict):
            raise _problem("(body)", "a notification or status must be a JSON object")
        parsed = self.parse_notification(value) if "type" in value and "account" in value and "content" not in value else None
        parsed = parsed or self.parse_status(value)
        return [parsed.draft] if parsed.draft is not None else []

    def parse_notification(self, notification: Any) -> Parsed:
        """One notification: a mention (or the edit of one) holds an item; other types do not."""
        if not isinstance(notification, dict):
            raise _problem("(notification)", "must be a JSON object")
        notification_id = _str(notification, "id", "")
        kind = notification.get("type")
        if kind not in NOTIFICATION_TYPES:
            return Parsed(None, f"a {kind} notification: nothing written to us", notification_id)
        status = _obj(notification, "status", "")
        parsed = self.parse_status(status, loc="status", edit=kind == "update", notified=True)
        return Parsed(parsed.draft, parsed.ignored, notification_id)

    def parse_status(self, status: Any, *, loc: str = "", edit: bool = False, notified: bool = False, hashtag: str | None = None) -> Parsed:
        """One status: its item, or why it holds none.

        ``notified`` says it came as a notification to us (so it addresses us), ``hashtag``
        that it came from a listened tag's timeline or stream. Raises
        :class:`InvalidPayload` for a status that breaks the API's own shape.
        """
        if not isinstance(status, dict):
            raise _problem(loc or "(status)", "must be a JSON object")
        here = f"{loc}." if loc else ""
        status_id = _str(status, "id", loc)
        account = _obj(status, "account", loc)
        author_id = _str(account, "id", f"{here}account")
        acct = _str(account, "acct", f"{here}account")
        created_at = _when(_str(status, "created_at", loc), f"{here}created_at")
        if author_id == self.settings.account.id:
            return Parsed(None, "our own status")
        if status.get("reblog") is not None:
            return Parsed(None, "a boost (the boosted status reaches us on its own)")
        if account.get("bot") is True and not notified:
            return Parsed(None, "written by a bot")
        edited_at = status.get("edited_at") if edit else None
        if edit and not isinstance(edited_at, str):
            raise _problem(f"{here}edited_at", "missing in an edit")
        if isinstance(edited_at, str):
            created_at = _when(edited_at, f"{here}edited_at")
        text = _text(status)
        addressing = self._addressing(status, text, notified=notified, hashtag=hashtag)
        if addressing is None:
            return Parsed(None, "neither addresses us nor names the brand")
        in_reply_to = status.get("in_reply_to_id")
        parent = in_reply_to if isinstance(in_reply_to, str) and in_reply_to else None
        if isinstance(edited_at, str):
            parent = status_id  # an edit answers the original, so it joins its conversation
        url = status.get("url") or status.get("uri")
        draft = ItemDraft(
            source=self.source.name,
            external_id=status_key(status_id, edited_at=edited_at if isinstance(edited_at, str) else None),
            author=Author(
                external_id=author_id,
                name=str(account.get("display_name") or account.get("username") or ""),
                handle=f"@{acct}",
                followers=account.get("followers_count") if isinstance(account.get("followers_count"), int) else None,
            ),
            text=text,
            created_at=created_at,
            addressing=addressing,
            account=self._account,
            parent_external_id=parent,
            url=url if isinstance(url, str) else None,
            language=status.get("language") if isinstance(status.get("language"), str) else None,
            raw=dict(status),
        )
        return Parsed(draft)

    def _addressing(self, status: Mapping[str, Any], text: str, *, notified: bool, hashtag: str | None) -> Addressing | None:
        ours = self.settings.account.id
        mentions = status.get("mentions")
        mentioned = isinstance(mentions, list) and any(isinstance(m, dict) and m.get("id") == ours for m in mentions)
        if status.get("visibility") == "direct" and (mentioned or notified):
            return Addressing.DM
        if status.get("in_reply_to_account_id") == ours:
            return Addressing.COMMENT
        if mentioned or notified:
            return Addressing.DIRECT
        if hashtag is not None or self._on_listened_tag(status):
            return Addressing.BRAND_MENTION
        if self._keywords is not None and self._keywords.search(text):
            return Addressing.BRAND_MENTION
        return None

    def _on_listened_tag(self, status: Mapping[str, Any]) -> bool:
        tags = status.get("tags")
        if not self._hashtags or not isinstance(tags, list):
            return False
        return any(isinstance(t, dict) and str(t.get("name", "")).casefold() in self._hashtags for t in tags)

    def parse_event(self, event: StreamEvent, *, hashtag: str | None = None) -> Parsed:
        """One streaming event: ``notification``, ``update`` or ``status.update``; others hold nothing."""
        if event.event not in ("notification", "update", "status.update"):
            return Parsed(None, f"a {event.event} event")
        try:
            payload = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            raise _problem("(event data)", "not valid JSON") from None
        if event.event == "notification":
            return self.parse_notification(payload)
        return self.parse_status(payload, edit=event.event == "status.update", hashtag=hashtag)

    # --- reading ----------------------------------------------------------------------

    def notifications(self, *, min_id: str | None, limit: int = PAGE) -> Page:
        """The page of mentions and edits just newer than ``min_id`` (the newest page without one)."""
        params = [("types[]", t) for t in NOTIFICATION_TYPES] + [("limit", str(limit))]
        if min_id is not None:
            params.append(("min_id", min_id))
        return self.api.page("/api/v1/notifications", params)

    def tag_timeline(self, tag: str, *, min_id: str | None, limit: int = PAGE) -> Page:
        """The page of a hashtag's statuses just newer than ``min_id``."""
        params = [("limit", str(limit))]
        if min_id is not None:
            params.append(("min_id", min_id))
        return self.api.page(f"/api/v1/timelines/tag/{quote(tag, safe='')}", params)

    def stream_url(self, stream: str) -> tuple[str, dict[str, str]]:
        """The SSE URL and query of a stream: ``user`` or ``hashtag:<tag>``."""
        base = self.settings.streaming_base or self.settings.instance
        if stream == "user":
            return f"{base}/api/v1/streaming/user", {}
        tag = stream.removeprefix("hashtag:")
        return f"{base}/api/v1/streaming/hashtag", {"tag": tag}

    # --- outbound ---------------------------------------------------------------------

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """``POST /api/v1/statuses`` in the customer's thread, with their visibility and ``@acct``."""
        if reply.in_reply_to is None:
            raise DeliveryRejected("the reply answers no customer status, so there is no thread to post it in")
        item = reply.in_reply_to
        text = _addressed(reply.text, item.author.handle)
        length = status_length(text)
        if length > self.settings.max_characters:
            raise DeliveryRejected(f"this instance takes at most {self.settings.max_characters} characters; the reply has {length}")
        body: dict[str, Any] = {"status": text, "in_reply_to_id": status_id_of(item.external_id), "visibility": _visibility(item)}
        language = item.raw.get("language")
        if isinstance(language, str) and language:
            body["language"] = language
        status, _ = self.api.call("POST", "/api/v1/statuses", json=body, headers={"idempotency-key": reply.idempotency_key})
        new_id = status.get("id") if isinstance(status, dict) else None
        return DeliveryReceipt(external_id=new_id if isinstance(new_id, str) else None)

    def pin(self, external_id: str) -> None:
        """Feature one of *our* statuses on the profile (the server refuses others' with 422)."""
        self.api.call("POST", f"/api/v1/statuses/{status_id_of(external_id)}/pin")

    def unpin(self, external_id: str) -> None:
        """Stop featuring it."""
        self.api.call("POST", f"/api/v1/statuses/{status_id_of(external_id)}/unpin")

    def like(self, external_id: str) -> None:
        """Favourite the customer's status."""
        self.api.call("POST", f"/api/v1/statuses/{status_id_of(external_id)}/favourite")


def _addressed(text: str, handle: str) -> str:
    """The reply with the customer's ``@acct`` first: the server adds no mention by itself."""
    if not handle.startswith("@") or text.casefold().startswith(handle.casefold()):
        return text
    return f"{handle} {text}"


def _visibility(item: Item) -> str:
    visibility = item.raw.get("visibility")
    return visibility if visibility in ("public", "unlisted", "private", "direct") else "direct" if item.addressing == "dm" else "public"


def verify_credentials(instance: str, token: str, *, client: httpx.Client, timeout: float = 10.0) -> tuple[AccountIdentity, int]:
    """The connection test: whose token it is, and the instance's status length limit.

    :class:`ConfigError` when the token is refused or the instance cannot be reached.
    """
    api = MastodonApi(instance, token, client=client, timeout=timeout)
    try:
        account, _ = api.call("GET", "/api/v1/accounts/verify_credentials")
    except DeliveryRejected as exc:
        raise ConfigError(f"Mastodon refused the access token: {exc}") from None
    except (PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"could not reach {instance} to test the token: {exc}") from None
    if not isinstance(account, dict) or not isinstance(account.get("id"), str) or not isinstance(account.get("username"), str):
        raise ConfigError("verify_credentials answered without the account's id and username")
    limit = MAX_TEXT
    try:
        about, _ = api.call("GET", "/api/v2/instance")
        configured = about.get("configuration", {}).get("statuses", {}).get("max_characters") if isinstance(about, dict) else None
        if isinstance(configured, int) and configured > 0:
            limit = configured
    except (DeliveryRejected, PlatformUnavailable, DeliveryUnknown, RateLimited, AttributeError):
        pass  # older servers have no v2 instance; 500 is Mastodon's own default
    identity = AccountIdentity(
        id=account["id"],
        username=account["username"],
        acct=str(account.get("acct") or account["username"]),
        url=str(account.get("url") or ""),
    )
    return identity, limit


def check_connection(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test: ``verify_credentials`` with the source's token; whose account it is."""
    if context.client is None:
        raise ConfigError("the connection test needs an HTTP client")
    settings = MastodonSettings.from_source(source)
    account, limit = verify_credentials(settings.instance, settings.token, client=context.client, timeout=context.timeout)
    if account.id != settings.account.id:
        raise ConfigError(f"the token now belongs to @{account.acct} (id {account.id}), not to the configured account")
    return f"connected as @{settings.account.acct} (id {account.id}), statuses up to {limit} characters"


SPEC = ChannelSpec(
    kind=KIND,
    build=MastodonChannel,
    secret_settings=frozenset({"token"}),
    label="Mastodon account",
    capabilities=Capabilities(can_reply=True, can_pin=True, can_like=True, max_length=MAX_TEXT, idempotent=True),
    # Mastodon's default: 300 calls in 5 minutes per account, over every endpoint.
    rate_limits=(RateLimit(300, 300.0, burst=30),),
    listens=True,
    settings_fields=(
        SettingField("instance", "Instance URL", help="Like https://mastodon.social"),
        SettingField("token", "Access token", secret=True, help="Preferences → Development → New application"),
        SettingField("mode", "Mode", choices=MODES, help="polling: the worker asks every pass; streaming: it holds a stream open"),
        SettingField("hashtags", "Hashtags to listen to", required=False, help="Without #, comma-separated"),
        SettingField("brand_keywords", "Its own brand keywords", required=False, help="Besides the desk's; comma-separated"),
        SettingField("streaming_base", "Streaming URL", required=False, help="Only when the instance streams from another host"),
    ),
    check=check_connection,
)
