"""What the pollers of the pulled channels share: their source, storing, and the channel as configured now.

Each poller keeps its own way of reading (offsets, cursors, streams) in its module; this base
holds the constructor every one of them takes, the default store, the channel built from the
source's configuration as it is at each pass, and the tally of one stored batch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

import httpx

from otklik.channels.base import ChannelContext, SourceConfig
from otklik.clock import Clock
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError
from otklik.services.ingest import IngestOutcome, ingest_items
from otklik.services.ports import UowFactory
from otklik.services.sources import source_config

#: Stores drafts and commits; returns one outcome per draft (``ingest_items`` by default).
Store = Callable[[Sequence[ItemDraft]], list[IngestOutcome]]

#: The brand's keywords, or a callable that gives them as they are now.
Keywords = Sequence[str] | Callable[[], Sequence[str]]

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class PollPass:
    """What one pass of a poller brought."""

    updates: int = 0
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0
    malformed: int = 0


class ChannelPoller(ABC, Generic[C]):
    """Reads one source of ``kind`` through a channel of type ``C``, rebuilt at every pass."""

    #: The source kind this poller reads.
    kind: ClassVar[str]
    #: What a source of another kind is told it is not (``"a Telegram channel"``).
    expected: ClassVar[str]
    #: Builds the channel from the source's configuration and the desk's context.
    channel_class: Callable[[SourceConfig, ChannelContext], C]

    def __init__(
        self,
        source: str,
        *,
        uow_factory: UowFactory,
        clock: Clock,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
        brand_keywords: Keywords = (),
        store: Store | None = None,
    ):
        self.source = source
        self._uow_factory = uow_factory
        self._clock = clock
        self._client = client  # None for a channel that speaks no HTTP (e-mail)
        self._timeout = timeout
        # A callable gives the brand's keywords as they are now, so an admin's change reaches a running poller.
        self._keywords = brand_keywords
        self._store = store or self._ingest

    @abstractmethod
    def poll_once(self, *, wait: float) -> PollPass:
        """One pass of up to about ``wait`` seconds: store what came, then move the source's cursor."""

    @abstractmethod
    def acknowledge(self) -> None:
        """Tell the platform how far the desk has read, where it keeps that itself."""

    def _ingest(self, drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        return ingest_items(drafts, uow=self._uow_factory(), clock=self._clock)

    def _context(self) -> ChannelContext:
        keywords = self._keywords() if callable(self._keywords) else self._keywords
        return ChannelContext(client=self._client, timeout=self._timeout, brand_keywords=tuple(keywords), now=self._clock.now)

    @property
    def http(self) -> httpx.Client:
        """The HTTP client of a poller that streams itself (a channel gets it in its context)."""
        if self._client is None:
            raise ConfigError(f"source {self.source}: {self.expected} needs an HTTP client")
        return self._client

    def channel(self) -> C:
        """The source's channel, from its configuration as it is now."""
        return self._build(source_config(self.source, uow_factory=self._uow_factory))

    def _build(self, config: SourceConfig) -> C:
        if config.kind != self.kind:
            raise ConfigError(f"source {self.source} is a {config.kind} source, not {self.expected}")
        return self.channel_class(config, self._context())

    def _stored(self, drafts: Sequence[ItemDraft], *, seen: int, ignored: int, malformed: int) -> PollPass:
        """Store ``drafts`` (committed when this returns) and count the pass.

        A poller moves its cursor only after this returns: a failure to store raises and leaves it.
        """
        outcomes = self._store(drafts) if drafts else []
        duplicates = sum(1 for o in outcomes if o.duplicate)
        return PollPass(updates=seen, stored=len(outcomes) - duplicates, duplicates=duplicates, ignored=ignored, malformed=malformed)
