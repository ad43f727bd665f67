"""VK (VKontakte): Callback API and Bots Long Poll in, API methods (``v=5.199``) out.

A community's events reach the desk either pushed to ``/hooks/vk/{source}`` (Callback API)
or pulled by the worker (Bots Long Poll). Both carry the same event objects, and one event
becomes at most one item (docs/reference/channels/vk.md):

- ``message_new`` from a person to the community: ``dm``; in a group chat, one that mentions
  the community: ``direct``, one naming a brand keyword: ``brand_mention``, other chatter is
  ignored;
- ``wall_reply_new``, ``photo_comment_new``, ``board_post_new`` on the community's wall,
  photos or discussion boards: ``comment``, threaded by the post, photo or topic;
- ``wall_post_new`` by someone else on the community's wall (a suggested post, say):
  ``direct``;
- the ``…_edit`` variants: a *new* item answering the original (stored items never change);
- the community's own messages and comments, and every other event type: ignored.

The ``external_id`` names the object, not the event: ``msg<peer>_<conversation message id>``,
``wall<owner>_<post>_<comment>``, ``photo<owner>_<photo>_<comment>``,
``topic<owner>_<topic>_<comment>``, ``wall<owner>_<post>``, with ``/edit/<event_id>`` for an
edit. A redelivered event (VK sends again whatever was not answered ``ok``) carries the
same object, so it is stored once; the whole event is kept as the raw payload.

Outbound, ``messages.send`` carries ``random_id`` and ``wall.createComment`` (and the photo
and board variants) carry ``guid``, both derived from the reply's idempotency key, so VK
drops a repeat and a retry after an unclear outcome is safe. VK reports errors as HTTP 200
with ``{"error": {...}}``; :func:`raise_for_error` maps the codes onto the error tree.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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

KIND = "vk"
API_BASE = "https://api.vk.com/method"
API_VERSION = "5.199"
MODES = ("callback", "longpoll")
#: ``messages.send`` takes up to 9000 characters; comments are held to the same.
MAX_TEXT = 9000
#: Peer ids from here up are group chats (``2000000000 + chat id``).
CHAT_PEER = 2_000_000_000
#: Bots Long Poll waits at most 90 s; 25 is VK's own example.
LONGPOLL_WAIT = 25

# Error codes (https://dev.vk.com/ru/reference/errors), by what the outbox should do.
RATE_CODES = {6: 1.0, 9: 60.0, 29: 3600.0}  # too many per second, flood control, rate limit reached
UNAVAILABLE_CODES = frozenset({1, 10})  # unknown error, internal server error

_TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\s]+")
_LINK_MENTION = re.compile(r"\[(id|club|public)(\d+)\|([^\]]*)\]")
_ATTACHMENTS = {
    "photo": "photo",
    "video": "video",
    "audio": "audio",
    "doc": "file",
    "sticker": "sticker",
    "audio_message": "voice message",
    "link": "link",
    "wall": "post",
    "market": "product",
    "poll": "poll",
    "graffiti": "graffiti",
}
# The event types that hold something a person wrote, and whether each is an edit.
_COMMENTS = {
    "wall_reply_new": ("wall", False),
    "wall_reply_edit": ("wall", True),
    "photo_comment_new": ("photo", False),
    "photo_comment_edit": ("photo", True),
    "board_post_new": ("topic", False),
    "board_post_edit": ("topic", True),
}


def redact(text: str) -> str:
    """``text`` with any ``access_token=`` value replaced (for logs and error messages)."""
    return _TOKEN_IN_TEXT.sub(r"\1<token>", text)


def random_id(key: str) -> int:
    """A ``messages.send`` ``random_id`` from an idempotency key: the same key, the same id.

    VK checks it for uniqueness across the sender's whole history, so it is well spread,
    positive and within int32.
    """
    value = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") & 0x7FFFFFFF
    return value or 1


def guid(key: str) -> str:
    """A ``guid`` for ``*.createComment`` from an idempotency key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Community:
    """The community, as ``groups.getById`` describes it."""

    id: int
    name: str
    screen_name: str


