"""Delivering queued replies: claim, send outside any transaction, record the outcome.

A job is leased while it is being sent; if the process dies mid-send, the lease runs out and
another pass sends it again with the same ``Idempotency-Key``, which the receiver uses to
ignore the repeat. Only answers that mean "not sent" (timeouts, 5xx, 429) are retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import httpx
import orjson

from otklik.channels import generic
from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.errors import DeliveryRejected, PlatformUnavailable, RateLimited
from otklik.services.ports import UowFactory
from otklik.store.engine import is_sqlite

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class DeliveryPass:
    """What one pass did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 5 s doubling, at most 30 min."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 1800))


def _post(
    client: httpx.Client,
    url: str,
    body: bytes,
    *,
    secret: str,
    key: str,
    timeout: float,
) -> str | None:
    headers = {
        "content-type": "application/json",
        generic.SIGNATURE_HEADER: generic.sign(body, secret),
        "idempotency-key": key,
        "user-agent": "otklik",
    }
    try:
        response = client.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise PlatformUnavailable(f"timed out: {exc.__class__.__name__}") from None
    except httpx.TransportError as exc:
        raise PlatformUnavailable(f"could not connect: {exc}") from None
    if response.status_code == 429:
        retry_after = response.headers.get("retry-after", "30")
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = 30.0
        raise RateLimited("rate limited by the callback", retry_after=seconds)
    if response.status_code >= 500:
        raise PlatformUnavailable(f"callback answered {response.status_code}")
    if response.status_code >= 400:
        raise DeliveryRejected(f"callback refused the reply: {response.status_code} {response.text[:300]}")
    try:
        data = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        data = {}
    external = data.get("external_id") if isinstance(data, dict) else None
    return str(external) if external is not None else None


def deliver_due(
    *,
    uow_factory: UowFactory,
    client: httpx.Client,
    clock: Clock,
    timeout: float,
    max_attempts: int,
    limit: int = 20,
) -> DeliveryPass:
    """Deliver the replies whose time has come; returns counts."""
    now = clock.now()
    with uow_factory() as uow:
        skip_locked = not is_sqlite(uow.connection.engine)
        jobs = uow.outbox.claim_due(now=now, lease_until=now + LEASE, limit=limit, skip_locked=skip_locked)
        work = []
        for job_id, reply_id, attempts in jobs:
            reply = uow.replies.get(reply_id)
            conversation = uow.conversations.get(reply.conversation_id) if reply else None
            source = uow.sources.get(conversation.source) if conversation else None
            item = uow.items.get(reply.in_reply_to_item_id) if reply and reply.in_reply_to_item_id else None
            work.append((job_id, attempts, reply, conversation, source, item))
        uow.commit()
    sent = failed = retried = 0
    for job_id, attempts, reply, conversation, source, item in work:
        if reply is None or conversation is None or source is None or not source["callback_url"]:
            with uow_factory() as uow:
                uow.outbox.finish(
                    job_id,
                    state="dead",
                    attempts=attempts,
                    error="no callback configured any more",
                )
                uow.commit()
            failed += 1
            continue
        body = generic.reply_body(
            reply_id=reply.id,
            conversation_external_ids=[],
            in_reply_to=item.external_id if item else None,
            text=reply.text,
            author="",
            account=conversation.account,
        )
        try:
            external_id = _post(
                client,
                source["callback_url"],
                body,
                secret=source["secret"],
                key=reply.idempotency_key,
                timeout=timeout,
            )
        except (PlatformUnavailable, RateLimited) as exc:
            tried = attempts + 1
            wait = timedelta(seconds=exc.retry_after) if isinstance(exc, RateLimited) else backoff(tried)
            with uow_factory() as uow:
                if tried >= max_attempts:
                    uow.outbox.finish(job_id, state="dead", attempts=tried, error=str(exc))
                    uow.replies.save(reply.failed(f"gave up after {tried} attempts: {exc}"))
                    uow.events.append(
                        Event(
                            kind=EventKind.REPLY_FAILED,
                            actor="system",
                            at=clock.now(),
                            conversation_id=conversation.id,
                            data={"reply_id": reply.id, "reason": str(exc)},
                        )
                    )
                    failed += 1
                else:
                    uow.outbox.retry_later(job_id, at=clock.now() + wait, attempts=tried, error=str(exc))
                    uow.replies.save(reply.attempt_failed(str(exc)))
                    retried += 1
                uow.commit()
            continue
        except DeliveryRejected as exc:
            with uow_factory() as uow:
                uow.outbox.finish(job_id, state="dead", attempts=attempts + 1, error=str(exc))
                uow.replies.save(reply.failed(str(exc)))
                uow.events.append(
                    Event(
                        kind=EventKind.REPLY_FAILED,
                        actor="system",
                        at=clock.now(),
                        conversation_id=conversation.id,
                        data={"reply_id": reply.id, "reason": str(exc)},
                    )
                )
                uow.commit()
            failed += 1
            continue
        with uow_factory() as uow:
            uow.outbox.finish(job_id, state="done", attempts=attempts + 1, error=None)
            uow.replies.save(reply.delivered(external_id=external_id, at=clock.now()))
            uow.events.append(
                Event(
                    kind=EventKind.REPLY_DELIVERED,
                    actor="system",
                    at=clock.now(),
                    conversation_id=conversation.id,
                    data={"reply_id": reply.id, "external_id": external_id},
                )
            )
            uow.commit()
        sent += 1
    if work:
        log.info("delivery pass: %d sent, %d failed, %d to retry", sent, failed, retried)
    return DeliveryPass(sent=sent, failed=failed, retried=retried)
