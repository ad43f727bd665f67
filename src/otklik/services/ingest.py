"""Ingest: store what customers wrote, once, in the right conversation.

Work is done per batch, not per item: a group commit of hundreds of items costs a fixed
handful of statements (look-ups with IN, inserts with RETURNING, one update per touched
conversation), which is what lets one writer keep up with many webhook senders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Connection, insert, select, tuple_

from otklik.clock import Clock
from otklik.domain.conversations import ACTIVE_STATUSES, Conversation, Priority, Status, inbound_times
from otklik.domain.events import Event, EventKind
from otklik.domain.items import ItemDraft, thread_key
from otklik.domain.sla import SlaConfig
from otklik.services.followups import cancel_pending
from otklik.store import tables as t
from otklik.store.bulk import (
    IN_LIST_MAX,
    insert_rows,
    insert_tuples,
    select_by_keys,
    select_in,
    sqlite_run,
    sqlite_utc_text,
    sqlite_utc_value,
    update_rows,
)
from otklik.store.ids import allocate_ids
from otklik.store.repositories import ConversationRepository, conversation_from_row, conversation_values
from otklik.store.uow import SqlUnitOfWork

Identity = tuple[str, str, str, str]  # source, account, author, thread


class IngestOutcome(NamedTuple):
    """What happened to one draft: stored (``duplicate=False``) or already there."""

    item_id: int
    conversation_id: int
    duplicate: bool


#: The item columns a prepared item carries, in the order of :attr:`PreparedItem.row`.
ITEM_COLUMNS = (
    "source",
    "external_id",
    "author_external_id",
    "author_name",
    "author_handle",
    "author_followers",
    "text",
    "created_at",
    "addressing",
    "account",
    "parent_external_id",
    "url",
    "language",
    "raw",
)
_RAW = ITEM_COLUMNS.index("raw")


class PreparedItem(NamedTuple):
    """A draft flattened for storing: what placing it needs, and its item row.

    Plain values only, so a bulk import can prepare items in another process and ship them
    cheaply. The row holds what SQLite stores for the times and the raw payload (texts), so
    that work is done where the item is prepared; ``created_at`` is the aware datetime.
    """

    source: str
    external_id: str
    account: str
    author_external_id: str
    author_name: str
    author_handle: str
    thread_key: str
    parent_external_id: str | None
    created_at: datetime
    language: str | None
    row: tuple[Any, ...]

    @property
    def identity(self) -> Identity:
        """Whose conversation this is when it answers nothing: source, account, author, thread."""
        return (self.source, self.account, self.author_external_id, self.thread_key)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as a plain tuple and rebuilt in C: an import ships every item between
        # processes, and a named tuple's own pickling calls its Python ``__new__`` on load.
        return (tuple.__new__, (PreparedItem, tuple(self)))


def prepare(draft: ItemDraft) -> PreparedItem:
    """Flatten a draft for :func:`store_prepared`."""
    author = draft.author
    created_at = draft.created_at.astimezone(UTC)
    return PreparedItem(
        draft.source,
        draft.external_id,
        draft.account,
        author.external_id,
        author.name,
        author.handle,
        thread_key(draft),
        draft.parent_external_id,
        created_at,
        draft.language,
        (
            draft.source,
            draft.external_id,
            author.external_id,
            author.name,
            author.handle,
            author.followers,
            draft.text,
            sqlite_utc_text(created_at),
            draft.addressing.value,
            draft.account,
            draft.parent_external_id,
            draft.url,
            draft.language,
            orjson.dumps(draft.raw).decode(),
        ),
    )


#: What a batch reads of a conversation: its domain fields, and whether an SLA clock runs.
_LOADED_COLUMNS = (*(f.name for f in fields(Conversation)), "clock_kind")
#: What the identity look-up reads on SQLite: the keys, then enough to move an open
#: conversation on without loading it whole (see ``_Batch.light``).
_IDENTITY_COLUMNS = (
    "id",
    "source",
    "account",
    "author_external_id",
    "thread_key",
    "status",
    "clock_kind",
    "waiting_since",
    "last_inbound_at",
    "language",
)
_ACTIVE = frozenset(s.value for s in ACTIVE_STATUSES)


class _Light(NamedTuple):
    """An open conversation with a running clock, as far as a new item changes it."""

    waiting_since: datetime | None
    last_inbound_at: datetime
    language: str | None


class _Batch:
    """The conversations a batch touches, loaded once and written back once."""

    def __init__(self, connection: Connection, *, lock_rows: bool, sla: SlaConfig | None = None):
        self.connection = connection
        self.lock_rows = lock_rows
        # Clocks are set the way saving a conversation sets them (new ones: no team, never answered).
        self.clocks = ConversationRepository(connection, sla or SlaConfig())
        self.by_id: dict[int, Conversation] = {}
        self.loaded: dict[int, Conversation] = {}  # as read, to write back only what changed
        self.clockless: set[int] = set()  # loaded without a running SLA clock
        self.by_identity: dict[Identity, int] = {}
        self.changed: set[int] = set()
        self.new: list[int] = []  # temporary (negative) ids of conversations to insert
        self.events: list[Event] = []
        # Per conversation, the earliest and latest time of the batch's items: one domain
        # update per conversation, however many of its items the batch holds.
        self.inbound: dict[int, tuple[datetime, datetime, str | None]] = {}
        self.first_items: dict[int, PreparedItem] = {}  # temporary id → the item that starts it
        # New or open conversations with a running clock, found by identity on SQLite (most of
        # an import's repeat authors): a customer writing again only moves their times on, so
        # they are neither read whole nor built as domain objects; their changed columns wait
        # in ``light_rows`` for ``flush_changed``.
        self.light: dict[int, _Light] = {}
        self.light_rows: list[dict[str, Any]] = []

    def load(self, ids: set[int], identities: set[Identity]) -> None:
        """Load the conversations with these ids, and those of these identities that exist.

        On SQLite, an open conversation with a running clock found by its identity goes to
        ``light`` instead (unless one of ``ids``): what a new item changes of it came with the look-up.
        """
        c = t.conversations.c
        wanted = set(ids)
        key_columns = (c.id, c.source, c.account, c.author_external_id, c.thread_key)
        ordered = sorted(identities)
        # A quarter of the IN limit: each identity may add a value to each of four lists.
        step = IN_LIST_MAX // 4
        for start in range(0, len(ordered), step):
            chunk = ordered[start : start + step]
            # Keys first: whole rows (and their times) are built just for the matches that need them.
            if self.connection.dialect.name == "sqlite":
                # SQLite scans the table for a tuple IN; one IN per column uses the unique
                # index, and the few extra combinations it finds are dropped below. With the
                # keys come what moves an open conversation on (see ``light``).
                lists = [sorted(set(values)) for values in zip(*chunk, strict=True)]
                names = [col.name for col in key_columns]
                rows_found = select_in(self.connection, t.conversations, _IDENTITY_COLUMNS, list(zip(names[1:], lists, strict=True)))
                for conversation_id, *key, status, clock_kind, waiting_since, last_inbound_at, language in rows_found:
                    identity = (key[0], key[1], key[2], key[3])
                    if identity not in identities:
                        continue
                    if status in _ACTIVE and clock_kind is not None and conversation_id not in ids:
                        since = sqlite_utc_value(waiting_since)
                        latest = sqlite_utc_value(last_inbound_at)
                        if latest is not None:
                            self.light[conversation_id] = _Light(since, latest, language)
                            self.by_identity[identity] = conversation_id
                            continue
                    wanted.add(int(conversation_id))
                continue
            found: Iterable[Sequence[Any]] = self.connection.execute(select(*key_columns).where(tuple_(*key_columns[1:]).in_(chunk)))
            for conversation_id, *key_values in found:
                if tuple(key_values) in identities:
                    wanted.add(int(conversation_id))
        if not wanted:
            return
        rows: list[Mapping[Any, Any]] = []
        if self.connection.dialect.name == "sqlite":
            rows.extend(select_by_keys(self.connection, t.conversations, "id", wanted, columns=_LOADED_COLUMNS))
        else:
            ids_wanted = sorted(wanted)
            for start in range(0, len(ids_wanted), IN_LIST_MAX):
                query = select(t.conversations).where(c.id.in_(ids_wanted[start : start + IN_LIST_MAX]))
                rows.extend(self.connection.execute(query.with_for_update() if self.lock_rows else query).mappings())
        for row in rows:
            conversation = conversation_from_row(row)
            self.by_id[conversation.id] = self.loaded[conversation.id] = conversation
            if row["clock_kind"] is None:
                self.clockless.add(conversation.id)
            self.by_identity[(conversation.source, conversation.account, conversation.author_external_id, conversation.thread_key)] = (
                conversation.id
            )

    def start(self, draft: PreparedItem, identity: Identity, *, now: datetime) -> int:
        """A new conversation for ``draft``; it is built once all the batch's items are placed."""
        temp_id = -(len(self.new) + 1)
        self.first_items[temp_id] = draft
        self.by_identity[identity] = temp_id
        self.new.append(temp_id)
        self.events.append(
            Event(kind=EventKind.CONVERSATION_STARTED, actor="customer", at=now, conversation_id=temp_id, data={"source": draft.source})
        )
        return temp_id

    def record(self, conversation_id: int, draft: PreparedItem) -> None:
        seen = self.inbound.get(conversation_id)
        if seen is None:
            self.inbound[conversation_id] = (draft.created_at, draft.created_at, draft.language)
        else:
            earliest, latest, language = seen
            self.inbound[conversation_id] = (min(earliest, draft.created_at), max(latest, draft.created_at), language or draft.language)

    def apply_inbound(self, *, now: datetime) -> None:
        """Move every touched conversation on by its items of this batch."""
        for conversation_id, (earliest, latest, language) in self.inbound.items():
            light = self.light.get(conversation_id)
            if light is not None:
                # What record_inbound does to a new or open conversation: its times move on.
                since, last = inbound_times(light.waiting_since, light.last_inbound_at, created_at=earliest, latest_at=latest)
                # Columns in the order of _inbound_values, so these rows share the updates of
                # conversations that changed the same columns by the whole-row path.
                row: dict[str, Any] = {"id": conversation_id}
                if since != light.waiting_since:
                    row["waiting_since"] = since
                if last != light.last_inbound_at:
                    row["last_inbound_at"] = last
                if light.language is None and language:
                    row["language"] = language
                row["updated_at"] = now
                self.light_rows.append(row)
                continue
            first = self.first_items.get(conversation_id)
            if first is not None:
                # New and waiting since its earliest item: what record_inbound on a fresh
                # conversation gives, built in one step (this runs for most imported items).
                self.by_id[conversation_id] = Conversation(
                    id=conversation_id,
                    source=first.source,
                    account=first.account,
                    author_external_id=first.author_external_id,
                    author_name=first.author_name,
                    author_handle=first.author_handle,
                    thread_key=first.thread_key,
                    status=Status.NEW,
                    priority=Priority.NORMAL,
                    created_at=now,
                    updated_at=now,
                    waiting_since=earliest,
                    last_inbound_at=latest,
                    language=language,
                )
                continue
            updated, event = self.by_id[conversation_id].record_inbound(created_at=earliest, latest_at=latest, at=now)
            if updated.language is None and language:
                updated = replace(updated, language=language)
            self.by_id[conversation_id] = updated
            if conversation_id > 0:
                self.changed.add(conversation_id)
            if event is not None:
                self.events.append(event)
        self.inbound.clear()

    def flush_new(self) -> dict[int, int]:
        """Insert the new conversations; returns temporary id → real id."""
        if not self.new:
            return {}
        # A new conversation's clock starts at once (normal priority, the default team), so the
        # inbox orders it among the others; triage corrects it with the priority right after.
        new = [self.by_id[temp] for temp in self.new]
        rows = [conversation_values(c) | clock for c, clock in zip(new, self.clocks.clock_columns_many(new), strict=True)]
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
        """Write back the columns that changed, grouped by which: one ``executemany`` a group.

        Most items change only times no index holds (last inbound, updated); leaving status,
        ``active`` and language out of those updates spares every inbox index a rewrite.
        """
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        # Back in the inbox (the customer wrote to a waiting, resolved or ignored conversation)
        # or open without a clock: its clock starts now, not when triage runs.
        restarted = [self.by_id[cid] for cid in sorted(self.changed) if self.by_id[cid].is_active and cid in self.clockless]
        clocks = dict(zip((c.id for c in restarted), self.clocks.clock_columns_many(restarted), strict=True))
        for cid in sorted(self.changed):
            before = _inbound_values(self.loaded[cid])
            after = _inbound_values(self.by_id[cid])
            changed = {name: value for name, value in after.items() if before[name] != value}
            if cid in clocks:
                changed |= clocks[cid]
            if changed:
                groups.setdefault(tuple(changed), []).append({"id": cid, **changed})
        for row in self.light_rows:
            groups.setdefault(tuple(name for name in row if name != "id"), []).append(row)
        self.light_rows.clear()
        for rows in groups.values():
            update_rows(self.connection, t.conversations, "id", rows)


