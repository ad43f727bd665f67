"""How the agent UI words things: waiting times, labels, and the merged timeline.

Pure functions over domain objects, so templates stay free of logic and this stays testable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from markupsafe import Markup

from otklik.domain.events import Event, EventKind
from otklik.domain.items import Item
from otklik.domain.replies import DeliveryState, Reply
from otklik.services.inbox import ConversationView
from otklik.triage import Kind, Sentiment
from otklik.web.ui.highlight import Highlight, excerpt, highlight

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

KINDS = tuple(k.value for k in Kind)
SENTIMENTS = tuple(s.value for s in Sentiment)

#: A compact mark for the sentiment; the word itself goes in its title and accessible name.
SENTIMENT_MARKS = {"negative": "−", "neutral": "•", "positive": "+"}

SIGNAL_LABELS = {"urgent": "⚠ urgent", "outage": "⚠ outage", "abusive": "abusive", "high_reach": "high reach"}
#: Signals that must catch the eye in a long list (P4: safety, money, many people at once).
LOUD_SIGNALS = frozenset({"urgent", "outage"})

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
    """``agent:3`` → the agent's name; ``agent:3/token:5`` → the name, via API; ``system:triage`` → triage."""
    who, _, via = actor.partition("/")
    kind, _, ident = who.partition(":")
    if kind == "agent" and ident.isdigit():
        name = agent_names.get(int(ident), f"agent #{ident}")
        return f"{name} (via API)" if via else name
    if kind == "system" and ident:  # "system:triage" is triage, acting on its own
        return ident
    return who


def _name(agent_names: dict[int, str], value: object) -> str:
    if isinstance(value, int):
        return agent_names.get(value, f"agent #{value}")
    return "nobody"


def _reply_queued(data: dict[str, object]) -> str:
    if data.get("retry"):
        return "reply queued again for delivery"
    if data.get("delivery") == "manual" and "reason" in data:
        # The channel refused to post it by API and handed it over (X without a summon).
        return "reply handed to an agent to post by hand"
    what = "reply to post by hand" if data.get("delivery") == "manual" else "reply queued for delivery"
    acknowledged = data.get("acknowledged")
    if isinstance(acknowledged, list) and acknowledged:
        # The audit shows an override: the warnings the agent sent over.
        what += " — sent over warnings: " + ", ".join(str(code) for code in acknowledged)
    return what


def _triaged(data: dict[str, object]) -> str:
    """``triaged as complaint: respond, priority normal → high (rule complaints, schema v1)``."""
    text = f"triaged as {data.get('triage_kind') or '?'}: {data.get('decision') or '?'}"
    before, now = data.get("previous_priority"), data.get("priority")
    text += f", priority {before} → {now}" if before and before != now else f", priority {now or '?'}"
    signals = data.get("signals")
    if isinstance(signals, list | tuple) and signals:
        text += ", signals " + ", ".join(str(s) for s in signals)
    if data.get("rule"):
        version = data.get("schema_version")
        text += f" (rule {data['rule']}" + (f", schema v{version}" if version is not None else "") + ")"
    return text


def _triage_corrected(data: dict[str, object]) -> str:
    """``kind corrected insult → complaint; now respond (rule complaints)``."""
    changes = [
        f"{what} {data.get(f'previous_{what}')} → {data.get(what)}"
        for what in ("kind", "sentiment")
        if data.get(f"previous_{what}") != data.get(what)
    ]
    # Nothing changed: the agent confirmed what triage said, which is still a labelled example.
    confirmed = f"triage confirmed ({data.get('kind', '?')}, {data.get('sentiment', '?')})"
    head = " and ".join(changes) + " corrected" if changes else confirmed
    rule = f" (rule {data['rule']})" if data.get("rule") else ""
    return f"{head}; now {data.get('decision', '?')}{rule}"


#: What a like, pin or unpin does, as the timeline names it.
_ACTIONS = {"like": "like of the customer's message", "pin": "pinning our reply", "unpin": "unpinning our reply"}
_ACTIONS_DONE = {"like": "customer's message liked", "pin": "our reply pinned", "unpin": "our reply unpinned"}


def _action(data: dict[str, object], outcome: Literal["queued", "done", "failed"]) -> str:
    """``like of the customer's message queued``, ``our reply pinned``, ``pinning our reply failed: …``."""
    action = str(data.get("action") or "")
    if outcome == "done":
        return _ACTIONS_DONE.get(action, f"{action or 'platform action'} done")
    what = _ACTIONS.get(action, action or "platform action")
    if outcome == "queued":
        return f"{what} queued"
    reason = data.get("reason")
    return f"{what} failed: {reason}" if reason else f"{what} failed"


def _when(value: object) -> str:
    """A stored ISO time as the UI shows it; anything else as it is."""
    if isinstance(value, str):
        try:
            return format_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return "?"


