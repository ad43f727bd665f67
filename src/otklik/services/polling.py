"""Polling: read a Telegram bot's updates with ``getUpdates`` and store them.

Telegram forgets every update before the ``offset`` of the next ``getUpdates`` call, so the
offset is the acknowledgement. A poller moves it past a batch only after the batch's items
are committed: a process that dies (or a commit that fails) in between reads the same
updates again, and the unique key ``(source, external_id)`` stores each message once.
"""

from __future__ import annotations

import logging

from otklik.channels.telegram import KIND, TelegramChannel
from otklik.domain.items import ItemDraft
from otklik.errors import InvalidPayload
from otklik.services.poller_base import ChannelPoller, PollPass, Store

# Callers name PollPass and Store from this module too.
__all__ = ["PollPass", "Store", "TelegramPoller"]

log = logging.getLogger(__name__)


class TelegramPoller(ChannelPoller[TelegramChannel]):
    """Reads one bot's updates; the offset moves only after the items are committed.

    The offset lives in memory: after a restart the first call asks without one, and
    Telegram hands out every update not yet acknowledged.
    """

    kind = KIND
    expected = "a Telegram channel"
    channel_class = TelegramChannel
    offset: int | None = None

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
        result = self._stored(drafts, seen=len(updates), ignored=ignored, malformed=malformed)
        if last is not None:
            self.offset = last + 1
        return result

    def acknowledge(self) -> None:
        """Tell Telegram about the offset now, without waiting for the next poll.

        A poller that stops after a pass (``otklik poll --once``) calls this, or its last
        batch would come again next time (stored once all the same). The one update this
        call may return is not acknowledged by it, so nothing is lost.
        """
        if self.offset is not None:
            self.channel().get_updates(offset=self.offset, timeout=0, limit=1)
