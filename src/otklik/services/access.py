"""Who is acting, and the one gate through which a conversation is loaded for them."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.agents import Agent
from otklik.domain.conversations import Conversation
from otklik.errors import NotFound, PermissionDenied
from otklik.store.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated agent, and how they came in (``session`` or ``token:<id>``)."""

    agent: Agent
    via: str = "session"

    @property
    def name(self) -> str:
        """How events record this actor."""
        return self.agent.actor if self.via == "session" else f"{self.agent.actor}/{self.via}"


def access_conversation(actor: Actor, conversation_id: int, uow: SqlUnitOfWork, *, for_update: bool = False) -> Conversation:
    """Load a conversation for ``actor``; the only place that checks they may see it.

    Every active agent works the one shared desk (P16: nobody is bounced between accounts).
    """
    if not actor.agent.active:
        raise PermissionDenied("this agent is deactivated")
    conversation = uow.conversations.get(conversation_id, for_update=for_update)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return conversation


def require_admin(actor: Actor) -> None:
    """Raise unless the actor is an administrator."""
    if not actor.agent.is_admin:
        raise PermissionDenied("administrators only")
