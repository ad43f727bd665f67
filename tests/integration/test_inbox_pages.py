"""Inbox pages on a varied desk match a straightforward reference query, page after page."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, tuple_, type_coerce

from otklik.bootstrap import Services
from otklik.domain.conversations import Conversation, Priority, Status
from otklik.services.inbox import ClockView, InboxFilters, InboxRow, _decode_cursor, apply_filters, list_inbox
from otklik.store import tables as t
from otklik.store.repositories import conversation_values

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STATUSES = list(Status)
LANGUAGES = ("ru", "pl", "en", None)


def _seed(services: Services, *, conversations: int = 150, seed: int = 7) -> dict[str, Any]:
    """A desk with every status, clocks and none, tied due times, long texts and empty conversations."""
    rng = random.Random(seed)
    with services.engine.begin() as conn:
        teams = [int(conn.execute(insert(t.teams).values(name=f"team {n}")).inserted_primary_key[0]) for n in range(3)]  # type: ignore[index]
        agents = [
            int(
                conn.execute(
                    insert(t.agents).values(
                        email=f"a{n}@volna.test",
                        name=f"Agent {n}",
                        password_hash="!",
                        role="agent",
                        team_id=teams[n % 3],
                        active=True,
                        created_at=NOW,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            for n in range(4)
        ]
        # Few distinct due times, so many rows tie on (clock_rank, due_at) and the id decides.
        dues = [NOW - timedelta(minutes=rng.randint(0, 12) * 30) for _ in range(conversations)]
        conv_rows, item_rows = [], []
        item_id = 1
        for conv_id in range(1, conversations + 1):
            status = rng.choice(STATUSES)
            last = NOW - timedelta(hours=rng.randint(1, 200))
            conversation = Conversation(
                id=conv_id,
                source=rng.choice(("x", "facebook", "generic")),
                account="@volna_shop",
                author_external_id=f"u{conv_id}",
                author_name=f"Клиент {conv_id}",
                author_handle=f"@c{conv_id}",
                thread_key="",
                status=status,
                priority=rng.choice(list(Priority)),
                created_at=last - timedelta(hours=1),
                updated_at=last,
                waiting_since=last - timedelta(minutes=5) if rng.random() < 0.6 else None,
                last_inbound_at=last,
                assignee_id=rng.choice([None, *agents]),
                team_id=rng.choice([None, *teams]),
                language=rng.choice(LANGUAGES),
                ignore_reason="spam" if status is Status.IGNORED else None,
                kind=rng.choice([None, "complaint", "question"]),
                sentiment=rng.choice([None, "negative"]),
                decision=rng.choice([None, "respond", "ignore"]),
                signals=tuple(s for s in ("urgent", "outage") if rng.random() < 0.3),
            )
            row: dict[str, Any] = {"id": conv_id, **conversation_values(conversation), "due_at": dues[conv_id - 1]}
            if rng.random() < 0.5:  # a running clock at some stage
                due = dues[conv_id - 1]
                row |= {
                    "clock_rank": 0,
                    "clock_kind": rng.choice(("first_response", "next_response")),
                    "clock_started_at": due - timedelta(hours=2),
                    "at_risk_50_at": due - timedelta(hours=1),
                    "at_risk_80_at": due - timedelta(minutes=24),
                    "acceptable_until": due + timedelta(hours=4),
                }
            else:
                row |= {"clock_rank": 1, "clock_kind": None, "clock_started_at": None, "at_risk_50_at": None}
                row |= {"at_risk_80_at": None, "acceptable_until": None}
            conv_rows.append(row)
            # Some conversations have no item; the newest item is the highest id, not the latest time.
            for n in range(rng.choice((0, 1, 1, 2, 3))):
                text = f"{conv_id}-{n} " + "очень длинный текст " * rng.choice((1, 30))
                item_rows.append(
                    {
                        "id": item_id,
                        "conversation_id": conv_id,
                        "source": conversation.source,
                        "external_id": f"e{item_id}",
                        "author_external_id": conversation.author_external_id,
                        "author_name": conversation.author_name,
                        "author_handle": conversation.author_handle,
                        "author_followers": None,
                        "text": text,
                        "created_at": last - timedelta(minutes=rng.randint(0, 90)),
                        "received_at": last,
                        "addressing": rng.choice(("direct", "mention", "public")),
                        "account": conversation.account,
                        "parent_external_id": None,
                        "url": None,
                        "language": conversation.language,
                        "raw": {"n": item_id},
                    }
                )
                item_id += 1
        conn.execute(insert(t.conversations), conv_rows)
        conn.execute(insert(t.items), item_rows)
    return {"teams": teams, "agents": agents}


def _reference_page(services: Services, filters: InboxFilters, *, limit: int, cursor: str | None, now: datetime | None) -> list[InboxRow]:
    """The rows of one page by a plain query over whole rows, then a preview query."""
    c = t.conversations.c
    query = select(t.conversations, t.agents.c.name.label("assignee_name")).outerjoin(t.agents, t.agents.c.id == c.assignee_id)
    query = query.where(c.active == 1 if filters.status is None else c.status.in_([s.value for s in filters.status]))
    if filters.assignee == "none":
        query = query.where(c.assignee_id.is_(None))
    elif filters.assignee is not None:
        query = query.where(c.assignee_id == filters.assignee)
    for column, value in ((c.team_id, filters.team), (c.source, filters.channel), (c.language, filters.language), (c.kind, filters.kind)):
        if value is not None:
            query = query.where(column == value)
    if cursor:
        rank, due, last_id = _decode_cursor(cursor)
        query = query.where(tuple_(c.clock_rank, c.due_at, c.id) > tuple_(rank, type_coerce(due, c.due_at.type), last_id))
    query = query.order_by(c.clock_rank, c.due_at, c.id).limit(limit)
    with services.uow(write=False) as uow:
        rows = list(uow.connection.execute(query).mappings())
        i = t.items.c
        newest = select(func.max(i.id)).where(i.conversation_id.in_([r["id"] for r in rows])).group_by(i.conversation_id)
        previews = {
            p.conversation_id: (p.text, p.addressing)
            for p in uow.connection.execute(
                select(i.conversation_id, func.substr(i.text, 1, 280).label("text"), i.addressing).where(i.id.in_(newest))
            )
        }
    return [
        InboxRow(
            **{f: r[f] for f in ("id", "status", "priority", "source", "account", "author_name", "author_handle", "language")},
            **{f: r[f] for f in ("assignee_id", "assignee_name", "team_id", "due_at", "waiting_since", "last_inbound_at")},
            preview=previews.get(r["id"], ("", None))[0],
            addressing=previews.get(r["id"], ("", None))[1],
            **{f: r[f] for f in ("kind", "sentiment", "decision", "ignore_reason")},
            signals=tuple(x for x in (r["signals"] or "").split(",") if x),
            sla=ClockView.of_row(r, now) if now is not None else None,
        )
        for r in rows
    ]


def _filters(desk: dict[str, Any]) -> list[InboxFilters]:
    return [
        InboxFilters(),
        InboxFilters(status=[Status.RESOLVED]),
        InboxFilters(status=[Status.WAITING, Status.IGNORED]),
        InboxFilters(status=list(Status)),
        InboxFilters(assignee="none"),
        InboxFilters(assignee=desk["agents"][1]),
        InboxFilters(team=desk["teams"][0]),
        InboxFilters(channel="x"),
        InboxFilters(language="pl"),
        InboxFilters(kind="complaint"),
        InboxFilters(status=[Status.OPEN], assignee=desk["agents"][0], team=desk["teams"][0], channel="x", language="ru", kind="question"),
        InboxFilters(status=[Status.NEW], assignee="none", language="en"),
    ]


@pytest.mark.parametrize("limit", [4, 50])
def test_every_page_equals_the_reference(services: Services, limit: int) -> None:
    desk = _seed(services)
    for filters in _filters(desk):
        everything = [r.id for r in _reference_page(services, filters, limit=10_000, cursor=None, now=None)]
        with services.uow(write=False) as uow:
            counted = uow.connection.execute(apply_filters(select(func.count()).select_from(t.conversations), filters)).scalar_one()
        assert counted == len(everything), filters
        for now in (None, NOW - timedelta(hours=3)):
            cursor: str | None = None
            seen: list[int] = []
            while True:
                page = list_inbox(filters, uow_factory=services.uow, limit=limit, cursor=cursor, now=now)
                assert page.rows == _reference_page(services, filters, limit=limit, cursor=cursor, now=now), (filters, cursor)
                seen.extend(r.id for r in page.rows)
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert seen == everything, filters


def test_previews_are_the_newest_item_cut_to_280_characters(services: Services) -> None:
    _seed(services, conversations=60)
    rows = list_inbox(InboxFilters(status=list(Status)), uow_factory=services.uow, limit=200).rows
    assert len(rows) == 60
    with services.uow(write=False) as uow:
        newest = {
            r.conversation_id: (r.text, r.addressing)
            for r in uow.connection.execute(select(t.items.c.conversation_id, t.items.c.text, t.items.c.addressing).order_by(t.items.c.id))
        }
    for row in rows:
        text, addressing = newest.get(row.id, ("", None))
        assert (row.preview, row.addressing) == (text[:280], addressing)
    assert any(len(r.preview) == 280 for r in rows) and any(r.preview == "" and r.addressing is None for r in rows)
