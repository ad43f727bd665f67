"""Follow-ups (P18): scheduled on resolving, due in the inbox, written through the normal reply path.

- :func:`schedule_followup` runs inside the resolving transaction: a conversation whose kind
  the brand follows up (``OTKLIK_FOLLOWUP_DAYS``) gets one note due N days later.
- :func:`cancel_pending` runs when the conversation is live again (reopened, or the customer
  wrote): the pending note is cancelled, with an event.
- :func:`complete_due` runs inside ``send_reply``: a reply on a conversation whose note is due
  *is* the note.
- :func:`skip_followup` lets an agent decide against it, with a reason.
- :func:`list_followups` is the inbox's "Follow-ups" view, with each conversation's context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, RowMapping, and_, func, insert, select, update

from otklik.clock import Clock
from otklik.domain.conversations import Conversation
from otklik.domain.events import Event, EventKind
from otklik.domain.followups import FollowUp, FollowUpState, clean_reason, followup_due
from otklik.errors import Conflict, InvalidPayload, NotFound
from otklik.services.access import Actor, access_conversation
from otklik.services.ports import UowFactory
from otklik.store import tables as t
from otklik.store.uow import SqlUnitOfWork

#: Most follow-ups one page of the view lists.
MAX_LIMIT = 200


def _followup(row: RowMapping) -> FollowUp:
    return FollowUp(
        id=row["id"],
        conversation_id=row["conversation_id"],
        kind=row["kind"],
        due_at=row["due_at"],
        state=FollowUpState(row["state"]),
        scheduled_at=row["scheduled_at"],
        scheduled_by=row["scheduled_by"],
        closed_at=row["closed_at"],
        closed_by=row["closed_by"],
        reason=row["reason"],
        reply_id=row["reply_id"],
    )


def pending_for(connection: Connection, conversation_id: int) -> FollowUp | None:
    """The conversation's pending follow-up, if any."""
    f = t.followups.c
    row = (
        connection.execute(select(t.followups).where(f.conversation_id == conversation_id, f.state == FollowUpState.PENDING.value))
        .mappings()
        .first()
    )
    return _followup(row) if row else None


def schedule_followup(uow: SqlUnitOfWork, conversation: Conversation, *, days: Mapping[str, int], by: str, at: datetime) -> FollowUp | None:
    """In the resolving transaction: schedule the note for ``conversation`` when its kind is followed up."""
    due = followup_due(conversation.kind, at, days)
    if due is None or conversation.kind is None:
        return None
    cancel_pending(uow, [conversation.id], by=by, at=at, reason="resolved again")
    values = {
        "conversation_id": conversation.id,
        "kind": conversation.kind,
        "due_at": due,
        "state": FollowUpState.PENDING.value,
        "scheduled_at": at,
        "scheduled_by": by,
    }
    result = uow.connection.execute(insert(t.followups).values(**values))
    followup_id = int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0
    uow.events.append(
        Event(
            kind=EventKind.FOLLOWUP_SCHEDULED,
            actor=by,
            at=at,
            conversation_id=conversation.id,
            data={"followup_id": followup_id, "due_at": due.isoformat(), "kind": conversation.kind},
        )
    )
    return FollowUp(followup_id, conversation.id, conversation.kind, due, FollowUpState.PENDING, at, by)


def cancel_pending(uow: SqlUnitOfWork, conversation_ids: Sequence[int], *, by: str, at: datetime, reason: str) -> int:
    """Cancel the pending follow-ups of these conversations (they are live again); returns how many."""
    if not conversation_ids:
        return 0
    f = t.followups.c
    pending = list(
        uow.connection.execute(
            select(f.id, f.conversation_id).where(f.conversation_id.in_(list(conversation_ids)), f.state == FollowUpState.PENDING.value)
        )
    )
    if not pending:
        return 0
    uow.connection.execute(
        update(t.followups)
        .where(f.id.in_([row.id for row in pending]))
        .values(state=FollowUpState.CANCELLED.value, closed_at=at, closed_by=by, reason=reason)
    )
    for row in pending:
        uow.events.append(
            Event(
                kind=EventKind.FOLLOWUP_CANCELLED,
                actor=by,
                at=at,
                conversation_id=row.conversation_id,
                data={"followup_id": row.id, "reason": reason},
            )
        )
    return len(pending)


