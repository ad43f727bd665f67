"""Bots Long Poll: read a VK community's events with ``a_check`` and store them.

``groups.getLongPollServer`` gives a server, a key and a ``ts``; each ``a_check`` from ``ts``
returns the events after it and the next ``ts``. VK does not remember how far the desk has
read, so the poller saves ``ts`` in the source's settings (:mod:`otklik.services.cursors`)
only after the events before it are committed: a crash in between reads them again, and
the unique key stores each once. ``failed`` answers are handled as VK documents them:
1 take the new ``ts`` (events in between are gone), 2 fetch a new key, 3 fetch key and ``ts``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import httpx

from otklik.channels.base import ChannelContext
from otklik.channels.vk import KIND, LONGPOLL_WAIT, VkChannel
from otklik.clock import Clock
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError, InvalidPayload, PlatformUnavailable
from otklik.services.cursors import load_cursors, save_cursors
from otklik.services.ingest import IngestOutcome, ingest_items
from otklik.services.polling import PollPass, Store
from otklik.services.ports import UowFactory
from otklik.services.sources import source_config

log = logging.getLogger(__name__)

TS = "ts"


class VkPoller:
    """Long-polls one community; ``ts`` moves (and is saved) only after the items are committed."""

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
        self.ts: str | None = None
        self._server: dict[str, str] | None = None
        self._uow_factory = uow_factory
        self._clock = clock
        self._context = ChannelContext(client=client, timeout=timeout)
        # A callable gives the brand's keywords as they are now, so an admin's change reaches a running poller.
        self._keywords = brand_keywords
        self._store = store or self._ingest

    def _ingest(self, drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        return ingest_items(drafts, uow=self._uow_factory(), clock=self._clock)

    def channel(self) -> VkChannel:
        """The community's channel, from its configuration as it is now."""
        config = source_config(self.source, uow_factory=self._uow_factory)
        if config.kind != KIND:
            raise ConfigError(f"source {self.source} is a {config.kind} source, not a VK channel")
        keywords = self._keywords() if callable(self._keywords) else self._keywords
        return VkChannel(config, replace(self._context, brand_keywords=tuple(keywords)))

    def poll_once(self, *, wait: float) -> PollPass:
        """One ``a_check`` of up to ``wait`` seconds; stores what came, then moves ``ts``.

        An event that breaks VK's shape is logged and passed (it holds nothing to store,
        and keeping it would stop the queue). A failure to store raises and leaves ``ts``.
        """
        channel = self.channel()
        if self.ts is None:
            self.ts = load_cursors(self.source, uow_factory=self._uow_factory).get(TS) or None
        if self._server is None:
            self._server = channel.longpoll_server()
            if self.ts is None:
                self.ts = self._server["ts"]  # the first pass starts from now
        ts = self.ts or self._server["ts"]
        answer = channel.check(self._server["server"], key=self._server["key"], ts=ts, wait=min(int(wait), LONGPOLL_WAIT * 3))
        failed = answer.get("failed")
        if failed is not None:
            self._recover(failed, answer)
            return PollPass()
        updates, new_ts = answer.get("updates"), answer.get("ts")
        if not isinstance(updates, list) or not isinstance(new_ts, str | int):
            raise PlatformUnavailable("VK a_check: the answer lacks updates or ts")
        drafts: list[ItemDraft] = []
        ignored = malformed = 0
        for event in updates:
            try:
                parsed = channel.parse_event(event)
            except InvalidPayload as exc:
                malformed += 1
                log.warning("vk %s: event %s skipped: %s", self.source, _event_id(event), exc)
                continue
            if parsed.draft is None:
                ignored += 1
            else:
                drafts.append(parsed.draft)
        outcomes = self._store(drafts) if drafts else []
        self.ts = str(new_ts)
        save_cursors(self.source, {TS: self.ts}, uow_factory=self._uow_factory)
        duplicates = sum(1 for o in outcomes if o.duplicate)
        return PollPass(
            updates=len(updates), stored=len(outcomes) - duplicates, duplicates=duplicates, ignored=ignored, malformed=malformed
        )

    def _recover(self, failed: Any, answer: dict[str, Any]) -> None:
        if failed == 1 and isinstance(answer.get("ts"), str | int):
            log.warning("vk %s: the event history moved on (failed 1); events before ts %s are gone", self.source, answer["ts"])
            self.ts = str(answer["ts"])
            save_cursors(self.source, {TS: self.ts}, uow_factory=self._uow_factory)
        elif failed == 2:
            self._server = None  # the key expired; the ts stays
        else:
            log.warning("vk %s: the long poll session is lost (failed %s); starting from now", self.source, failed)
            self._server = None
            self.ts = None
            save_cursors(self.source, {TS: ""}, uow_factory=self._uow_factory)

    def acknowledge(self) -> None:
        """Nothing to tell VK: ``ts`` is saved after every commit."""

    def close(self) -> None:
        """Nothing held open between polls."""


def _event_id(event: Any) -> str:
    return str(event.get("event_id")) if isinstance(event, dict) else "?"
