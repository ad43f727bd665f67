"""The read side of the desk: the inbox by urgency and a conversation's full history."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Select, bindparam, func, select, tuple_

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
        return cls.of(
            now,
            kind=row["clock_kind"],
            started_at=row["clock_started_at"],
            at_risk_50_at=row["at_risk_50_at"],
            at_risk_80_at=row["at_risk_80_at"],
            due_at=row["due_at"],
            acceptable_until=row["acceptable_until"],
        )

    @classmethod
    def of(
        cls,
        now: datetime,
        *,
        kind: str | None,
        started_at: datetime | None,
        at_risk_50_at: datetime | None,
        at_risk_80_at: datetime | None,
        due_at: datetime,
        acceptable_until: datetime | None,
    ) -> ClockView:
        """From the clock columns; ``due_at`` is the row's, which is a due time only while a clock runs."""
        clock_due = due_at if kind is not None else None
        state = clock_state(
            now, at_risk_50_at=at_risk_50_at, at_risk_80_at=at_risk_80_at, due_at=clock_due, acceptable_until=acceptable_until
        )
        return cls(kind, state, started_at, at_risk_50_at, at_risk_80_at, clock_due, acceptable_until)


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


def _filter_values(filters: InboxFilters) -> dict[str, Any]:
    """The values ``filters`` compare with, by the name of their parameter in :func:`_filter_clauses`."""
    values: dict[str, Any] = {}
    if filters.status is not None:
        if len(filters.status) == 1:
            values["f_status"] = filters.status[0].value
        else:
            values["f_statuses"] = [s.value for s in filters.status]
    if filters.assignee is not None and filters.assignee != "none":
        values["f_assignee"] = filters.assignee
    others = (("f_team", filters.team), ("f_channel", filters.channel), ("f_language", filters.language), ("f_kind", filters.kind))
    values.update((name, value) for name, value in others if value is not None)
    return values


def _filter_clauses(filters: InboxFilters) -> list[Any]:
    """The WHERE clauses ``filters`` ask for, their values left as bound parameters.

    The clauses depend only on which filters are set, so one statement serves every value.
    """
    c = t.conversations.c
    clauses: list[Any] = []
    if filters.status is None:
        clauses.append(c.active == 1)
    elif len(filters.status) == 1:
        clauses.append(c.status == bindparam("f_status"))
    else:
        clauses.append(c.status.in_(bindparam("f_statuses", expanding=True)))
    if filters.assignee == "none":
        clauses.append(c.assignee_id.is_(None))
    elif filters.assignee is not None:
        clauses.append(c.assignee_id == bindparam("f_assignee"))
    for name, column, value in (
        ("f_team", c.team_id, filters.team),
        ("f_channel", c.source, filters.channel),
        ("f_language", c.language, filters.language),
        ("f_kind", c.kind, filters.kind),
    ):
        if value is not None:
            clauses.append(column == bindparam(name))
    return clauses


def apply_filters(query: Select[Any], filters: InboxFilters) -> Select[Any]:
    """``query`` over conversations narrowed to what ``filters`` ask for (each has its index)."""
    values = _filter_values(filters)
    query = query.where(*_filter_clauses(filters))
    return query.params(values) if values else query


