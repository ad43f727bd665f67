"""Telegram: Bot API webhook and ``getUpdates`` in, ``sendMessage`` in the thread out.

Inbound, one ``Update`` becomes at most one item (docs/reference/channels/telegram.md):

- a private chat with the bot, or a Telegram Business chat: ``dm``;
- a group message that mentions the bot (``@username``) or replies to one of its messages:
  ``direct``; one that names a brand keyword instead: ``brand_mention``; anything else said
  in a group is not for the desk and is ignored (it is still acknowledged);
- a reply to a channel post in the channel's discussion group: ``comment``, threaded by post;
- an edit: a *new* item that answers the original (stored items never change);
- the bot's own and other bots' messages, service messages, channel posts and the business
  owner's own messages: ignored.

The item's ``external_id`` is ``<chat id>:<message id>`` (``message_id`` is unique only
inside its chat), ``/edit/<edit_date>`` for an edit, ``@<business connection>`` for a
business chat; the raw update is kept as the item's raw payload.

Outbound, ``sendMessage`` answers with ``reply_parameters`` pointing at the customer's
message. The Bot API has no idempotency key: a request that may have reached Telegram but
got no clear answer raises :class:`~otklik.errors.DeliveryUnknown`, and is not sent again.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Iterable, Mapping
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

KIND = "telegram"
API_BASE = "https://api.telegram.org"
SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name, not a secret
#: ``sendMessage`` takes 1-4096 characters (counted in UTF-16 code units, as Telegram does).
MAX_TEXT = 4096
#: The update types the desk asks for (webhook and polling alike).
ALLOWED_UPDATES = ("message", "edited_message", "business_message", "edited_business_message")
MODES = ("webhook", "polling")
#: ``getUpdates`` hands out at most 100 updates per call.
MAX_UPDATES = 100

_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOKEN_IN_TEXT = re.compile(r"bot[0-9]{1,20}:[A-Za-z0-9_-]+")

# Update fields that carry a customer's message, and whether they are edits.
_MESSAGE_FIELDS = {
    "message": False,
    "edited_message": True,
    "business_message": False,
    "edited_business_message": True,
}
# Media without a caption still reach the desk, shown as what they are.
_MEDIA = (
    ("photo", "photo"),
    ("video", "video"),
    ("animation", "GIF"),
    ("document", "file"),
    ("audio", "audio"),
    ("voice", "voice message"),
    ("video_note", "video message"),
    ("location", "location"),
    ("venue", "place"),
    ("contact", "contact"),
    ("poll", "poll"),
    ("dice", "dice"),
)


def valid_token(token: str) -> bool:
    """Whether ``token`` looks like a bot token (``<bot id>:<secret>``)."""
    return bool(_TOKEN.match(token))


def valid_secret_token(value: str) -> bool:
    """Whether ``value`` is a webhook secret Telegram accepts: 1-256 of ``A-Z a-z 0-9 _ -``."""
    return bool(_SECRET_TOKEN.match(value))


def redact(text: str) -> str:
    """``text`` with any bot token in a Bot API URL replaced (for logs and error messages)."""
    return _TOKEN_IN_TEXT.sub("bot<token>", text)


class _RedactTokens(logging.Filter):
    """httpx logs each request's URL, and the Bot API puts the token in the URL's path."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/bot" in message:
            record.msg, record.args = redact(message), None
        return True


_REDACTOR = _RedactTokens()


def _guard_http_logs() -> None:
    logger = logging.getLogger("httpx")
    if _REDACTOR not in logger.filters:
        logger.addFilter(_REDACTOR)


# --- keys -------------------------------------------------------------------------------