def complete_due(uow: SqlUnitOfWork, conversation_id: int, *, reply_id: int, by: str, at: datetime) -> FollowUp | None:
    """In the reply transaction: a reply on a conversation whose follow-up is due is that note."""
    pending = pending_for(uow.connection, conversation_id)
    if pending is None or not pending.is_due(at):
        return None
    uow.connection.execute(
        update(t.followups)
        .where(t.followups.c.id == pending.id)
        .values(state=FollowUpState.DONE.value, closed_at=at, closed_by=by, reply_id=reply_id)
    )
    uow.events.append(
        Event(
            kind=EventKind.FOLLOWUP_DONE,
            actor=by,
            at=at,
            conversation_id=conversation_id,
            data={"followup_id": pending.id, "reply_id": reply_id},
        )
    )
    return replace(pending, state=FollowUpState.DONE, closed_at=at, closed_by=by, reply_id=reply_id)


def skip_followup(followup_id: int, reason: str, *, actor: Actor, uow_factory: UowFactory, clock: Clock) -> FollowUp:
    """An agent decides against a pending follow-up; the reason is kept, with an event."""
    try:
        why = clean_reason(reason)
    except ValueError as exc:
        raise InvalidPayload(str(exc)) from None
    now = clock.now()
    with uow_factory() as uow:
        row = uow.connection.execute(select(t.followups).where(t.followups.c.id == followup_id)).mappings().first()
        if row is None:
            raise NotFound(f"follow-up {followup_id} does not exist")
        followup = _followup(row)
        access_conversation(actor, followup.conversation_id, uow)
        if followup.state is not FollowUpState.PENDING:
            raise Conflict(f"this follow-up is {followup.state.value}; only a pending one can be skipped")
        uow.connection.execute(
            update(t.followups)
            .where(t.followups.c.id == followup_id)
            .values(state=FollowUpState.SKIPPED.value, closed_at=now, closed_by=actor.name, reason=why)
        )
        uow.events.append(
            Event(
                kind=EventKind.FOLLOWUP_SKIPPED,
                actor=actor.name,
                at=now,
                conversation_id=followup.conversation_id,
                data={"followup_id": followup_id, "reason": why},
            )
        )
        uow.commit()
    return replace(followup, state=FollowUpState.SKIPPED, closed_at=now, closed_by=actor.name, reason=why)


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """A follow-up in the inbox's view, with what an agent needs to write a personal note."""

    followup: FollowUp
    source: str
    author_name: str
    author_handle: str
    language: str | None
    team_id: int | None
    assignee_id: int | None
    status: str
    resolved_at: datetime
    last_customer_text: str | None
    last_reply_text: str | None


def list_followups(
    *, uow_factory: UowFactory, clock: Clock, due_only: bool = True, team: int | None = None, limit: int = 50
) -> list[FollowUpView]:
    """Pending follow-ups, the longest overdue first: those due now (or all pending with ``due_only=False``)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidPayload(f"limit is 1 to {MAX_LIMIT}")
    now = clock.now()
    f, c, i, r = t.followups.c, t.conversations.c, t.items.c, t.replies.c
    last_item = select(i.text).where(i.conversation_id == f.conversation_id).order_by(i.created_at.desc(), i.id.desc()).limit(1)
    last_reply = select(r.text).where(r.conversation_id == f.conversation_id).order_by(r.created_at.desc(), r.id.desc()).limit(1)
    conditions = [f.state == FollowUpState.PENDING.value]
    if due_only:
        conditions.append(f.due_at <= now)
    if team is not None:
        conditions.append(c.team_id == team)
    query = (
        select(
            t.followups,
            c.source,
            c.author_name,
            c.author_handle,
            c.language,
            c.team_id,
            c.assignee_id,
            c.status,
            last_item.scalar_subquery().label("last_customer_text"),
            last_reply.scalar_subquery().label("last_reply_text"),
        )
        .join(t.conversations, c.id == f.conversation_id)
        .where(and_(*conditions))
        .order_by(f.due_at, f.id)
        .limit(limit)
    )
    with uow_factory(write=False) as uow:
        rows = list(uow.connection.execute(query).mappings())
    return [
        FollowUpView(
            followup=_followup(row),
            source=row["source"],
            author_name=row["author_name"],
            author_handle=row["author_handle"],
            language=row["language"],
            team_id=row["team_id"],
            assignee_id=row["assignee_id"],
            status=row["status"],
            resolved_at=row["scheduled_at"],
            last_customer_text=row["last_customer_text"],
            last_reply_text=row["last_reply_text"],
        )
        for row in rows
    ]


def count_due(*, uow_factory: UowFactory, clock: Clock) -> int:
    """How many follow-ups are due now (the inbox's badge)."""
    f = t.followups.c
    with uow_factory(write=False) as uow:
        return int(
            uow.connection.execute(select(func.count()).where(f.state == FollowUpState.PENDING.value, f.due_at <= clock.now())).scalar_one()
        )


def pending_followup(conversation_id: int, *, uow_factory: UowFactory) -> FollowUp | None:
    """The conversation's pending follow-up, for its page."""
    with uow_factory(write=False) as uow:
        return pending_for(uow.connection, conversation_id)
