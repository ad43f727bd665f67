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
    ACTION_QUEUED = "action_queued"  # a like, pin or unpin waits in the outbox
    ACTION_DONE = "action_done"  # the platform took it
    ACTION_FAILED = "action_failed"  # the platform refused it, or it was given up
    CHANNEL_PAUSED = "channel_paused"  # a platform said "too many requests": the token waits
    SOURCE_ADDED = "source_added"  # an admin connected a channel
    BRAND_KEYWORDS_SET = "brand_keywords_set"  # an admin changed the brand's names and keywords
    FOLLOWUP_SCHEDULED = "followup_scheduled"  # resolving scheduled a note for later (P18)
    FOLLOWUP_DONE = "followup_done"  # an agent wrote the follow-up note
    FOLLOWUP_SKIPPED = "followup_skipped"  # an agent decided against it, with a reason
    FOLLOWUP_CANCELLED = "followup_cancelled"  # the customer wrote again or the conversation was reopened
    NOTICE_PUBLISHED = "notice_published"  # an off-hours notice was posted and pinned (P15)
    NOTICE_REMOVED = "notice_removed"  # the notice was unpinned at opening
    NOTICE_FAILED = "notice_failed"  # publishing or removing a notice failed for good


@dataclass(frozen=True, slots=True)
class Event:
    """One change: who (``agent:<id>``, ``token:<id>``, ``customer``, ``system``), what, when."""

    kind: EventKind
    actor: str
    at: datetime
    conversation_id: int | None = None
    data: dict[str, object] = field(default_factory=dict)
    id: int | None = None
