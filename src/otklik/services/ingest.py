"""Ingest: store what customers wrote, once, in the right conversation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from otklik.clock import Clock
from otklik.domain.conversations import Conversation, Priority, Status
from otklik.domain.events import Event, EventKind
from otklik.domain.items import ItemDraft, thread_key
from otklik.store import tables as t
from otklik.store.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one draft: stored (``duplicate=False``) or already there."""

    item_id: int
    conversation_id: int
    duplicate: bool


def _parent_conversation(uow: SqlUnitOfWork, draft: ItemDraft, seen: dict[tuple[str, str], IngestOutcome]) -> int | None:
    parent = draft.parent_external_id
    if not parent:
        return None
    earlier = seen.get((draft.source, parent))
    if earlier is not None:
        return earlier.conversation_id
    stored = uow.items.find_ids(draft.source, [parent])
    if parent in stored:
        return stored[parent][1]
    # The customer may be answering one of our replies.
    reply_conv = uow.connection.execute(
        select(t.replies.c.conversation_id)
        .join(t.conversations, t.conversations.c.id == t.replies.c.conversation_id)
        .where(t.replies.c.external_id == parent, t.conversations.c.source == draft.source)
        .limit(1)
    ).scalar()
    return int(reply_conv) if reply_conv is not None else None


def _start_conversation(uow: SqlUnitOfWork, draft: ItemDraft, *, now: datetime) -> Conversation:
    conversation = Conversation(
        id=0,
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
    new_id = uow.conversations.add(conversation)
    uow.events.append(
        Event(
            kind=EventKind.CONVERSATION_STARTED,
            actor="customer",
            at=now,
            conversation_id=new_id,
            data={"source": draft.source},
        )
    )
    return replace(conversation, id=new_id)


def store_drafts(drafts: Sequence[ItemDraft], *, uow: SqlUnitOfWork, now: datetime) -> list[IngestOutcome]:
    """Store drafts inside the caller's transaction (the caller commits).

    The same ``(source, external_id)`` is stored once: a repeat, in this batch or from an
    earlier delivery, returns the existing ids with ``duplicate=True``.
    """
    outcomes: list[IngestOutcome] = []
    seen: dict[tuple[str, str], IngestOutcome] = {}
    by_source: dict[str, list[str]] = {}
    for draft in drafts:
        by_source.setdefault(draft.source, []).append(draft.external_id)
    existing = {(src, ext): ids for src, ext_ids in by_source.items() for ext, ids in uow.items.find_ids(src, ext_ids).items()}
    for draft in drafts:
        key = (draft.source, draft.external_id)
        if key in seen:
            outcomes.append(IngestOutcome(seen[key].item_id, seen[key].conversation_id, duplicate=True))
            continue
        if key in existing:
            item_id, conversation_id = existing[key]
            outcome = IngestOutcome(item_id, conversation_id, duplicate=True)
            seen[key] = outcome
            outcomes.append(outcome)
            continue
        conversation: Conversation | None = None
        parent_conversation_id = _parent_conversation(uow, draft, seen)
        if parent_conversation_id is not None:
            conversation = uow.conversations.get(parent_conversation_id, for_update=True)
        if conversation is None:
            conversation = uow.conversations.find_by_identity(draft.source, draft.account, draft.author.external_id, thread_key(draft))
        if conversation is None:
            conversation = _start_conversation(uow, draft, now=now)
        item_id = uow.items.add(draft, conversation_id=conversation.id, received_at=now)
        updated, event = conversation.record_inbound(created_at=draft.created_at, at=now)
        if updated.language is None and draft.language:
            updated = replace(updated, language=draft.language)
        uow.conversations.save(updated)
        if event is not None:
            uow.events.append(event)
        outcome = IngestOutcome(item_id, conversation.id, duplicate=False)
        seen[key] = outcome
        outcomes.append(outcome)
    return outcomes


def ingest_items(drafts: Sequence[ItemDraft], *, uow: SqlUnitOfWork, clock: Clock) -> list[IngestOutcome]:
    """Store drafts in one transaction and commit; returns one outcome per draft."""
    with uow:
        outcomes = store_drafts(drafts, uow=uow, now=clock.now())
        uow.commit()
    return outcomes
