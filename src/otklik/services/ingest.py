"""Ingest: store what customers wrote, once, in the right conversation.

Work is done per batch, not per item: a group commit of hundreds of items costs a fixed
handful of statements (look-ups with IN, inserts with RETURNING, one update per touched
conversation), which is what lets one writer keep up with many webhook senders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, bindparam, insert, select, tuple_, update

from otklik.clock import Clock
from otklik.domain.conversations import Conversation, Priority, Status
from otklik.domain.events import Event, EventKind
from otklik.domain.items import ItemDraft, thread_key
from otklik.store import tables as t
from otklik.store.bulk import insert_rows
from otklik.store.ids import allocate_ids
from otklik.store.repositories import conversation_from_row, conversation_values
from otklik.store.uow import SqlUnitOfWork

Identity = tuple[str, str, str, str]  # source, account, author, thread


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one draft: stored (``duplicate=False``) or already there."""

    item_id: int
    conversation_id: int
    duplicate: bool


def _identity(draft: ItemDraft) -> Identity:
    return (draft.source, draft.account, draft.author.external_id, thread_key(draft))


class _Batch:
    """The conversations a batch touches, loaded once and written back once."""

    def __init__(self, connection: Connection, *, lock_rows: bool):
        self.connection = connection
        self.lock_rows = lock_rows
        self.by_id: dict[int, Conversation] = {}
        self.by_identity: dict[Identity, int] = {}
        self.changed: set[int] = set()
        self.new: list[int] = []  # temporary (negative) ids of conversations to insert
        self.events: list[Event] = []

    def load(self, ids: set[int], identities: set[Identity]) -> None:
        c = t.conversations.c
        clauses: list[ColumnElement[bool]] = []
        if ids:
            clauses.append(c.id.in_(sorted(ids)))
        if identities:
            if self.connection.dialect.name == "sqlite":
                # SQLite scans the table for a tuple IN; one IN per column uses the unique
                # index, and the few extra combinations it finds are dropped below.
                columns = zip(*identities, strict=True)
                ins = [
                    col.in_(sorted(set(values)))
                    for col, values in zip((c.source, c.account, c.author_external_id, c.thread_key), columns, strict=True)
                ]
                clauses.append(and_(*ins))
            else:
                clauses.append(tuple_(c.source, c.account, c.author_external_id, c.thread_key).in_(sorted(identities)))
        for clause in clauses:
            query = select(t.conversations).where(clause)
            if self.lock_rows:
                query = query.with_for_update()
            for row in self.connection.execute(query).mappings():
                conversation = conversation_from_row(row)
                identity = (conversation.source, conversation.account, conversation.author_external_id, conversation.thread_key)
                if conversation.id not in ids and identity not in identities:
                    continue
                self.by_id[conversation.id] = conversation
                self.by_identity[identity] = conversation.id

    def start(self, draft: ItemDraft, *, now: datetime) -> int:
        temp_id = -(len(self.new) + 1)
        self.by_id[temp_id] = Conversation(
            id=temp_id,
            source=draft.source,
            account=draft.account,
            author_external_id=draft.author.external_id,
            author_name=draft.author.name,
            author_handle=draft.author.handle,
            thread_key=thread_key(draft),
            status=Status.NEW,
            priority=Priority.NORMAL,
            created_at=now,
            updated_at=now,
            waiting_since=None,
            last_inbound_at=draft.created_at,
            language=draft.language,
        )
        self.by_identity[_identity(draft)] = temp_id
        self.new.append(temp_id)
        self.events.append(
            Event(kind=EventKind.CONVERSATION_STARTED, actor="customer", at=now, conversation_id=temp_id, data={"source": draft.source})
        )
        return temp_id

    def record(self, conversation_id: int, draft: ItemDraft, *, now: datetime) -> None:
        updated, event = self.by_id[conversation_id].record_inbound(created_at=draft.created_at, at=now)
        if updated.language is None and draft.language:
            updated = replace(updated, language=draft.language)
        self.by_id[conversation_id] = updated
        if conversation_id > 0:
            self.changed.add(conversation_id)
        if event is not None:
            self.events.append(event)

    def flush_new(self) -> dict[int, int]:
        """Insert the new conversations; returns temporary id → real id."""
        if not self.new:
            return {}
        rows = [conversation_values(self.by_id[temp]) for temp in self.new]
        allocated = allocate_ids(self.connection, t.conversations, len(rows))
        if allocated is not None:
            for row, new_id in zip(rows, allocated, strict=True):
                row["id"] = new_id
            insert_rows(self.connection, t.conversations, rows)
            real = dict(zip(self.new, allocated, strict=True))
        else:
            c = t.conversations.c
            # Rows come back in no promised order: match them by their unique identity instead.
            result = self.connection.execute(
                insert(t.conversations).returning(c.id, c.source, c.account, c.author_external_id, c.thread_key), rows
            )
            ids = {(r.source, r.account, r.author_external_id, r.thread_key): int(r.id) for r in result}
            real = {temp: ids[self._identity_of(temp)] for temp in self.new}
        return real

    def _identity_of(self, conversation_id: int) -> Identity:
        c = self.by_id[conversation_id]
        return (c.source, c.account, c.author_external_id, c.thread_key)

    def flush_changed(self) -> None:
        if not self.changed:
            return
        rows = [{"_id": cid, **_inbound_values(self.by_id[cid])} for cid in sorted(self.changed)]
        statement = (
            update(t.conversations)
            .where(t.conversations.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in rows[0] if name != "_id"})
        )
        self.connection.execute(statement, rows)


