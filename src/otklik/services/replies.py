"""Replies: an agent's answer is stored with the conversation and queued for delivery."""

from __future__ import annotations

import secrets
from dataclasses import replace

from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.domain.replies import DeliveryState, Reply, validate_reply_text
from otklik.errors import Conflict, InvalidPayload, NotFound
from otklik.services.access import Actor, access_conversation
from otklik.services.ports import UowFactory


def send_reply(
    conversation_id: int,
    text: str,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
) -> Reply:
    """Store a reply and, in the same transaction, queue it for the worker to deliver.

    A source with a callback URL gets the reply posted to it; otherwise the reply is marked
    ``manual``: an agent posts it by hand and confirms.
    """
    try:
        clean = validate_reply_text(text)
    except ValueError as exc:
        raise InvalidPayload(str(exc)) from None
    now = clock.now()
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        source = uow.sources.get(conversation.source)
        automatic = source is not None and bool(source["callback_url"])
        state = DeliveryState.QUEUED if automatic else DeliveryState.MANUAL
        latest = uow.items.latest_in(conversation.id)
        reply_id = uow.replies.add(
            conversation_id=conversation.id,
            agent_id=actor.agent.id,
            text=clean,
            created_at=now,
            delivery_state=state,
            idempotency_key=f"otk-{secrets.token_hex(16)}",
            in_reply_to_item_id=latest.id if latest else None,
        )
        if automatic:
            uow.outbox.enqueue(reply_id, at=now)
        changed, status_event = conversation.record_reply(by=actor.name, at=now)
        uow.conversations.save(changed)
        uow.events.append(
            Event(
                kind=EventKind.REPLY_QUEUED,
                actor=actor.name,
                at=now,
                conversation_id=conversation.id,
                data={"reply_id": reply_id, "delivery": state.value},
            )
        )
        if status_event is not None:
            uow.events.append(status_event)
        reply = uow.replies.get(reply_id)
        uow.commit()
    assert reply is not None  # noqa: S101 - inserted above in the same transaction
    return reply


def mark_posted_by_hand(reply_id: int, *, actor: Actor, uow_factory: UowFactory, clock: Clock, conversation_id: int | None = None) -> Reply:
    """An agent confirms they posted a ``manual`` (or failed) reply on the platform themselves."""
    now = clock.now()
    with uow_factory() as uow:
        reply = uow.replies.get(reply_id)
        # Through a conversation's page, the reply must be that conversation's.
        if reply is None or (conversation_id is not None and reply.conversation_id != conversation_id):
            raise NotFound(f"reply {reply_id} does not exist" + (f" in conversation {conversation_id}" if conversation_id else ""))
        access_conversation(actor, reply.conversation_id, uow)
        if reply.delivery_state not in (DeliveryState.MANUAL, DeliveryState.FAILED):
            raise Conflict(f"a {reply.delivery_state.value} reply cannot be marked as posted by hand")
        done = replace(reply, delivery_state=DeliveryState.POSTED_BY_HAND, delivered_at=now)
        uow.replies.save(done)
        uow.events.append(
            Event(
                kind=EventKind.REPLY_POSTED_BY_HAND,
                actor=actor.name,
                at=now,
                conversation_id=reply.conversation_id,
                data={"reply_id": reply_id},
            )
        )
        uow.commit()
    return done


def retry_delivery(reply_id: int, *, actor: Actor, uow_factory: UowFactory, clock: Clock, conversation_id: int | None = None) -> Reply:
    """Queue a failed reply for another delivery (same idempotency key: never sent twice)."""
    now = clock.now()
    with uow_factory() as uow:
        reply = uow.replies.get(reply_id)
        # Through a conversation's page, the reply must be that conversation's.
        if reply is None or (conversation_id is not None and reply.conversation_id != conversation_id):
            raise NotFound(f"reply {reply_id} does not exist" + (f" in conversation {conversation_id}" if conversation_id else ""))
        access_conversation(actor, reply.conversation_id, uow)
        if reply.delivery_state is not DeliveryState.FAILED:
            raise Conflict(f"only a failed reply can be retried; this one is {reply.delivery_state.value}")
        queued = replace(reply, delivery_state=DeliveryState.QUEUED, last_error=None)
        uow.replies.save(queued)
        uow.outbox.enqueue(reply.id, at=now)
        uow.events.append(
            Event(
                kind=EventKind.REPLY_QUEUED,
                actor=actor.name,
                at=now,
                conversation_id=reply.conversation_id,
                data={"reply_id": reply_id, "retry": True},
            )
        )
        uow.commit()
    return queued