_c = t.conversations.c
_i = t.items.c
_newest = t.items.alias("newest_item")
# The conversation's newest item (the highest id), correlated to the row: the preview comes with
# the page in one query, looked up only for the rows the page returns.
_NEWEST_ID = select(func.max(_i.id)).where(_i.conversation_id == _c.id).correlate(t.conversations).scalar_subquery()
# What a row of the inbox shows, in the order _page_rows unpacks it; the clock's columns only
# when its state is asked for. Fewer columns than the whole row: less to fetch and convert.
_ROW_COLUMNS = (
    _c.id, _c.status, _c.priority, _c.source, _c.account, _c.author_name, _c.author_handle, _c.language,
    _c.assignee_id, t.agents.c.name.label("assignee_name"), _c.team_id, _c.due_at, _c.waiting_since,
    _c.last_inbound_at, _c.kind, _c.sentiment, _c.decision, _c.signals, _c.ignore_reason, _c.clock_rank,
    func.substr(_newest.c.text, 1, 280).label("preview"), _newest.c.addressing,
)  # fmt: skip
_CLOCK_COLUMNS = (_c.clock_kind, _c.clock_started_at, _c.at_risk_50_at, _c.at_risk_80_at, _c.acceptable_until)
# Page statements by (filter parameters, unassigned, after a cursor, with the clock). A statement
# reused as is keeps its cache key, so SQLAlchemy neither rebuilds nor re-hashes it per call.
_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}


def _page_statement(filters: InboxFilters, parameters: dict[str, Any], *, after: bool, clock: bool) -> Select[Any]:
    """The page query for filters shaped like ``filters`` (``parameters``: their values), built once."""
    key = (tuple(parameters), filters.assignee == "none", after, clock)
    statement = _STATEMENTS.get(key)
    if statement is None:
        c = t.conversations.c
        joined = t.conversations.outerjoin(t.agents, t.agents.c.id == c.assignee_id).outerjoin(_newest, _newest.c.id == _NEWEST_ID)
        query: Select[Any] = select(*_ROW_COLUMNS, *(_CLOCK_COLUMNS if clock else ())).select_from(joined)
        query = query.where(*_filter_clauses(filters))
        if after:
            # A row-value comparison lets the index seek straight to the cursor.
            cursor = tuple_(bindparam("after_rank"), bindparam("after_due", type_=c.due_at.type), bindparam("after_id"))
            query = query.where(tuple_(c.clock_rank, c.due_at, c.id) > cursor)
        statement = query.order_by(c.clock_rank, c.due_at, c.id).limit(bindparam("page_limit"))
        _STATEMENTS[key] = statement
    return statement


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
    parameters = _filter_values(filters)
    query = _page_statement(filters, parameters, after=bool(cursor), clock=now is not None)
    parameters["page_limit"] = limit + 1
    if cursor:
        parameters["after_rank"], parameters["after_due"], parameters["after_id"] = _decode_cursor(cursor)
    with uow_factory(write=False) as uow:
        rows = uow.connection.execute(query, parameters).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode_cursor(rows[-1].clock_rank, rows[-1].due_at, rows[-1].id) if more and rows else None
    return InboxPage(rows=_page_rows(rows, now), next_cursor=next_cursor)


def _page_rows(rows: Sequence[Any], now: datetime | None) -> list[InboxRow]:
    """InboxRows of the page query's rows (columns in the order of _ROW_COLUMNS, then _CLOCK_COLUMNS)."""
    page = []
    for row in rows:
        (conv_id, status, priority, source, account, author_name, author_handle, language, assignee_id, assignee_name,
         team_id, due_at, waiting_since, last_inbound_at, kind, sentiment, decision, signals, ignore_reason, _rank,
         preview, addressing) = row[:22]  # fmt: skip
        sla = None
        if now is not None:
            clock_kind, started_at, at_risk_50_at, at_risk_80_at, acceptable_until = row[22:]
            sla = ClockView.of(
                now,
                kind=clock_kind,
                started_at=started_at,
                at_risk_50_at=at_risk_50_at,
                at_risk_80_at=at_risk_80_at,
                due_at=due_at,
                acceptable_until=acceptable_until,
            )
        page.append(
            InboxRow(
                conv_id, status, priority, source, account, author_name, author_handle, language, assignee_id, assignee_name,
                team_id, due_at, waiting_since, last_inbound_at, preview or "", addressing, kind, sentiment, decision,
                tuple(x for x in signals.split(",") if x) if signals else (), ignore_reason, sla,
            )
        )  # fmt: skip
    return page


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
