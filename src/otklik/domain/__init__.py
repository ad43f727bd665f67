"""The domain: otklik's concepts and their rules. Pure Python, no I/O."""

from otklik.domain.agents import Agent, Role, Team
from otklik.domain.conversations import (
    ACTIVE_STATUSES,
    Conversation,
    Priority,
    Status,
    TransitionNotAllowed,
)
from otklik.domain.events import Event, EventKind
from otklik.domain.items import Addressing, Author, Item, ItemDraft
from otklik.domain.replies import DeliveryState, Reply

__all__ = [
    "ACTIVE_STATUSES",
    "Addressing",
    "Agent",
    "Author",
    "Conversation",
    "DeliveryState",
    "Event",
    "EventKind",
    "Item",
    "ItemDraft",
    "Priority",
    "Reply",
    "Role",
    "Status",
    "Team",
    "TransitionNotAllowed",
]
