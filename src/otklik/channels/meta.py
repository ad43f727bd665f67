"""Meta: a Facebook Page, its Instagram business account and Messenger, by webhook and Graph API.

One source is one Page (and, optionally, the Instagram account linked to it). Meta proves
the webhook URL with ``GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`` (the
challenge is echoed when the token matches) and signs every event ``POST`` with
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>``.

Inbound (docs/reference/channels/meta.md), each event of a body becomes at most one item:

- Page ``feed``: a comment on a Page post is a ``comment`` (threaded by post); a visitor's
  post on the Page is ``direct``; an edit is a *new* item answering the original; a removal
  is recorded as an item too (``[comment removed]``), since nothing stored is ever deleted;
  the Page's own posts and comments, hides and reactions are not for the desk;
- Page ``mention`` (the Page tagged in a post or comment): ``direct``;
- Instagram ``comments``: ``comment``; ``mentions`` (the account tagged): ``direct``;
- ``messaging`` (Messenger and Instagram DMs): ``dm``; echoes of our own messages, reads,
  deliveries and reactions are skipped; a button press (postback) is an item with its title.

External ids are prefixed by surface: ``fb:<comment or post id>``, ``ig:<comment id>``,
``ig:mention:<media id>[:<comment id>]``, ``msg:<mid>`` (Messenger), ``igdm:<mid>``. The
event, with its entry's id and time, is kept as the item's raw payload.

Outbound through the Graph API (version pinned in the settings): a threaded comment reply
(``POST /{comment-id}/comments``, Instagram ``POST /{comment-id}/replies``), a DM reply
(``POST /{page-id}/messages``, ``messaging_type=RESPONSE``) only inside the 24-hour window,
or with the ``HUMAN_AGENT`` tag up to 7 days when the Page has that permission and the
source allows it; a private reply to a comment (7 days); likes and hiding (never deleting).
Graph has no idempotency key, so a request without a clear answer is ``DeliveryUnknown``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson

from otklik.channels import rest
from otklik.channels.base import (
    Capabilities,
    ChallengeAnswer,
    ChannelContext,
    ChannelSpec,
    DeliveryReceipt,
    OutboundReply,
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
    PermissionDenied,
    PlatformUnavailable,
    RateLimited,
    SignatureInvalid,
)

log = logging.getLogger(__name__)

KIND = "meta"
API_BASE = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
SIGNATURE_HEADER = "x-hub-signature-256"
#: Messenger takes text under 2000 characters; comments take more, DMs are the tightest.
MAX_DM_TEXT = 2000
MAX_COMMENT_TEXT = {"fb": 8000, "ig": 2200}
#: The standard messaging window, and how far the HUMAN_AGENT tag stretches it.
DM_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
#: A private reply to a comment is allowed once, within 7 days of the comment.
PRIVATE_REPLY_WINDOW = timedelta(days=7)

# Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
_THROTTLED = frozenset({4, 17, 32, 613, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014})
_TRANSIENT = frozenset({1, 2})
_VERSION = re.compile(r"^v[0-9]{1,2}\.[0-9]$")
_ID = re.compile(r"^[0-9]{1,30}$")

# Messenger attachments without text still reach the desk, shown as what they are.
_ATTACHMENTS = {"image": "photo", "video": "video", "audio": "voice message", "file": "file", "location": "location", "sticker": "sticker"}


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends with ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def appsecret_proof(token: str, app_secret: str) -> str:
    """``appsecret_proof``: proves a Graph call comes from the app's own server."""
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetaSettings:
    """A Meta source's settings, checked."""

    page_id: str
    page_token: str
    verify_token: str
    page_name: str = ""
    ig_user_id: str | None = None
    ig_username: str = ""
    graph_version: str = GRAPH_VERSION
    api_base: str = API_BASE
    #: Reply to DMs up to 7 days later with the HUMAN_AGENT tag (needs Meta's Human Agent permission).
    human_agent: bool = False

    @classmethod
    def from_source(cls, source: SourceConfig) -> MetaSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw = source.settings
        page_id, token, verify = raw.get("page_id"), raw.get("page_token"), raw.get("verify_token")
        if not isinstance(page_id, str) or not _ID.match(page_id):
            raise ConfigError(f"source {source.name}: page_id is missing or not a numeric Page id")
        if not isinstance(token, str) or len(token) < 10:
            raise ConfigError(f"source {source.name}: the Page access token is missing")
        if not isinstance(verify, str) or not verify:
            raise ConfigError(f"source {source.name}: the webhook verify token is missing")
        ig = raw.get("ig_user_id") or None
        if ig is not None and (not isinstance(ig, str) or not _ID.match(ig)):
            raise ConfigError(f"source {source.name}: ig_user_id must be the numeric Instagram account id")
        version = raw.get("graph_version") or GRAPH_VERSION
        if not isinstance(version, str) or not _VERSION.match(version):
            raise ConfigError(f"source {source.name}: graph_version looks like v21.0, not {version!r}")
        base = raw.get("api_base") or API_BASE
        if not isinstance(base, str) or not base.startswith(("https://", "http://")):
            raise ConfigError(f"source {source.name}: api_base must be an http(s) URL")
        return cls(
            page_id=page_id,
            page_token=token,
            verify_token=verify,
            page_name=str(raw.get("page_name") or ""),
            ig_user_id=ig,
            ig_username=str(raw.get("ig_username") or ""),
            graph_version=version,
            api_base=base.rstrip("/"),
            human_agent=raw.get("human_agent") is True,
        )


