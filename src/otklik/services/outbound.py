"""Likes, pins and unpins through the outbox, and the pauses platforms ask for.

An agent's like (P8: thanking) or pin (P14: one public acknowledgement) is queued in the
same transaction as its event and done by the worker, through the source's rate limiter,
like a reply. Until the outbox table can hold them itself, the queue of a source lives in
its ``sources.config`` under ``_outbox`` (never shown, never a setting), beside the pause a
platform's "too many requests" set: so a restarted worker still knows both.

Liking and pinning again are harmless on every platform we know (the same reaction, the
same pinned post), so an unclear outcome is tried again, up to the attempt limit.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from otklik.channels.base import Capabilities, Channel, ChannelContext, Liking, Pinning, SourceConfig
from otklik.channels.registry import CHANNELS, build_channel
from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.domain.replies import DeliveryState
from otklik.errors import (
    ChannelError,
    ConfigError,
    Conflict,
    DeliveryRejected,
    InvalidPayload,
    NotFound,
    RateLimited,
)
from otklik.services.access import Actor, access_conversation
from otklik.services.ports import UowFactory
from otklik.services.ratelimit import RUNTIME_KEY, OutboundLimiter
from otklik.services.sources import config_from_row
from otklik.store.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

ACTIONS = ("like", "pin", "unpin")
LEASE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class QueuedAction:
    """One like, pin or unpin waiting in a source's queue."""

    id: str
    action: str
    external_id: str
    conversation_id: int
    item_id: int | None
    reply_id: int | None
    by: str
    queued_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    claimed_until: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """As stored in ``sources.config``."""
        return {
            "id": self.id,
            "action": self.action,
            "external_id": self.external_id,
            "conversation_id": self.conversation_id,
            "item_id": self.item_id,
            "reply_id": self.reply_id,
            "by": self.by,
            "queued_at": self.queued_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "attempts": self.attempts,
            "claimed_until": self.claimed_until.isoformat() if self.claimed_until else None,
        }

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> QueuedAction:
        """From its stored form."""
        claimed = raw.get("claimed_until")
        return cls(
            id=str(raw["id"]),
            action=str(raw["action"]),
            external_id=str(raw["external_id"]),
            conversation_id=int(raw["conversation_id"]),
            item_id=raw.get("item_id"),
            reply_id=raw.get("reply_id"),
            by=str(raw.get("by") or "system"),
            queued_at=datetime.fromisoformat(raw["queued_at"]),
            next_attempt_at=datetime.fromisoformat(raw["next_attempt_at"]),
            attempts=int(raw.get("attempts") or 0),
            claimed_until=datetime.fromisoformat(claimed) if isinstance(claimed, str) else None,
        )


@dataclass(frozen=True, slots=True)
class ActionsPass:
    """What one pass over the queued actions did."""

    done: int = 0
    failed: int = 0
    waiting: int = 0


# --- the runtime state in sources.config -------------------------------------------------


def _runtime(config: Mapping[str, Any]) -> dict[str, Any]:
    state = config.get(RUNTIME_KEY)
    return dict(state) if isinstance(state, Mapping) else {}


def _queue(config: Mapping[str, Any]) -> list[QueuedAction]:
    raw = _runtime(config).get("actions")
    return [QueuedAction.of(a) for a in raw if isinstance(a, Mapping)] if isinstance(raw, list) else []


def _store_state(uow: SqlUnitOfWork, name: str, config: Mapping[str, Any], **changes: Any) -> None:
    state = _runtime(config)
    state.update(changes)
    uow.sources.update(name, config={**config, RUNTIME_KEY: state})


def _store_queue(uow: SqlUnitOfWork, name: str, config: Mapping[str, Any], queue: Sequence[QueuedAction]) -> None:
    _store_state(uow, name, config, actions=[a.as_json() for a in queue])


