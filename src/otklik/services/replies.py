"""Replies: an agent's answer is checked by the guards, stored with the conversation and queued for delivery."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.domain.replies import DeliveryState, Reply, ReplyCheck, validate_reply_text
from otklik.errors import Conflict, InvalidPayload, NotFound
from otklik.guards import GuardReport, PastReply, ReplyContext
from otklik.services.access import Actor, access_conversation
from otklik.services.guards import ReplyGuards, account_of, clean_gesture, reply_context, report_json, warnings_to_acknowledge
from otklik.services.ports import UowFactory
from otklik.services.sources import delivers_automatically


def send_reply(
    conversation_id: int,
    text: str,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
    guards: ReplyGuards,
    acknowledge: bool = False,
    gesture: str | None = None,
) -> Reply:
    """Check a reply with the guards, store it and, in the same transaction, queue it for delivery.

    The guards judge the text as it is finally sent (a saved reply may have started it): a
    blocked reply is refused, and one with warnings is refused unless ``acknowledge`` says
    the agent sends it anyway (GuardsRefused, 409, with the report). The report, and who
    acknowledged which warnings when, are stored with the reply. ``gesture`` is what the
    agent offers for a late answer. A source with a callback URL gets the reply posted to
    it; otherwise the reply is marked ``manual``: an agent posts it by hand and confirms.
    """
    try:
        clean = validate_reply_text(text)
    except ValueError as exc:
        raise InvalidPayload(str(exc)) from None
    chosen = clean_gesture(gesture)
    now = clock.now()
    with uow_factory(write=False) as uow:
        # The account's index is built (when it is not yet) outside the write transaction.
        guards.prepare(account_of(access_conversation(actor, conversation_id, uow)), connection=uow.connection, now=now)
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        context = reply_context(conversation, uow.connection, now=now, guards=guards, gesture=chosen)
        account = account_of(conversation)
        report = guards.check(clean, context, account=account, connection=uow.connection, agent_id=actor.agent.id)
        acknowledged = warnings_to_acknowledge(report, acknowledge=acknowledge)
        source = uow.sources.get(conversation.source)
        automatic = source is not None and delivers_automatically(source)
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
        check = _check_of(reply_id, report, context, actor=actor, acknowledged=acknowledged, at=now)
        uow.reply_checks.add(check)
        if automatic:
            uow.outbox.enqueue(reply_id, at=now)
        changed, status_event = conversation.record_reply(by=actor.name, at=now)
        uow.conversations.save(changed)
        data: dict[str, object] = {"reply_id": reply_id, "delivery": state.value, "guards": report.verdict.value}
        if acknowledged:
            data["acknowledged"] = list(acknowledged)  # the audit shows who sent over which warnings
        uow.events.append(Event(kind=EventKind.REPLY_QUEUED, actor=actor.name, at=now, conversation_id=conversation.id, data=data))
        if status_event is not None:
            uow.events.append(status_event)
        reply = uow.replies.get(reply_id)
        uow.commit()
    assert reply is not None  # noqa: S101 - inserted above in the same transaction
    guards.record(account, PastReply(reply.id, clean, now, actor.agent.id, context.names))
    return replace(reply, check=check)


def _check_of(
    reply_id: int, report: GuardReport, context: ReplyContext, *, actor: Actor, acknowledged: tuple[str, ...], at: datetime
) -> ReplyCheck:
    """The record kept with a reply: the report as sent, with what the guards read, and the acknowledgement."""
    scripted = report.scripted
    closest = scripted.result.closest if scripted is not None and scripted.result is not None else ()
    stored = report_json(report)
    stored["context"] = {
        "language": context.language,
        "kind": context.kind,
        "channel": context.channel,
        "length_limit": context.length_limit,
        "late": context.late,
        "gesture": context.gesture,
        "address": context.address,
    }
    return ReplyCheck(
        reply_id=reply_id,
        verdict=report.verdict.value,
        near_duplicate=scripted is not None and scripted.scripted,
        similarity=closest[0].similarity if closest else None,
        findings={f.finding.key: f.severity.value for f in report.flags},
        report=stored,
        team_id=actor.agent.team_id,
        gesture=context.gesture,
        acknowledged=acknowledged,
        acknowledged_by=actor.name if acknowledged else None,
        acknowledged_at=at if acknowledged else None,
    )


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