@dataclass(frozen=True, slots=True)
class VkSettings:
    """A VK source's settings, checked."""

    token: str
    mode: str
    community: Community
    confirmation: str = ""
    user_token: str | None = None
    api_base: str = API_BASE
    brand_keywords: tuple[str, ...] = ()

    @classmethod
    def from_source(cls, source: SourceConfig) -> VkSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw = source.settings
        token = raw.get("token")
        if not isinstance(token, str) or not token.strip():
            raise ConfigError(f"source {source.name}: the community token is missing")
        mode = raw.get("mode", "callback")
        if mode not in MODES:
            raise ConfigError(f"source {source.name}: mode must be callback or longpoll, not {mode!r}")
        group_id = raw.get("group_id")
        if not isinstance(group_id, int) or isinstance(group_id, bool) or group_id <= 0:
            raise ConfigError(f"source {source.name}: the community's id is missing (add the channel again)")
        confirmation = raw.get("confirmation") or ""
        if mode == "callback" and (not isinstance(confirmation, str) or not confirmation):
            raise ConfigError(f"source {source.name}: the Callback API confirmation string is missing")
        user_token = raw.get("user_token") or None
        api_base = raw.get("api_base") or API_BASE
        keywords = raw.get("brand_keywords") or []
        if not isinstance(api_base, str) or not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ConfigError(f"source {source.name}: api_base must be a URL and brand_keywords a list of words")
        return cls(
            token=token,
            mode=mode,
            community=Community(group_id, str(raw.get("group_name") or ""), str(raw.get("screen_name") or f"club{group_id}")),
            confirmation=str(confirmation),
            user_token=user_token if isinstance(user_token, str) else None,
            api_base=api_base.rstrip("/"),
            brand_keywords=tuple(keywords),
        )


# --- the API ------------------------------------------------------------------------------


