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
from datetime import datetime, timedelta
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
    #: The desk's clock (reply windows are counted on it); None: the system clock.
    now: Callable[[], datetime] | None = None


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


@dataclass(frozen=True, slots=True)
class ChallengeAnswer:
    """The answer to a platform's ``GET`` on the webhook URL (Meta's ``hub.challenge``, X's CRC)."""

    body: bytes
    media_type: str = "text/plain"


@runtime_checkable
class Challenging(Protocol):
    """A channel whose platform proves the webhook URL with a ``GET`` before sending events."""

    def challenge(self, query: Mapping[str, str]) -> ChallengeAnswer:
        """Answer the platform's check; :class:`~otklik.errors.InputError` (401/403/422) when it is not the platform's."""
        ...


@runtime_checkable
class Publishing(Protocol):
    """A channel that can post on the brand's own chat or page (P15: an off-hours notice to pin)."""

    def publish(self, target: str, text: str) -> str:
        """Post ``text`` in ``target`` (a chat or page id); returns the post's platform id, for :class:`Pinning`."""
        ...


@runtime_checkable
class Liking(Protocol):
    """A channel that can like or favourite a customer's post (P8: thanking)."""

    def like(self, external_id: str) -> None:
        """Like the post with this platform id."""
        ...


ChannelFactory = Callable[[SourceConfig, ChannelContext], Channel]
#: The connection test of a configured source: a line saying who it is connected as,
#: or :class:`~otklik.errors.ConfigError` saying what is wrong.
ConnectionCheck = Callable[[SourceConfig, ChannelContext], str]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``calls`` outbound calls per ``per_seconds`` for one token (or one target).

    ``scope="token"`` counts every call made with the source's credentials; ``"target"``
    counts calls into one chat or thread (Telegram: about one message a second per chat).
    ``burst`` is how many calls may go at once after a quiet spell (``calls`` when None).
    """

    calls: float
    per_seconds: float
    scope: str = "token"
    burst: float | None = None

    def __post_init__(self) -> None:
        if self.calls <= 0 or self.per_seconds <= 0:
            raise ValueError("a rate limit needs a positive number of calls and seconds")
        if self.scope not in ("token", "target"):
            raise ValueError(f"a rate limit's scope is token or target, not {self.scope!r}")


@dataclass(frozen=True, slots=True)
class SettingField:
    """One setting a source of this kind takes, as the admin form asks for it."""

    key: str
    label: str
    secret: bool = False
    required: bool = True
    #: The allowed values, when there is a fixed list (the form shows a choice).
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A kind of channel as the registry knows it."""

    kind: str
    build: ChannelFactory
    #: Keys of ``SourceConfig.settings`` that hold secrets: never logged, shown masked.
    secret_settings: frozenset[str] = frozenset()
    #: What the kind can do in general, for pages that show kinds rather than sources
    #: (a source's own channel may say more precisely, e.g. pinning only with a user token).
    capabilities: Capabilities | None = None
    #: The platform's documented limits; the outbox keeps every source of the kind within them.
    rate_limits: tuple[RateLimit, ...] = ()
    #: Whether the channel finds posts that only name the brand (P13, ``brand_mention``).
    listens: bool = False
    #: The settings an admin gives when adding a source of this kind.
    settings_fields: tuple[SettingField, ...] = ()
    #: The connection test (``otklik channel check``, the admin page's button).
    check: ConnectionCheck | None = None
    #: A human name for the kind, for pages.
    label: str = ""
