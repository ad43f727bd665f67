"""Batch ingest semantics on both databases: dedupe, threading, reopening, audit."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from otklik.bootstrap import Services
from otklik.services.actions import ignore_conversation, reopen_conversation, resolve_conversation
from otklik.services.ingest import PreparedItem, ingest_items, prepare
from tests.builders import make_actor, make_draft


def test_one_batch_threads_dedupes_and_reopens(services: Services) -> None:
    actor = make_actor(services)
    first = ingest_items([make_draft(external_id="old-1", author_id="ru-1", lang="ru")], uow=services.uow(), clock=services.clock)[0]
    resolve_conversation(first.conversation_id, actor=actor, uow_factory=services.uow, clock=services.clock)
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    batch = [
        make_draft(external_id="n-1", author_id="pl-1", lang="pl"),  # a new conversation
        make_draft(external_id="n-2", author_id="pl-2", lang="pl", parent="n-1"),  # answers n-1 in the same batch
        make_draft(external_id="n-1", author_id="pl-1", lang="pl"),  # repeated inside the batch
        make_draft(external_id="old-1", author_id="ru-1", lang="ru"),  # redelivered from before
        make_draft(external_id="old-2", author_id="ru-1", lang="ru", minutes=70),  # the customer writes again
        make_draft(external_id="e-1", author_id="en-1", lang="en"),
    ]
    out = ingest_items(batch, uow=services.uow(), clock=services.clock)
    assert [o.duplicate for o in out] == [False, False, True, True, False, False]
    assert out[0].conversation_id == out[1].conversation_id == out[2].conversation_id
    assert out[2].item_id == out[0].item_id
    assert out[3].item_id == first.item_id
    assert out[4].conversation_id == first.conversation_id
    assert len({out[0].conversation_id, out[4].conversation_id, out[5].conversation_id}) == 3
    with services.uow(write=False) as uow:
        reopened = uow.conversations.get(first.conversation_id)
        started = uow.conversations.get(out[0].conversation_id)
        kinds = [e.kind.value for e in uow.events.for_conversation(first.conversation_id)]
        items = [i.external_id for i in uow.items.for_conversation(out[0].conversation_id)]
        assert uow.items.count() == 5
    assert reopened is not None and reopened.status.value == "open"
    assert reopened.waiting_since == batch[4].created_at
    assert kinds == ["conversation_started", "resolved", "reopened"]
    assert started is not None and (started.status.value, started.language, started.waiting_since) == ("new", "pl", batch[0].created_at)
    assert items == ["n-1", "n-2"]


def test_writing_again_moves_each_conversation_on_as_its_domain_says(services: Services) -> None:
    # On SQLite an open conversation is moved on from its identity look-up alone, without
    # being loaded whole; every status must still end where record_inbound puts it.
    actor = make_actor(services)
    opening = [make_draft(external_id=f"w-{i}", author_id=f"a-{i}", minutes=i) for i in range(5)]
    opening.append(replace(make_draft(external_id="w-5", author_id="a-5", minutes=5), language=None))
    ids = [o.conversation_id for o in ingest_items(opening, uow=services.uow(), clock=services.clock)]
    statuses = ["new", "resolved", "ignored", "open", "new", "new"]
    resolve_conversation(ids[1], actor=actor, uow_factory=services.uow, clock=services.clock)
    ignore_conversation(ids[2], "a test", actor=actor, uow_factory=services.uow, clock=services.clock)
    resolve_conversation(ids[3], actor=actor, uow_factory=services.uow, clock=services.clock)
    reopen_conversation(ids[3], actor=actor, uow_factory=services.uow, clock=services.clock)
    services.clock.advance(hours=2)  # type: ignore[attr-defined]
    with services.uow(write=False) as uow:
        before = [uow.conversations.get(cid) for cid in ids]
    assert [c.status.value for c in before if c] == statuses
    # Each author writes twice: once before their first item (the wait reaches back), once after.
    again = [make_draft(external_id=f"w-{i}-{m}", author_id=f"a-{i}", minutes=m, lang="pl") for i in range(6) for m in (-30, 90)]
    ingest_items(again, uow=services.uow(), clock=services.clock)
    with services.uow(write=False) as uow:
        after = [uow.conversations.get(cid) for cid in ids]
    now = services.clock.now()
    for old, new in zip(before, after, strict=True):
        assert old is not None and new is not None
        expected, _ = old.record_inbound(created_at=again[0].created_at, latest_at=again[1].created_at, at=now)
        expected = replace(expected, language=expected.language or "pl")
        assert new == expected, old.status


def test_a_prepared_item_crosses_to_another_process_unchanged() -> None:
    # A bulk import prepares items in its reader process and pickles them over.
    item = prepare(make_draft(external_id="p-1", author_id="pl-1", lang="pl", parent="p-0"))
    back = pickle.loads(pickle.dumps([item], protocol=pickle.HIGHEST_PROTOCOL))[0]  # noqa: S301 - our own bytes
    assert type(back) is PreparedItem
    assert back == item
    assert back.identity == item.identity and back.created_at == item.created_at


def test_an_item_keeps_its_time_to_the_microsecond_whatever_its_zone(services: Services) -> None:
    written = datetime(2026, 3, 29, 2, 30, 0, 7, tzinfo=timezone(timedelta(hours=3)))
    out = ingest_items([make_draft(external_id="tz-1", created_at=written)], uow=services.uow(), clock=services.clock)[0]
    with services.uow(write=False) as uow:
        item = uow.items.get(out.item_id)
        conversation = uow.conversations.get(out.conversation_id)
    assert item is not None and conversation is not None
    assert item.created_at == written and item.created_at.utcoffset() == timedelta(0)
    assert conversation.waiting_since == written
