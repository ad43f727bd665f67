"""Fast synthetic desks for the inbox benchmark: SQLAlchemy Core bulk inserts, 10k rows a batch.

Rows are built from the domain objects (:class:`~otklik.domain.conversations.Conversation`)
so the derived columns are what the repositories would write: ``active`` is 1 exactly when
the status is new/open, ``priority_rank`` is the priority's rank and ``due_at`` is
``waiting_since`` or else ``last_inbound_at``. :func:`check_consistency` verifies that in SQL.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, insert, or_, select

from bench.corpus import message
from otklik.domain.conversations import Conversation, Priority, Status
from otklik.store import tables as t
from otklik.store.repositories import conversation_values

BATCH = 10_000
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TEAMS = ("Доставка", "Płatności", "Returns", "VIP", "Social")
SOURCES = ("x", "facebook", "instagram", "reviews")
SOURCE_WEIGHTS = (0.45, 0.25, 0.2, 0.1)
ACCOUNTS = {"x": "@volna_shop", "facebook": "Volna", "instagram": "volna.pl", "reviews": "volna-reviews"}
LANGUAGES = ("ru", "pl", "en", "uk", None)
LANGUAGE_WEIGHTS = (0.4, 0.3, 0.2, 0.05, 0.05)
PRIORITIES = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)
PRIORITY_WEIGHTS = (0.04, 0.16, 0.65, 0.15)
INACTIVE = (Status.WAITING, Status.RESOLVED, Status.IGNORED)
INACTIVE_WEIGHTS = (0.25, 0.65, 0.10)
ACTIVE_SHARE = 0.15
AGENTS_PER_TEAM = 4


@dataclass
class DeskShape:
    """What a generated desk holds, for the report and for choosing filter values."""

    items: int = 0
    conversations: int = 0
    active: int = 0
    teams: dict[str, int] = field(default_factory=dict)
    agents: list[tuple[int, int]] = field(default_factory=list)  # (agent id, team id)
    next_item_id: int = 1
    next_conversation_id: int = 1


def seed_directory(engine: Engine) -> DeskShape:
    """Teams, agents and sources (small tables), in one transaction."""
    shape = DeskShape()
    with engine.begin() as conn:
        for name in TEAMS:
            shape.teams[name] = int(conn.execute(insert(t.teams).values(name=name)).inserted_primary_key[0])  # type: ignore[index]
        for team_id in shape.teams.values():
            for n in range(AGENTS_PER_TEAM):
                agent_id = conn.execute(
                    insert(t.agents).values(
                        email=f"agent{team_id}-{n}@volna.example",
                        name=f"Agent {team_id}-{n}",
                        password_hash="!",  # noqa: S106 - not a hash: no password matches it, as for a disabled login
                        role="agent",
                        team_id=team_id,
                        active=True,
                        created_at=NOW - timedelta(days=400),
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                shape.agents.append((int(agent_id), team_id))
        conn.execute(
            insert(t.sources),
            [
                {"name": s, "kind": "generic", "secret": f"bench-{s}", "callback_url": None, "created_at": NOW - timedelta(days=400)}
                for s in SOURCES
            ],
        )
    return shape


def _conversation(
    rng: random.Random, shape: DeskShape, conv_id: int, item_times: list[datetime], source: str, language: str | None
) -> Conversation:
    active = rng.random() < ACTIVE_SHARE
    status = (Status.NEW if rng.random() < 0.5 else Status.OPEN) if active else rng.choices(INACTIVE, INACTIVE_WEIGHTS)[0]
    priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
    assignee: int | None = None
    team: int | None = rng.choice(list(shape.teams.values())) if rng.random() < 0.8 else None
    assigned_share = {Status.NEW: 0.0, Status.OPEN: 0.8, Status.WAITING: 0.9, Status.RESOLVED: 0.9, Status.IGNORED: 0.5}[status]
    if rng.random() < assigned_share:
        assignee, team = rng.choice(shape.agents)
    # Unanswered customer items: all of a new one, the tail of an open one; none once we replied.
    if status in (Status.NEW, Status.OPEN):
        waiting_since: datetime | None = item_times[0] if status is Status.NEW else rng.choice(item_times)
    elif status is Status.IGNORED or (status is Status.RESOLVED and rng.random() < 0.2):
        waiting_since = item_times[0]
    else:
        waiting_since = None
    last = item_times[-1]
    return Conversation(
        id=conv_id,
        source=source,
        account=ACCOUNTS[source],
        author_external_id=f"u{conv_id}",
        author_name=f"Customer {conv_id}",
        author_handle=f"@customer_{conv_id}",
        thread_key="",
        status=status,
        priority=priority,
        created_at=item_times[0],
        updated_at=last + timedelta(minutes=rng.randint(0, 600)),
        waiting_since=waiting_since,
        last_inbound_at=last,
        assignee_id=assignee,
        team_id=team,
        language=language,
        ignore_reason="spam" if status is Status.IGNORED else None,
    )


def conversation_row(c: Conversation) -> dict[str, Any]:
    """The row a repository writes for ``c`` (derived columns from the domain object)."""
    return {"id": c.id, **conversation_values(c)}


def _batches(rng: random.Random, shape: DeskShape, items: int) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Rows of conversations and their items, about BATCH items at a time, until ``items`` more exist."""
    target = shape.items + items
    conversations: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    texts = {lang: [message(rng, lang) for _ in range(200)] for lang in ("ru", "pl", "en")}
    while shape.items < target:
        conv_id = shape.next_conversation_id
        shape.next_conversation_id += 1
        count = min(rng.choice((1, 1, 2, 3, 3, 4, 5, 5)), target - shape.items)
        start = NOW - timedelta(minutes=rng.randint(10, 90 * 24 * 60))
        times = [start + timedelta(minutes=17 * i) for i in range(count)]
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        conversation = _conversation(rng, shape, conv_id, times, source, language)
        conversations.append(conversation_row(conversation))
        shape.conversations += 1
        shape.active += 1 if conversation.is_active else 0
        for at in times:
            item_id = shape.next_item_id
            shape.next_item_id += 1
            text = rng.choice(texts[language if language in texts else "ru"])
            external_id = f"{source}-{item_id}"
            rows.append(
                {
                    "id": item_id,
                    "conversation_id": conv_id,
                    "source": source,
                    "external_id": external_id,
                    "author_external_id": conversation.author_external_id,
                    "author_name": conversation.author_name,
                    "author_handle": conversation.author_handle,
                    "author_followers": rng.randint(0, 5000),
                    "text": text,
                    "created_at": at,
                    "received_at": at + timedelta(seconds=2),
                    "addressing": "direct",
                    "account": conversation.account,
                    "parent_external_id": None,
                    "url": f"https://social.example/{source}/{external_id}",
                    "language": language,
                    "raw": {"external_id": external_id, "text": text, "author": {"id": conversation.author_external_id}},
                }
            )
        shape.items += count
        if len(rows) >= BATCH:
            yield conversations, rows
            conversations, rows = [], []
    if rows:
        yield conversations, rows