def _parents(uow: SqlUnitOfWork, drafts: Sequence[PreparedItem]) -> dict[tuple[str, str], int]:
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
        # The customer may be answering one of our replies.
        for start in range(0, len(missing), IN_LIST_MAX):
            chunk = missing[start : start + IN_LIST_MAX]
            rows: Iterable[Sequence[Any]]
            if uow.connection.dialect.name == "sqlite":
                # Raw SQL, as for the items: compiling the query costs more than running it.
                placeholders = ", ".join("?" * len(chunk))
                sql = (
                    "SELECT replies.external_id, replies.conversation_id FROM replies"  # noqa: S608 - placeholders only
                    " JOIN conversations ON conversations.id = replies.conversation_id"
                    f" WHERE replies.external_id IN ({placeholders}) AND conversations.source = ?"
                )
                rows = sqlite_run(uow.connection, sql, (*chunk, source))
            else:
                rows = uow.connection.execute(
                    select(t.replies.c.external_id, t.replies.c.conversation_id)
                    .join(t.conversations, t.conversations.c.id == t.replies.c.conversation_id)
                    .where(t.replies.c.external_id.in_(chunk), t.conversations.c.source == source)
                )
            for external_id, conversation_id in rows:
                found.setdefault((source, external_id), int(conversation_id))
    return found