def _reply_failed(data: dict[str, object]) -> str:
    if data.get("outcome") == "unknown":
        return "reply delivery unclear: it may be on the platform already"
    reason = data.get("reason")
    return f"reply delivery failed: {reason}" if reason else "reply delivery failed"


def _keywords(data: dict[str, object]) -> str:
    keywords = data.get("keywords")
    return (
        "brand keywords set: " + ", ".join(str(k) for k in keywords)
        if isinstance(keywords, list) and keywords
        else "brand keywords cleared"
    )


def _with_reason(text: str, data: dict[str, object]) -> str:
    reason = data.get("reason")
    return f"{text}: {reason}" if reason else text


_EVENT_TEXT: dict[EventKind, Callable[[dict[str, object], dict[int, str]], str]] = {
    EventKind.CONVERSATION_STARTED: lambda d, _n: f"conversation started ({d.get('source', 'unknown source')})",
    EventKind.ASSIGNED: lambda d, n: f"assigned to {_name(n, d.get('assignee'))}" if d.get("assignee") is not None else "unassigned",
    EventKind.TEAM_CHANGED: lambda d, _n: "moved to another team" if d.get("team") is not None else "removed from its team",
    EventKind.STATUS_CHANGED: lambda d, _n: f"status {d.get('previous', '?')} → {d.get('status', '?')}",
    EventKind.REPLY_QUEUED: lambda d, _n: _reply_queued(d),
    EventKind.REPLY_DELIVERED: lambda _d, _n: "reply delivered",
    EventKind.REPLY_FAILED: lambda d, _n: _reply_failed(d),
    EventKind.REPLY_POSTED_BY_HAND: lambda _d, _n: "reply confirmed as posted by hand",
    EventKind.RESOLVED: lambda _d, _n: "resolved",
    EventKind.REOPENED: lambda d, _n: f"reopened (was {d.get('previous', '?')})",
    EventKind.IGNORED: lambda d, _n: f"ignored: {d.get('reason', '')}",
    EventKind.TRIAGED: lambda d, _n: _triaged(d),
    EventKind.TRIAGE_CORRECTED: lambda d, _n: _triage_corrected(d),
    EventKind.ACTION_QUEUED: lambda d, _n: _action(d, "queued"),
    EventKind.ACTION_DONE: lambda d, _n: _action(d, "done"),
    EventKind.ACTION_FAILED: lambda d, _n: _action(d, "failed"),
    EventKind.CHANNEL_PAUSED: lambda d, _n: _with_reason(
        f"channel {d.get('source', '?')} paused by the platform until {_when(d.get('until'))}", d
    ),
    EventKind.SOURCE_ADDED: lambda d, _n: f"channel {d.get('source', '?')} ({d.get('kind', '?')}) connected",
    EventKind.BRAND_KEYWORDS_SET: lambda d, _n: _keywords(d),
    EventKind.FOLLOWUP_SCHEDULED: lambda d, _n: f"follow-up scheduled for {_when(d.get('due_at'))}",
    EventKind.FOLLOWUP_DONE: lambda _d, _n: "follow-up note sent",
    EventKind.FOLLOWUP_SKIPPED: lambda d, _n: _with_reason("follow-up skipped", d),
    EventKind.FOLLOWUP_CANCELLED: lambda d, _n: _with_reason("follow-up cancelled", d),
    EventKind.NOTICE_PUBLISHED: lambda d, _n: f"off-hours notice posted and pinned on {d.get('source', '?')}",
    EventKind.NOTICE_REMOVED: lambda d, _n: f"off-hours notice taken down on {d.get('source', '?')}",
    EventKind.NOTICE_FAILED: lambda d, _n: _with_reason("off-hours notice failed", d),
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


def tail_start(timeline: list[Entry]) -> int:
    """Where the audit lines after the last item or reply begin (``len(timeline)`` when there are none)."""
    start = len(timeline)
    while start > 0 and timeline[start - 1].kind == "event":
        start -= 1
    return start


# --- triage: badges, evidence and the words it points at -------------------------------------
_CATEGORIES = {"kind": "kind", "sentiment": "sentiment", "signal": "signal", "lang": "language"}
_CATEGORY_ORDER = ("kind", "sentiment", "signal", "lang")


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One piece of evidence as the "why" lists it."""

    supports: str  # e.g. ``kind:complaint``
    category: str  # kind | sentiment | signal | lang | other
    label: str  # e.g. ``kind: complaint``
    rule: str
    weight: float
    words: tuple[str, ...]
    excerpt: Markup  # the item text around the words, with them marked
    in_force: bool  # argues for what the item is now (or what triage first said), not for a rival


@dataclass(frozen=True, slots=True)
class ItemTriage:
    """An item's triage and decision, ready for the conversation page."""

    kind: str
    sentiment: str
    decision: str
    priority: str
    language: str
    signals: tuple[str, ...]
    rule: str
    schema_version: int | None
    reasons: tuple[str, ...]
    reason: str | None
    team: str | None
    sla: str | None
    machine_kind: str
    machine_sentiment: str
    kind_confidence: float
    sentiment_score: float
    corrected: bool
    text: Markup  # the item text with the words of the evidence in force marked
    evidence: tuple[EvidenceLine, ...]


def _spans(entry: Mapping[str, Any]) -> list[tuple[int, int, str]]:
    """The well-formed spans of a stored evidence entry (anything else is skipped, not trusted)."""
    spans = []
    raw = entry.get("spans")
    for span in raw if isinstance(raw, list) else []:
        if not isinstance(span, Mapping):
            continue
        start, end, words = span.get("start"), span.get("end"), span.get("text")
        if isinstance(start, int) and isinstance(end, int) and isinstance(words, str):
            spans.append((start, end, words))
    return spans


def _number(value: object, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def explain(text: str, row: Mapping[str, Any]) -> ItemTriage:
    """An item's stored triage row (see ``services.triage``) made readable, with its evidence marked in ``text``."""
    kind, sentiment = str(row.get("kind") or "?"), str(row.get("sentiment") or "?")
    machine_kind, machine_sentiment = str(row.get("machine_kind") or kind), str(row.get("machine_sentiment") or sentiment)
    language = str(row.get("language") or "?")
    signals = tuple(name for name in ("urgent", "outage", "abusive") if row.get(name))
    # What the evidence should explain: the values in force, the signals, then what triage
    # first said (before a correction); evidence for a rival kind is listed, not marked.
    now = {f"kind:{kind}", f"sentiment:{sentiment}", f"lang:{language}", *(f"signal:{name}" for name in signals)}
    wanted = now | {f"kind:{machine_kind}", f"sentiment:{machine_sentiment}"}
    lines: list[EvidenceLine] = []
    marks: list[Highlight] = []
    raw = row.get("evidence")
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, Mapping):
            continue
        supports = str(entry.get("supports") or "")
        prefix, _, value = supports.partition(":")
        category = prefix if prefix in _CATEGORIES else "other"
        in_force = supports in wanted
        label = f"{_CATEGORIES.get(prefix, prefix)}: {value}" if value else supports
        rule = str(entry.get("rule") or "")
        own = [Highlight(a, b, f"ev-{category}", f"{label} ({rule})", quote=words) for a, b, words in _spans(entry)]
        if in_force and category != "lang":  # words that only tell the language are not a reason
            marks.extend(own)
        lines.append(
            EvidenceLine(
                supports=supports,
                category=category,
                label=label,
                rule=rule,
                weight=_number(entry.get("weight"), 1.0),
                words=tuple(m.quote or "" for m in own),
                excerpt=excerpt(text, own) if own else Markup(""),
                in_force=in_force,
            )
        )
    rank = {name: i for i, name in enumerate(_CATEGORY_ORDER)}
    lines.sort(key=lambda e: (rank.get(e.category, len(rank)), e.supports not in now, not e.in_force, -e.weight))
    version = row.get("schema_version")
    reasons = row.get("reasons")
    return ItemTriage(
        kind=kind,
        sentiment=sentiment,
        decision=str(row.get("decision") or "?"),
        priority=str(row.get("priority") or "?"),
        language=language,
        signals=signals,
        rule=str(row.get("rule") or "?"),
        schema_version=version if isinstance(version, int) else None,
        reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
        reason=row.get("reason"),
        team=row.get("team"),
        sla=row.get("sla"),
        machine_kind=machine_kind,
        machine_sentiment=machine_sentiment,
        kind_confidence=_number(row.get("kind_confidence")),
        sentiment_score=_number(row.get("sentiment_score")),
        corrected=row.get("corrected_at") is not None,
        text=highlight(text, marks),
        evidence=tuple(lines),
    )


def explain_items(view: ConversationView) -> dict[int, ItemTriage]:
    """Each triaged item of a conversation explained, by item id (an item not triaged yet is absent)."""
    return {item.id: explain(item.text, view.triage[item.id]) for item in view.items if item.id in view.triage}


#: What each SLA clock state is called on screen.
SLA_LABELS = {
    "stopped": "no answer owed",
    "on_time": "on time",
    "at_risk_50": "at risk",
    "at_risk_80": "at risk (80%)",
    "breached": "SLA breached",
    "past_limit": "past acceptable limit",
}


def sla_left(due: datetime | None, now: datetime) -> str:
    """Time left to a due time, or how long it is overdue: ``due in 1 h 5 min`` / ``overdue 20 min``."""
    if due is None:
        return ""
    if due >= now:
        return f"due in {humanize_wait(due - now)}"
    return f"overdue {humanize_wait(now - due)}"