def message_key(chat_id: int, message_id: int, *, business_connection_id: str | None = None, edit_date: int | None = None) -> str:
    """The ``external_id`` of a message: unique per bot across chats, edits and business chats."""
    key = f"{chat_id}:{message_id}"
    if edit_date is not None:
        key += f"/edit/{edit_date}"
    if business_connection_id:
        key += f"@{business_connection_id}"
    return key


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where a message is: what ``sendMessage``, ``pinChatMessage`` and reactions need."""

    chat_id: int
    message_id: int
    business_connection_id: str | None = None


def parse_key(external_id: str) -> MessageRef:
    """The message an ``external_id`` made by :func:`message_key` names."""
    head, _, connection = external_id.partition("@")
    head = head.split("/edit/", 1)[0]
    chat, _, message = head.partition(":")
    try:
        return MessageRef(int(chat), int(message), connection or None)
    except ValueError:
        raise DeliveryRejected(f"{external_id!r} is not a Telegram message id (<chat id>:<message id>)") from None


# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """The bot, as ``getMe`` describes it."""

    id: int
    username: str


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """A Telegram source's settings, checked."""

    token: str
    mode: str
    bot: BotIdentity
    api_base: str = API_BASE
    brand_keywords: tuple[str, ...] = ()

    @classmethod
    def from_source(cls, source: SourceConfig) -> TelegramSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw = source.settings
        token = raw.get("token")
        if not isinstance(token, str) or not valid_token(token):
            raise ConfigError(f"source {source.name}: the bot token is missing or malformed")
        mode = raw.get("mode", "webhook")
        if mode not in MODES:
            raise ConfigError(f"source {source.name}: mode must be webhook or polling, not {mode!r}")
        bot_id, username = raw.get("bot_id"), raw.get("bot_username")
        if not isinstance(bot_id, int) or not isinstance(username, str) or not username:
            raise ConfigError(f"source {source.name}: the bot's id and username are missing (add the channel again)")
        api_base = raw.get("api_base") or API_BASE
        keywords = raw.get("brand_keywords") or []
        if not isinstance(api_base, str) or not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ConfigError(f"source {source.name}: api_base must be a URL and brand_keywords a list of words")
        return cls(token=token, mode=mode, bot=BotIdentity(bot_id, username), api_base=api_base.rstrip("/"), brand_keywords=tuple(keywords))


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern finding any keyword at the start of a word, in any case.

    Matching word starts lets a stem catch inflected forms: ``волн`` finds «Волна», «Волны»,
    «волне»; ``volna`` finds "Volna", "#volna", "VOLNA's".
    """
    words = sorted({k.strip().casefold() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


# --- the Bot API --------------------------------------------------------------------------


class BotApi:
    """Calls Bot API methods and maps every answer onto the error tree.

    Only outcomes that mean "Telegram did not take it" are retryable: a connection that was
    never made, a 429 (after ``parameters.retry_after``) or a 5xx. A request that was sent
    but got no readable answer (read timeout, dropped connection) is :class:`DeliveryUnknown`.
    No message ever includes the URL, which holds the token.
    """

    def __init__(self, token: str, *, client: httpx.Client, base_url: str = API_BASE, timeout: float = 10.0):
        self._url = f"{base_url.rstrip('/')}/bot{token}/"
        self._client = client
        self._timeout = timeout
        _guard_http_logs()

    def call(self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """Call ``method`` with JSON ``params``; its ``result``, or a :class:`ChannelError`."""
        with rest.transport_errors(f"Telegram {method}"):
            response = self._client.post(
                self._url + method,
                content=orjson.dumps(dict(params or {})),
                headers={"content-type": "application/json", "user-agent": "otklik"},
                timeout=timeout or self._timeout,
            )
        return _result(method, response)


def _result(method: str, response: httpx.Response) -> Any:
    status = response.status_code
    try:
        answer = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        if status >= 500:
            raise PlatformUnavailable(f"Telegram {method}: HTTP {status}")
        if status == 429:
            raise RateLimited(
                f"Telegram {method}: too many requests", retry_after=rest.seconds(response.headers.get("retry-after"), default=30.0)
            )
        if status < 300:
            raise rest.unreadable(f"Telegram {method}", status)
        raise DeliveryRejected(f"Telegram {method}: HTTP {status}")
    if answer.get("ok") is True:
        return answer.get("result")
    error_code, raw_parameters = answer.get("error_code"), answer.get("parameters")
    code: int = error_code if isinstance(error_code, int) else status
    description = str(answer.get("description") or "no description")[:300]
    parameters: dict[str, Any] = raw_parameters if isinstance(raw_parameters, dict) else {}
    if code == 429 or status == 429:
        raise RateLimited(f"Telegram {method}: {description}", retry_after=rest.seconds(parameters.get("retry_after"), default=30.0))
    if code >= 500 or status >= 500:
        raise PlatformUnavailable(f"Telegram {method}: {code} {description}")
    if status < 300:
        # ok:false with a 2xx is not in the contract; treat it as the unclear case it is.
        raise DeliveryUnknown(f"Telegram {method}: HTTP {status} but not ok: {description}")
    if "migrate_to_chat_id" in parameters:
        description += f" (the group is now the supergroup {parameters['migrate_to_chat_id']})"
    raise DeliveryRejected(f"Telegram {method}: {code} {description}")


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    """One update: its id, and the item it holds or why it holds none."""

    update_id: int
    draft: ItemDraft | None
    ignored: str | None = None


_read = PayloadReader("Telegram update")
_problem = _read.problem
_int = _read.integer
_obj = _read.mapping
_when = _read.unix_time


def _name(*parts: Any) -> str:
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _handle(obj: Mapping[str, Any]) -> str:
    username = obj.get("username")
    return f"@{username}" if isinstance(username, str) and username else ""


def _author(message: Mapping[str, Any], field: str) -> Author | None:
    """Who wrote the message (None for a bot); channels and anonymous admins write as a chat."""
    sender_chat, user = message.get("sender_chat"), message.get("from")
    if isinstance(sender_chat, dict):
        return Author(
            external_id=str(_int(sender_chat, "id", f"{field}.sender_chat")),
            name=_name(sender_chat.get("title")),
            handle=_handle(sender_chat),
        )
    if isinstance(user, dict):
        author = Author(
            external_id=str(_int(user, "id", f"{field}.from")),
            name=_name(user.get("first_name"), user.get("last_name")),
            handle=_handle(user),
        )
        return None if user.get("is_bot") is True else author
    raise _problem(f"{field}.from", "missing (and no sender_chat)")


def _text(message: Mapping[str, Any]) -> str | None:
    """What the person wrote; a media's kind in brackets when they wrote nothing with it."""
    for key in ("text", "caption"):
        value = message.get(key)
        if isinstance(value, str) and value:
            return value
    sticker = message.get("sticker")
    if isinstance(sticker, dict):
        emoji = sticker.get("emoji")
        return f"[sticker {emoji}]" if isinstance(emoji, str) and emoji else "[sticker]"
    for key, label in _MEDIA:
        if key in message:
            return f"[{label}]"
    return None


