"""Agents' actions on a conversation: assign, route, resolve, reopen, ignore."""

from __future__ import annotations

from collections.abc import Mapping

from otklik.clock import Clock
from otklik.domain.conversations import Conversation, TransitionNotAllowed
from otklik.domain.events import Event
from otklik.errors import Conflict, InvalidPayload, NotFound
from otklik.services.access import Actor, access_conversation
from otklik.services.followups import cancel_pending, schedule_followup
from otklik.services.ports import UowFactory
from otklik.store.uow import SqlUnitOfWork


def _save(uow: SqlUnitOfWork, conversation: Conversation, event: Event) -> None:
    uow.conversations.save(conversation)
    uow.events.append(event)
    uow.commit()


def assign_conversation(
    conversation_id: int,
    agent_id: int | None,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
) -> Conversation:
    """Give a conversation to an agent, or unassign it with ``None``."""
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        if agent_id is not None:
            agent = uow.agents.get(agent_id)
            if agent is None or not agent.active:
                raise NotFound(f"agent {agent_id} does not exist or is deactivated")
        changed, event = conversation.assign(agent_id, by=actor.name, at=clock.now())
        _save(uow, changed, event)
        return changed


def route_to_team(
    conversation_id: int,
    team_id: int | None,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
) -> Conversation:
    """Move a conversation to a team's queue."""
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        if team_id is not None and uow.teams.get(team_id) is None:
            raise NotFound(f"team {team_id} does not exist")
        changed, event = conversation.move_to_team(team_id, by=actor.name, at=clock.now())
        _save(uow, changed, event)
        return changed


def resolve_conversation(
    conversation_id: int,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
    followup_days: Mapping[str, int] | None = None,
) -> Conversation:
    """Mark a conversation resolved; it leaves the open inbox.

    With ``followup_days`` (days per triage kind), a follow-up note is scheduled in the same
    transaction when the conversation's kind is followed up (P18).
    """
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        now = clock.now()
        try:
            changed, event = conversation.resolve(by=actor.name, at=now)
        except TransitionNotAllowed as exc:
            raise Conflict(str(exc)) from None
        uow.conversations.save(changed)
        uow.events.append(event)
        if followup_days:
            schedule_followup(uow, changed, days=followup_days, by=actor.name, at=now)
        uow.commit()
        return changed


def reopen_conversation(conversation_id: int, *, actor: Actor, uow_factory: UowFactory, clock: Clock) -> Conversation:
    """Bring a resolved or ignored conversation back to the open inbox."""
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        try:
            changed, event = conversation.reopen(by=actor.name, at=clock.now())
        except TransitionNotAllowed as exc:
            raise Conflict(str(exc)) from None
        # The conversation is live again: a note "is all well?" no longer fits.
        cancel_pending(uow, [conversation.id], by=actor.name, at=event.at, reason="reopened")
        _save(uow, changed, event)
        return changed


def ignore_conversation(
    conversation_id: int,
    reason: str,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
) -> Conversation:
    """Leave a conversation unanswered on purpose, with a reason. Nothing is deleted."""
    with uow_factory() as uow:
        conversation = access_conversation(actor, conversation_id, uow, for_update=True)
        try:
            changed, event = conversation.ignore(reason, by=actor.name, at=clock.now())
        except TransitionNotAllowed as exc:
            raise Conflict(str(exc)) from None
        except ValueError as exc:
            raise InvalidPayload(str(exc)) from None
        _save(uow, changed, event)
        return changed
