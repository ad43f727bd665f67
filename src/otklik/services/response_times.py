"""First responses as measured: the first customer item of a conversation to its first reply.

One query, the same on SQLite and PostgreSQL: the earliest item and the earliest reply per
conversation (both indexed by conversation and time), with the agent of that first reply.
The published promise and the SLA report read these; each computes its figures in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, select

from otklik.domain.conversations import Priority
from otklik.store import tables as t


@dataclass(frozen=True, slots=True)
class FirstResponse:
    """One conversation's first answer: when the customer first wrote, when we first answered (None: not yet)."""

    conversation_id: int
    source: str
    team_id: int | None
    priority: Priority
    first_in: datetime
    first_out: datetime | None
    agent_id: int | None
    sla_class: str | None = None  # the response schema's SLA class, which may have its own target

    @property
    def elapsed(self) -> timedelta | None:
        """Calendar time to the first answer, as the customer lived it."""
        return None if self.first_out is None else max(self.first_out - self.first_in, timedelta(0))


def first_responses(connection: Connection, *, since: datetime, until: datetime, source: str | None = None) -> list[FirstResponse]:
    """Conversations whose first customer item falls in ``[since, until)``, with their first answer."""
    i, r, c = t.items.c, t.replies.c, t.conversations.c
    first_item = select(i.conversation_id, func.min(i.created_at).label("first_in")).group_by(i.conversation_id).subquery()
    first_reply = select(r.conversation_id, func.min(r.created_at).label("first_out")).group_by(r.conversation_id).subquery()
    query = (
        select(
            c.id,
            c.source,
            c.team_id,
            c.priority,
            c.sla_class,
            first_item.c.first_in,
            first_reply.c.first_out,
            r.agent_id,
            r.answered_priority,
            r.answered_team_id,
            r.answered_sla_class,
        )
        .join(first_item, first_item.c.conversation_id == c.id)
        .outerjoin(first_reply, first_reply.c.conversation_id == c.id)
        .outerjoin(t.replies, and_(r.conversation_id == c.id, r.created_at == first_reply.c.first_out))
        .where(first_item.c.first_in >= since, first_item.c.first_in < until)
        .order_by(c.id, r.id)
    )
    if source is not None:
        query = query.where(c.source == source)
    found: dict[int, FirstResponse] = {}
    for row in connection.execute(query):
        if row.id in found:  # two replies in the same instant: the first one stored counts
            continue
        # An answered conversation is judged as it stood when answered (replies record it);
        # an unanswered one, or one answered before replies recorded it, as it stands now.
        recorded = row.answered_priority is not None
        found[row.id] = FirstResponse(
            conversation_id=row.id,
            source=row.source,
            team_id=row.answered_team_id if recorded else row.team_id,
            priority=Priority(row.answered_priority if recorded else row.priority),
            first_in=row.first_in,
            first_out=row.first_out,
            agent_id=row.agent_id,
            sla_class=row.answered_sla_class if recorded else row.sla_class,
        )
    return list(found.values())
