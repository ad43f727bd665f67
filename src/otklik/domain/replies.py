"""Replies: what an agent sends, with its guard check and its delivery state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from otklik.domain.events import Event, EventKind
from otklik.domain.items import Item


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
    late: bool = False  # sent past the conversation's acceptable limit (P4)
    compensation: str | None = None  # the policy's gesture offered with it (P19)
    compensation_note: str | None = None  # the agent's note on it (the code given…)
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

    def handed_off(self, reason: str) -> Reply:
        """The platform takes no reply by API here: an agent posts it by hand (``reason`` says where)."""
        return replace(self, delivery_state=DeliveryState.MANUAL, attempts=self.attempts + 1, last_error=reason)

    def attempt_failed(self, reason: str) -> Reply:
        """A transient failure: still queued, to be tried again."""
        return replace(self, attempts=self.attempts + 1, last_error=reason)


def outcome_unknown(reply_id: int, events: Iterable[Event]) -> bool:
    """Whether the reply's last failure left it unclear if the platform posted it.

    Such a reply may be on the platform already; it is retried only after an agent looked.
    """
    last = None
    for event in events:
        if event.kind is EventKind.REPLY_FAILED and event.data.get("reply_id") == reply_id:
            last = event
    return last is not None and last.data.get("outcome") == "unknown"


def post_by_hand_links(replies: Iterable[Reply], items: Iterable[Item], events: Iterable[Event]) -> dict[int, str]:
    """Where each reply to post by hand goes: reply id → the customer's post on the platform.

    The channel's hand-off names the post (X, where no API reply is allowed); otherwise it is
    the answered item's own link. Only plain http(s) links: a payload's other schemes are dropped.
    """
    handed: dict[int, str] = {}
    for event in events:
        reply_id, url = event.data.get("reply_id"), event.data.get("url")
        manual = event.kind is EventKind.REPLY_QUEUED and event.data.get("delivery") == "manual"
        if manual and isinstance(reply_id, int) and isinstance(url, str):
            handed[reply_id] = url
    item_urls = {item.id: item.url for item in items if item.url}
    links: dict[int, str] = {}
    for reply in replies:
        if reply.delivery_state is not DeliveryState.MANUAL:
            continue
        url = handed.get(reply.id) or item_urls.get(reply.in_reply_to_item_id or -1)
        if url and url.lower().startswith(("https://", "http://")):
            links[reply.id] = url
    return links


def validate_reply_text(text: str, *, max_chars: int = 10_000) -> str:
    """Return the reply text stripped, or raise ``ValueError`` when it cannot be sent."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("a reply needs some text")
    if len(stripped) > max_chars:
        raise ValueError(f"a reply may have at most {max_chars} characters")
    return stripped
