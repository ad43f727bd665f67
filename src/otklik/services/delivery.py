"""Delivering queued replies: claim, send outside any transaction, record the outcome.

Each reply goes out through its source's channel (``channels.registry``): a generic source's
callback URL, a Telegram bot's ``sendMessage``… A job is leased while it is being sent. Only
answers that mean "not sent" (5xx, 429, no connection) are retried. What happens after an
unclear outcome (a timeout after the request went out, or a process that died mid-send and
let its lease run out) depends on the channel:

- with an idempotency key the receiver honours (generic callbacks), it is sent again with
  the same key, and the receiver drops the repeat;
- without one (Telegram), it is **not** sent again: the reply is marked ``failed`` with the
  reason "outcome unknown", for an agent to look on the platform and then mark it posted by
  hand or retry it. A reply is never posted twice by the desk's own doing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx

from otklik.channels.base import Channel, ChannelContext, OutboundReply, SourceConfig
from otklik.channels.registry import build_channel
from otklik.clock import Clock
from otklik.domain.conversations import Conversation
from otklik.domain.events import Event, EventKind
from otklik.domain.items import Item
from otklik.domain.replies import Reply
from otklik.errors import ConfigError, DeliveryRejected, DeliveryUnknown, PlatformUnavailable, RateLimited
from otklik.services.ports import UowFactory
from otklik.services.sources import config_from_row
from otklik.store.engine import is_sqlite

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
UNKNOWN_ADVICE = "not sent again, since the platform has no idempotency key: look in the chat, then mark it posted by hand or retry it"


@dataclass(frozen=True, slots=True)
class DeliveryPass:
    """What one pass did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0


@dataclass(frozen=True, slots=True)
class _Work:
    job_id: int
    attempts: int
    interrupted: bool
    reply: Reply | None
    conversation: Conversation | None
    source: SourceConfig | None
    item: Item | None


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 5 s doubling, at most 30 min."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 1800))


def deliver_due(
    *,
    uow_factory: UowFactory,
    client: httpx.Client,
    clock: Clock,
    timeout: float,
    max_attempts: int,
    limit: int = 20,
    brand_keywords: Sequence[str] = (),
) -> DeliveryPass:
    """Deliver the replies whose time has come; returns counts."""
    now = clock.now()
    with uow_factory() as uow:
        skip_locked = not is_sqlite(uow.connection.engine)
        jobs = uow.outbox.claim(now=now, lease_until=now + LEASE, limit=limit, skip_locked=skip_locked)
        work = []
        for job in jobs:
            reply = uow.replies.get(job.reply_id)
            conversation = uow.conversations.get(reply.conversation_id) if reply else None
            row = uow.sources.get(conversation.source) if conversation else None
            item = uow.items.get(reply.in_reply_to_item_id) if reply and reply.in_reply_to_item_id else None
            work.append(_Work(job.id, job.attempts, job.interrupted, reply, conversation, config_from_row(row) if row else None, item))
        uow.commit()
    context = ChannelContext(client=client, timeout=timeout, brand_keywords=tuple(brand_keywords))
    sent = failed = retried = 0
    for w in work:
        channel = _channel(w, context)
        if w.reply is None or w.conversation is None or channel is None:
            with uow_factory() as uow:
                uow.outbox.finish(w.job_id, state="dead", attempts=w.attempts, error="no callback configured any more")
                uow.commit()
            failed += 1
            continue
        if isinstance(channel, ConfigError):
            _give_up(uow_factory, clock, w, w.reply, w.conversation, reason=str(channel))
            failed += 1
            continue
        reply, conversation = w.reply, w.conversation
        if w.interrupted and not channel.capabilities.idempotent:
            _give_up(
                uow_factory,
                clock,
                w,
                reply,
                conversation,
                reason=f"outcome unknown: an earlier attempt was cut off; {UNKNOWN_ADVICE}",
                unknown=True,
            )
            failed += 1
            continue
        try:
            receipt = channel.send(
                OutboundReply(
                    reply_id=reply.id,
                    text=reply.text,
                    idempotency_key=reply.idempotency_key,
                    account=conversation.account,
                    in_reply_to=w.item,
                )
            )
        except DeliveryUnknown as exc:
            if not channel.capabilities.idempotent:
                _give_up(uow_factory, clock, w, reply, conversation, reason=f"outcome unknown: {exc}; {UNKNOWN_ADVICE}", unknown=True)
                failed += 1
                continue
            # The receiver drops a repeat by its key, so trying again is safe.
            retried, failed = _retry_or_give_up(uow_factory, clock, w, reply, conversation, exc, max_attempts, retried, failed)
            continue
        except (PlatformUnavailable, RateLimited) as exc:
            retried, failed = _retry_or_give_up(uow_factory, clock, w, reply, conversation, exc, max_attempts, retried, failed)
            continue
        except DeliveryRejected as exc:
            _give_up(uow_factory, clock, w, reply, conversation, reason=str(exc))
            failed += 1
            continue
        with uow_factory() as uow:
            uow.outbox.finish(w.job_id, state="done", attempts=w.attempts + 1, error=None)
            uow.replies.save(reply.delivered(external_id=receipt.external_id, at=clock.now()))
            uow.events.append(
                Event(
                    kind=EventKind.REPLY_DELIVERED,
                    actor="system",
                    at=clock.now(),
                    conversation_id=conversation.id,
                    data={"reply_id": reply.id, "external_id": receipt.external_id},
                )
            )
            uow.commit()
        sent += 1
    if work:
        log.info("delivery pass: %d sent, %d failed, %d to retry", sent, failed, retried)
    return DeliveryPass(sent=sent, failed=failed, retried=retried)


