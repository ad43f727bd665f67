"""The brand's names and keywords (P13), configured once for every listening channel.

Admins edit them on the channels page; each change is an event of the desk (who, when,
what), and the newest one is in force. Until an admin sets them, the ``brand_keywords``
setting is. Every channel gets them through ``ChannelContext.brand_keywords``: webhooks,
pollers and the outbox alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.errors import InvalidPayload
from otklik.services.access import Actor, require_admin
from otklik.services.ports import UowFactory

MAX_KEYWORDS = 50
MAX_KEYWORD_LENGTH = 100


def clean_keywords(words: Sequence[str]) -> tuple[str, ...]:
    """Keywords trimmed, without blanks and repeats (case-insensitive), in the order given."""
    seen: set[str] = set()
    kept: list[str] = []
    for word in words:
        clean = " ".join(word.split())
        if not clean or clean.casefold() in seen:
            continue
        if len(clean) > MAX_KEYWORD_LENGTH:
            raise InvalidPayload(f"a keyword may have at most {MAX_KEYWORD_LENGTH} characters: {clean[:30]!r}…")
        if len(clean) < 2:  # one letter would match at the start of countless words
            raise InvalidPayload(f"a keyword needs at least 2 characters: {clean!r}")
        seen.add(clean.casefold())
        kept.append(clean)
    if len(kept) > MAX_KEYWORDS:
        raise InvalidPayload(f"at most {MAX_KEYWORDS} keywords")
    return tuple(kept)


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords from a form's text: one per line, or separated by commas."""
    return clean_keywords(text.replace(",", "\n").splitlines())


def brand_keywords(*, uow_factory: UowFactory, default: Sequence[str] = ()) -> tuple[str, ...]:
    """The keywords in force: the newest an admin set, else ``default`` (the setting)."""
    with uow_factory(write=False) as uow:
        event = uow.events.latest_desk_event(EventKind.BRAND_KEYWORDS_SET)
    if event is None:
        return tuple(default)
    words = event.data.get("keywords")
    return tuple(str(w) for w in words) if isinstance(words, list) else tuple(default)


def set_brand_keywords(words: Sequence[str], *, actor: Actor, uow_factory: UowFactory, clock: Clock) -> tuple[str, ...]:
    """Change the brand's keywords (admins); the change is recorded as an event."""
    require_admin(actor)
    clean = clean_keywords(words)
    with uow_factory() as uow:
        uow.events.append(Event(kind=EventKind.BRAND_KEYWORDS_SET, actor=actor.name, at=clock.now(), data={"keywords": list(clean)}))
        uow.commit()
    return clean


class BrandKeywords:
    """The keywords in force, cached for a few seconds so a webhook does not cost a query.

    A change takes effect within ``ttl_s`` in every process.
    """

    def __init__(self, uow_factory: UowFactory, *, default: Sequence[str] = (), ttl_s: float = 5.0):
        self._uow_factory = uow_factory
        self._default = tuple(default)
        self._ttl = ttl_s
        self._cached: tuple[float, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    def cached(self) -> tuple[str, ...] | None:
        """The keywords when they are fresh in the cache (no I/O), else None."""
        with self._lock:
            hit = self._cached
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        return None

    def __call__(self) -> tuple[str, ...]:
        """The keywords in force now."""
        hit = self.cached()
        if hit is not None:
            return hit
        words = brand_keywords(uow_factory=self._uow_factory, default=self._default)
        with self._lock:
            self._cached = (time.monotonic(), words)
        return words

    def forget(self) -> None:
        """Read them again next time (after this process changed them)."""
        with self._lock:
            self._cached = None