def record_pause(uow: SqlUnitOfWork, source: str, *, until: datetime, reason: str, at: datetime) -> None:
    """Write a platform's pause to the source, so every worker (and a restarted one) honours it.

    Call it inside the caller's transaction; an event records it once per new pause.
    """
    row = uow.sources.get(source, for_update=True)
    if row is None:
        return
    config = dict(row["config"] or {})
    current = _runtime(config).get("paused_until")
    if isinstance(current, str) and datetime.fromisoformat(current) >= until:
        return
    _store_state(uow, source, config, paused_until=until.isoformat(), pause_reason=reason[:300])
    uow.events.append(
        Event(
            kind=EventKind.CHANNEL_PAUSED,
            actor="system",
            at=at,
            data={"source": source, "until": until.isoformat(), "reason": reason[:300]},
        )
    )


def pause_of(config: Mapping[str, Any]) -> tuple[datetime, str] | None:
    """A source's stored pause and its reason, if one was ever set."""
    state = _runtime(config)
    until = state.get("paused_until")
    if not isinstance(until, str):
        return None
    return datetime.fromisoformat(until), str(state.get("pause_reason") or "")


def pending_actions(config: Mapping[str, Any]) -> list[QueuedAction]:
    """The likes, pins and unpins a source still has to do."""
    return _queue(config)


# --- what a source can do ---------------------------------------------------------------


def capabilities_of(source: SourceConfig) -> Capabilities:
    """What a configured source can do: its channel's own answer, else its kind's."""
    try:
        return build_channel(source, ChannelContext()).capabilities
    except ConfigError:
        spec = CHANNELS.get(source.kind)
        return spec.capabilities if spec is not None and spec.capabilities is not None else Capabilities(can_reply=False)


@dataclass(frozen=True, slots=True)
class ChannelView:
    """What a conversation's channel lets the agent do, for the conversation page."""

    kind: str
    capabilities: Capabilities
    #: When the platform stops taking replies to the customer's last message (None: never).
    window_ends: datetime | None = None
    paused_until: datetime | None = None

    def window_passed(self, now: datetime) -> bool:
        """Whether the reply window has closed (the platform may refuse a reply now)."""
        return self.window_ends is not None and now >= self.window_ends


def channel_view(source: str, *, last_customer_at: datetime | None, uow_factory: UowFactory, now: datetime) -> ChannelView:
    """The capabilities of a conversation's source and where its reply window stands."""
    with uow_factory(write=False) as uow:
        row = uow.sources.get(source)
    if row is None:
        return ChannelView(kind="unknown", capabilities=Capabilities(can_reply=False))
    config = config_from_row(row)
    caps = capabilities_of(config)
    window_ends = last_customer_at + caps.reply_window if caps.reply_window is not None and last_customer_at is not None else None
    pause = pause_of(row["config"] or {})
    return ChannelView(
        kind=config.kind, capabilities=caps, window_ends=window_ends, paused_until=pause[0] if pause and pause[0] > now else None
    )


def max_length_of(conversation_id: int, *, uow_factory: UowFactory) -> int | None:
    """The longest reply a conversation's channel takes (None: no limit, or no such conversation)."""
    with uow_factory(write=False) as uow:
        conversation = uow.conversations.get(conversation_id)
        row = uow.sources.get(conversation.source) if conversation is not None else None
    return capabilities_of(config_from_row(row)).max_length if row is not None else None


# --- queueing (an agent's request) -------------------------------------------------------


