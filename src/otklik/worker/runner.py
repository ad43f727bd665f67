"""The worker loop: periodic jobs around services, in-process or standalone."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import httpx

from otklik.bootstrap import Services
from otklik.services.delivery import deliver_due
from otklik.services.offhours import NoticeConfig, run_offhours_notices
from otklik.services.sla_warnings import Mailer, WarningHook, deliver_sla_warnings, scan_sla_clocks, start_missing_clocks
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
        self._next_sla_scan: datetime | None = None
        settings = services.settings
        self._mailer = (
            Mailer(
                host=settings.sla_smtp_host,
                port=settings.sla_smtp_port,
                sender=settings.sla_email_from,
                extra_to=settings.sla_email_to,
                starttls=settings.sla_smtp_starttls,
                user=settings.sla_smtp_user,
                password=settings.sla_smtp_password,
                timeout=settings.delivery_timeout_s,
            )
            if settings.sla_smtp_host
            else None
        )
        self._hook = (
            WarningHook(settings.sla_webhook_url, settings.sla_webhook_secret or "", timeout=settings.delivery_timeout_s)
            if settings.sla_webhook_url
            else None
        )

    def sla_pass(self) -> int:
        """Scan SLA clocks (every ``sla_warn_interval_s``) and deliver the warnings that wait."""
        services = self._services
        now = services.clock.now()
        raised = 0
        if self._next_sla_scan is None or now >= self._next_sla_scan:
            raised = start_missing_clocks(uow_factory=services.uow)
            raised += scan_sla_clocks(
                uow_factory=services.uow, clock=services.clock, email=self._mailer is not None, webhook=self._hook is not None
            )
            self._next_sla_scan = now + timedelta(seconds=services.settings.sla_warn_interval_s)
        sent = deliver_sla_warnings(
            uow_factory=services.uow,
            clock=services.clock,
            mailer=self._mailer,
            hook=self._hook,
            client=self._client,
            max_attempts=services.settings.delivery_max_attempts,
        )
        return raised + sent.delivered

    def notices_pass(self) -> int:
        """Publish the off-hours notice at closing and take it down at opening (P15)."""
        services = self._services
        settings = services.settings
        if not settings.offhours_notice_targets:
            return 0
        config = NoticeConfig(
            calendar=services.sla_config.hours(settings.offhours_team).calendar,
            targets=settings.offhours_notice_targets,
            languages=settings.offhours_languages,
            contacts=settings.brand_contacts,
            round_the_clock_expected=settings.round_the_clock_expected,
        )
        done = run_offhours_notices(
            uow_factory=services.uow, clock=services.clock, client=self._client, config=config, timeout=settings.delivery_timeout_s
        )
        return done.published + done.removed + done.failed

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
            brand_keywords=self._services.brand_keywords(),
            limiter=self._services.outbound_limiter,
        )
        try:
            noticed = self.notices_pass()
        except Exception:  # one job fails alone: replies and warnings go on
            log.exception("off-hours notice pass failed")
            noticed = 0
        return noticed + triaged + result.sent + result.failed + result.retried + result.actions_done + result.actions_failed

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