def store_drafts(drafts: Sequence[ItemDraft], *, uow: SqlUnitOfWork, now: datetime) -> list[IngestOutcome]:
    """Store drafts inside the caller's transaction (the caller commits); see :func:`store_prepared`."""
    return store_prepared([prepare(d) for d in drafts], uow=uow, now=now)


def store_prepared(drafts: Sequence[PreparedItem], *, uow: SqlUnitOfWork, now: datetime) -> list[IngestOutcome]:
    """Store prepared items inside the caller's transaction (the caller commits).

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
    batch = _Batch(connection, lock_rows=connection.dialect.name != "sqlite", sla=uow.sla)
    identities = [d.identity for d in drafts]
    batch.load(set(parents.values()), {i for d, i in zip(drafts, identities, strict=True) if (d.source, d.external_id) not in existing})

    # First pass, in order: decide each draft's conversation (new ones get temporary ids).
    plan: list[_Planned] = []
    placed: dict[tuple[str, str], int] = {}  # (source, external_id) → conversation of this batch's items
    for draft, identity in zip(drafts, identities, strict=True):
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
            target = batch.by_identity.get(identity)
        if target is None:
            target = batch.start(draft, identity, now=now)
        batch.record(target, draft)
        placed[key] = target
        plan.append(_Planned(key, target, draft=draft))

    batch.apply_inbound(now=now)
    real = batch.flush_new()
    new_items = [p for p in plan if p.draft is not None]
    item_ids: dict[tuple[str, str], int] = {}
    if new_items:
        allocated = allocate_ids(connection, t.items, len(new_items))
        if allocated is not None:
            received = sqlite_utc_text(now)
            item_ids = dict(zip((p.key for p in new_items), allocated, strict=True))
            insert_tuples(
                connection,
                t.items,
                ("id", "conversation_id", *ITEM_COLUMNS, "received_at"),
                [
                    (new_id, real.get(p.conversation_id, p.conversation_id), *p.draft.row, received)
                    for p, new_id in zip(new_items, allocated, strict=True)
                    if p.draft
                ],
                stored_as_is=frozenset({"created_at", "raw", "received_at"}),
            )
        else:
            rows = [_item_values(p.draft, real.get(p.conversation_id, p.conversation_id), now) for p in new_items if p.draft]
            # Matched by (source, external_id), which is unique, not by the order of RETURNING.
            result = connection.execute(insert(t.items).returning(t.items.c.id, t.items.c.source, t.items.c.external_id), rows)
            item_ids = {(row.source, row.external_id): int(row.id) for row in result}
        # Triage runs right after commit, in the worker: the queue row commits with the item.
        insert_rows(connection, t.triage_queue, [{"item_id": item_id} for item_id in item_ids.values()])
    batch.flush_changed()
    # The customer wrote again on a resolved conversation: its follow-up no longer fits (P18).
    # Only a reopening can meet a pending follow-up, so a batch without one costs no query.
    reopened = sorted({e.conversation_id for e in batch.events if e.kind is EventKind.REOPENED and e.conversation_id})
    if reopened:
        cancel_pending(uow, reopened, by="customer", at=now, reason="the customer wrote again")
    if batch.events:
        insert_rows(connection, t.events, [_event_values(e, real) for e in batch.events])
    return [
        p.stored or IngestOutcome(item_ids[p.key], real.get(p.conversation_id, p.conversation_id), duplicate=p.draft is None) for p in plan
    ]


class _Planned(NamedTuple):
    """One draft's fate: already stored (``stored``), new (``draft``), or a repeat of this batch."""

    key: tuple[str, str]
    conversation_id: int
    draft: PreparedItem | None = None
    stored: IngestOutcome | None = None