class VkApi:
    """Calls API methods (form-encoded POST, ``v=5.199``) and maps every answer onto the error tree.

    VK answers HTTP 200 with ``{"error": …}`` for its own errors; only the codes that mean
    "not done" are retryable. A request sent without a readable answer is
    :class:`DeliveryUnknown`. The token never appears in a message.
    """

    def __init__(self, token: str, *, client: httpx.Client, base_url: str = API_BASE, timeout: float = 10.0):
        self._base = base_url.rstrip("/")
        self._token = token
        self._client = client
        self._timeout = timeout

    def call(self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """Call ``method``; its ``response``, or a :class:`ChannelError`."""
        form = {k: _form_value(v) for k, v in (params or {}).items() if v is not None}
        form["v"] = API_VERSION
        with rest.transport_errors(f"VK {method}"):
            response = self._client.post(
                f"{self._base}/{method}",
                data=form,
                headers={"authorization": f"Bearer {self._token}", "user-agent": "otklik"},
                timeout=timeout or self._timeout,
            )
        return _response(method, response)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def _response(method: str, response: httpx.Response) -> Any:
    status = response.status_code
    if status == 429:
        raise RateLimited(f"VK {method}: HTTP 429", retry_after=1.0)
    if status >= 500:
        raise PlatformUnavailable(f"VK {method}: HTTP {status}")
    try:
        answer = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        if status >= 400:
            raise DeliveryRejected(f"VK {method}: HTTP {status}")
        raise rest.unreadable(f"VK {method}", status)
    if "error" in answer:
        raise_for_error(method, answer["error"])
    if "response" not in answer:
        raise DeliveryUnknown(f"VK {method}: an answer without a response; it may have been done")
    return answer["response"]


def raise_for_error(method: str, error: Any) -> None:
    """Raise the error tree's exception for a VK ``error`` object."""
    code = error.get("error_code") if isinstance(error, dict) else None
    text = redact(str(error.get("error_msg") if isinstance(error, dict) else error)[:300])
    if isinstance(code, int) and code in RATE_CODES:
        raise RateLimited(f"VK {method}: {code} {text}", retry_after=RATE_CODES[code])
    if isinstance(code, int) and code in UNAVAILABLE_CODES:
        raise PlatformUnavailable(f"VK {method}: {code} {text}")
    # 5 bad token, 7/15 access denied, 14 captcha, 100 bad parameters, 901 the person
    # disallowed messages from the community: all need a person, none a retry.
    raise DeliveryRejected(f"VK {method}: {code} {text}")


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """One event: its type, the item it holds or why it holds none."""

    type: str
    draft: ItemDraft | None
    ignored: str | None = None


_read = PayloadReader("VK event")
_problem = _read.problem
_int = _read.integer
_obj = _read.mapping
_when = _read.unix_time


def _text(obj: Mapping[str, Any]) -> str:
    """The text with ``[club1|Volna]`` links shown as their names; attachments in brackets."""
    text = obj.get("text")
    text = _LINK_MENTION.sub(lambda m: m.group(3), text).strip() if isinstance(text, str) else ""
    if text:
        return text
    attachments = obj.get("attachments")
    kinds = [str(a.get("type")) for a in attachments if isinstance(a, dict)] if isinstance(attachments, list) else []
    labels = ", ".join(_ATTACHMENTS.get(k, k) for k in kinds)
    return f"[{labels}]" if labels else "[empty]"


def parse_envelope(body: bytes) -> dict[str, Any]:
    """The decoded Callback API envelope; :class:`InvalidPayload` for non-JSON or no ``type``."""
    try:
        event = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidPayload(f"body is not valid JSON: {exc}", status_code=400) from None
    if not isinstance(event, dict):
        raise _problem("(event)", "an event must be a JSON object")
    if not isinstance(event.get("type"), str) or not event["type"]:
        raise _problem("type", "missing or not a string")
    return event


class VkChannel:
    """One community (one source): callback checks, parsing, and the API calls."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = VkSettings.from_source(source)
        self._context = context
        community = self.settings.community
        self._keywords = keyword_pattern((*self.settings.brand_keywords, *context.brand_keywords))
        self._mention = re.compile(
            rf"\[(?:club|public){community.id}\|[^\]]*\]|@{re.escape(community.screen_name)}(?!\w)|@(?:club|public){community.id}(?!\w)",
            re.IGNORECASE,
        )
        self._account = f"club{community.id}"
        self._api = (
            VkApi(self.settings.token, client=context.client, base_url=self.settings.api_base, timeout=context.timeout)
            if context.client is not None
            else None
        )
        self._user_api = (
            VkApi(self.settings.user_token, client=context.client, base_url=self.settings.api_base, timeout=context.timeout)
            if context.client is not None and self.settings.user_token
            else None
        )

    @property
    def capabilities(self) -> Capabilities:
        """Replies (idempotent by ``random_id``/``guid``); pin and like need an admin's user token."""
        user = self.settings.user_token is not None
        return Capabilities(can_reply=True, can_pin=user, can_like=user, max_length=MAX_TEXT, idempotent=True)

    @property
    def api(self) -> VkApi:
        """The API client with the community token (only for channels built with an HTTP client)."""
        if self._api is None:
            raise RuntimeError("this VK channel was built without an HTTP client")
        return self._api

    @property
    def user_api(self) -> VkApi:
        """The API client with the admin's user token, for the methods a community token cannot call."""
        if self._user_api is None:
            raise DeliveryRejected("pinning and liking on VK need a community admin's user token (--user-token)")
        return self._user_api

    # --- inbound ----------------------------------------------------------------------

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Check the body's ``secret`` against the source's secret key in constant time.

        The confirmation handshake may come before a secret is set up, so it is let through
        without one; it only asks for the confirmation string.
        """
        self.verify_event(parse_envelope(body))

    def verify_event(self, event: Mapping[str, Any]) -> None:
        """:meth:`verify` for an envelope already decoded by :func:`parse_envelope`."""
        given = event.get("secret")
        if event.get("group_id") != self.settings.community.id:
            raise SignatureInvalid(f"the event is for community {event.get('group_id')}, not {self.settings.community.id}")
        if event["type"] == "confirmation" and given is None:
            return
        if not isinstance(given, str) or not given:
            raise SignatureInvalid("missing secret in the event")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.source.secret.encode()):
            raise SignatureInvalid("the event's secret does not match the source's secret key")

    def confirmation(self) -> str:
        """The string that answers the Callback API's confirmation handshake."""
        return self.settings.confirmation

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The item one Callback API event holds (none when it is not for the desk)."""
        parsed = self.parse_event(parse_envelope(body))
        if parsed.draft is None:
            log.debug("vk %s: %s event ignored: %s", self.source.name, parsed.type, parsed.ignored)
            return []
        return [parsed.draft]

    def parse_event(self, event: Any) -> ParsedEvent:
        """One decoded event (Callback API or Long Poll): its item, or why it holds none.

        Raises :class:`InvalidPayload` for an event that breaks VK's own shape.
        """
        if not isinstance(event, dict):
            raise _problem("(event)", "an event must be a JSON object")
        kind = event.get("type")
        if not isinstance(kind, str) or not kind:
            raise _problem("type", "missing or not a string")
        event_id = event.get("event_id")
        if kind == "confirmation":
            return ParsedEvent(kind, None, "the confirmation handshake")
        obj = _obj(event, "object", "")
        if not isinstance(event_id, str) or not event_id:
            raise _problem("event_id", "missing or not a string")
        if kind in ("message_new", "message_edit"):
            return self._message(event, obj, edit_of=event_id if kind == "message_edit" else None)
        if kind in _COMMENTS:
            place, edit = _COMMENTS[kind]
            return self._comment(event, obj, place, edit_of=event_id if edit else None)
        if kind == "wall_post_new":
            return self._wall_post(event, obj)
        return ParsedEvent(kind, None, f"a {kind} event: nothing a person wrote to the desk")

    def _draft(self, event: Mapping[str, Any], **fields: Any) -> ItemDraft:
        return ItemDraft(source=self.source.name, account=self._account, raw=dict(event), **fields)

    def _author(self, from_id: int) -> Author:
        handle = f"id{from_id}" if from_id > 0 else f"club{-from_id}"
        return Author(external_id=str(from_id), name="", handle=handle)

    def _message(self, event: Mapping[str, Any], obj: Mapping[str, Any], *, edit_of: str | None) -> ParsedEvent:
        kind = str(event["type"])
        # Since 5.103 ``message_new`` wraps the message with ``client_info``; an edit is bare.
        message = _obj(obj, "message", "object") if "message" in obj or edit_of is None else obj
        loc = "object.message" if message is not obj else "object"
        peer_id = _int(message, "peer_id", loc)
        from_id = _int(message, "from_id", loc)
        cmid = _int(message, "conversation_message_id", loc)
        created_at = _when(_int(message, "update_time" if edit_of and "update_time" in message else "date", loc), f"{loc}.date")
        if from_id <= 0:
            return ParsedEvent(kind, None, "written by a community (ours or another)")
        text = _text(message)
        key = f"msg{peer_id}_{cmid}"
        parent: str | None = None
        reply = message.get("reply_message")
        if isinstance(reply, dict) and isinstance(reply.get("conversation_message_id"), int):
            parent = f"msg{peer_id}_{reply['conversation_message_id']}"
        thread: str | None = None
        if peer_id >= CHAT_PEER:
            thread = str(peer_id)
            if self._mention.search(str(message.get("text") or "")) or (
                isinstance(reply, dict) and reply.get("from_id") == -self.settings.community.id
            ):
                addressing = Addressing.DIRECT
            elif self._keywords is not None and self._keywords.search(text):
                addressing = Addressing.BRAND_MENTION
            else:
                return ParsedEvent(kind, None, "a group chat message that neither addresses the community nor names the brand")
        else:
            addressing = Addressing.DM
        if edit_of is not None:
            parent, key = key, f"{key}/edit/{edit_of}"
        url = f"https://vk.com/gim{self.settings.community.id}?sel={peer_id}" if peer_id < CHAT_PEER else None
        draft = self._draft(
            event,
            external_id=key,
            author=self._author(from_id),
            text=text,
            created_at=created_at,
            addressing=addressing,
            parent_external_id=parent,
            thread_id=thread,
            url=url,
        )
        return ParsedEvent(kind, draft)

    def _comment(self, event: Mapping[str, Any], obj: Mapping[str, Any], place: str, *, edit_of: str | None) -> ParsedEvent:
        kind = str(event["type"])
        comment_id = _int(obj, "id", "object")
        from_id = _int(obj, "from_id", "object")
        created_at = _when(_int(obj, "date", "object"), "object.date")
        if place == "wall":
            owner, target = _int(obj, "post_owner_id", "object"), _int(obj, "post_id", "object")
            url = f"https://vk.com/wall{owner}_{target}?reply={comment_id}"
        elif place == "photo":
            owner, target = _int(obj, "photo_owner_id", "object"), _int(obj, "photo_id", "object")
            url = f"https://vk.com/photo{owner}_{target}"
        else:
            owner, target = _int(obj, "topic_owner_id", "object"), _int(obj, "topic_id", "object")
            url = f"https://vk.com/topic{owner}_{target}?post={comment_id}"
        if from_id == -self.settings.community.id:
            return ParsedEvent(kind, None, "the community's own comment")
        if owner != -self.settings.community.id:
            return ParsedEvent(kind, None, f"a comment under another owner's {place} ({owner})")
        thread = f"{place}{owner}_{target}"
        key = f"{thread}_{comment_id}"
        reply_to = obj.get("reply_to_comment")
        parent = f"{thread}_{reply_to}" if isinstance(reply_to, int) and reply_to > 0 else thread
        if edit_of is not None:
            parent, key = key, f"{key}/edit/{edit_of}"
        draft = self._draft(
            event,
            external_id=key,
            author=self._author(from_id),
            text=_text(obj),
            created_at=created_at,
            addressing=Addressing.COMMENT,
            parent_external_id=parent,
            thread_id=thread,
            url=url,
        )
        return ParsedEvent(kind, draft)

    def _wall_post(self, event: Mapping[str, Any], obj: Mapping[str, Any]) -> ParsedEvent:
        post_id = _int(obj, "id", "object")
        owner = _int(obj, "owner_id", "object")
        from_id = _int(obj, "from_id", "object")
        created_at = _when(_int(obj, "date", "object"), "object.date")
        ours = -self.settings.community.id
        if from_id <= 0:
            return ParsedEvent("wall_post_new", None, "a community's post (ours, or another community's)")
        if owner != ours:
            return ParsedEvent("wall_post_new", None, f"a post on another wall ({owner})")
        text = _text(obj)
        key = f"wall{owner}_{post_id}"
        draft = self._draft(
            event,
            external_id=key,
            author=self._author(from_id),
            text=text,
            created_at=created_at,
            addressing=Addressing.DIRECT,
            thread_id=key,
            url=f"https://vk.com/{key}",
        )
        return ParsedEvent("wall_post_new", draft)

    # --- Bots Long Poll ---------------------------------------------------------------

    def longpoll_server(self) -> dict[str, Any]:
        """``groups.getLongPollServer``: ``server``, ``key`` and ``ts`` for ``a_check``."""
        result = self.api.call("groups.getLongPollServer", {"group_id": self.settings.community.id})
        if not isinstance(result, dict) or not all(isinstance(result.get(k), str | int) for k in ("server", "key", "ts")):
            raise PlatformUnavailable("VK groups.getLongPollServer: the answer lacks server, key or ts")
        return {"server": str(result["server"]), "key": str(result["key"]), "ts": str(result["ts"])}

    def check(self, server: str, *, key: str, ts: str, wait: int) -> dict[str, Any]:
        """One ``a_check`` long poll: ``{"ts", "updates"}`` or ``{"failed", …}`` as VK sends it."""
        client = self._context.client
        if client is None:
            raise RuntimeError("this VK channel was built without an HTTP client")
        try:
            response = client.get(
                server,
                params={"act": "a_check", "key": key, "ts": ts, "wait": max(0, min(wait, 90))},
                timeout=wait + self._context.timeout,
            )
        except httpx.TransportError as exc:
            raise PlatformUnavailable(f"VK a_check: {type(exc).__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise PlatformUnavailable(f"VK a_check: HTTP {response.status_code}")
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise PlatformUnavailable(f"VK a_check: HTTP {response.status_code} with an unreadable answer") from None
        if not isinstance(answer, dict):
            raise PlatformUnavailable("VK a_check: the answer is not an object")
        return answer

    # --- outbound ---------------------------------------------------------------------

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """Answer where the customer wrote: the dialogue, or under the post, photo or topic."""
        if len(reply.text) > MAX_TEXT:
            raise DeliveryRejected(f"VK takes at most {MAX_TEXT} characters; this reply has {len(reply.text)}")
        item = reply.in_reply_to
        if item is None:
            raise DeliveryRejected("the reply answers no customer message, so there is nowhere to send it")
        key = item.external_id.split("/edit/", 1)[0]
        group = self.settings.community.id
        if key.startswith("msg"):
            return self._send_message(reply, item, key)
        place, numbers = _split_key(key)
        if place == "wall" and len(numbers) == 2:  # a post on our wall: comment under it
            owner, post = numbers
            result = self.api.call(
                "wall.createComment",
                {"owner_id": owner, "post_id": post, "message": reply.text, "from_group": group, "guid": guid(reply.idempotency_key)},
            )
            return DeliveryReceipt(_comment_receipt(f"wall{owner}_{post}", result))
        if len(numbers) != 3:
            raise DeliveryRejected(f"{item.external_id!r} is not a VK item the desk can answer")
        owner, target, comment = numbers
        if place == "wall":
            params = {"owner_id": owner, "post_id": target, "from_group": group, "reply_to_comment": comment}
            method = "wall.createComment"
        elif place == "photo":
            params = {"owner_id": owner, "photo_id": target, "from_group": group, "reply_to_comment": comment}
            method = "photos.createComment"
        else:
            params = {"group_id": -owner, "topic_id": target, "from_group": 1}
            method = "board.createComment"
        result = self.api.call(method, {**params, "message": reply.text, "guid": guid(reply.idempotency_key)})
        return DeliveryReceipt(_comment_receipt(f"{place}{owner}_{target}", result))

    def _send_message(self, reply: OutboundReply, item: Item, key: str) -> DeliveryReceipt:
        peer_text, _, cmid_text = key.removeprefix("msg").partition("_")
        try:
            peer_id, cmid = int(peer_text), int(cmid_text)
        except ValueError:
            raise DeliveryRejected(f"{item.external_id!r} is not a VK message id") from None
        params: dict[str, Any] = {
            "peer_id": peer_id,
            "random_id": random_id(reply.idempotency_key),
            "message": reply.text,
            "forward": {"peer_id": peer_id, "conversation_message_ids": [cmid], "is_reply": True},
            "dont_parse_links": 1,
        }
        result = self.api.call("messages.send", params)
        # 5.199 answers the new message's id; a peers list answers objects instead.
        if isinstance(result, int):
            return DeliveryReceipt(f"msgid{peer_id}_{result}")
        return DeliveryReceipt(None)

    def pin(self, external_id: str) -> None:
        """``wall.pin`` of a post on the community's wall (an admin's user token is needed)."""
        owner, post = self._post(external_id)
        self.user_api.call("wall.pin", {"owner_id": owner, "post_id": post})

    def unpin(self, external_id: str) -> None:
        """``wall.unpin`` of that post."""
        owner, post = self._post(external_id)
        self.user_api.call("wall.unpin", {"owner_id": owner, "post_id": post})

    def like(self, external_id: str) -> None:
        """``likes.add`` on the customer's post or comment, from the community."""
        if external_id.startswith("msg"):
            raise DeliveryRejected(f"{external_id!r} is a message, and VK messages have no likes")
        place, numbers = _split_key(external_id.split("/edit/", 1)[0])
        kinds = {"wall": "comment", "photo": "photo_comment", "topic": "topic_comment"}
        if place == "wall" and len(numbers) == 2:
            kind, owner, item_id = "post", numbers[0], numbers[1]
        elif place in kinds and len(numbers) == 3:
            kind, owner, item_id = kinds[place], numbers[0], numbers[2]
        else:
            raise DeliveryRejected(f"{external_id!r} cannot be liked on VK (messages have no likes)")
        self.user_api.call("likes.add", {"type": kind, "owner_id": owner, "item_id": item_id, "from_group": 1})

    def _post(self, external_id: str) -> tuple[int, int]:
        place, numbers = _split_key(external_id.split("/edit/", 1)[0])
        if place != "wall" or len(numbers) != 2:
            raise DeliveryRejected(f"{external_id!r} is not a wall post (wall<owner>_<post>)")
        return numbers[0], numbers[1]


