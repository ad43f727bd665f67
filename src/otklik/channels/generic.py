"""The generic source: a documented JSON format any system can send, signed with HMAC-SHA256.

Inbound: ``POST /hooks/generic/{source}`` with header
``X-Otklik-Signature: sha256=<hex HMAC-SHA256 of the raw body with the source's secret>``.
The body is one item object, a JSON array of them, or ``{"items": [...]}``.

Outbound: replies are POSTed as JSON to the source's callback URL, signed the same way, with
an ``Idempotency-Key`` header the receiver uses to ignore repeats.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from otklik.channels.base import Capabilities, ChannelContext, ChannelSpec, DeliveryReceipt, OutboundReply, SettingField, SourceConfig
from otklik.domain.items import Addressing, Author, ItemDraft
from otklik.errors import DeliveryRejected, FieldProblem, InvalidPayload, PlatformUnavailable, RateLimited, SignatureInvalid

SIGNATURE_HEADER = "x-otklik-signature"
_PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    """The signature header value for ``body``."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """Raise :class:`SignatureInvalid` unless the body carries the source's signature."""
    given = headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.title())
    if not given:
        raise SignatureInvalid(f"missing {SIGNATURE_HEADER} header")
    if not hmac.compare_digest(given.strip(), sign(body, secret)):
        raise SignatureInvalid("signature does not match the body and the source's secret")