def queue_action(
    conversation_id: int,
    action: str,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
    item_id: int | None = None,
    reply_id: int | None = None,
) -> QueuedAction:
    """Queue a like of a customer's item, or a pin/unpin of a sent reply, in a conversation.

    Refused (409) when the source's channel cannot do it, when the target has no id on the
    platform yet, or when the same action on it is already waiting.
    """
    if action not in ACTIONS:
        raise InvalidPayload(f"the action is one of {', '.join(ACTIONS)}, not {action!r}")
    now = clock.now()
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow)
        row = uow.sources.get(conversation.source, for_update=True)
        if row is None:
            raise Conflict(f"the source {conversation.source} is not configured any more")
        source = config_from_row(row)
        caps = capabilities_of(source)
        if action == "like":
            if not caps.can_like:
                raise Conflict(f"{source.kind} channels cannot like posts")
            item = uow.items.get(item_id) if item_id is not None else None
            if item is None or item.conversation_id != conversation.id:
                raise NotFound(f"item {item_id} does not exist in conversation {conversation.id}")
            external_id = item.external_id
        else:
            if not caps.can_pin:
                raise Conflict(f"{source.kind} channels cannot pin posts")
            reply = uow.replies.get(reply_id) if reply_id is not None else None
            if reply is None or reply.conversation_id != conversation.id:
                raise NotFound(f"reply {reply_id} does not exist in conversation {conversation.id}")
            if reply.delivery_state is not DeliveryState.SENT or not reply.external_id:
                raise Conflict("only a reply the platform took (with its id there) can be pinned")
            external_id = reply.external_id
        queue = _queue(row["config"] or {})
        if any(q.action == action and q.external_id == external_id for q in queue):
            raise Conflict(f"that {action} is already waiting to be done")
        queued = QueuedAction(
            id=secrets.token_hex(8),
            action=action,
            external_id=external_id,
            conversation_id=conversation.id,
            item_id=item_id if action == "like" else None,
            reply_id=reply_id if action != "like" else None,
            by=actor.name,
            queued_at=now,
            next_attempt_at=now,
        )
        _store_queue(uow, source.name, row["config"] or {}, [*queue, queued])
        data: dict[str, object] = {"action": action, "action_id": queued.id}
        data.update({"item_id": item_id} if action == "like" else {"reply_id": reply_id})
        uow.events.append(Event(kind=EventKind.ACTION_QUEUED, actor=actor.name, at=now, conversation_id=conversation.id, data=data))
        uow.commit()
    return queued


def conversation_of_item(item_id: int, *, uow_factory: UowFactory) -> int:
    """The conversation an item is in (access is checked when acting on it); 404 when unknown."""
    with uow_factory(write=False) as uow:
        item = uow.items.get(item_id)
    if item is None:
        raise NotFound(f"item {item_id} does not exist")
    return item.conversation_id


def conversation_of_reply(reply_id: int, *, uow_factory: UowFactory) -> int:
    """The conversation a reply is in (access is checked when acting on it); 404 when unknown."""
    with uow_factory(write=False) as uow:
        reply = uow.replies.get(reply_id)
    if reply is None:
        raise NotFound(f"reply {reply_id} does not exist")
    return reply.conversation_id


# --- doing them (the worker) ---------------------------------------------------------------


def _perform(channel: Channel, action: QueuedAction) -> None:
    if action.action == "like":
        if not isinstance(channel, Liking):
            raise DeliveryRejected(f"{channel.kind} channels cannot like posts")
        channel.like(action.external_id)
    elif not isinstance(channel, Pinning):
        raise DeliveryRejected(f"{channel.kind} channels cannot pin posts")
    elif action.action == "pin":
        channel.pin(action.external_id)
    else:
        channel.unpin(action.external_id)