# --- the Graph API ----------------------------------------------------------------------


class GraphApi:
    """Calls the Graph API with the Page token and maps every answer onto the error tree.

    The token rides in the ``Authorization`` header (never in a URL a log could keep), with
    ``appsecret_proof`` when the app secret is known.
    """

    def __init__(self, settings: MetaSettings, *, client: httpx.Client, app_secret: str = "", timeout: float = 10.0):
        self._base = f"{settings.api_base}/{settings.graph_version}/"
        self._token = settings.page_token
        self._proof = appsecret_proof(settings.page_token, app_secret) if app_secret else None
        self._client = client
        self._timeout = timeout

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None) -> Any:
        """``method`` on ``path`` (no leading slash); the decoded answer, or a ChannelError."""
        what = f"Graph {method} /{_shape(path)}"
        query = dict(params or {})
        if self._proof:
            query["appsecret_proof"] = self._proof
        response = rest.request(
            self._client,
            method,
            self._base + path,
            what=what,
            timeout=self._timeout,
            headers={"authorization": f"Bearer {self._token}"},
            params=query,
            json=json,
        )
        return result(what, response)


def _shape(path: str) -> str:
    """A path with its ids replaced, for messages (``{id}/comments``)."""
    return re.sub(r"[0-9][0-9_]*", "{id}", path)


