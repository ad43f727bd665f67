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

Every call goes through the source's rate limiter (:mod:`otklik.services.ratelimit`). A
reply whose token has no call left, or is paused after a platform's "too many requests",
is put back for when it may go: that is waiting, not a failed attempt, and it never makes
the desk give a reply up. A 429 pauses the whole token (persisted with the source, so a
restarted worker honours it); other sources keep flowing. Likes, pins and unpins queued by
agents go out in the same pass (:func:`otklik.services.outbound.deliver_actions`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from otklik.channels.base import Channel, ChannelContext, OutboundReply, SourceConfig
from otklik.channels.registry import build_channel
from otklik.clock import Clock
from otklik.domain.conversations import Conversation
from otklik.domain.events import Event, EventKind
from otklik.domain.items import Item
from otklik.domain.replies import Reply
from otklik.errors import ConfigError, DeliveryRejected, DeliveryUnknown, PlatformUnavailable, PostByHand, RateLimited
from otklik.services.outbound import deliver_actions, record_pause
from otklik.services.ports import UowFactory
from otklik.services.ratelimit import OutboundLimiter
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
    #: Replies put back because their token had no call left or was paused (not attempts).
    waiting: int = 0
    #: Likes, pins and unpins done and failed.
    actions_done: int = 0
    actions_failed: int = 0


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
    limiter: OutboundLimiter | None = None,
) -> DeliveryPass:
    """Deliver the replies (and queued likes and pins) whose time has come; returns counts.

    ``limiter`` should live as long as the worker, so its buckets carry over between passes;
    without one, a fresh one still honours every stored pause.
    """
    now = clock.now()
    limiter = limiter or OutboundLimiter(clock)
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
    context = ChannelContext(client=client, timeout=timeout, brand_keywords=tuple(brand_keywords), now=clock.now)
    sent = failed = retried = waiting = 0
    # Work held back for one token in this pass is spread out, not all put back for one instant.
    held: dict[str, int] = {}
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
        assert w.source is not None  # noqa: S101 - a channel was built from it
        wait = limiter.acquire(w.source, target=conversation.thread_key)
        if wait > 0:
            n = held.get(w.source.name, 0)
            held[w.source.name] = n + 1
            _hold(uow_factory, w, at=clock.now() + timedelta(seconds=wait + n * limiter.interval(w.source)))
            waiting += 1
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
        except RateLimited as exc:
            # The whole token waits, here and in every worker; the reply is not given up for it.
            until = clock.now() + timedelta(seconds=exc.retry_after)
            limiter.pause(w.source, until)
            with uow_factory() as uow:
                uow.outbox.retry_later(w.job_id, at=until, attempts=w.attempts, error=str(exc))
                uow.replies.save(reply.attempt_failed(str(exc)))
                record_pause(uow, w.source.name, until=until, reason=str(exc), at=clock.now())
                uow.commit()
            retried += 1
            continue
        except PlatformUnavailable as exc:
            retried, failed = _retry_or_give_up(uow_factory, clock, w, reply, conversation, exc, max_attempts, retried, failed)
            continue
        except PostByHand as exc:
            _hand_off(uow_factory, clock, w, reply, conversation, exc)
            failed += 1
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
        log.info("delivery pass: %d sent, %d failed, %d to retry, %d waiting for their token", sent, failed, retried, waiting)
    actions = deliver_actions(
        uow_factory=uow_factory,
        client=client,
        clock=clock,
        limiter=limiter,
        timeout=timeout,
        max_attempts=max_attempts,
        brand_keywords=brand_keywords,
        limit=limit,
    )
    return DeliveryPass(
        sent=sent,
        failed=failed,
        retried=retried,
        waiting=waiting + actions.waiting,
        actions_done=actions.done,
        actions_failed=actions.failed,
    )


def _hold(uow_factory: UowFactory, w: _Work, *, at: datetime) -> None:
    """Put a job back for when its token may call again, without counting an attempt."""
    with uow_factory() as uow:
        uow.outbox.retry_later(w.job_id, at=at, attempts=w.attempts, error="waiting for the channel's rate limit")
        uow.commit()


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
    exc: PlatformUnavailable | DeliveryUnknown,
    max_attempts: int,
    retried: int,
    failed: int,
) -> tuple[int, int]:
    tried = w.attempts + 1
    if tried >= max_attempts:
        _give_up(uow_factory, clock, w, reply, conversation, reason=f"gave up after {tried} attempts: {exc}")
        return retried, failed + 1
    wait = backoff(tried)
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


def _hand_off(uow_factory: UowFactory, clock: Clock, w: _Work, reply: Reply, conversation: Conversation, exc: PostByHand) -> None:
    """The platform takes no API reply here: the reply becomes one to post by hand, with the link."""
    data: dict[str, object] = {"reply_id": reply.id, "delivery": "manual", "reason": str(exc)}
    if exc.url:
        data["url"] = exc.url
    with uow_factory() as uow:
        uow.outbox.finish(w.job_id, state="dead", attempts=w.attempts + 1, error=str(exc))
        uow.replies.save(reply.handed_off(str(exc)))
        uow.events.append(Event(kind=EventKind.REPLY_QUEUED, actor="system", at=clock.now(), conversation_id=conversation.id, data=data))
        uow.commit()
