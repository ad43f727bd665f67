"""What every channel adapter offers: verify and parse what comes in, send replies out.

A channel is one platform behind one typed protocol (:class:`Channel`). Pinning and liking
are separate protocols (:class:`Pinning`, :class:`Liking`) because only some platforms allow
them; :class:`Capabilities` says which, so the desk offers only what the platform can do.

Errors follow the one tree in :mod:`otklik.errors`:

- ``verify`` raises :class:`~otklik.errors.SignatureInvalid` (401, nothing is stored);
- ``parse`` raises :class:`~otklik.errors.InvalidPayload` (400 not JSON, 422 wrong shape);
- ``send``, ``pin`` and ``like`` raise a :class:`~otklik.errors.ChannelError` that tells the
  outbox what to do next: :class:`~otklik.errors.RateLimited` and
  :class:`~otklik.errors.PlatformUnavailable` mean *certainly not sent* (try again),
  :class:`~otklik.errors.DeliveryRejected` means *refused* (do not try again), and
  :class:`~otklik.errors.DeliveryUnknown` means *maybe sent* (read back or ask a person;
  never resend blindly where the platform has no idempotency key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol, runtime_checkable

import httpx

from otklik.domain.items import Item, ItemDraft


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can do; the UI and the outbox read these instead of the kind's name."""

    can_reply: bool
    can_pin: bool = False
    can_like: bool = False
    #: How long after the customer's message a reply is still allowed (None: no limit).
    reply_window: timedelta | None = None
    #: Longest reply the platform takes, in its own unit of length (None: no limit).
    max_length: int | None = None
    #: The platform (or receiver) drops a repeated send by key, so a retry after an unclear
    #: outcome is safe. Without it, an unclear outcome goes to an agent instead.
    idempotent: bool = False


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One configured channel instance (a row of ``sources``): who it is and its secrets."""

    name: str
    kind: str
    #: The secret that authenticates what the platform sends us (a signing key, a header token).
    secret: str
    callback_url: str | None = None
    #: Per-kind settings (tokens, mode, bot identity…); secret ones are never shown back.
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChannelContext:
    """What the desk hands every channel it builds."""

    #: Outbound HTTP; None where the channel only verifies and parses (webhooks).
    client: httpx.Client | None = None
    #: Timeout of one outbound call, in seconds.
    timeout: float = 10.0
    #: The brand's names and keywords (P13), configured once for every listening channel.
    brand_keywords: tuple[str, ...] = ()
    #: Most items one webhook body may carry.
    max_batch_items: int = 1000


@dataclass(frozen=True, slots=True)
class OutboundReply:
    """A reply on its way out, with the customer's item it answers."""

    reply_id: int
    text: str
    idempotency_key: str
    account: str
    in_reply_to: Item | None


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    """The platform took the reply; its id there, when it gave one."""

    external_id: str | None


class Channel(Protocol):
    """One platform: verify and parse what comes in, send replies in the right thread."""

    @property
    def kind(self) -> str:
        """The platform's name, as in the registry and the ``sources.kind`` column."""
        ...

    @property
    def capabilities(self) -> Capabilities:
        """What this channel instance can do."""
        ...

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise :class:`~otklik.errors.SignatureInvalid` unless the request is the platform's."""
        ...

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The items a verified body holds (none when it holds nothing for the desk)."""
        ...

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """Post ``reply`` in the thread of the item it answers."""
        ...


@runtime_checkable
class Pinning(Protocol):
    """A channel that can pin a post (P14: one public acknowledgement during an incident)."""

    def pin(self, external_id: str) -> None:
        """Pin the post with this platform id."""
        ...

    def unpin(self, external_id: str) -> None:
        """Unpin it again."""
        ...


@runtime_checkable
class Liking(Protocol):
    """A channel that can like or favourite a customer's post (P8: thanking)."""

    def like(self, external_id: str) -> None:
        """Like the post with this platform id."""
        ...


ChannelFactory = Callable[[SourceConfig, ChannelContext], Channel]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A kind of channel as the registry knows it."""

    kind: str
    build: ChannelFactory
    #: Keys of ``SourceConfig.settings`` that hold secrets: never logged, shown masked.
    secret_settings: frozenset[str] = frozenset()
