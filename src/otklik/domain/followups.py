"""Follow-ups (P18): a few days after a problem is solved, a personal note to make sure all is well.

Resolving a conversation schedules one when the brand follows up on its kind (a complaint
after 3 days, say). When due it shows in the inbox for an agent to write the note through
the normal reply path; an agent may skip it with a reason; the customer writing again, or
the conversation being reopened, cancels it — the conversation is live again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class FollowUpState(StrEnum):
    """Where a follow-up stands."""

    PENDING = "pending"  # scheduled; due at ``due_at``
    DONE = "done"  # an agent wrote the note
    SKIPPED = "skipped"  # an agent decided against it, with a reason
    CANCELLED = "cancelled"  # the conversation became live again


#: Longest reason for skipping a follow-up.
MAX_REASON_CHARS = 500


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One scheduled note after a resolution."""

    id: int
    conversation_id: int
    kind: str
    due_at: datetime
    state: FollowUpState
    scheduled_at: datetime
    scheduled_by: str
    closed_at: datetime | None = None
    closed_by: str | None = None
    reason: str | None = None
    reply_id: int | None = None

    def is_due(self, now: datetime) -> bool:
        """True when pending and its day has come."""
        return self.state is FollowUpState.PENDING and self.due_at <= now


def followup_due(kind: str | None, resolved_at: datetime, days: Mapping[str, int]) -> datetime | None:
    """When a conversation of ``kind`` resolved at ``resolved_at`` is followed up; None when its kind is not."""
    if kind is None or days.get(kind) is None:
        return None
    return resolved_at + timedelta(days=days[kind])


def clean_reason(reason: str) -> str:
    """A skip reason, trimmed; ``ValueError`` when empty or too long."""
    stripped = reason.strip()
    if not stripped:
        raise ValueError("skipping a follow-up needs a reason")
    if len(stripped) > MAX_REASON_CHARS:
        raise ValueError(f"a reason may have at most {MAX_REASON_CHARS} characters")
    return stripped