def _link(chat: Mapping[str, Any], chat_id: int, message_id: int) -> str | None:
    """A t.me link to the message, where one exists (public chats and supergroups)."""
    if chat.get("type") == "private":
        return None
    username = chat.get("username")
    if isinstance(username, str) and username:
        return f"https://t.me/{username}/{message_id}"
    text = str(chat_id)
    return f"https://t.me/c/{text[4:]}/{message_id}" if text.startswith("-100") else None


class TelegramChannel:
    """One bot (one source): webhook verification, parsing, and the Bot API calls."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = TelegramSettings.from_source(source)
        self._context = context
        self._keywords = keyword_pattern((*self.settings.brand_keywords, *context.brand_keywords))
        self._mention = re.compile(rf"@{re.escape(self.settings.bot.username)}(?!\w)", re.IGNORECASE)
        self._account = f"@{self.settings.bot.username}"
        self._api = (
            BotApi(self.settings.token, client=context.client, base_url=self.settings.api_base, timeout=context.timeout)
            if context.client is not None
            else None
        )

    @property
    def capabilities(self) -> Capabilities:
        """Replies (no window for bots), pins (admin right in groups), reactions; no idempotency key."""
        return Capabilities(can_reply=True, can_pin=True, can_like=True, reply_window=None, max_length=MAX_TEXT, idempotent=False)

    @property
    def api(self) -> BotApi:
        """The Bot API client (only for channels built with an HTTP client)."""
        if self._api is None:
            raise RuntimeError("this Telegram channel was built without an HTTP client")
        return self._api

    # --- inbound ----------------------------------------------------------------------

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Compare ``X-Telegram-Bot-Api-Secret-Token`` with the source's secret in constant time."""
        given = headers.get(SECRET_HEADER) or headers.get("X-Telegram-Bot-Api-Secret-Token")
        if not given:
            raise SignatureInvalid("missing X-Telegram-Bot-Api-Secret-Token header")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.source.secret.encode()):
            raise SignatureInvalid("X-Telegram-Bot-Api-Secret-Token does not match the source's secret token")

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The item one webhook update holds (none when it is not for the desk)."""
        try:
            update = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidPayload(f"body is not valid JSON: {exc}", status_code=400) from None
        parsed = self.parse_update(update)
        if parsed.draft is None:
            log.debug("telegram %s: update %d ignored: %s", self.source.name, parsed.update_id, parsed.ignored)
            return []
        return [parsed.draft]

    def parse_update(self, update: Any) -> ParsedUpdate:
        """One decoded ``Update``: the item it holds, or why there is none.

        Raises :class:`InvalidPayload` for an update that breaks the Bot API's own shape.
        """
        if not isinstance(update, dict):
            raise _problem("(update)", "an update must be a JSON object")
        update_id = _int(update, "update_id", "")
        for name, edited in _MESSAGE_FIELDS.items():
            if name in update:
                return self._message(update_id, update, name, edited=edited)
        kinds = sorted(k for k in update if k != "update_id")
        return ParsedUpdate(update_id, None, f"{', '.join(kinds) or 'an empty'} update: nothing a customer wrote")

    def _message(self, update_id: int, update: Mapping[str, Any], field: str, *, edited: bool) -> ParsedUpdate:
        message = _obj(update, field, "")
        chat = _obj(message, "chat", field)
        chat_id = _int(chat, "id", f"{field}.chat")
        message_id = _int(message, "message_id", field)
        stamp = _int(message, "edit_date" if edited else "date", field)
        created_at = _when(stamp, f"{field}.{'edit_date' if edited else 'date'}")
        business = field.endswith("business_message")
        connection = message.get("business_connection_id") if business else None
        if business and (not isinstance(connection, str) or not connection):
            raise _problem(f"{field}.business_connection_id", "missing in a business message")
        author = _author(message, field)
        if author is None:
            return ParsedUpdate(update_id, None, "written by a bot")
        text = _text(message)
        if text is None:
            return ParsedUpdate(update_id, None, "a service message: nothing written")
        reply_to = message.get("reply_to_message")
        reply_to = reply_to if isinstance(reply_to, dict) else None
        parent_id = reply_to.get("message_id") if reply_to else None
        parent = message_key(chat_id, parent_id, business_connection_id=connection) if isinstance(parent_id, int) else None
        route = self._route(message, chat, chat_id, author, text, reply_to, connection)
        if isinstance(route, str):
            return ParsedUpdate(update_id, None, route)
        addressing, account, thread = route
        external_id = message_key(chat_id, message_id, business_connection_id=connection, edit_date=stamp if edited else None)
        if edited:
            # An edit answers the original, so it joins the original's conversation.
            parent = message_key(chat_id, message_id, business_connection_id=connection)
        draft = ItemDraft(
            source=self.source.name,
            external_id=external_id,
            author=author,
            text=text,
            created_at=created_at,
            addressing=addressing,
            account=account,
            parent_external_id=parent,
            thread_id=thread,
            url=_link(chat, chat_id, message_id),
            raw=dict(update),
        )
        return ParsedUpdate(update_id, draft)

    def _route(  # noqa: PLR0911 - one return per documented case
        self,
        message: Mapping[str, Any],
        chat: Mapping[str, Any],
        chat_id: int,
        author: Author,
        text: str,
        reply_to: Mapping[str, Any] | None,
        connection: str | None,
    ) -> tuple[Addressing, str, str | None] | str:
        """The item's addressing, account and thread; or why the message is not for the desk."""
        if connection is not None:
            # In a private chat the chat's id is the other person's: the customer wrote it
            # only when the sender is that person, not the business account's owner.
            if author.external_id != str(chat_id):
                return "written by the business account itself"
            return Addressing.DM, f"business:{connection}", None
        chat_type = chat.get("type")
        if chat_type == "private":
            return Addressing.DM, self._account, None
        if chat_type not in ("group", "supergroup"):
            return f"a message in a {chat_type} chat (the brand's own posts)"
        if message.get("is_automatic_forward") is True:
            return "the channel's own post, forwarded to its discussion group"
        thread_root = message.get("message_thread_id")
        # A person's items in one group (or one comment thread, or forum topic) form a thread.
        thread = f"{chat_id}:{thread_root}" if isinstance(thread_root, int) else str(chat_id)
        if reply_to is not None and reply_to.get("is_automatic_forward") is True and isinstance(reply_to.get("message_id"), int):
            return Addressing.COMMENT, self._account, f"{chat_id}:{reply_to['message_id']}"
        if self._addresses_bot(text, message, reply_to):
            return Addressing.DIRECT, self._account, thread
        if self._keywords is not None and self._keywords.search(text):
            return Addressing.BRAND_MENTION, self._account, thread
        return "a group message that neither addresses the bot nor names the brand"

    def _addresses_bot(self, text: str, message: Mapping[str, Any], reply_to: Mapping[str, Any] | None) -> bool:
        """A reply to one of the bot's messages, an ``@username`` (or ``/cmd@username``), a text mention."""
        bot_id = self.settings.bot.id
        if reply_to is not None:
            replied = reply_to.get("from")
            if isinstance(replied, dict) and replied.get("id") == bot_id:
                return True
        if self._mention.search(text):
            return True
        entities = message.get("entities") or message.get("caption_entities")
        if isinstance(entities, list):
            for entity in entities:
                if isinstance(entity, dict) and entity.get("type") == "text_mention":
                    user = entity.get("user")
                    if isinstance(user, dict) and user.get("id") == bot_id:
                        return True
        return False

    def get_updates(self, *, offset: int | None, timeout: float, limit: int = MAX_UPDATES) -> list[Any]:
        """One ``getUpdates`` long poll. ``offset`` acknowledges every update before it."""
        params: dict[str, Any] = {"timeout": max(int(timeout), 0), "limit": limit, "allowed_updates": list(ALLOWED_UPDATES)}
        if offset is not None:
            params["offset"] = offset
        # The HTTP timeout must outlast the long poll, or every quiet poll would fail.
        result = self.api.call("getUpdates", params, timeout=timeout + self._context.timeout)
        if not isinstance(result, list):
            raise PlatformUnavailable("Telegram getUpdates: the result is not a list")
        return result

    # --- outbound ---------------------------------------------------------------------

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """``sendMessage`` in the customer's chat, as a reply to their message."""
        length = len(reply.text.encode("utf-16-le")) // 2
        if length > MAX_TEXT:
            raise DeliveryRejected(f"Telegram takes at most {MAX_TEXT} characters in a message; this reply has {length}")
        if reply.in_reply_to is None:
            raise DeliveryRejected("the reply answers no customer message, so there is no chat to send it to")
        target = parse_key(reply.in_reply_to.external_id)
        params: dict[str, Any] = {
            "chat_id": target.chat_id,
            "text": reply.text,
            # Deliver the answer even if the customer deleted their message meanwhile.
            "reply_parameters": {"message_id": target.message_id, "allow_sending_without_reply": True},
        }
        if target.business_connection_id:
            params["business_connection_id"] = target.business_connection_id
        topic = _topic(reply.in_reply_to)
        if topic is not None:
            params["message_thread_id"] = topic
        result = self.api.call("sendMessage", params)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        chat = result.get("chat") if isinstance(result, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else target.chat_id
        if not isinstance(message_id, int) or not isinstance(chat_id, int):
            return DeliveryReceipt(external_id=None)
        return DeliveryReceipt(external_id=message_key(chat_id, message_id, business_connection_id=target.business_connection_id))

    def pin(self, external_id: str) -> None:
        """``pinChatMessage`` (in groups the bot needs the admin right to pin)."""
        target = parse_key(external_id)
        params: dict[str, Any] = {"chat_id": target.chat_id, "message_id": target.message_id}
        if target.business_connection_id:
            params["business_connection_id"] = target.business_connection_id
        self.api.call("pinChatMessage", params)

    def unpin(self, external_id: str) -> None:
        """``unpinChatMessage`` for that message."""
        target = parse_key(external_id)
        params: dict[str, Any] = {"chat_id": target.chat_id, "message_id": target.message_id}
        if target.business_connection_id:
            params["business_connection_id"] = target.business_connection_id
        self.api.call("unpinChatMessage", params)

    def publish(self, target: str, text: str) -> str:
        """``sendMessage`` into the brand's own chat (``target`` is its numeric id); returns the message's id."""
        try:
            chat_id = int(target)
        except ValueError:
            raise DeliveryRejected(f"{target!r} is not a Telegram chat id (a number such as -1001234567890)") from None
        length = len(text.encode("utf-16-le")) // 2
        if length > MAX_TEXT:
            raise DeliveryRejected(f"Telegram takes at most {MAX_TEXT} characters in a message; this post has {length}")
        result = self.api.call("sendMessage", {"chat_id": chat_id, "text": text})
        message_id = result.get("message_id") if isinstance(result, dict) else None
        if not isinstance(message_id, int):
            raise DeliveryUnknown("Telegram sendMessage answered without the message's id")
        return message_key(chat_id, message_id)

    def like(self, external_id: str) -> None:
        """A ❤ reaction on the customer's message (``setMessageReaction``)."""
        target = parse_key(external_id)
        self.api.call(
            "setMessageReaction",
            {"chat_id": target.chat_id, "message_id": target.message_id, "reaction": [{"type": "emoji", "emoji": "❤"}]},
        )

    # --- setup ------------------------------------------------------------------------

    def delete_webhook(self) -> None:
        """Remove a webhook so ``getUpdates`` may be used (pending updates are kept)."""
        self.api.call("deleteWebhook", {"drop_pending_updates": False})


def _topic(item: Item) -> int | None:
    """The forum topic of the customer's message, so the answer lands in the same topic."""
    for field in _MESSAGE_FIELDS:
        message = item.raw.get(field)
        if isinstance(message, dict):
            thread = message.get("message_thread_id")
            if message.get("is_topic_message") is True and isinstance(thread, int):
                return thread
            return None
    return None


def get_me(token: str, *, client: httpx.Client, api_base: str = API_BASE, timeout: float = 10.0) -> BotIdentity:
    """The connection test: who the token belongs to. :class:`ConfigError` when it is refused."""
    try:
        result = BotApi(token, client=client, base_url=api_base, timeout=timeout).call("getMe")
    except DeliveryRejected as exc:
        raise ConfigError(f"Telegram refused the bot token: {exc}") from None
    except (PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"could not reach the Bot API to test the token: {exc}") from None
    if not isinstance(result, dict) or not isinstance(result.get("id"), int) or not isinstance(result.get("username"), str):
        raise ConfigError("Telegram getMe answered without the bot's id and username")
    if result.get("is_bot") is False:
        raise ConfigError("the token belongs to a user, not a bot")
    return BotIdentity(id=result["id"], username=result["username"])


def set_webhook(token: str, url: str, *, secret_token: str, client: httpx.Client, api_base: str = API_BASE, timeout: float = 10.0) -> None:
    """``setWebhook`` to ``url`` with the secret header and the update types the desk reads."""
    try:
        BotApi(token, client=client, base_url=api_base, timeout=timeout).call(
            "setWebhook", {"url": url, "secret_token": secret_token, "allowed_updates": list(ALLOWED_UPDATES)}
        )
    except (DeliveryRejected, PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"Telegram did not set the webhook: {exc}") from None


def check_connection(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test: ``getMe`` with the source's token; who the bot is."""
    if context.client is None:
        raise ConfigError("the connection test needs an HTTP client")
    settings = TelegramSettings.from_source(source)
    bot = get_me(settings.token, client=context.client, api_base=settings.api_base, timeout=context.timeout)
    return f"connected as @{bot.username} (id {bot.id})"


SPEC = ChannelSpec(
    kind=KIND,
    build=TelegramChannel,
    secret_settings=frozenset({"token"}),
    label="Telegram bot",
    capabilities=Capabilities(can_reply=True, can_pin=True, can_like=True, max_length=MAX_TEXT),
    # The Bot FAQ: about 30 messages a second in all, about one a second into one chat.
    rate_limits=(RateLimit(30, 1.0), RateLimit(1, 1.0, scope="target", burst=3)),
    listens=True,
    settings_fields=(
        SettingField("token", "Bot token", secret=True, help="From @BotFather, like 123456789:AAH…"),
        SettingField("mode", "Mode", choices=MODES, help="webhook: Telegram posts to the desk; polling: the worker asks"),
        SettingField("webhook_url", "Public base URL", required=False, help="Sets the webhook to <URL>/hooks/telegram/<name>"),
        SettingField("api_base", "Bot API base URL", required=False, help="Only for a local Bot API server"),
        SettingField("secret_token", "Webhook secret token", secret=True, required=False, help="Generated when empty"),
        SettingField("brand_keywords", "Its own brand keywords", required=False, help="Besides the desk's; comma-separated"),
    ),
    check=check_connection,
)