def grow(engine: Engine, shape: DeskShape, items: int, *, seed: int) -> None:
    """Add ``items`` items (and about a third as many conversations), one transaction per batch."""
    rng = random.Random(seed)
    with engine.connect() as conn:  # others (a benchmark's webhook commits) may have added rows
        shape.next_item_id = max(shape.next_item_id, int(conn.execute(select(func.coalesce(func.max(t.items.c.id), 0))).scalar_one()) + 1)
        top = int(conn.execute(select(func.coalesce(func.max(t.conversations.c.id), 0))).scalar_one())
        shape.next_conversation_id = max(shape.next_conversation_id, top + 1)
    conv_insert, item_insert = insert(t.conversations), insert(t.items)
    for conversations, rows in _batches(rng, shape, items):
        with engine.begin() as conn:
            conn.execute(conv_insert, conversations)
            conn.execute(item_insert, rows)
    if engine.dialect.name == "postgresql":
        # The ids were given explicitly, so move the sequences past them for later inserts.
        with engine.begin() as conn:
            for table in (t.conversations, t.items):
                highest = select(func.max(table.c.id)).scalar_subquery()
                conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest)))


def check_consistency(conn: Connection) -> int:
    """How many conversations break the repositories' invariants (should be 0)."""
    c = t.conversations.c
    rank = case(
        {p.value: p.rank for p in Priority},
        value=c.priority,
        else_=-1,
    )
    active_statuses = [s.value for s in (Status.NEW, Status.OPEN)]
    broken = or_(
        c.active != case((c.status.in_(active_statuses), 1), else_=0),
        c.priority_rank != rank,
        # Without a running SLA clock the inbox orders by the oldest unanswered item.
        and_(c.clock_rank == 1, c.due_at != func.coalesce(c.waiting_since, c.last_inbound_at)),
        and_(c.status == Status.NEW.value, c.assignee_id.is_not(None)),
    )
    return int(conn.execute(select(func.count()).select_from(t.conversations).where(broken)).scalar_one())
