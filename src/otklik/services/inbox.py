"""The read side of the desk: the inbox by urgency and a conversation's full history."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, Select, func, select, tuple_, type_coerce

from otklik.domain.conversations import Conversation, Status
from otklik.domain.events import Event
from otklik.domain.items import Item
from otklik.domain.replies import Reply
from otklik.domain.sla import ClockState, clock_state
from otklik.errors import InvalidPayload
from otklik.services.access import Actor, access_conversation
from otklik.services.ports import UowFactory
from otklik.services.triage import item_triage
from otklik.store import tables as t

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class InboxFilters:
    """What the inbox shows. ``status=None`` means the open inbox (new and open)."""

    status: Sequence[Status] | None = None
    assignee: int | Literal["none"] | None = None
    team: int | None = None
    channel: str | None = None
    language: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One conversation as the inbox lists it."""

    id: int
    status: str
    priority: str
    source: str
    account: str
    author_name: str
    author_handle: str
    language: str | None
    assignee_id: int | None
    assignee_name: str | None
    team_id: int | None
    due_at: datetime
    waiting_since: datetime | None
    last_inbound_at: datetime
    preview: str
    addressing: str | None
    kind: str | None = None
    sentiment: str | None = None
    decision: str | None = None
    signals: tuple[str, ...] = ()
    ignore_reason: str | None = None
    sla: ClockView | None = None


@dataclass(frozen=True, slots=True)
class ClockView:
    """A conversation's SLA clock as the desk shows it; ``state`` as of the time asked."""

    kind: str | None  # first_response | next_response; None when no clock runs
    state: ClockState
    started_at: datetime | None
    at_risk_50_at: datetime | None
    at_risk_80_at: datetime | None
    due_at: datetime | None
    acceptable_until: datetime | None

    @classmethod
    def of_row(cls, row: Any, now: datetime) -> ClockView:
        """From a conversations row (any mapping with the clock columns)."""
        running = row["clock_kind"] is not None
        thresholds = {
            "at_risk_50_at": row["at_risk_50_at"],
            "at_risk_80_at": row["at_risk_80_at"],
            "due_at": row["due_at"] if running else None,
            "acceptable_until": row["acceptable_until"],
        }
        return cls(kind=row["clock_kind"], state=clock_state(now, **thresholds), started_at=row["clock_started_at"], **thresholds)


@dataclass(frozen=True, slots=True)
class InboxPage:
    """A page of the inbox and the cursor of the next page (None at the end)."""

    rows: list[InboxRow]
    next_cursor: str | None


def _encode_cursor(rank: int, due: datetime, conv_id: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([rank, due.isoformat(), conv_id])).decode()


def _decode_cursor(cursor: str) -> tuple[int, datetime, int]:
    try:
        rank, due, conv_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        return int(rank), datetime.fromisoformat(due), int(conv_id)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise InvalidPayload("invalid cursor; start again without one", status_code=400) from None


def apply_filters(query: Select[Any], filters: InboxFilters) -> Select[Any]:
    """``query`` over conversations narrowed to what ``filters`` ask for (each has its index)."""
    c = t.conversations.c
    if filters.status is None:
        query = query.where(c.active == 1)
    elif len(filters.status) == 1:
        query = query.where(c.status == filters.status[0].value)
    else:
        query = query.where(c.status.in_([s.value for s in filters.status]))
    if filters.assignee == "none":
        query = query.where(c.assignee_id.is_(None))
    elif filters.assignee is not None:
        query = query.where(c.assignee_id == filters.assignee)
    if filters.team is not None:
        query = query.where(c.team_id == filters.team)
    if filters.channel is not None:
        query = query.where(c.source == filters.channel)
    if filters.language is not None:
        query = query.where(c.language == filters.language)
    if filters.kind is not None:
        query = query.where(c.kind == filters.kind)
    return query


