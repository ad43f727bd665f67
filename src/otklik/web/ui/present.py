"""How the agent UI words things: waiting times, labels, and the merged timeline.

Pure functions over domain objects, so templates stay free of logic and this stays testable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from otklik.domain.events import Event, EventKind
from otklik.domain.items import Item
from otklik.domain.replies import DeliveryState, Reply
from otklik.services.inbox import ConversationView

#: The customer expects an answer within the hour (P2); past a day it is late (P4).
WARN_AFTER = timedelta(hours=1)
LATE_AFTER = timedelta(hours=24)

ADDRESSING_LABELS = {
    "direct": "mention / reply",
    "dm": "direct message",
    "comment": "comment",
    "review": "review",
    "brand_mention": "brand mention",
}

DELIVERY_LABELS = {
    DeliveryState.QUEUED: "queued",
    DeliveryState.SENT: "sent",
    DeliveryState.FAILED: "failed",
    DeliveryState.MANUAL: "to post by hand",
    DeliveryState.POSTED_BY_HAND: "posted by hand",
}

STATUS_LABELS = {
    "new": "new",
    "open": "open",
    "waiting": "waiting for customer",
    "resolved": "resolved",
    "ignored": "ignored",
}


def humanize_wait(delta: timedelta) -> str:
    """A waiting time as people say it: ``"<1 min"``, ``"42 min"``, ``"3 h 12 min"``, ``"2 d 4 h"``."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 1:
        return "<1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def wait_level(delta: timedelta) -> Literal["ok", "warn", "late"]:
    """How worrying a wait is: under an hour, within a day, or beyond."""
    if delta >= LATE_AFTER:
        return "late"
    if delta >= WARN_AFTER:
        return "warn"
    return "ok"


def format_time(at: datetime) -> str:
    """A timestamp for people: ``2026-11-20 08:00 UTC``."""
    return at.strftime("%Y-%m-%d %H:%M UTC")


def safe_link(url: str | None) -> str | None:
    """The URL when it is plain http(s); never a ``javascript:`` or other scheme from a payload."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def actor_label(actor: str, agent_names: dict[int, str]) -> str:
    """``agent:3`` → the agent's name; ``agent:3/token:5`` → the name, via API."""
    who, _, via = actor.partition("/")
    kind, _, ident = who.partition(":")
    if kind == "agent" and ident.isdigit():
        name = agent_names.get(int(ident), f"agent #{ident}")
        return f"{name} (via API)" if via else name
    return who


def _name(agent_names: dict[int, str], value: object) -> str:
    if isinstance(value, int):
        return agent_names.get(value, f"agent #{value}")
    return "nobody"


def _reply_queued(data: dict[str, object]) -> str:
    if data.get("retry"):
        return "reply queued again for delivery"
    return "reply to post by hand" if data.get("delivery") == "manual" else "reply queued for delivery"


_EVENT_TEXT: dict[EventKind, Callable[[dict[str, object], dict[int, str]], str]] = {
    EventKind.CONVERSATION_STARTED: lambda d, _n: f"conversation started ({d.get('source', 'unknown source')})",
    EventKind.ASSIGNED: lambda d, n: f"assigned to {_name(n, d.get('assignee'))}" if d.get("assignee") is not None else "unassigned",
    EventKind.TEAM_CHANGED: lambda d, _n: "moved to another team" if d.get("team") is not None else "removed from its team",
    EventKind.STATUS_CHANGED: lambda d, _n: f"status {d.get('previous', '?')} → {d.get('status', '?')}",
    EventKind.REPLY_QUEUED: lambda d, _n: _reply_queued(d),
    EventKind.REPLY_DELIVERED: lambda _d, _n: "reply delivered",
    EventKind.REPLY_FAILED: lambda _d, _n: "reply delivery failed",
    EventKind.REPLY_POSTED_BY_HAND: lambda _d, _n: "reply confirmed as posted by hand",
    EventKind.RESOLVED: lambda _d, _n: "resolved",
    EventKind.REOPENED: lambda d, _n: f"reopened (was {d.get('previous', '?')})",
    EventKind.IGNORED: lambda d, _n: f"ignored: {d.get('reason', '')}",
}


def describe_event(event: Event, agent_names: dict[int, str]) -> str:
    """One compact line for the audit trail."""
    text = _EVENT_TEXT.get(event.kind)
    return text(event.data, agent_names) if text else event.kind.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a conversation's timeline."""

    kind: Literal["item", "reply", "event"]
    at: datetime
    item: Item | None = None
    reply: Reply | None = None
    event: Event | None = None


# At the same instant, what the customer wrote comes before what we did about it.
_ORDER = {"item": 0, "reply": 1, "event": 1}
_Key = tuple[datetime, int, float]


def build_timeline(view: ConversationView) -> list[Entry]:
    """Items, replies and events of a conversation merged, oldest first.

    Replies and events are ordered as the audit trail recorded them: a reply sits just
    before the event that queued it, even when a fixed or coarse clock gives them all one time.
    """
    queued_by = {
        e.data.get("reply_id"): e for e in view.events if e.kind is EventKind.REPLY_QUEUED and not e.data.get("retry") and e.id is not None
    }

    def reply_key(reply: Reply) -> _Key:
        queued = queued_by.get(reply.id)
        if queued is not None and queued.id is not None:
            return (queued.at, _ORDER["reply"], queued.id - 0.5)
        return (reply.created_at, _ORDER["reply"], -1.0)

    keyed: list[tuple[_Key, Entry]] = [((i.created_at, _ORDER["item"], i.id), Entry("item", i.created_at, item=i)) for i in view.items]
    keyed += [((e.at, _ORDER["event"], e.id or 0), Entry("event", e.at, event=e)) for e in view.events]
    keyed += [(reply_key(r), Entry("reply", r.created_at, reply=r)) for r in view.replies]
    keyed.sort(key=lambda pair: pair[0])
    return [entry for _key, entry in keyed]