def _channel(w: _Work, context: ChannelContext) -> Channel | ConfigError | None:
    """The channel a job goes out through; None when its source can no longer reply."""
    if w.source is None:
        return None
    try:
        channel = build_channel(w.source, context)
    except ConfigError as exc:
        return exc
    return channel if channel.capabilities.can_reply else None


def _retry_or_give_up(
    uow_factory: UowFactory,
    clock: Clock,
    w: _Work,
    reply: Reply,
    conversation: Conversation,
    exc: PlatformUnavailable | RateLimited | DeliveryUnknown,
    max_attempts: int,
    retried: int,
    failed: int,
) -> tuple[int, int]:
    tried = w.attempts + 1
    if tried >= max_attempts:
        _give_up(uow_factory, clock, w, reply, conversation, reason=f"gave up after {tried} attempts: {exc}")
        return retried, failed + 1
    # A 429 says exactly how long to wait; anything else backs off.
    wait = timedelta(seconds=exc.retry_after) if isinstance(exc, RateLimited) else backoff(tried)
    with uow_factory() as uow:
        uow.outbox.retry_later(w.job_id, at=clock.now() + wait, attempts=tried, error=str(exc))
        uow.replies.save(reply.attempt_failed(str(exc)))
        uow.commit()
    return retried + 1, failed


def _give_up(
    uow_factory: UowFactory, clock: Clock, w: _Work, reply: Reply, conversation: Conversation, *, reason: str, unknown: bool = False
) -> None:
    """The job is over and the reply ``failed``, visibly: an agent may retry it or post it by hand."""
    data: dict[str, object] = {"reply_id": reply.id, "reason": reason}
    if unknown:
        data["outcome"] = "unknown"
    with uow_factory() as uow:
        uow.outbox.finish(w.job_id, state="dead", attempts=w.attempts + 1, error=reason)
        uow.replies.save(reply.failed(reason))
        uow.events.append(Event(kind=EventKind.REPLY_FAILED, actor="system", at=clock.now(), conversation_id=conversation.id, data=data))
        uow.commit()
