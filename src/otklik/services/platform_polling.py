"""Reading X (mentions timeline or filtered stream) and Google reviews in the worker.

Neither platform remembers how far we read, so the cursor (X's newest post id, Google's
newest ``updateTime``) is kept with the source (:mod:`otklik.services.cursors`) and saved
only after the items read up to it are committed: a crash in between reads them again, and
the unique key ``(source, external_id)`` stores each once.

Both platforms count every call, so a pass runs at most once per ``poll_interval_s`` (a
source setting; 60 s for X, 300 s for Google); a pass asked for sooner returns at once,
empty. The X stream instead keeps one connection open across passes and reads it for up to
the pass's ``wait``; keep-alive lines arrive every 20 s, so a pass never blocks for long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import httpx

from otklik.channels.base import ChannelContext
from otklik.channels.google_reviews import KIND as GOOGLE
from otklik.channels.google_reviews import GoogleReviewsChannel
from otklik.channels.x import KIND as X
from otklik.channels.x import ParsedPost, XChannel
from otklik.errors import PlatformUnavailable, RateLimited
from otklik.services.cursors import load_cursors, save_cursors
from otklik.services.poller_base import ChannelPoller, PollPass

log = logging.getLogger(__name__)

MENTIONS = "x_mentions"
REVIEWS = "google_reviews"
DEFAULT_INTERVAL = {X: 60.0, GOOGLE: 300.0}

C = TypeVar("C")


class _Paced(ChannelPoller[C]):
    """What the two pollers share beyond the base: pacing, and the desk's clock in their channels."""

    #: When (on the monotonic clock) the next pass may call the platform.
    _next_at = 0.0

    def _context(self) -> ChannelContext:
        return replace(super()._context(), now=self._clock.now)

    def _due(self, settings: Any) -> bool:
        """Whether a pass may call the platform now (and, if so, when the next one may)."""
        now = time.monotonic()
        if now < self._next_at:
            return False
        interval = settings.get("poll_interval_s") if hasattr(settings, "get") else None
        wait = float(interval) if isinstance(interval, (int, float)) and interval > 0 else DEFAULT_INTERVAL[self.kind]
        self._next_at = now + wait
        return True

    def acknowledge(self) -> None:
        """Nothing to tell the platform: the cursor is saved with the source."""

    def run_now(self) -> None:
        """Let the next pass call the platform at once (``otklik poll --once``, tests)."""
        self._next_at = 0.0


class XPoller(_Paced[XChannel]):
    """An X account: its mentions timeline by ``since_id``, or the filtered stream."""

    kind = X
    expected = X
    channel_class = XChannel

    def __init__(self, source: str, **kwargs: Any):
        super().__init__(source, **kwargs)
        self._stream: httpx.Response | None = None
        self._lines: Iterator[str] | None = None

    def poll_once(self, *, wait: float) -> PollPass:
        """One pass: the mentions since the saved cursor, or up to ``wait`` seconds of the stream."""
        channel = self.channel()
        if channel.settings.mode == "stream":
            return self._stream_pass(channel, wait)
        if not self._due(channel.source.settings):
            return PollPass()
        since = load_cursors(self.source, uow_factory=self._uow_factory).get(MENTIONS)
        posts, newest = channel.mentions(since_id=since)
        result = self._pass(posts)
        if newest and (since is None or int(newest) > int(since)):
            save_cursors(self.source, {MENTIONS: newest}, uow_factory=self._uow_factory)
        return result

    def _pass(self, posts: Sequence[ParsedPost]) -> PollPass:
        drafts = [p.draft for p in posts if p.draft is not None]
        return self._stored(drafts, seen=len(posts), ignored=len(posts) - len(drafts), malformed=0)

    def _stream_pass(self, channel: XChannel, wait: float) -> PollPass:
        if self._lines is None:
            channel.sync_rules()
            request = self.http.build_request(
                "GET",
                channel.settings.api_base + "/2/tweets/search/stream",
                params=channel.stream_params(),
                headers={"authorization": f"Bearer {channel.settings.bearer_token}", "user-agent": "otklik"},
                # X sends a keep-alive every 20 s: 30 s of silence means the connection is dead.
                timeout=httpx.Timeout(self._timeout, read=30.0),
            )
            try:
                response = self.http.send(request, stream=True)
            except httpx.TransportError as exc:
                raise PlatformUnavailable(f"X stream: could not connect ({type(exc).__name__})") from None
            if response.status_code != 200:
                response.read()
                response.close()
                channel.api.result("X GET /2/tweets/search/stream", response)
                raise PlatformUnavailable(f"X stream: HTTP {response.status_code}")
            self._stream, self._lines = response, response.iter_lines()
        deadline = time.monotonic() + max(wait, 0.0)
        batch: list[str] = []
        try:
            for line in self._lines:
                batch.append(line)
                if time.monotonic() >= deadline:
                    break
            else:
                self.close()  # the platform ended the stream; the next pass reconnects
        except (httpx.TransportError, httpx.StreamError) as exc:
            self.close()
            if batch:
                log.warning("x %s: the stream broke (%s); storing what came first", self.source, type(exc).__name__)
            else:
                raise PlatformUnavailable(f"X stream: the connection broke ({type(exc).__name__})") from None
        return self._pass(list(channel.read_stream(batch)))

    def close(self) -> None:
        """Close the stream connection, if one is open."""
        if self._stream is not None:
            self._stream.close()
        self._stream, self._lines = None, None


class GoogleReviewsPoller(_Paced[GoogleReviewsChannel]):
    """A Business Profile location: reviews updated since the saved ``updateTime``."""

    kind = GOOGLE
    expected = GOOGLE
    channel_class = GoogleReviewsChannel

    def poll_once(self, *, wait: float) -> PollPass:
        """One pass, at most once per interval: new and edited reviews, then the cursor."""
        channel = self.channel()
        if not self._due(channel.source.settings):
            return PollPass()
        since = load_cursors(self.source, uow_factory=self._uow_factory).get(REVIEWS)
        try:
            drafts, newest, malformed = channel.reviews(since=since)
        except RateLimited:
            self._next_at = 0.0  # the worker waits retry_after; then try at once
            raise
        result = self._stored(drafts, seen=len(drafts) + malformed, ignored=0, malformed=malformed)
        if newest and newest != since:
            save_cursors(self.source, {REVIEWS: newest}, uow_factory=self._uow_factory)
        return result
