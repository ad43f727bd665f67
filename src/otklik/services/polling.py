"""Polling: read a Telegram bot's updates with ``getUpdates`` and store them.

Telegram forgets every update before the ``offset`` of the next ``getUpdates`` call, so the
offset is the acknowledgement. A poller moves it past a batch only after the batch's items
are committed: a process that dies (or a commit that fails) in between reads the same
updates again, and the unique key ``(source, external_id)`` stores each message once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import httpx

from otklik.channels.base import ChannelContext
from otklik.channels.telegram import KIND, TelegramChannel
from otklik.clock import Clock
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError, InvalidPayload
from otklik.services.ingest import IngestOutcome, ingest_items
from otklik.services.ports import UowFactory
from otklik.services.sources import source_config

log = logging.getLogger(__name__)

#: Stores drafts and commits; returns one outcome per draft (``ingest_items`` by default).
Store = Callable[[Sequence[ItemDraft]], list[IngestOutcome]]


@dataclass(frozen=True, slots=True)
class PollPass:
    """What one ``getUpdates`` call brought."""

    updates: int = 0
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0
    malformed: int = 0


class TelegramPoller:
    """Reads one bot's updates; the offset moves only after the items are committed.

    The offset lives in memory: after a restart the first call asks without one, and
    Telegram hands out every update not yet acknowledged.
    """

    def __init__(
        self,
        source: str,
        *,
        uow_factory: UowFactory,
        clock: Clock,
        client: httpx.Client,
        timeout: float = 10.0,
        brand_keywords: Sequence[str] | Callable[[], Sequence[str]] = (),
        store: Store | None = None,
    ):
        self.source = source
        self.offset: int | None = None
        self._uow_factory = uow_factory
        self._clock = clock
        self._context = ChannelContext(client=client, timeout=timeout)
        # A callable gives the brand's keywords as they are now, so an admin's change reaches a running poller.
        self._keywords = brand_keywords
        self._store = store or self._ingest

    def _ingest(self, drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        return ingest_items(drafts, uow=self._uow_factory(), clock=self._clock)

    def channel(self) -> TelegramChannel:
        """The bot's channel, from its configuration as it is now."""
        config = source_config(self.source, uow_factory=self._uow_factory)
        if config.kind != KIND:
            raise ConfigError(f"source {self.source} is a {config.kind} source, not a Telegram channel")
        keywords = self._keywords() if callable(self._keywords) else self._keywords
        return TelegramChannel(config, replace(self._context, brand_keywords=tuple(keywords)))

    def poll_once(self, *, wait: float) -> PollPass:
        """One long poll of up to ``wait`` seconds; stores what came, then moves the offset.

        An update that breaks the Bot API's shape is logged and acknowledged (it holds no
        message to store, and keeping it would stop the queue). A failure to store raises,
        and leaves the offset where it was.
        """
        channel = self.channel()
        updates = channel.get_updates(offset=self.offset, timeout=wait)
        drafts: list[ItemDraft] = []
        ignored = malformed = 0
        last: int | None = None
        for update in updates:
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if isinstance(update_id, int) and not isinstance(update_id, bool):
                last = update_id if last is None else max(last, update_id)
            try:
                parsed = channel.parse_update(update)
            except InvalidPayload as exc:
                malformed += 1
                log.warning("telegram %s: update %s skipped: %s", self.source, update_id, exc)
                continue
            if parsed.draft is None:
                ignored += 1
            else:
                drafts.append(parsed.draft)
        outcomes = self._store(drafts) if drafts else []
        if last is not None:
            self.offset = last + 1
        duplicates = sum(1 for o in outcomes if o.duplicate)
        return PollPass(
            updates=len(updates), stored=len(outcomes) - duplicates, duplicates=duplicates, ignored=ignored, malformed=malformed
        )

    def acknowledge(self) -> None:
        """Tell Telegram about the offset now, without waiting for the next poll.

        A poller that stops after a pass (``otklik poll --once``) calls this, or its last
        batch would come again next time (stored once all the same). The one update this
        call may return is not acknowledged by it, so nothing is lost.
        """
        if self.offset is not None:
            self.channel().get_updates(offset=self.offset, timeout=0, limit=1)
