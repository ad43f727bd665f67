"""Per-token rate limits of outbound calls: replies, pins and likes alike.

Every call the outbox makes for a source is counted against its *token*: the credentials
it calls with, so two sources sharing one bot or one account share one budget. Each channel
kind has limits (its spec's ``rate_limits``, or the documented defaults below, or the
``channel_rate_limits`` setting), kept as token buckets in memory: a worker that restarts
starts with full buckets, which the platforms' own limits tolerate.

A platform that answers "too many requests" (429 with ``retry_after``) pauses the whole
token until then. That pause is also written to the source (``sources.config``) by the
outbox, so a restarted worker honours it; :meth:`OutboundLimiter.acquire` reads both.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from otklik.channels.base import RateLimit, SourceConfig
from otklik.channels.registry import CHANNELS
from otklik.clock import Clock
from otklik.errors import ConfigError

#: Where the outbox keeps its state in ``sources.config`` (never shown, never a setting).
RUNTIME_KEY = "_outbox"

#: Limits from the platforms' documentation (docs/concepts/channels.md), for kinds whose
#: spec declares none. A spec's own ``rate_limits`` win; the setting wins over both.
DEFAULT_LIMITS: dict[str, tuple[RateLimit, ...]] = {
    "telegram": (RateLimit(30, 1.0), RateLimit(1, 1.0, scope="target", burst=3)),
    "mastodon": (RateLimit(300, 300.0),),
    # Community tokens; a user token allows about 3 a second.
    "vk": (RateLimit(20, 1.0),),
    "x": (RateLimit(100, 900.0),),
    # Business Use Case limits scale with engaged users; this keeps far below them.
    "meta": (RateLimit(200, 3600.0),),
    "email": (RateLimit(60, 60.0),),
    "google_reviews": (RateLimit(60, 60.0),),
}

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)?\s*(s|m|h)?\s*$")
_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0}


def parse_rate(text: str) -> RateLimit:
    """``"300/5m"``, ``"20/s"``, ``"100/900s"``: calls per period, for one token."""
    match = _RATE.match(text)
    if match is None:
        raise ConfigError(f"a rate limit looks like 300/5m or 20/s, not {text!r}")
    calls, count, unit = match.groups()
    seconds = float(count or 1) * _UNIT[unit or "s"]
    try:
        return RateLimit(float(calls), seconds)
    except ValueError as exc:
        raise ConfigError(f"rate limit {text!r}: {exc}") from None


def limits_for(kind: str, overrides: Mapping[str, str] | None = None) -> tuple[RateLimit, ...]:
    """The limits a source of ``kind`` keeps: the setting's, else its spec's, else the defaults."""
    spec = CHANNELS.get(kind)
    declared = spec.rate_limits if spec is not None and spec.rate_limits else DEFAULT_LIMITS.get(kind, ())
    override = (overrides or {}).get(kind)
    if override is None:
        return declared
    # The setting replaces the per-token limit; per-chat limits of the platform stay.
    return (parse_rate(override), *(r for r in declared if r.scope == "target"))


def token_key(source: SourceConfig) -> str:
    """Who a source calls the platform as: a digest of its secret settings (never the secrets).

    Sources without secret settings (generic callbacks) each count on their own.
    """
    spec = CHANNELS.get(source.kind)
    names = sorted(spec.secret_settings) if spec is not None else []
    material = [str(source.settings[n]) for n in names if source.settings.get(n)]
    if not material:
        return f"{source.kind}/source/{source.name}"
    digest = hashlib.sha256("\0".join(material).encode()).hexdigest()[:16]
    return f"{source.kind}/{digest}"


def paused_until(settings: Mapping[str, object]) -> datetime | None:
    """The pause a source's stored configuration holds, if any."""
    state = settings.get(RUNTIME_KEY)
    if not isinstance(state, Mapping):
        return None
    value = state.get("paused_until")
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


@dataclass
class _Bucket:
    tokens: float
    at: float


class OutboundLimiter:
    """Token buckets per token (and per target inside it), and pauses per token.

    Thread-safe; one instance lives as long as the worker, so its buckets carry from one
    delivery pass to the next. :meth:`acquire` never waits: it says how long to.
    """

    def __init__(self, clock: Clock, *, overrides: Mapping[str, str] | None = None):
        self._clock = clock
        self._overrides = dict(overrides or {})
        for kind in self._overrides:  # fail at start, not at the first send
            limits_for(kind, self._overrides)
        self._buckets: dict[tuple[str, str | None, int], _Bucket] = {}
        self._paused: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def acquire(self, source: SourceConfig, *, target: str | None = None) -> float:
        """Take one call for ``source`` (into ``target``): 0.0 when it may go now.

        Otherwise the seconds until it may, and nothing is taken: the caller puts the work
        back for then, which is not a failed attempt.
        """
        key = token_key(source)
        now = self._clock.now()
        with self._lock:
            pause = max((p for p in (self._paused.get(key), paused_until(source.settings)) if p is not None), default=None)
            if pause is not None and pause > now:
                return (pause - now).total_seconds()
            seconds = now.timestamp()
            chosen: list[tuple[_Bucket, RateLimit]] = []
            for i, limit in enumerate(limits_for(source.kind, self._overrides)):
                if limit.scope == "target" and target is None:
                    continue
                bucket_key = (key, target if limit.scope == "target" else None, i)
                capacity = limit.burst or limit.calls
                bucket = self._buckets.setdefault(bucket_key, _Bucket(capacity, seconds))
                rate = limit.calls / limit.per_seconds
                bucket.tokens = min(capacity, bucket.tokens + max(seconds - bucket.at, 0.0) * rate)
                bucket.at = max(bucket.at, seconds)
                chosen.append((bucket, limit))
            wait = max(((1.0 - b.tokens) * lim.per_seconds / lim.calls for b, lim in chosen if b.tokens < 1.0), default=0.0)
            if wait > 0:
                return wait
            for bucket, _limit in chosen:
                bucket.tokens -= 1.0
            return 0.0

    def interval(self, source: SourceConfig) -> float:
        """Seconds between two calls at the source's slowest per-token rate (spreads waiting work)."""
        rates = [lim.per_seconds / lim.calls for lim in limits_for(source.kind, self._overrides) if lim.scope == "token"]
        return max(rates, default=0.0)

    def pause(self, source: SourceConfig, until: datetime) -> None:
        """Hold every call with the source's token until ``until`` (a platform's ``retry_after``)."""
        key = token_key(source)
        with self._lock:
            current = self._paused.get(key)
            if current is None or until > current:
                self._paused[key] = until

    def paused(self, sources: Sequence[SourceConfig]) -> dict[str, datetime]:
        """The sources among ``sources`` whose token is paused now, with until when."""
        now = self._clock.now()
        found: dict[str, datetime] = {}
        with self._lock:
            for source in sources:
                pause = max(
                    (p for p in (self._paused.get(token_key(source)), paused_until(source.settings)) if p is not None), default=None
                )
                if pause is not None and pause > now:
                    found[source.name] = pause
        return found
