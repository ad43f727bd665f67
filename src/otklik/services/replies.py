"""Replies: an agent's answer is checked by the guards, stored with the conversation and queued for delivery."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from otklik.clock import Clock
from otklik.domain.compensation import CompensationPolicy
from otklik.domain.events import Event, EventKind
from otklik.domain.replies import DeliveryState, Reply, ReplyCheck, outcome_unknown, validate_reply_text
from otklik.errors import Conflict, InvalidPayload, NotFound
from otklik.guards import GuardReport, PastReply, ReplyContext
from otklik.services.access import Actor, access_conversation
from otklik.services.compensation import choose_gesture
from otklik.services.followups import complete_due
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
    compensation: str | None = None,
    compensation_note: str | None = None,
    policy: CompensationPolicy | None = None,
) -> Reply:
    """Check a reply with the guards, store it and, in the same transaction, queue it for delivery.

    The guards judge the text as it is finally sent (a saved reply may have started it): a
    blocked reply is refused, and one with warnings is refused unless ``acknowledge`` says
    the agent sends it anyway (GuardsRefused, 409, with the report). The report, and who
    acknowledged which warnings when, are stored with the reply. ``gesture`` is what the
    agent offers for a late answer. A source with a callback URL gets the reply posted to
    it; otherwise the reply is marked ``manual``: an agent posts it by hand and confirms.

    ``compensation`` is a code of the brand's ``policy`` (P19) with the agent's
    ``compensation_note``; its label in the customer's language is the gesture the late guard
    looks for. The reply records whether it was late and the gesture; a reply on a
    conversation whose follow-up is due is that follow-up note (P18).
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
        code, note, label = choose_gesture(policy or CompensationPolicy(), compensation, compensation_note, language=context.language)
        if label is not None and chosen is None:
            context = replace(context, gesture=label)
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
            late=context.late,
            compensation=code,
            compensation_note=note,
            answering=conversation,
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
        if context.late:
            data["late"] = True
        if code is not None:
            data["compensation"] = code
            if note is not None:
                data["compensation_note"] = note
        uow.events.append(Event(kind=EventKind.REPLY_QUEUED, actor=actor.name, at=now, conversation_id=conversation.id, data=data))
        if status_event is not None:
            uow.events.append(status_event)
        complete_due(uow, conversation.id, reply_id=reply_id, by=actor.name, at=now)
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


def retry_delivery(
    reply_id: int,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
    conversation_id: int | None = None,
    confirmed: bool = False,
) -> Reply:
    """Queue a failed reply for another delivery (same idempotency key).

    When the failure left the outcome unknown (it may be on the platform already), the agent
    must confirm they looked and it is not there (``confirmed``); otherwise 409, so a retry
    never posts it twice. The confirmation is recorded in the event.
    """
    now = clock.now()
    with uow_factory() as uow:
        reply = uow.replies.get(reply_id)
        # Through a conversation's page, the reply must be that conversation's.
        if reply is None or (conversation_id is not None and reply.conversation_id != conversation_id):
            raise NotFound(f"reply {reply_id} does not exist" + (f" in conversation {conversation_id}" if conversation_id else ""))
        access_conversation(actor, reply.conversation_id, uow)
        if reply.delivery_state is not DeliveryState.FAILED:
            raise Conflict(f"only a failed reply can be retried; this one is {reply.delivery_state.value}")
        unknown = outcome_unknown(reply.id, uow.events.for_conversation(reply.conversation_id))
        if unknown and not confirmed:
            raise Conflict(
                "this reply may already be on the platform (the outcome was unknown): look there first, "
                "then mark it as posted by hand, or confirm it is not there to retry"
            )
        queued = replace(reply, delivery_state=DeliveryState.QUEUED, last_error=None)
        uow.replies.save(queued)
        uow.outbox.enqueue(reply.id, at=now)
        uow.events.append(
            Event(
                kind=EventKind.REPLY_QUEUED,
                actor=actor.name,
                at=now,
                conversation_id=reply.conversation_id,
                data={"reply_id": reply_id, "retry": True, **({"confirmed_not_posted": True} if unknown else {})},
            )
        )
        uow.commit()
    return queued