_KEY = re.compile(r"^(wall|photo|topic)(-?\d+)_(\d+)(?:_(\d+))?$")


def _split_key(key: str) -> tuple[str, list[int]]:
    match = _KEY.match(key)
    if match is None:
        raise DeliveryRejected(f"{key!r} is not a VK post, photo or topic id")
    place, *numbers = match.groups()
    return place, [int(n) for n in numbers if n is not None]


def _comment_receipt(thread: str, result: Any) -> str | None:
    comment_id = result.get("comment_id") if isinstance(result, dict) else result
    return f"{thread}_{comment_id}" if isinstance(comment_id, int) and not isinstance(comment_id, bool) else None


def get_community(
    token: str, *, client: httpx.Client, api_base: str = API_BASE, timeout: float = 10.0, group_id: int | None = None
) -> Community:
    """The connection test: ``groups.getById`` with the community token.

    :class:`ConfigError` when the token is refused, VK cannot be reached, or the token
    belongs to another community than ``group_id``.
    """
    try:
        result = VkApi(token, client=client, base_url=api_base, timeout=timeout).call(
            "groups.getById", {"group_id": group_id} if group_id else {}
        )
    except DeliveryRejected as exc:
        raise ConfigError(f"VK refused the community token: {exc}") from None
    except (PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"could not reach the VK API to test the token: {exc}") from None
    # 5.199 answers {"groups": [...]}; older versions a bare list.
    groups = result.get("groups") if isinstance(result, dict) else result
    first = groups[0] if isinstance(groups, list) and groups and isinstance(groups[0], dict) else None
    if first is None or not isinstance(first.get("id"), int):
        raise ConfigError("VK groups.getById answered without the community")
    if group_id is not None and first["id"] != group_id:
        raise ConfigError(f"the token belongs to community {first['id']}, not {group_id}")
    return Community(id=first["id"], name=str(first.get("name") or ""), screen_name=str(first.get("screen_name") or f"club{first['id']}"))