def list_inbox(
    filters: InboxFilters,
    *,
    uow_factory: UowFactory,
    limit: int = 50,
    cursor: str | None = None,
    now: datetime | None = None,
) -> InboxPage:
    """Conversations by time left on their SLA clock: soonest due first, those without a clock last.

    Priority is in the due time already (an urgent item's target is shorter). With ``now``
    each row carries its clock's state at that moment.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidPayload(f"limit must be between 1 and {MAX_PAGE}")
    c = t.conversations.c
    query = select(t.conversations, t.agents.c.name.label("assignee_name")).outerjoin(t.agents, t.agents.c.id == c.assignee_id)
    query = apply_filters(query, filters)
    if cursor:
        rank, due, last_id = _decode_cursor(cursor)
        # A row-value comparison lets the index seek straight to the cursor.
        query = query.where(tuple_(c.clock_rank, c.due_at, c.id) > tuple_(rank, type_coerce(due, c.due_at.type), last_id))
    query = query.order_by(c.clock_rank, c.due_at, c.id).limit(limit + 1)
    with uow_factory(write=False) as uow:
        rows = list(uow.connection.execute(query).mappings())
        more = len(rows) > limit
        rows = rows[:limit]
        previews = _latest_items(uow.connection, [r["id"] for r in rows])
    page = [
        InboxRow(
            id=r["id"],
            status=r["status"],
            priority=r["priority"],
            source=r["source"],
            account=r["account"],
            author_name=r["author_name"],
            author_handle=r["author_handle"],
            language=r["language"],
            assignee_id=r["assignee_id"],
            assignee_name=r["assignee_name"],
            team_id=r["team_id"],
            due_at=r["due_at"],
            waiting_since=r["waiting_since"],
            last_inbound_at=r["last_inbound_at"],
            preview=previews.get(r["id"], ("", None))[0],
            addressing=previews.get(r["id"], ("", None))[1],
            kind=r["kind"],
            sentiment=r["sentiment"],
            decision=r["decision"],
            signals=tuple(x for x in (r["signals"] or "").split(",") if x),
            ignore_reason=r["ignore_reason"],
            sla=ClockView.of_row(r, now) if now is not None else None,
        )
        for r in rows
    ]
    next_cursor = _encode_cursor(rows[-1]["clock_rank"], rows[-1]["due_at"], rows[-1]["id"]) if more and rows else None
    return InboxPage(rows=page, next_cursor=next_cursor)


def _latest_items(connection: Connection, conversation_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Text (first 280 characters) and addressing of each conversation's newest item, in one query."""
    if not conversation_ids:
        return {}
    newest = select(func.max(t.items.c.id)).where(t.items.c.conversation_id.in_(conversation_ids)).group_by(t.items.c.conversation_id)
    rows = connection.execute(
        select(
            t.items.c.conversation_id,
            func.substr(t.items.c.text, 1, 280).label("text"),
            t.items.c.addressing,
        ).where(t.items.c.id.in_(newest))
    )
    return {r.conversation_id: (r.text, r.addressing) for r in rows}


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation with everything that happened in it."""

    conversation: Conversation
    items: list[Item]
    replies: list[Reply]
    events: list[Event]
    agent_names: dict[int, str] = field(default_factory=dict)
    team_name: str | None = None
    # Each item's triage and decision (see ``services.triage._record``), by item id.
    triage: dict[int, dict[str, Any]] = field(default_factory=dict)
    sla: ClockView | None = None


def conversation_detail(conversation_id: int, *, actor: Actor, uow_factory: UowFactory, now: datetime | None = None) -> ConversationView:
    """A conversation's items, replies and audit events, for one actor (with ``now``, its SLA clock)."""
    with uow_factory(write=False) as uow:
        conversation = access_conversation(actor, conversation_id, uow)
        sla = None
        if now is not None:
            c = t.conversations.c
            columns = (c.clock_kind, c.clock_started_at, c.at_risk_50_at, c.at_risk_80_at, c.due_at, c.acceptable_until)
            row = uow.connection.execute(select(*columns).where(c.id == conversation_id)).mappings().one()
            sla = ClockView.of_row(row, now)
        team = uow.teams.get(conversation.team_id) if conversation.team_id else None
        replies = uow.replies.for_conversation(conversation_id)
        checks = uow.reply_checks.for_replies([r.id for r in replies])
        return ConversationView(
            conversation=conversation,
            items=uow.items.for_conversation(conversation_id),
            replies=[replace(r, check=checks.get(r.id)) for r in replies],
            events=uow.events.for_conversation(conversation_id),
            agent_names={a.id: a.name for a in uow.agents.all()},
            team_name=team.name if team else None,
            triage=item_triage(conversation_id, connection=uow.connection),
            sla=sla,
        )
