"""Replies: what an agent sends, with its guard check and its delivery state."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class DeliveryState(StrEnum):
    """Where a reply is on its way to the customer."""

    QUEUED = "queued"  # in the outbox; the worker will deliver it
    SENT = "sent"  # the platform took it
    FAILED = "failed"  # the platform refused it for good; an agent may retry
    MANUAL = "manual"  # no way to post automatically: an agent posts it by hand
    POSTED_BY_HAND = "posted_by_hand"  # an agent confirmed they posted it


#: States from which an agent may ask for another delivery attempt.
RETRYABLE = frozenset({DeliveryState.FAILED})


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """What the reply guards said of a reply when it was sent, kept with it for audit.

    ``findings`` maps each rule tripped (``guard.code``) to its severity; ``acknowledged``
    lists the warnings the agent sent over, ``acknowledged_by``/``_at`` say who and when.
    ``report`` is the guards' whole report (flags with their spans, closest past replies).
    """

    reply_id: int
    verdict: str
    near_duplicate: bool
    similarity: float | None
    findings: dict[str, str]
    report: dict[str, object]
    team_id: int | None = None
    gesture: str | None = None
    acknowledged: tuple[str, ...] = ()
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply an agent wrote in a conversation."""

    id: int
    conversation_id: int
    agent_id: int | None
    text: str
    created_at: datetime
    delivery_state: DeliveryState
    idempotency_key: str
    in_reply_to_item_id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    delivered_at: datetime | None = None
    external_id: str | None = None
    check: ReplyCheck | None = None  # what the guards said when it was sent (None before they existed)

    def delivered(self, *, external_id: str | None, at: datetime) -> Reply:
        """The platform took the reply."""
        return replace(
            self,
            delivery_state=DeliveryState.SENT,
            external_id=external_id,
            delivered_at=at,
            attempts=self.attempts + 1,
            last_error=None,
        )

    def failed(self, reason: str) -> Reply:
        """The platform refused the reply for good."""
        return replace(
            self,
            delivery_state=DeliveryState.FAILED,
            attempts=self.attempts + 1,
            last_error=reason,
        )

    def attempt_failed(self, reason: str) -> Reply:
        """A transient failure: still queued, to be tried again."""
        return replace(self, attempts=self.attempts + 1, last_error=reason)


def validate_reply_text(text: str, *, max_chars: int = 10_000) -> str:
    """Return the reply text stripped, or raise ``ValueError`` when it cannot be sent."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("a reply needs some text")
    if len(stripped) > max_chars:
        raise ValueError(f"a reply may have at most {max_chars} characters")
    return stripped