def _inbound_values(c: Conversation) -> dict[str, Any]:
    """The columns an arriving item can change (fewer columns, fewer index updates)."""
    return {
        "status": c.status.value,
        "active": 1 if c.is_active else 0,
        # ``due_at`` is left alone: it belongs to the SLA clock, which triage sets right after
        # with the item's priority (a running clock keeps its due time: it started earlier).
        "waiting_since": c.waiting_since,
        "last_inbound_at": c.last_inbound_at,
        "language": c.language,
        "ignore_reason": c.ignore_reason,
        "updated_at": c.updated_at,
    }


def _item_values(draft: PreparedItem, conversation_id: int, now: datetime) -> dict[str, Any]:
    values = dict(zip(ITEM_COLUMNS, draft.row, strict=True))
    values["raw"] = orjson.loads(draft.row[_RAW])
    values["created_at"] = draft.created_at
    values["conversation_id"] = conversation_id
    values["received_at"] = now
    return values


def _event_values(event: Event, real_ids: Mapping[int, int]) -> dict[str, Any]:
    """An event's row; a conversation created in this batch gets its real id."""
    conversation_id = event.conversation_id
    if conversation_id is not None and conversation_id < 0:
        conversation_id = real_ids[conversation_id]
    return {"conversation_id": conversation_id, "kind": event.kind.value, "actor": event.actor, "at": event.at, "data": event.data}


def ingest_items(drafts: Sequence[ItemDraft], *, uow: SqlUnitOfWork, clock: Clock) -> list[IngestOutcome]:
    """Store drafts in one transaction and commit; returns one outcome per draft."""
    with uow:
        outcomes = store_drafts(drafts, uow=uow, now=clock.now())
        uow.commit()
    return outcomes
