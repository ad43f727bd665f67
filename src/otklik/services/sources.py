"""Generic sources: named senders with a signing secret and an optional callback URL."""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass

from otklik.clock import Clock
from otklik.errors import Conflict, InvalidPayload, NotFound
from otklik.services.ports import UowFactory

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A configured source; the secret is shown only when it is created."""

    name: str
    kind: str
    callback_url: str | None


def add_source(
    name: str,
    *,
    uow_factory: UowFactory,
    clock: Clock,
    secret: str | None = None,
    callback_url: str | None = None,
) -> tuple[SourceInfo, str]:
    """Configure a new generic source; returns it and its secret (generated when not given)."""
    if not _NAME.match(name):
        raise InvalidPayload(f"source names are lower-case letters, digits, '_', '.', '-': {name!r}")
    if callback_url and not callback_url.startswith(("http://", "https://")):
        raise InvalidPayload("callback URL must start with http:// or https://")
    secret = secret or secrets.token_urlsafe(32)
    with uow_factory() as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
        uow.sources.add(
            name=name,
            kind="generic",
            secret=secret,
            callback_url=callback_url,
            at=clock.now(),
        )
        uow.commit()
    return SourceInfo(name=name, kind="generic", callback_url=callback_url), secret


def source_secret(name: str, *, uow_factory: UowFactory) -> str:
    """The signing secret of a source, or :class:`NotFound` for an unknown source."""
    with uow_factory(write=False) as uow:
        row = uow.sources.get(name)
    if row is None:
        raise NotFound(f"unknown source {name!r}; configure it with `otklik source add {name}`")
    return str(row["secret"])


class SourceSecrets:
    """Source secrets cached for a few seconds, so a webhook does not cost a transaction.

    A changed secret takes effect within ``ttl_s``; unknown sources are not cached, so a
    source added a moment ago is known at once.
    """

    def __init__(self, uow_factory: UowFactory, *, ttl_s: float = 5.0):
        self._uow_factory = uow_factory
        self._ttl = ttl_s
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def cached(self, name: str) -> str | None:
        """The secret of ``name`` when it is fresh in the cache (no I/O), else None."""
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        return None

    def get(self, name: str) -> str:
        """The secret of ``name``, or :class:`NotFound`."""
        hit = self.cached(name)
        if hit is not None:
            return hit
        now = time.monotonic()
        secret = source_secret(name, uow_factory=self._uow_factory)
        with self._lock:
            self._cache[name] = (now, secret)
        return secret


def list_sources(*, uow_factory: UowFactory) -> list[SourceInfo]:
    """Every configured source (without secrets)."""
    with uow_factory(write=False) as uow:
        return [SourceInfo(name=r["name"], kind=r["kind"], callback_url=r["callback_url"]) for r in uow.sources.all()]
