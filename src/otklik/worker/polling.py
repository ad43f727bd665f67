"""Pollers: one thread per polling-mode channel, started and stopped as sources come and go."""

from __future__ import annotations

import logging
import threading
import time

import httpx

from otklik.bootstrap import Services
from otklik.channels.telegram import redact
from otklik.errors import ChannelError, ConfigError, NotFound, RateLimited
from otklik.services.pollers import Poller, build_poller, close_poller
from otklik.services.sources import polling_sources

log = logging.getLogger(__name__)

#: How often the supervisor looks for added or removed polling sources, in seconds.
RESCAN_S = 10.0


class Pollers:
    """Reads every pulled source, each in its own thread: Telegram in polling mode, Mastodon,
    VK in longpoll mode.

    Telegram allows one ``getUpdates`` caller per bot, and the Mastodon and VK cursors are
    one per source, so run pollers in one process only (``OTKLIK_POLLING_ENABLED=false``
    everywhere else).
    """

    def __init__(self, services: Services, *, only: str | None = None, rescan_s: float = RESCAN_S):
        self._services = services
        self._only = only
        self._rescan_s = rescan_s
        self._client: httpx.Client | None = None
        self._stop = threading.Event()
        self._threads: dict[str, tuple[threading.Thread, threading.Event]] = {}
        self._supervisor: threading.Thread | None = None
        self._kinds: dict[str, str] = {}

    def start(self) -> None:
        """Start supervising in a background thread (once)."""
        if self._supervisor is None:
            self._client = httpx.Client(follow_redirects=False)
            self._supervisor = threading.Thread(target=self._supervise, name="otklik-pollers", daemon=True)
            self._supervisor.start()

    def _supervise(self) -> None:
        while not self._stop.is_set():
            try:
                kinds = {s.name: s.kind for s in polling_sources(uow_factory=self._services.uow)}
            except Exception as exc:  # the database may be briefly away; look again later
                log.warning("pollers: could not list sources: %s", exc)
                kinds = dict(self._kinds)
            wanted = set(kinds)
            if self._only is not None:
                wanted &= {self._only}
            self._kinds = kinds
            for name in wanted - set(self._threads):
                stop = threading.Event()
                thread = threading.Thread(target=self._poll, args=(name, kinds[name], stop), name=f"otklik-poll-{name}", daemon=True)
                self._threads[name] = (thread, stop)
                thread.start()
                log.info("pollers: polling %s", name)
            for name in set(self._threads) - wanted:
                self._threads.pop(name)[1].set()
                log.info("pollers: stopped polling %s", name)
            self._stop.wait(self._rescan_s)

    def _poll(self, name: str, kind: str, stop: threading.Event) -> None:
        settings = self._services.settings
        if self._client is None:  # pragma: no cover - threads start only after start()
            return
        poller = build_poller(
            name,
            kind,
            uow_factory=self._services.uow,
            clock=self._services.clock,
            client=self._client,
            timeout=settings.delivery_timeout_s,
            brand_keywords=self._services.brand_keywords,
        )
        try:
            self._loop(name, poller, stop)
        finally:
            close_poller(poller)

    def _loop(self, name: str, poller: Poller, stop: threading.Event) -> None:
        settings = self._services.settings
        failures = 0
        while not stop.is_set() and not self._stop.is_set():
            started = time.monotonic()
            try:
                result = poller.poll_once(wait=settings.poll_timeout_s)
            except NotFound:
                return  # the source was removed
            except RateLimited as exc:
                log.warning("poll %s: %s; waiting %.0f s", name, exc, exc.retry_after)
                stop.wait(exc.retry_after)
                continue
            except (ChannelError, ConfigError) as exc:
                failures += 1
                log.warning("poll %s: %s", name, redact(str(exc)))
            except Exception as exc:  # keep polling whatever one pass ran into
                failures += 1
                log.error("poll %s failed: %s", name, redact(f"{type(exc).__name__}: {exc}"))
            else:
                failures = 0
                if result.updates:
                    log.info(
                        "poll %s: %d updates, %d stored, %d duplicates, %d ignored",
                        name,
                        result.updates,
                        result.stored,
                        result.duplicates,
                        result.ignored,
                    )
                else:
                    # A server that answers an empty long poll at once (a test double, a
                    # proxy) would otherwise be asked again in a tight loop.
                    stop.wait(max(0.0, min(settings.poll_timeout_s, 1.0) - (time.monotonic() - started)))
                continue
            # Back off after failures: 1 s doubling, at most a minute.
            stop.wait(min(2 ** (failures - 1), 60))

    def stop(self) -> None:
        """Stop every poller; a long poll in flight is cut off by closing the client."""
        self._stop.set()
        for _thread, stop in self._threads.values():
            stop.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        if self._client is not None:
            self._client.close()
        for thread, _stop in self._threads.values():
            thread.join(timeout=2)
