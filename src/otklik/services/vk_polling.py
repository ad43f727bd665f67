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
from typing import Any

from otklik.channels.vk import KIND, LONGPOLL_WAIT, VkChannel
from otklik.domain.items import ItemDraft
from otklik.errors import InvalidPayload, PlatformUnavailable
from otklik.services.cursors import load_cursors, save_cursors
from otklik.services.poller_base import ChannelPoller, PollPass

log = logging.getLogger(__name__)

TS = "ts"


class VkPoller(ChannelPoller[VkChannel]):
    """Long-polls one community; ``ts`` moves (and is saved) only after the items are committed."""

    kind = KIND
    expected = "a VK channel"
    channel_class = VkChannel
    ts: str | None = None
    _server: dict[str, str] | None = None

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
        result = self._stored(drafts, seen=len(updates), ignored=ignored, malformed=malformed)
        self.ts = str(new_ts)
        save_cursors(self.source, {TS: self.ts}, uow_factory=self._uow_factory)
        return result

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