def _parents(uow: SqlUnitOfWork, drafts: Sequence[ItemDraft]) -> dict[tuple[str, str], int]:
    """Conversation ids of the stored items (or our replies) that drafts answer."""
    wanted: dict[str, list[str]] = {}
    for draft in drafts:
        if draft.parent_external_id:
            wanted.setdefault(draft.source, []).append(draft.parent_external_id)
    found: dict[tuple[str, str], int] = {}
    for source, ext_ids in wanted.items():
        for ext, (_item_id, conversation_id) in uow.items.find_ids(source, ext_ids).items():
            found[(source, ext)] = conversation_id
        missing = [e for e in ext_ids if (source, e) not in found]
        if missing:
            # The customer may be answering one of our replies.
            rows = uow.connection.execute(
                select(t.replies.c.external_id, t.replies.c.conversation_id)
                .join(t.conversations, t.conversations.c.id == t.replies.c.conversation_id)
                .where(t.replies.c.external_id.in_(missing), t.conversations.c.source == source)
            )
            for row in rows:
                found.setdefault((source, row.external_id), int(row.conversation_id))
    return found


def store_drafts(drafts: Sequence[ItemDraft], *, uow: SqlUnitOfWork, now: datetime) -> list[IngestOutcome]:
    """Store drafts inside the caller's transaction (the caller commits).

    The same ``(source, external_id)`` is stored once: a repeat, in this batch or from an
    earlier delivery, returns the existing ids with ``duplicate=True``. An item that answers
    another (``parent_external_id``) joins its conversation; otherwise the conversation is the
    person's on that account and thread.
    """
    if not drafts:
        return []
    connection = uow.connection
    by_source: dict[str, list[str]] = {}
    for draft in drafts:
        by_source.setdefault(draft.source, []).append(draft.external_id)
    existing = {(src, ext): ids for src, ext_ids in by_source.items() for ext, ids in uow.items.find_ids(src, ext_ids).items()}
    parents = _parents(uow, drafts)
    batch = _Batch(connection, lock_rows=connection.dialect.name != "sqlite")
    batch.load(set(parents.values()), {_identity(d) for d in drafts if (d.source, d.external_id) not in existing})

    # First pass, in order: decide each draft's conversation (new ones get temporary ids).
    plan: list[_Planned] = []
    placed: dict[tuple[str, str], int] = {}  # (source, external_id) → conversation of this batch's items
    for draft in drafts:
        key = (draft.source, draft.external_id)
        if key in existing:
            item_id, conversation_id = existing[key]
            plan.append(_Planned(key, conversation_id, stored=IngestOutcome(item_id, conversation_id, duplicate=True)))
            continue
        if key in placed:
            plan.append(_Planned(key, placed[key]))  # a repeat inside this batch
            continue
        target: int | None = None
        if draft.parent_external_id:
            parent_key = (draft.source, draft.parent_external_id)
            target = placed.get(parent_key) or parents.get(parent_key)
        if target is None:
            target = batch.by_identity.get(_identity(draft))
        if target is None:
            target = batch.start(draft, now=now)
        batch.record(target, draft, now=now)
        placed[key] = target
        plan.append(_Planned(key, target, draft=draft))

    real = batch.flush_new()
    new_items = [p for p in plan if p.draft is not None]
    item_ids: dict[tuple[str, str], int] = {}
    if new_items:
        rows = [_item_values(p.draft, real.get(p.conversation_id, p.conversation_id), now) for p in new_items if p.draft]
        allocated = allocate_ids(connection, t.items, len(rows))
        if allocated is not None:
            for row, new_id in zip(rows, allocated, strict=True):
                row["id"] = new_id
            insert_rows(connection, t.items, rows)
            item_ids = {(row["source"], row["external_id"]): row["id"] for row in rows}
        else:
            # Matched by (source, external_id), which is unique, not by the order of RETURNING.
            result = connection.execute(insert(t.items).returning(t.items.c.id, t.items.c.source, t.items.c.external_id), rows)
            item_ids = {(row.source, row.external_id): int(row.id) for row in result}
        # Triage runs right after commit, in the worker: the queue row commits with the item.
        queue_rows = [{"item_id": item_id} for item_id in item_ids.values()]
        if connection.dialect.name == "sqlite":
            insert_rows(connection, t.triage_queue, queue_rows)
        else:
            connection.execute(insert(t.triage_queue), queue_rows)
    batch.flush_changed()
    events = [replace(e, conversation_id=real.get(e.conversation_id, e.conversation_id)) if e.conversation_id else e for e in batch.events]
    if events:
        event_rows = [_event_values(e) for e in events]
        if connection.dialect.name == "sqlite":
            insert_rows(connection, t.events, event_rows)
        else:
            connection.execute(insert(t.events), event_rows)
    return [
        p.stored or IngestOutcome(item_ids[p.key], real.get(p.conversation_id, p.conversation_id), duplicate=p.draft is None) for p in plan
    ]


