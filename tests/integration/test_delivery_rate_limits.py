"""A 429 with Retry-After from a real receiver on 127.0.0.1 pauses that token, and only that one."""

from __future__ import annotations

import httpx

from otklik.bootstrap import Services
from otklik.domain.events import EventKind
from otklik.domain.replies import Reply
from otklik.services.delivery import deliver_due
from otklik.services.ingest import ingest_items
from otklik.services.ratelimit import OutboundLimiter, paused_until
from otklik.services.replies import send_reply
from otklik.services.sources import add_source, source_config
from tests.builders import make_actor, make_draft
from tests.support.callback import Callback


def reply_in(services: Services, source: str, text: str, n: int) -> Reply:
    draft = make_draft(source=source, lang="en", author_id=f"{source}-{n}", external_id=f"{source}-item-{n}")
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    return send_reply(
        outcome.conversation_id,
        text,
        actor=make_actor(services, email=f"agent{n}.{source}@volna.test"),
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
        acknowledge=True,
    )


def test_a_429_pauses_its_token_until_retry_after_and_nothing_is_sent_twice(services: Services, callback: Callback) -> None:
    other = Callback()
    try:
        add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb-shop", callback_url=callback.url)
        add_source("crm", uow_factory=services.uow, clock=services.clock, secret="cb-crm", callback_url=other.url)
        first = reply_in(services, "shop", "Mark, your order 5521 is on its way, tracking by e-mail.", 1)
        second = reply_in(services, "shop", "Anna, the refund for order 4471 went out this morning.", 2)
        elsewhere = reply_in(services, "crm", "Ola, the courier calls you before 18:00 about parcel 88213.", 3)
        callback.script = [(429, {"Retry-After": "120"}, b'{"error": "slow down"}')]

        def deliver(limiter: OutboundLimiter) -> tuple[int, int, int, int]:
            with httpx.Client() as client:
                # One attempt only: a failure would be given up at once, so waiting must not count as one.
                done = deliver_due(
                    uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=1, limiter=limiter
                )
            return done.sent, done.failed, done.retried, done.waiting

        limiter = OutboundLimiter(services.clock)
        assert deliver(limiter) == (1, 0, 1, 1)  # crm flows; shop's second reply waits for the token
        assert len(callback.received) == 1
        assert [h["idempotency-key"] for h, _ in other.received] == [elsewhere.idempotency_key]
        stored = source_config("shop", uow_factory=services.uow)
        until = paused_until(stored.settings)
        assert until is not None and (until - services.clock.now()).total_seconds() == 120
        with services.uow(write=False) as uow:
            paused = uow.events.latest_desk_event(EventKind.CHANNEL_PAUSED)
        assert paused is not None and paused.data["source"] == "shop"

        # A restarted worker (a fresh limiter) honours the stored pause for new work too.
        services.clock.advance(seconds=60)  # type: ignore[attr-defined]
        third = reply_in(services, "shop", "Piotr, the missing charger for order 7710 ships today.", 4)
        assert deliver(OutboundLimiter(services.clock)) == (0, 0, 0, 1)
        assert len(callback.received) == 1
        services.clock.advance(seconds=60)  # type: ignore[attr-defined]
        assert deliver(OutboundLimiter(services.clock)) == (3, 0, 0, 0)
        keys = [h["idempotency-key"] for h, _ in callback.received]
        # The refused first attempt, then each reply exactly once.
        assert keys[0] == first.idempotency_key
        assert sorted(keys[1:]) == sorted([first.idempotency_key, second.idempotency_key, third.idempotency_key])
        with services.uow(write=False) as uow:
            stored_replies = [uow.replies.get(r.id) for r in (first, second, third)]
        assert [(r.delivery_state.value, r.attempts) for r in stored_replies if r is not None] == [("sent", 2), ("sent", 1), ("sent", 1)]
    finally:
        other.server.shutdown()
        other.server.server_close()