def result(what: str, response: httpx.Response) -> Any:
    """The answer of a Graph call, or the error it means (throttling, transient, refused)."""
    status = response.status_code
    answer = rest.json_of(response)
    error = answer.get("error") if isinstance(answer, dict) else None
    if status < 300 and error is None:
        if answer is None:
            raise rest.unreadable(what, status)
        return answer
    if not isinstance(error, dict):
        error = {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    subcode = error.get("error_subcode")
    message = str(error.get("message") or f"HTTP {status}")[:300]
    label = f"{what}: {message}" + (f" (code {code}" + (f"/{subcode}" if subcode else "") + ")" if code is not None else "")
    if status == 429 or code in _THROTTLED:
        raise RateLimited(label, retry_after=usage_wait(response.headers))
    if status >= 500 or code in _TRANSIENT or error.get("is_transient") is True:
        raise PlatformUnavailable(label)
    if status < 300:
        raise DeliveryUnknown(f"{label}; HTTP {status} with an error, it may have been done")
    raise DeliveryRejected(label + _advice(code, subcode))


def _advice(code: int | None, subcode: Any) -> str:
    if code == 551:
        return ": this person is not available (they may have blocked the Page)"
    if code == 10 or (code is not None and 200 <= code <= 299):
        return ": the Page token lacks a permission (see docs/reference/channels/meta.md)"
    if code == 190:
        return ": the Page access token is invalid or expired; add the channel again with a new one"
    if code == 10900 or subcode == 2018278:
        return ": a private reply was already sent for this comment"
    if code == 10903:
        return ": Meta does not allow a reply to this activity"
    return ""


def usage_wait(headers: Mapping[str, str]) -> float:
    """How long to wait after throttling, from the usage headers (5 minutes when they say nothing).

    ``X-Business-Use-Case-Usage`` carries ``estimated_time_to_regain_access`` in minutes per
    business object; ``X-App-Usage`` and ``X-Page-Usage`` only percentages.
    """
    minutes = 0.0
    for name in ("x-business-use-case-usage", "x-ad-account-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            usage = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        entries: list[Any] = []
        if isinstance(usage, dict):
            for value in usage.values():
                entries.extend(value if isinstance(value, list) else [value])
        for entry in entries:
            if isinstance(entry, dict):
                value = entry.get("estimated_time_to_regain_access")
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    minutes = max(minutes, float(value))
    return rest.seconds(minutes * 60, default=300.0) if minutes > 0 else 300.0


# --- parsing ------------------------------------------------------------------------------


_read = PayloadReader("Meta webhook")
_problem = _read.problem
_obj = _read.mapping


def _str(obj: Mapping[str, Any], key: str, loc: str) -> str:
    # Graph gives some ids as numbers.
    return _read.string(obj, key, loc, numbers=True)


def _when(value: Any, loc: str) -> datetime:
    """A Graph time: unix seconds or milliseconds, or ISO 8601 (``2026-11-20T08:40:00+0000``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 100_000_000_000 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise _problem(loc, "not a unix time") from None
    if isinstance(value, str):
        try:
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise _problem(loc, "not a time") from None
        if parsed.tzinfo is None:
            raise _problem(loc, "a time without a zone")
        return parsed.astimezone(UTC)
    raise _problem(loc, "missing or not a time")


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """One event of a body: the item it holds, or why it holds none."""

    loc: str
    draft: ItemDraft | None
    ignored: str | None = None


class MetaChannel:
    """One Page (with its Instagram account): verification, parsing, and Graph API calls."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = MetaSettings.from_source(source)
        self._context = context
        self._now: Callable[[], datetime] = context.now or (lambda: datetime.now(UTC))
        self._api = (
            GraphApi(self.settings, client=context.client, app_secret=source.secret, timeout=context.timeout)
            if context.client is not None
            else None
        )

    @property
    def capabilities(self) -> Capabilities:
        """Replies and likes; the reply window is Messenger's 24 hours (comments have none)."""
        return Capabilities(can_reply=True, can_like=True, reply_window=self._dm_window(), max_length=MAX_DM_TEXT, idempotent=False)

    def capabilities_for(self, item: Item | None) -> Capabilities:
        """What a reply to this particular item may be: DMs have a window, comments do not."""
        surface = _surface(item.external_id) if item else "msg"
        if surface in ("msg", "igdm"):
            return self.capabilities
        return Capabilities(can_reply=True, can_like=surface == "fb", max_length=MAX_COMMENT_TEXT["ig" if surface == "ig" else "fb"])

    def _dm_window(self) -> timedelta:
        return HUMAN_AGENT_WINDOW if self.settings.human_agent else DM_WINDOW

    @property
    def api(self) -> GraphApi:
        """The Graph API client (only for channels built with an HTTP client)."""
        if self._api is None:
            raise RuntimeError("this Meta channel was built without an HTTP client")
        return self._api

    # --- inbound ----------------------------------------------------------------------

    def challenge(self, query: Mapping[str, str]) -> ChallengeAnswer:
        """Echo ``hub.challenge`` when ``hub.mode`` is ``subscribe`` and the verify token matches."""
        mode, token, challenge = query.get("hub.mode"), query.get("hub.verify_token"), query.get("hub.challenge")
        if mode != "subscribe" or not challenge:
            raise InvalidPayload("expected hub.mode=subscribe with a hub.challenge", status_code=400)
        if not token or not hmac.compare_digest(token.encode("utf-8", "replace"), self.settings.verify_token.encode()):
            raise PermissionDenied("hub.verify_token does not match the source's verify token")
        return ChallengeAnswer(body=challenge.encode("utf-8", "replace")[:1024])

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Check ``X-Hub-Signature-256`` against the raw body and the app secret, in constant time."""
        given = headers.get(SIGNATURE_HEADER) or headers.get("X-Hub-Signature-256")
        if not given:
            raise SignatureInvalid("missing X-Hub-Signature-256 header")
        if not hmac.compare_digest(given.strip().lower().encode("utf-8", "replace"), sign(body, self.source.secret).encode()):
            raise SignatureInvalid("X-Hub-Signature-256 does not match the body and the app secret")

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The items a webhook body holds.

        A body whose every event is malformed is :class:`InvalidPayload` (nothing stored);
        in a batch with good events, a malformed one is logged and the good ones stored.
        """
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidPayload(f"body is not valid JSON: {exc}", status_code=400) from None
        drafts: list[ItemDraft] = []
        problems: list[InvalidPayload] = []
        for event in self.parse_events(decoded):
            if isinstance(event, InvalidPayload):
                problems.append(event)
            elif event.draft is not None:
                drafts.append(event.draft)
            else:
                log.debug("meta %s: %s ignored: %s", self.source.name, event.loc, event.ignored)
        if problems and not drafts:
            first = problems[0]
            raise InvalidPayload(str(first), problems=[p for problem in problems for p in problem.problems])
        for problem in problems:
            log.warning("meta %s: event skipped: %s", self.source.name, problem)
        return drafts

    def parse_events(self, decoded: Any) -> list[ParsedEvent | InvalidPayload]:
        """Every event of a decoded body, parsed (or the problem that stopped it)."""
        if not isinstance(decoded, dict):
            raise _problem("(body)", "a webhook body must be a JSON object")
        obj = decoded.get("object")
        if obj not in ("page", "instagram"):
            raise _problem("object", "must be page or instagram")
        entries = decoded.get("entry")
        if not isinstance(entries, list) or not entries:
            raise _problem("entry", "missing or empty")
        out: list[ParsedEvent | InvalidPayload] = []
        for e, entry in enumerate(entries):
            loc = f"entry.{e}"
            try:
                if not isinstance(entry, dict):
                    raise _problem(loc, "not an object")
                entry_id = _str(entry, "id", loc)
                events = [("changes", i, c) for i, c in enumerate(entry.get("changes") or [])]
                events += [("messaging", i, m) for i, m in enumerate(entry.get("messaging") or [])]
                if not events:
                    raise _problem(loc, "holds neither changes nor messaging")
            except InvalidPayload as exc:
                out.append(exc)
                continue
            if entry_id not in (self.settings.page_id, self.settings.ig_user_id):
                out.append(ParsedEvent(loc, None, f"entry for {entry_id}, not this source's Page or Instagram account"))
                continue
            for part, index, event in events:
                where = f"{loc}.{part}.{index}"
                try:
                    if not isinstance(event, dict):
                        raise _problem(where, "not an object")
                    envelope = {"object": obj, "entry": {"id": entry_id, "time": entry.get("time")}}
                    if part == "changes":
                        out.append(self._change(obj, entry, event, where, envelope))
                    else:
                        out.append(self._messaging(obj, entry, event, where, envelope))
                except InvalidPayload as exc:
                    out.append(exc)
        return out

    # feed, mention, comments, mentions ------------------------------------------------

    def _change(self, obj: str, entry: Mapping[str, Any], change: Mapping[str, Any], loc: str, envelope: dict[str, Any]) -> ParsedEvent:
        field = change.get("field")
        value = _obj(change, "value", loc)
        raw = {**envelope, "change": dict(change)}
        if obj == "page" and field == "feed":
            return self._feed(value, f"{loc}.value", raw)
        if obj == "page" and field == "mention":
            return self._page_mention(value, f"{loc}.value", raw)
        if obj == "instagram" and field == "comments":
            return self._ig_comment(entry, value, f"{loc}.value", raw)
        if obj == "instagram" and field == "mentions":
            return self._ig_mention(entry, value, f"{loc}.value", raw)
        return ParsedEvent(loc, None, f"{obj} field {field!r}: nothing a customer wrote")

    def _feed(self, value: Mapping[str, Any], loc: str, raw: dict[str, Any]) -> ParsedEvent:  # noqa: PLR0911 - one return per documented case
        item, verb = value.get("item"), value.get("verb")
        if item not in ("comment", "post", "status", "photo", "video"):
            return ParsedEvent(loc, None, f"a {item} event on the Page")
        if verb in ("hide", "unhide", "block", "unblock"):
            return ParsedEvent(loc, None, f"the Page's own moderation ({verb})")
        if verb not in ("add", "edited", "edit", "remove"):
            return ParsedEvent(loc, None, f"a {verb} of a {item}")
        sender = value.get("from")
        post_id = _str(value, "post_id", loc)
        key = _str(value, "comment_id", loc) if item == "comment" else post_id
        if verb == "remove":
            # Removals carry no author or text in some versions; the original's conversation takes it.
            author = _fb_author(sender, loc) if isinstance(sender, dict) else Author(external_id=str(value.get("sender_id") or "unknown"))
            if author.external_id == self.settings.page_id:
                return ParsedEvent(loc, None, "the Page removed its own content")
            stamp = value.get("created_time") or raw["entry"].get("time")
            when = _when(stamp, f"{loc}.created_time")
            return ParsedEvent(
                loc,
                self._draft(
                    f"fb:{key}/remove/{int(when.timestamp())}",
                    author,
                    f"[{'comment' if item == 'comment' else 'post'} removed on Facebook]",
                    when,
                    Addressing.COMMENT if item == "comment" else Addressing.DIRECT,
                    parent=f"fb:{key}",
                    thread=post_id if item == "comment" else None,
                    account=self._fb_account,
                    url=None,
                    raw=raw,
                ),
            )
        author = _fb_author(_obj(value, "from", loc), f"{loc}.from")
        if author.external_id == self.settings.page_id:
            return ParsedEvent(loc, None, "written by the Page itself")
        text = value.get("message")
        text = text if isinstance(text, str) and text else _fb_media(value)
        when = _when(value.get("created_time"), f"{loc}.created_time")
        edited = verb in ("edited", "edit")
        external = f"fb:{key}" + (f"/edit/{int(when.timestamp())}" if edited else "")
        if item == "comment":
            parent_id = value.get("parent_id")
            parent = f"fb:{key}" if edited else (f"fb:{parent_id}" if isinstance(parent_id, str) and parent_id != post_id else None)
            return ParsedEvent(
                loc,
                self._draft(
                    external,
                    author,
                    text,
                    when,
                    Addressing.COMMENT,
                    parent=parent,
                    thread=post_id,
                    account=self._fb_account,
                    url=_permalink(value),
                    raw=raw,
                ),
            )
        return ParsedEvent(
            loc,
            self._draft(
                external,
                author,
                text,
                when,
                Addressing.DIRECT,
                parent=f"fb:{key}" if edited else None,
                thread=None,
                account=self._fb_account,
                url=_permalink(value),
                raw=raw,
            ),
        )

    def _page_mention(self, value: Mapping[str, Any], loc: str, raw: dict[str, Any]) -> ParsedEvent:
        if value.get("verb", "add") != "add":
            return ParsedEvent(loc, None, f"a mention {value.get('verb')}")
        item = value.get("item", "post")
        key = _str(value, "comment_id", loc) if item == "comment" else _str(value, "post_id", loc)
        author = Author(external_id=_str(value, "sender_id", loc), name=str(value.get("sender_name") or ""))
        if author.external_id == self.settings.page_id:
            return ParsedEvent(loc, None, "the Page mentioned itself")
        text = value.get("message")
        when = _when(value.get("created_time") or raw["entry"].get("time"), f"{loc}.created_time")
        return ParsedEvent(
            loc,
            self._draft(
                f"fb:{key}",
                author,
                text if isinstance(text, str) and text else "[mentioned the Page]",
                when,
                Addressing.DIRECT,
                parent=None,
                thread=None,
                account=self._fb_account,
                url=f"https://www.facebook.com/{key}",
                raw=raw,
            ),
        )

    def _ig_comment(self, entry: Mapping[str, Any], value: Mapping[str, Any], loc: str, raw: dict[str, Any]) -> ParsedEvent:
        comment_id = _str(value, "id", loc)
        sender = _obj(value, "from", loc)
        author = Author(external_id=_str(sender, "id", f"{loc}.from"), handle=_at(sender.get("username")))
        if author.external_id == self.settings.ig_user_id:
            return ParsedEvent(loc, None, "written by the Instagram account itself")
        media = value.get("media")
        media_id = media.get("id") if isinstance(media, dict) else None
        text = value.get("text")
        parent_id = value.get("parent_id")
        when = _when(value.get("timestamp") or entry.get("time"), f"{loc}.timestamp")
        return ParsedEvent(
            loc,
            self._draft(
                f"ig:{comment_id}",
                author,
                text if isinstance(text, str) and text else "[comment without text]",
                when,
                Addressing.COMMENT,
                parent=f"ig:{parent_id}" if isinstance(parent_id, str) and parent_id else None,
                thread=f"ig:{media_id}" if isinstance(media_id, str) else None,
                account=self._ig_account,
                url=None,
                raw=raw,
            ),
        )

    def _ig_mention(self, entry: Mapping[str, Any], value: Mapping[str, Any], loc: str, raw: dict[str, Any]) -> ParsedEvent:
        media_id = _str(value, "media_id", loc)
        comment_id = value.get("comment_id")
        key = f"ig:mention:{media_id}" + (f":{comment_id}" if isinstance(comment_id, str) and comment_id else "")
        # The mention webhook names only the media (and comment); who wrote what is read from
        # Graph by the agent's link, so the item says what happened.
        where = "a comment" if comment_id else "a post"
        return ParsedEvent(
            loc,
            self._draft(
                key,
                Author(external_id=f"ig-media:{media_id}", name="Instagram user"),
                f"[tagged @{self.settings.ig_username or 'the account'} in {where}]",
                _when(entry.get("time"), f"{loc}.time"),
                Addressing.DIRECT,
                parent=None,
                thread=None,
                account=self._ig_account,
                url=None,
                raw=raw,
            ),
        )

    # messaging -------------------------------------------------------------------------

    def _messaging(self, obj: str, entry: Mapping[str, Any], event: Mapping[str, Any], loc: str, envelope: dict[str, Any]) -> ParsedEvent:
        sender = _str(_obj(event, "sender", loc), "id", f"{loc}.sender")
        ours = {self.settings.page_id, self.settings.ig_user_id}
        surface, account = ("igdm", self._ig_account) if obj == "instagram" else ("msg", self._dm_account)
        raw = {**envelope, "messaging": dict(event)}
        when = _when(event.get("timestamp") or entry.get("time"), f"{loc}.timestamp")
        message, postback = event.get("message"), event.get("postback")
        if isinstance(message, dict):
            if message.get("is_echo") is True or sender in ours:
                return ParsedEvent(loc, None, "an echo of the Page's own message")
            mid = _str(message, "mid", f"{loc}.message")
            text = message.get("text")
            if not isinstance(text, str) or not text:
                text = _attachments(message.get("attachments"))
            reply_to = message.get("reply_to")
            parent = reply_to.get("mid") if isinstance(reply_to, dict) else None
            return ParsedEvent(
                loc,
                self._draft(
                    f"{surface}:{mid}",
                    Author(external_id=sender),
                    text,
                    when,
                    Addressing.DM,
                    parent=f"{surface}:{parent}" if isinstance(parent, str) and parent else None,
                    thread=None,
                    account=account,
                    url=None,
                    raw=raw,
                ),
            )
        if isinstance(postback, dict):
            if sender in ours:
                return ParsedEvent(loc, None, "a postback from the Page itself")
            pressed = postback.get("mid")
            key = pressed if isinstance(pressed, str) and pressed else f"postback:{sender}:{int(when.timestamp() * 1000)}"
            title = postback.get("title") or postback.get("payload") or "a button"
            return ParsedEvent(
                loc,
                self._draft(
                    f"{surface}:{key}",
                    Author(external_id=sender),
                    f"[pressed {title}]",
                    when,
                    Addressing.DM,
                    parent=None,
                    thread=None,
                    account=account,
                    url=None,
                    raw=raw,
                ),
            )
        kinds = sorted(k for k in event if k not in ("sender", "recipient", "timestamp"))
        return ParsedEvent(loc, None, f"{', '.join(kinds) or 'an empty'} event: nothing a customer wrote")

    # helpers ----------------------------------------------------------------------------

    @property
    def _fb_account(self) -> str:
        return f"facebook:{self.settings.page_id}"

    @property
    def _dm_account(self) -> str:
        return f"messenger:{self.settings.page_id}"

    @property
    def _ig_account(self) -> str:
        return f"instagram:{self.settings.ig_user_id or self.settings.page_id}"

    def _draft(
        self,
        external_id: str,
        author: Author,
        text: str,
        when: datetime,
        addressing: Addressing,
        *,
        parent: str | None,
        thread: str | None,
        account: str,
        url: str | None,
        raw: dict[str, Any],
    ) -> ItemDraft:
        return ItemDraft(
            source=self.source.name,
            external_id=external_id,
            author=author,
            text=text,
            created_at=when,
            addressing=addressing,
            account=account,
            parent_external_id=parent,
            thread_id=thread,
            url=url,
            raw=raw,
        )

    # --- outbound ---------------------------------------------------------------------

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """Answer in the item's thread: a comment reply, or a DM within the messaging window."""
        item = reply.in_reply_to
        if item is None:
            raise DeliveryRejected("the reply answers no customer message, so there is nowhere to post it")
        surface, key = _split(item.external_id)
        if surface in ("msg", "igdm"):
            return self._send_dm(item, reply.text)
        limit = MAX_COMMENT_TEXT["ig" if surface == "ig" else "fb"]
        if len(reply.text) > limit:
            raise DeliveryRejected(f"{'Instagram' if surface == 'ig' else 'Facebook'} takes at most {limit} characters in a comment")
        if surface == "fb":
            answer = self.api.call("POST", f"{key}/comments", json={"message": reply.text})
        elif surface == "ig" and key.startswith("mention:"):
            media, _, comment = key[len("mention:") :].partition(":")
            body: dict[str, Any] = {"media_id": media, "message": reply.text}
            if comment:
                body["comment_id"] = comment
            answer = self.api.call("POST", f"{self.settings.ig_user_id}/mentions", json=body)
        elif surface == "ig":
            answer = self.api.call("POST", f"{key}/replies", json={"message": reply.text})
        else:
            raise DeliveryRejected(f"{item.external_id!r} is not a Meta comment, post or message id")
        return DeliveryReceipt(external_id=_receipt(surface, answer, "id"))

    def _send_dm(self, item: Item, text: str) -> DeliveryReceipt:
        if len(text) >= MAX_DM_TEXT:
            raise DeliveryRejected(f"Messenger takes under {MAX_DM_TEXT} characters in a message; this reply has {len(text)}")
        surface, _key = _split(item.external_id)
        age = self._now() - item.created_at
        body: dict[str, Any] = {"recipient": {"id": item.author.external_id}, "message": {"text": text}}
        if age <= DM_WINDOW:
            body["messaging_type"] = "RESPONSE"
        elif self.settings.human_agent and age <= HUMAN_AGENT_WINDOW:
            # A person answers, late: the one tag Meta allows for that.
            body["messaging_type"] = "MESSAGE_TAG"
            body["tag"] = "HUMAN_AGENT"
        else:
            hours = int(age.total_seconds() // 3600)
            allowed = "7 days with the Human Agent tag" if self.settings.human_agent else "24 hours (7 days needs the Human Agent tag)"
            raise DeliveryRejected(
                f"outside the messaging window: the customer last wrote {hours} h ago, and Meta allows replies within {allowed}"
            )
        page = self.settings.ig_user_id if surface == "igdm" and self.settings.ig_user_id else self.settings.page_id
        answer = self.api.call("POST", f"{page}/messages", json=body)
        return DeliveryReceipt(external_id=_receipt(surface, answer, "message_id"))

    def private_reply(self, item: Item, text: str) -> DeliveryReceipt:
        """Answer a public comment in the commenter's inbox (once per comment, within 7 days)."""
        surface, key = _split(item.external_id)
        if surface not in ("fb", "ig") or key.startswith("mention:") or "/" in key:
            raise DeliveryRejected("a private reply answers a comment, and this item is not one")
        if self._now() - item.created_at > PRIVATE_REPLY_WINDOW:
            raise DeliveryRejected("Meta allows a private reply only within 7 days of the comment")
        answer = self.api.call(
            "POST", f"{self.settings.page_id}/messages", json={"recipient": {"comment_id": key}, "message": {"text": text}}
        )
        return DeliveryReceipt(external_id=_receipt("msg", answer, "message_id"))

    def like(self, external_id: str) -> None:
        """Like a Facebook comment or post as the Page (Instagram has no like in its API)."""
        surface, key = _split(external_id)
        if surface != "fb" or "/" in key:
            raise DeliveryRejected("only Facebook comments and posts can be liked through the API")
        self.api.call("POST", f"{key}/likes")

    def hide(self, external_id: str, *, hidden: bool = True) -> None:
        """Hide (or show again) a comment; it is never deleted."""
        surface, key = _split(external_id)
        if surface == "fb":
            self.api.call("POST", key, json={"is_hidden": hidden})
        elif surface == "ig" and not key.startswith("mention:"):
            self.api.call("POST", key, json={"hide": hidden})
        else:
            raise DeliveryRejected("only comments can be hidden")


def _surface(external_id: str) -> str:
    return external_id.split(":", 1)[0]


def _split(external_id: str) -> tuple[str, str]:
    """``fb:123_456/edit/…`` → (``fb``, ``123_456``): where to answer an item (its original)."""
    surface, _, key = external_id.partition(":")
    if surface not in ("fb", "ig", "msg", "igdm") or not key:
        raise DeliveryRejected(f"{external_id!r} is not a Meta item id")
    return surface, key.split("/", 1)[0]


def _receipt(surface: str, answer: Any, field: str) -> str | None:
    value = answer.get(field) if isinstance(answer, dict) else None
    return f"{surface}:{value}" if isinstance(value, str) and value else None


def _fb_author(sender: Mapping[str, Any], loc: str) -> Author:
    return Author(external_id=_str(sender, "id", loc), name=str(sender.get("name") or ""))


def _at(username: Any) -> str:
    return f"@{username}" if isinstance(username, str) and username else ""


def _fb_media(value: Mapping[str, Any]) -> str:
    if value.get("photo") or value.get("item") == "photo":
        return "[photo]"
    if value.get("video") or value.get("item") == "video":
        return "[video]"
    return "[without text]"


def _permalink(value: Mapping[str, Any]) -> str | None:
    post = value.get("post")
    link = post.get("permalink_url") if isinstance(post, dict) else None
    return link if isinstance(link, str) and link.startswith("https://") else None


def _attachments(attachments: Any) -> str:
    if isinstance(attachments, list):
        labels = [_ATTACHMENTS.get(str(a.get("type")), "attachment") for a in attachments if isinstance(a, dict)]
        if labels:
            return "[" + ", ".join(labels) + "]"
    return "[message without text]"


# --- setup ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageIdentity:
    """The Page a token reaches, and the Instagram account linked to it."""

    id: str
    name: str
    ig_user_id: str | None = None
    ig_username: str = ""

    def describe(self) -> str:
        """One line for the CLI and the admin page."""
        line = f"Facebook Page {self.name or self.id} (id {self.id})"
        return line + (f", Instagram @{self.ig_username or '?'} (id {self.ig_user_id})" if self.ig_user_id else "")


def read_page(source: SourceConfig, context: ChannelContext) -> PageIdentity:
    """The connection test: ``GET /{page-id}?fields=id,name,instagram_business_account``."""
    if context.client is None:
        raise ConfigError("the connection test needs an HTTP client")
    settings = MetaSettings.from_source(source)
    api = GraphApi(settings, client=context.client, app_secret=source.secret, timeout=context.timeout)
    try:
        page = api.call("GET", settings.page_id, params={"fields": "id,name,instagram_business_account{id,username}"})
    except DeliveryRejected as exc:
        raise ConfigError(f"Meta refused the Page token: {exc}") from None
    except (PlatformUnavailable, DeliveryUnknown, RateLimited) as exc:
        raise ConfigError(f"could not reach the Graph API to test the token: {exc}") from None
    if not isinstance(page, dict) or str(page.get("id")) != settings.page_id:
        raise ConfigError("the Graph API answered without the Page's id")
    ig = page.get("instagram_business_account")
    ig_id = str(ig["id"]) if isinstance(ig, dict) and ig.get("id") else None
    ig_name = str(ig.get("username") or "") if isinstance(ig, dict) else ""
    return PageIdentity(id=settings.page_id, name=str(page.get("name") or ""), ig_user_id=ig_id, ig_username=ig_name)


def check(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test of a configured source, as one line."""
    return read_page(source, context).describe()


SETTINGS_FIELDS = (
    SettingField("page_id", "Facebook Page id", help="The numeric id of the Page (Page settings → About)."),
    SettingField("page_token", "Page access token", secret=True, help="A long-lived Page token or a system user's token."),
    SettingField("app_secret", "App secret", secret=True, help="Signs every webhook (X-Hub-Signature-256); app settings → Basic."),
    SettingField("verify_token", "Webhook verify token", secret=True, required=False, help="Generated when empty."),
    SettingField("ig_user_id", "Instagram account id", required=False, help="The Instagram professional account linked to the Page."),
    SettingField("ig_username", "Instagram username", required=False),
    SettingField("graph_version", "Graph API version", required=False, help=f"Default {GRAPH_VERSION}."),
    SettingField("human_agent", "Use the HUMAN_AGENT tag", required=False, choices=("false", "true"), help="Reply to DMs up to 7 days."),
    SettingField("api_base", "Graph API base URL", required=False, help=f"Default {API_BASE}."),
)

SPEC = ChannelSpec(
    kind=KIND,
    build=MetaChannel,
    secret_settings=frozenset({"page_token", "verify_token", "app_secret"}),
    capabilities=Capabilities(can_reply=True, can_like=True, reply_window=DM_WINDOW, max_length=MAX_DM_TEXT),
    # Business Use Case limits scale with the Page's engaged users, so no fixed figure fits:
    # the usage headers of a throttled answer say how long to wait (:func:`usage_wait`).
    settings_fields=SETTINGS_FIELDS,
    check=check,
    label="Facebook, Instagram and Messenger",
)