class AuthorIn(BaseModel):
    """The author of a generic item."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=200)
    name: str = Field("", max_length=300)
    handle: str = Field("", max_length=300)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class GenericItemIn(BaseModel):
    """One item in the generic format (see docs/reference/generic-format.md)."""

    model_config = ConfigDict(extra="allow")

    external_id: str = Field(min_length=1, max_length=300)
    author: AuthorIn
    text: str = Field(max_length=100_000)
    created_at: datetime
    addressing: Addressing
    parent_external_id: str | None = Field(None, max_length=300)
    thread_id: str | None = Field(None, max_length=300)
    account: str = Field("", max_length=200)
    url: str | None = Field(None, max_length=2000)
    author_followers: int | None = Field(None, ge=0)
    language: str | None = Field(None, max_length=10)

    @field_validator("external_id", "parent_external_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("created_at needs a time zone offset, e.g. 2026-11-20T09:15:00+00:00")
        return value


@dataclass(frozen=True, slots=True)
class ParsedBatch:
    """What a body held: the good drafts by index, and the problems of the bad ones."""

    drafts: list[tuple[int, ItemDraft]]
    rejected: list[tuple[int, list[FieldProblem]]]
    is_batch: bool


def _problems(exc: ValidationError) -> list[FieldProblem]:
    return [FieldProblem(loc=".".join(str(p) for p in err["loc"]) or "(item)", message=err["msg"]) for err in exc.errors()]


def to_draft(source: str, item: GenericItemIn, raw: dict[str, Any]) -> ItemDraft:
    """Turn a validated generic item into a draft."""
    return ItemDraft(
        source=source,
        external_id=item.external_id,
        author=Author(
            external_id=item.author.id,
            name=item.author.name,
            handle=item.author.handle,
            followers=item.author_followers,
        ),
        text=item.text,
        created_at=item.created_at,
        addressing=item.addressing,
        account=item.account,
        parent_external_id=item.parent_external_id,
        thread_id=item.thread_id,
        url=item.url,
        language=item.language,
        raw=raw,
    )


def parse_object(source: str, obj: Any) -> ItemDraft:
    """Validate one decoded item object; raise :class:`InvalidPayload` naming the fields."""
    if not isinstance(obj, dict):
        raise InvalidPayload(
            "an item must be a JSON object",
            problems=[FieldProblem("(item)", "not an object")],
        )
    try:
        item = GenericItemIn.model_validate(obj)
    except ValidationError as exc:
        problems = _problems(exc)
        names = ", ".join(p.loc for p in problems)
        raise InvalidPayload(f"invalid item: {names}", problems=problems) from None
    return to_draft(source, item, obj)


def parse(source: str, body: bytes, *, max_items: int) -> ParsedBatch:
    """Parse a webhook body: one item, an array, or ``{"items": [...]}``.

    Raises :class:`InvalidPayload` (400) for a body that is not JSON and (422) for a body
    whose shape is wrong or whose single item is invalid; a batch keeps its good items and
    reports the bad ones by index.
    """
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidPayload(f"body is not valid JSON: {exc}", status_code=400) from None
    if isinstance(decoded, dict) and "items" in decoded and "external_id" not in decoded:
        decoded = decoded["items"]
    if isinstance(decoded, dict):
        return ParsedBatch(drafts=[(0, parse_object(source, decoded))], rejected=[], is_batch=False)
    if not isinstance(decoded, list):
        raise InvalidPayload('body must be an item object, an array of items, or {"items": [...]}')
    if not decoded:
        raise InvalidPayload("the batch holds no items")
    if len(decoded) > max_items:
        raise InvalidPayload(
            f"a batch may hold at most {max_items} items; this one holds {len(decoded)}",
            status_code=413,
        )
    drafts: list[tuple[int, ItemDraft]] = []
    rejected: list[tuple[int, list[FieldProblem]]] = []
    for index, obj in enumerate(decoded):
        try:
            drafts.append((index, parse_object(source, obj)))
        except InvalidPayload as exc:
            rejected.append((index, list(exc.problems)))
    return ParsedBatch(drafts=drafts, rejected=rejected, is_batch=True)


def reply_body(
    *,
    reply_id: int,
    conversation_external_ids: list[str],
    in_reply_to: str | None,
    text: str,
    author: str,
    account: str,
) -> bytes:
    """The JSON a callback receives for a reply."""
    return orjson.dumps(
        {
            "type": "reply",
            "reply_id": reply_id,
            "in_reply_to_external_id": in_reply_to,
            "thread_external_ids": conversation_external_ids,
            "account": account,
            "author": author,
            "text": text,
        }
    )


def post_reply(client: httpx.Client, url: str, body: bytes, *, secret: str, key: str, timeout: float) -> str | None:
    """POST a signed reply to a callback URL; its platform id when the receiver gave one.

    A timeout counts as "not sent" here: the receiver honours the ``Idempotency-Key``, so
    sending again cannot post the reply twice.
    """
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        "idempotency-key": key,
        "user-agent": "otklik",
    }
    try:
        response = client.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise PlatformUnavailable(f"timed out: {exc.__class__.__name__}") from None
    except httpx.TransportError as exc:
        raise PlatformUnavailable(f"could not connect: {exc}") from None
    if response.status_code == 429:
        retry_after = response.headers.get("retry-after", "30")
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = 30.0
        raise RateLimited("rate limited by the callback", retry_after=seconds)
    if response.status_code >= 500:
        raise PlatformUnavailable(f"callback answered {response.status_code}")
    if response.status_code >= 400:
        raise DeliveryRejected(f"callback refused the reply: {response.status_code} {response.text[:300]}")
    try:
        data = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        data = {}
    external = data.get("external_id") if isinstance(data, dict) else None
    return str(external) if external is not None else None


class GenericChannel:
    """The generic format as a :class:`~otklik.channels.base.Channel`.

    The webhook route keeps its batch answers (207 with rejected items by index) by calling
    :func:`parse` itself; :meth:`parse` here returns the valid items of a body.
    """

    kind = "generic"

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self._context = context

    @property
    def capabilities(self) -> Capabilities:
        """Replies go to the callback URL when there is one; the receiver honours the key."""
        return Capabilities(can_reply=bool(self.source.callback_url), idempotent=True)

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Check the ``X-Otklik-Signature`` header."""
        verify(headers, body, self.source.secret)

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The valid items of a body; :class:`InvalidPayload` when none is valid."""
        parsed = parse(self.source.name, body, max_items=self._context.max_batch_items)
        if not parsed.drafts and parsed.rejected:
            _index, problems = parsed.rejected[0]
            raise InvalidPayload("no item in the body is valid", problems=problems)
        return [draft for _, draft in parsed.drafts]

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """POST the reply, signed, with its idempotency key, to the callback URL."""
        if not self.source.callback_url or self._context.client is None:
            raise DeliveryRejected("no callback configured any more")
        body = reply_body(
            reply_id=reply.reply_id,
            conversation_external_ids=[],
            in_reply_to=reply.in_reply_to.external_id if reply.in_reply_to else None,
            text=reply.text,
            author="",
            account=reply.account,
        )
        external_id = post_reply(
            self._context.client,
            self.source.callback_url,
            body,
            secret=self.source.secret,
            key=reply.idempotency_key,
            timeout=self._context.timeout,
        )
        return DeliveryReceipt(external_id=external_id)


SPEC = ChannelSpec(
    kind="generic",
    build=GenericChannel,
    label="Generic (signed JSON)",
    capabilities=Capabilities(can_reply=True, idempotent=True),
    settings_fields=(SettingField("callback_url", "Callback URL", required=False, help="Where replies are posted; empty: by hand"),),
)
