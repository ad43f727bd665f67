"""What the conversation page shows of likes, pins and delivery outcomes, read from its events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from otklik.domain.events import Event, EventKind


@dataclass
class ActionStates:
    """Likes and pins of one conversation as its audit trail tells them."""

    liked: set[int] = field(default_factory=set)  # item ids
    pinned: set[int] = field(default_factory=set)  # reply ids
    #: (action, item or reply id) still waiting in the outbox.
    pending: set[tuple[str, int]] = field(default_factory=set)
    #: (action, item or reply id) → why its last try failed.
    failed: dict[tuple[str, int], str] = field(default_factory=dict)
    #: Replies whose last failure left it unclear whether they were posted.
    unknown: set[int] = field(default_factory=set)

    def waiting(self, action: str, target: int) -> bool:
        """Whether ``action`` on ``target`` is queued and not done yet."""
        return (action, target) in self.pending


def _target(data: dict[str, object]) -> tuple[str, int] | None:
    action = data.get("action")
    target = data.get("item_id") if action == "like" else data.get("reply_id")
    return (action, target) if isinstance(action, str) and isinstance(target, int) else None


def action_states(events: Iterable[Event]) -> ActionStates:
    """Fold a conversation's events, oldest first, into its likes, pins and unclear deliveries."""
    states = ActionStates()
    for event in events:
        if event.kind is EventKind.REPLY_FAILED:
            reply_id = event.data.get("reply_id")
            if isinstance(reply_id, int):
                (states.unknown.add if event.data.get("outcome") == "unknown" else states.unknown.discard)(reply_id)
            continue
        key = _target(event.data)
        if key is None:
            continue
        action, target = key
        if event.kind is EventKind.ACTION_QUEUED:
            states.pending.add(key)
            states.failed.pop(key, None)
        elif event.kind is EventKind.ACTION_DONE:
            states.pending.discard(key)
            if action == "like":
                states.liked.add(target)
            elif action == "pin":
                states.pinned.add(target)
            else:
                states.pinned.discard(target)
        elif event.kind is EventKind.ACTION_FAILED:
            states.pending.discard(key)
            states.failed[key] = str(event.data.get("reason") or "")
    return states