def deliver_actions(
    *,
    uow_factory: UowFactory,
    client: httpx.Client,
    clock: Clock,
    limiter: OutboundLimiter,
    timeout: float,
    max_attempts: int,
    brand_keywords: Sequence[str] = (),
    limit: int = 20,
) -> ActionsPass:
    """Do the queued likes, pins and unpins whose time has come, within each token's limits."""
    now = clock.now()
    claimed: list[tuple[SourceConfig, QueuedAction]] = []
    with uow_factory() as uow:
        for row in uow.sources.all():
            queue = _queue(row["config"] or {})
            due = [q for q in queue if q.next_attempt_at <= now and (q.claimed_until is None or q.claimed_until < now)]
            if not due or len(claimed) >= limit:
                continue
            locked = uow.sources.get(row["name"], for_update=True)
            if locked is None:
                continue
            take = {q.id for q in due[: limit - len(claimed)]}
            updated = [q if q.id not in take else _with(q, claimed_until=now + LEASE) for q in _queue(locked["config"] or {})]
            _store_queue(uow, row["name"], locked["config"] or {}, updated)
            source = config_from_row(locked)
            claimed += [(source, q) for q in updated if q.id in take]
        if claimed:
            uow.commit()
    context = ChannelContext(client=client, timeout=timeout, brand_keywords=tuple(brand_keywords))
    done = failed = waiting = 0
    for source, action in claimed:
        wait = limiter.acquire(source, target=None)
        if wait > 0:
            _settle(uow_factory, source.name, action, clock, retry_at=now + timedelta(seconds=wait))
            waiting += 1
            continue
        try:
            _perform(build_channel(source, context), action)
        except RateLimited as exc:
            until = clock.now() + timedelta(seconds=exc.retry_after)
            limiter.pause(source, until)
            _settle(uow_factory, source.name, action, clock, retry_at=until, pause=(until, str(exc)))
            waiting += 1
        except (DeliveryRejected, ConfigError) as exc:
            _settle(uow_factory, source.name, action, clock, failure=str(exc))
            failed += 1
        except ChannelError as exc:
            tried = action.attempts + 1
            if tried >= max_attempts:
                _settle(uow_factory, source.name, action, clock, failure=f"gave up after {tried} attempts: {exc}")
                failed += 1
            else:
                wait_s = min(5 * 2 ** (tried - 1), 1800)
                _settle(
                    uow_factory,
                    source.name,
                    action,
                    clock,
                    retry_at=clock.now() + timedelta(seconds=wait_s),
                    attempts=tried,
                    error=str(exc),
                )
                waiting += 1
        else:
            _settle(uow_factory, source.name, action, clock, success=True)
            done += 1
    if claimed:
        log.info("actions pass: %d done, %d failed, %d waiting", done, failed, waiting)
    return ActionsPass(done=done, failed=failed, waiting=waiting)


def _with(action: QueuedAction, **changes: Any) -> QueuedAction:
    values = {f: getattr(action, f) for f in QueuedAction.__dataclass_fields__}
    values.update(changes)
    return QueuedAction(**values)


def _settle(
    uow_factory: UowFactory,
    source: str,
    action: QueuedAction,
    clock: Clock,
    *,
    success: bool = False,
    failure: str | None = None,
    retry_at: datetime | None = None,
    attempts: int | None = None,
    error: str | None = None,
    pause: tuple[datetime, str] | None = None,
) -> None:
    """Take the action off the queue with its event, or put it back for ``retry_at``."""
    now = clock.now()
    with uow_factory() as uow:
        row = uow.sources.get(source, for_update=True)
        if row is None:
            return
        config = dict(row["config"] or {})
        queue = _queue(config)
        if success or failure is not None:
            queue = [q for q in queue if q.id != action.id]
            data: dict[str, object] = {"action": action.action, "action_id": action.id}
            data.update({"item_id": action.item_id} if action.action == "like" else {"reply_id": action.reply_id})
            if failure is not None:
                data["reason"] = failure[:500]
            kind = EventKind.ACTION_DONE if success else EventKind.ACTION_FAILED
            uow.events.append(Event(kind=kind, actor="system", at=now, conversation_id=action.conversation_id, data=data))
        else:
            changes: dict[str, Any] = {"claimed_until": None, "next_attempt_at": retry_at or now}
            if attempts is not None:
                changes["attempts"] = attempts
            queue = [_with(q, **changes) if q.id == action.id else q for q in queue]
            if error:
                log.warning("%s of %s on %s: %s; trying again", action.action, action.external_id, source, error)
        _store_queue(uow, source, config, queue)
        if pause is not None:
            record_pause(uow, source, until=pause[0], reason=pause[1], at=now)
        uow.commit()