def check_connection(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test: ``groups.getById`` with the source's community token."""
    if context.client is None:
        raise ConfigError("the connection test needs an HTTP client")
    settings = VkSettings.from_source(source)
    community = get_community(
        settings.token, client=context.client, api_base=settings.api_base, timeout=context.timeout, group_id=settings.community.id
    )
    return f"connected to «{community.name}» (club{community.id}, {settings.mode})"


SPEC = ChannelSpec(
    kind=KIND,
    build=VkChannel,
    secret_settings=frozenset({"token", "user_token"}),
    label="VK community",
    capabilities=Capabilities(can_reply=True, can_pin=True, can_like=True, max_length=MAX_TEXT, idempotent=True),
    # About 20 calls a second with a community token (error 6 beyond).
    rate_limits=(RateLimit(20, 1.0),),
    listens=True,
    settings_fields=(
        SettingField("group_id", "Community id", help="The number in club123456"),
        SettingField("token", "Community token", secret=True, help="Manage → API usage → Access tokens: messages, wall, manage"),
        SettingField("mode", "Mode", choices=MODES, help="callback: VK posts to the desk; longpoll: the worker asks"),
        SettingField("confirmation", "Confirmation string", required=False, help="Manage → API usage → Callback API"),
        SettingField("user_token", "Admin's user token", secret=True, required=False, help="Only for pinning and likes"),
        SettingField("secret", "Callback secret key", secret=True, required=False, help="1-50 letters and digits; generated when empty"),
        SettingField("brand_keywords", "Its own brand keywords", required=False, help="Besides the desk's; comma-separated"),
        SettingField("api_base", "API base URL", required=False, help=f"Default {API_BASE}"),
    ),
    check=check_connection,
)