@dataclass(frozen=True, slots=True)
class _Planned:
    """One draft's fate: already stored (``stored``), new (``draft``), or a repeat of this batch."""

    key: tuple[str, str]
    conversation_id: int
    draft: ItemDraft | None = None
    stored: IngestOutcome | None = None


def _inbound_values(c: Conversation) -> dict[str, Any]:
    """The columns an arriving item can change (fewer columns, fewer index updates)."""
    return {
        "status": c.status.value,
        "active": 1 if c.is_active else 0,
        "due_at": c.due_at,
        "waiting_since": c.waiting_since,
        "last_inbound_at": c.last_inbound_at,
        "language": c.language,
        "ignore_reason": c.ignore_reason,
        "updated_at": c.updated_at,
    }


def _item_values(draft: ItemDraft, conversation_id: int, now: datetime) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "source": draft.source,
        "external_id": draft.external_id,
        "author_external_id": draft.author.external_id,
        "author_name": draft.author.name,
        "author_handle": draft.author.handle,
        "author_followers": draft.author.followers,
        "text": draft.text,
        "created_at": draft.created_at,
        "received_at": now,
        "addressing": draft.addressing.value,
        "account": draft.account,
        "parent_external_id": draft.parent_external_id,
        "url": draft.url,
        "language": draft.language,
        "raw": draft.raw,
    }


def _event_values(event: Event) -> dict[str, Any]:
    return {"conversation_id": event.conversation_id, "kind": event.kind.value, "actor": event.actor, "at": event.at, "data": event.data}


def ingest_items(drafts: Sequence[ItemDraft], *, uow: SqlUnitOfWork, clock: Clock) -> list[IngestOutcome]:
    """Store drafts in one transaction and commit; returns one outcome per draft."""
    with uow:
        outcomes = store_drafts(drafts, uow=uow, now=clock.now())
        uow.commit()
    return outcomes
