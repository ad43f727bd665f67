"""Reading a Mastodon account: notifications and hashtag timelines by REST, or by streams.

Each timeline (``notifications``, ``tag:<hashtag>``) has a cursor, the newest id committed,
saved in the source's settings (:mod:`otklik.services.cursors`). A pass reads forward from
it with ``min_id`` page by page, stores each page, and only then saves the cursor: a crash
in between reads the page again, and the unique key stores each status once.

In streaming mode a thread per stream (``user`` and one per hashtag) holds an SSE
connection open and hands its events over. A stream does not replay what it missed, so
each time one (re)connects the same REST pass runs for its timeline from the saved
cursor; the events that arrive meanwhile wait in the stream and are stored once.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from otklik.channels.mastodon import KIND, PAGE, MastodonChannel, MastodonSettings, Parsed, StreamEvent, decode_answer, newest, sse_events
from otklik.domain.items import ItemDraft
from otklik.errors import ChannelError, InvalidPayload, RateLimited
from otklik.services.cursors import load_cursors, save_cursors
from otklik.services.poller_base import ChannelPoller, PollPass

log = logging.getLogger(__name__)

NOTIFICATIONS = "notifications"


def timeline_of(stream: str) -> str:
    """The REST timeline that backfills a stream: ``user`` → notifications, ``hashtag:x`` → ``tag:x``."""
    return NOTIFICATIONS if stream == "user" else "tag:" + stream.removeprefix("hashtag:")


@dataclass
class _Tally:
    entries: int = 0
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0
    malformed: int = 0
    drafts: list[ItemDraft] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)

    def result(self) -> PollPass:
        return PollPass(self.entries, self.stored, self.duplicates, self.ignored, self.malformed)


class MastodonPoller(ChannelPoller[MastodonChannel]):
    """Reads one Mastodon source; cursors are saved only after their items are committed."""

    kind = KIND
    expected = "a Mastodon channel"
    channel_class = MastodonChannel

    def __init__(self, source: str, *, stream_idle_s: float = 60.0, reconnect_s: float = 1.0, **kwargs: Any):
        super().__init__(source, **kwargs)
        self._idle = stream_idle_s
        self._reconnect = reconnect_s
        self._feed: queue.Queue[tuple[str, str, StreamEvent | None]] = queue.Queue()
        self._readers: dict[str, _Reader] = {}
        self._reader_settings: MastodonSettings | None = None

    def poll_once(self, *, wait: float) -> PollPass:
        """One pass: every timeline by REST (polling, or ``wait`` 0), or up to ``wait`` seconds of the streams.

        A failure to store raises and leaves the cursors where they were.
        """
        channel = self.channel()
        # A pass that may not wait (``otklik poll --once``) catches up by REST in either mode.
        if channel.settings.mode == "polling" or wait <= 0:
            tally = _Tally()
            for timeline in [NOTIFICATIONS, *(f"tag:{t}" for t in channel.settings.hashtags)]:
                self._backfill(channel, timeline, tally)
            return tally.result()
        return self._stream(channel, wait)

    # --- REST ---------------------------------------------------------------------------

    def _backfill(self, channel: MastodonChannel, timeline: str, tally: _Tally) -> None:
        """Read ``timeline`` forward from its cursor, committing page by page."""
        cursor = load_cursors(self.source, uow_factory=self._uow_factory).get(timeline)
        while True:
            if timeline == NOTIFICATIONS:
                page = channel.notifications(min_id=cursor)
            else:
                page = channel.tag_timeline(timeline.removeprefix("tag:"), min_id=cursor)
            if not page.entries:
                return
            ids: list[str] = []
            for entry in page.entries:
                tally.entries += 1
                try:
                    if timeline == NOTIFICATIONS:
                        parsed = channel.parse_notification(entry)
                    else:
                        parsed = channel.parse_status(entry, hashtag=timeline.removeprefix("tag:"))
                except InvalidPayload as exc:
                    tally.malformed += 1
                    log.warning("mastodon %s: an entry of %s skipped: %s", self.source, timeline, exc)
                    parsed = None
                entry_id = entry.get("id") if isinstance(entry, dict) else None
                if isinstance(entry_id, str) and entry_id:
                    ids.append(entry_id)
                if parsed is not None:
                    self._collect(parsed, tally)
            moved = newest(ids, cursor)
            if moved is not None and moved != cursor:
                tally.cursors[timeline] = moved
            self._flush(tally)
            first_run, cursor = cursor is None, moved
            # The first pass takes the newest page only; a short page is the newest there is.
            if first_run or cursor is None or len(page.entries) < PAGE:
                return

    def _collect(self, parsed: Parsed, tally: _Tally) -> None:
        if parsed.draft is None:
            tally.ignored += 1
        else:
            tally.drafts.append(parsed.draft)

    def _flush(self, tally: _Tally) -> None:
        """Store the collected drafts, then save the cursors they were read up to."""
        if tally.drafts:
            outcomes = self._store(tally.drafts)
            duplicates = sum(1 for o in outcomes if o.duplicate)
            tally.duplicates += duplicates
            tally.stored += len(outcomes) - duplicates
            tally.drafts = []
        if tally.cursors:
            save_cursors(self.source, tally.cursors, uow_factory=self._uow_factory)
            tally.cursors = {}

    # --- streams ------------------------------------------------------------------------

    def _stream(self, channel: MastodonChannel, wait: float) -> PollPass:
        self._keep_readers(channel)
        tally = _Tally()
        deadline = time.monotonic() + wait
        while True:
            remaining = deadline - time.monotonic()
            try:
                kind, stream, event = self._feed.get(timeout=max(remaining, 0.0) if not tally.drafts else 0.05)
            except queue.Empty:
                self._flush(tally)
                if time.monotonic() >= deadline:
                    return tally.result()
                continue
            if kind == "open":
                self._flush(tally)
                self._backfill(channel, timeline_of(stream), tally)
            elif kind == "event" and event is not None:
                self._event(channel, stream, event, tally)

    def _event(self, channel: MastodonChannel, stream: str, event: StreamEvent, tally: _Tally) -> None:
        hashtag = stream.removeprefix("hashtag:") if stream != "user" else None
        try:
            parsed = channel.parse_event(event, hashtag=hashtag)
        except InvalidPayload as exc:
            tally.malformed += 1
            log.warning("mastodon %s: a %s event skipped: %s", self.source, event.event, exc)
            return
        if event.event in ("heartbeat", "delete", "filters_changed"):
            return
        tally.entries += 1
        self._collect(parsed, tally)
        timeline = timeline_of(stream)
        if parsed.notification_id is not None and timeline == NOTIFICATIONS:
            tally.cursors[timeline] = newest([parsed.notification_id], tally.cursors.get(timeline)) or parsed.notification_id
        elif hashtag is not None and event.event == "update" and parsed.draft is not None:
            tally.cursors[timeline] = newest([parsed.draft.external_id], tally.cursors.get(timeline)) or parsed.draft.external_id

    def _keep_readers(self, channel: MastodonChannel) -> None:
        """One reader per wanted stream; all restart when the settings changed."""
        if self._reader_settings is not None and self._reader_settings != channel.settings:
            self.close()
        self._reader_settings = channel.settings
        wanted = ["user", *(f"hashtag:{t}" for t in channel.settings.hashtags)]
        for stream in wanted:
            if stream not in self._readers or not self._readers[stream].is_alive():
                reader = _Reader(self, channel, stream)
                self._readers[stream] = reader
                reader.start()

    def acknowledge(self) -> None:
        """Nothing to tell Mastodon: the cursors are saved after every commit."""

    def close(self) -> None:
        """Stop the stream readers (each ends at its next line or read timeout)."""
        for reader in self._readers.values():
            reader.stop.set()
            reader.cancel()
        for reader in self._readers.values():
            reader.join(timeout=2)
        self._readers = {}


class _Reader(threading.Thread):
    """Holds one SSE stream open and hands its events to the poller; reconnects on failure."""

    def __init__(self, poller: MastodonPoller, channel: MastodonChannel, stream: str):
        super().__init__(name=f"otklik-mastodon-{poller.source}-{stream}", daemon=True)
        self.poller = poller
        self.channel = channel
        self.stream = stream
        self.stop = threading.Event()
        self._response: httpx.Response | None = None

    def cancel(self) -> None:
        """Cut the connection in flight, so a blocked read returns."""
        response = self._response
        if response is not None:
            # Closing a broken connection can fail; it is going away anyway.
            with contextlib.suppress(Exception):
                response.close()

    def run(self) -> None:
        failures = 0
        feed, poller = self.poller._feed, self.poller
        url, params = self.channel.stream_url(self.stream)
        headers = {**self.channel.api.auth_headers, "accept": "text/event-stream"}
        timeout = httpx.Timeout(poller._timeout, read=poller._idle)
        while not self.stop.is_set():
            pause = poller._reconnect
            try:
                with poller.http.stream("GET", url, params=params, headers=headers, timeout=timeout) as response:
                    self._response = response
                    if response.status_code != 200:
                        response.read()
                        decode_answer(f"Mastodon stream {self.stream}", response)
                        raise ChannelError(f"Mastodon stream {self.stream}: HTTP {response.status_code}")
                    feed.put(("open", self.stream, None))
                    failures = 0
                    for event in sse_events(response.iter_lines()):
                        if self.stop.is_set():
                            return
                        feed.put(("event", self.stream, event))
                log.info("mastodon %s: stream %s ended; reconnecting", poller.source, self.stream)
            except RateLimited as exc:
                pause = exc.retry_after
                log.warning("mastodon %s: stream %s: %s", poller.source, self.stream, exc)
            except (ChannelError, httpx.HTTPError, RuntimeError) as exc:
                failures += 1
                pause = min(poller._reconnect * 2 ** (failures - 1), 60.0)
                if not self.stop.is_set():
                    log.warning("mastodon %s: stream %s: %s", poller.source, self.stream, type(exc).__name__)
            finally:
                self._response = None
            feed.put(("closed", self.stream, None))
            self.stop.wait(pause)
