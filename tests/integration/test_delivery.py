"""Outbound delivery to a generic source's callback: signed, idempotent, retried only when not sent."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import httpx

from otklik.bootstrap import Services
from otklik.channels.generic import sign
from otklik.services.delivery import deliver_due
from otklik.services.ingest import ingest_items
from otklik.services.replies import retry_delivery, send_reply
from otklik.services.sources import add_source
from tests.builders import make_actor, make_draft
from tests.support.callback import Callback


def _deliver(services: Services, client: httpx.Client) -> tuple[int, int, int]:
    result = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=5, max_attempts=4)
    return result.sent, result.failed, result.retried


def test_reply_is_signed_retried_on_5xx_and_429_and_sent_once(services: Services, callback: Callback) -> None:
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb-secret", callback_url=callback.url)
    actor = make_actor(services)
    conv = ingest_items([make_draft(source="shop", external_id="m-1", lang="pl")], uow=services.uow(), clock=services.clock)[
        0
    ].conversation_id
    reply = send_reply(
        conv,
        "Pani Anno, paczka 88213 jest już w paczkomacie KRA01M.",
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
    )
    assert reply.delivery_state.value == "queued"
    callback.script = [(503, {}, b"busy"), (429, {"retry-after": "120"}, b""), (200, {}, b'{"external_id": "fb-777"}')]
    with httpx.Client() as client:
        assert _deliver(services, client) == (0, 0, 1)
        assert _deliver(services, client) == (0, 0, 0)  # not due yet: backoff
        services.clock.advance(seconds=6)  # type: ignore[attr-defined]
        assert _deliver(services, client) == (0, 0, 1)  # 429: waits what the callback asked
        services.clock.advance(seconds=60)  # type: ignore[attr-defined]
        assert _deliver(services, client) == (0, 0, 0)
        services.clock.advance(seconds=61)  # type: ignore[attr-defined]
        assert _deliver(services, client) == (1, 0, 0)
        assert _deliver(services, client) == (0, 0, 0)
    assert len(callback.received) == 3
    keys = {headers["idempotency-key"] for headers, _ in callback.received}
    assert keys == {reply.idempotency_key}
    headers, body = callback.received[-1]
    assert headers["x-otklik-signature"] == sign(body, "cb-secret")
    sent = json.loads(body)
    assert (sent["text"], sent["in_reply_to_external_id"]) == (reply.text, "m-1")
    with services.uow(write=False) as uow:
        stored = uow.replies.get(reply.id)
        events = [e.kind.value for e in uow.events.for_conversation(conv)]
    assert stored is not None
    assert (stored.delivery_state.value, stored.external_id, stored.attempts) == ("sent", "fb-777", 3)
    assert events[-1] == "reply_delivered"


def test_rejected_reply_fails_visibly_and_can_be_retried_by_an_agent(services: Services, callback: Callback) -> None:
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url=callback.url)
    actor = make_actor(services)
    conv = ingest_items([make_draft(source="shop", lang="en")], uow=services.uow(), clock=services.clock)[0].conversation_id
    reply = send_reply(
        conv,
        "So sorry about order 5521, a replacement ships today.",
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
    )
    callback.script = [(400, {}, b'{"error": "thread closed"}')]
    with httpx.Client() as client:
        assert _deliver(services, client) == (0, 1, 0)
        with services.uow(write=False) as uow:
            failed = uow.replies.get(reply.id)
        assert failed is not None
        assert failed.delivery_state.value == "failed"
        assert "thread closed" in (failed.last_error or "")
        retry_delivery(reply.id, actor=actor, uow_factory=services.uow, clock=services.clock)
        assert _deliver(services, client) == (1, 0, 0)
    assert len(callback.received) == 2


def test_unreachable_callback_gives_up_after_max_attempts(services: Services) -> None:
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url="http://127.0.0.1:9/closed")
    actor = make_actor(services)
    conv = ingest_items([make_draft(source="shop", lang="ru")], uow=services.uow(), clock=services.clock)[0].conversation_id
    reply = send_reply(
        conv, "Анна, проверяем ваш заказ 4471.", actor=actor, uow_factory=services.uow, clock=services.clock, guards=services.guards
    )
    with httpx.Client() as client:
        outcomes = []
        for _ in range(4):
            outcomes.append(_deliver(services, client))
            services.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert outcomes == [(0, 0, 1), (0, 0, 1), (0, 0, 1), (0, 1, 0)]
    with services.uow(write=False) as uow:
        stored = uow.replies.get(reply.id)
    assert stored is not None and stored.delivery_state.value == "failed"
    assert "could not connect" in (stored.last_error or "")


def test_two_workers_never_claim_the_same_job(services: Services) -> None:
    """Concurrent claims (SKIP LOCKED on PostgreSQL, one writer on SQLite) split the queue."""

    from otklik.store.engine import is_sqlite

    actor = make_actor(services)
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url="http://127.0.0.1:9/x")
    drafts = [make_draft(source="shop", author_id=f"u{i}") for i in range(40)]
    for outcome in ingest_items(drafts, uow=services.uow(), clock=services.clock):
        send_reply(
            outcome.conversation_id,
            f"Reply number {outcome.item_id}",
            actor=actor,
            uow_factory=services.uow,
            clock=services.clock,
            guards=services.guards,
            acknowledge=True,
        )
    now = services.clock.now()
    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def claim(slot: int) -> None:
        barrier.wait()
        for _ in range(4):
            with services.uow() as uow:
                jobs = uow.outbox.claim_due(
                    now=now, lease_until=now + timedelta(minutes=2), limit=5, skip_locked=not is_sqlite(services.engine)
                )
                uow.commit()
            claimed[slot].extend(job for job, _reply, _attempts in jobs)

    threads = [threading.Thread(target=claim, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(claimed[0]).isdisjoint(claimed[1])
    assert len(claimed[0]) + len(claimed[1]) == 40
