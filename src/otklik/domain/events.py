"""Events: the append-only audit trail of every change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    """What happened."""

    CONVERSATION_STARTED = "conversation_started"
    ASSIGNED = "assigned"
    TEAM_CHANGED = "team_changed"
    STATUS_CHANGED = "status_changed"
    REPLY_QUEUED = "reply_queued"
    REPLY_DELIVERED = "reply_delivered"
    REPLY_FAILED = "reply_failed"
    REPLY_POSTED_BY_HAND = "reply_posted_by_hand"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    IGNORED = "ignored"
    TRIAGED = "triaged"  # triage and the response schema set priority, kind and decision
    TRIAGE_CORRECTED = "triage_corrected"  # an agent corrected an item's kind or sentiment


@dataclass(frozen=True, slots=True)
class Event:
    """One change: who (``agent:<id>``, ``token:<id>``, ``customer``, ``system``), what, when."""

    kind: EventKind
    actor: str
    at: datetime
    conversation_id: int | None = None
    data: dict[str, object] = field(default_factory=dict)
    id: int | None = None
