"""The worker loop: periodic jobs around services, in-process or standalone."""

from __future__ import annotations

import logging
import threading

import httpx

from otklik.bootstrap import Services
from otklik.services.delivery import deliver_due
from otklik.services.triage import triage_pending
from otklik.worker.polling import Pollers

log = logging.getLogger(__name__)


class Worker:
    """Runs the periodic jobs until stopped: triage new items, deliver queued replies.

    Polling-mode channels are long-polled in threads of their own (:class:`Pollers`), so a
    quiet long poll never holds up delivery.
    """

    def __init__(self, services: Services, *, client: httpx.Client | None = None):
        self._services = services
        self._client = client or httpx.Client(follow_redirects=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pollers = Pollers(services) if services.settings.polling_enabled else None

    def run_once(self) -> int:
        """One pass over every job; returns how many things it did.

        Each job fails alone: a triage failure must not hold up the delivery of replies.
        """
        settings = self._services.settings
        try:
            triaged = triage_pending(
                uow_factory=self._services.uow,
                clock=self._services.clock,
                active=self._services.schema,
                limit=settings.triage_batch_max,
            )
        except Exception:
            log.exception("triage pass failed; delivering replies all the same")
            triaged = 0
        result = deliver_due(
            uow_factory=self._services.uow,
            client=self._client,
            clock=self._services.clock,
            timeout=settings.delivery_timeout_s,
            max_attempts=settings.delivery_max_attempts,
            brand_keywords=settings.brand_keywords,
        )
        return triaged + result.sent + result.failed + result.retried

    def run_forever(self) -> None:
        """Loop until :meth:`stop`; a failing pass is logged and the loop goes on."""
        if self._pollers is not None:
            self._pollers.start()
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker pass failed; trying again")
                busy = 0
            if not busy:
                self._stop.wait(self._services.settings.worker_interval_s)

    def start(self) -> None:
        """Run in a background thread."""
        self._thread = threading.Thread(target=self.run_forever, name="otklik-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the loop and wait for it."""
        self._stop.set()
        if self._pollers is not None:
            self._pollers.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._client.close()
