"""Repositories: rows to domain objects and back. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, CursorResult, RowMapping, func, insert, select, update

from otklik.domain.agents import Agent, Role, Team
from otklik.domain.conversations import Conversation, Priority, Status
from otklik.domain.events import Event, EventKind
from otklik.domain.items import Addressing, Author, Item, ItemDraft
from otklik.domain.replies import DeliveryState, Reply, ReplyCheck
from otklik.domain.sla import SlaClock, SlaConfig, conversation_clock
from otklik.store import tables as t
from otklik.store.bulk import IN_LIST_MAX, insert_rows, sqlite_run, update_rows


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an autoincrement key
        raise RuntimeError("insert returned no primary key")
    return int(key[0])


class _Repository:
    def __init__(self, connection: Connection):
        self.connection = connection


def _item(row: RowMapping) -> Item:
    return Item(
        id=row["id"],
        conversation_id=row["conversation_id"],
        source=row["source"],
        external_id=row["external_id"],
        author=Author(
            external_id=row["author_external_id"],
            name=row["author_name"],
            handle=row["author_handle"],
            followers=row["author_followers"],
        ),
        text=row["text"],
        created_at=row["created_at"],
        received_at=row["received_at"],
        addressing=Addressing(row["addressing"]),
        account=row["account"],
        parent_external_id=row["parent_external_id"],
        url=row["url"],
        language=row["language"],
        raw=row["raw"],
    )


class ItemRepository(_Repository):
    """Items are inserted and read; there is deliberately no update or delete."""

    def find(self, source: str, external_id: str) -> Item | None:
        """The stored item with this platform id, if any."""
        row = (
            self.connection.execute(select(t.items).where(t.items.c.source == source, t.items.c.external_id == external_id))
            .mappings()
            .first()
        )
        return _item(row) if row else None

    def find_ids(self, source: str, external_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Map the given external ids already stored to ``(item id, conversation id)``."""
        found: dict[str, tuple[int, int]] = {}
        ids = list(external_ids)
        for start in range(0, len(ids), IN_LIST_MAX):
            chunk = ids[start : start + IN_LIST_MAX]
            if self.connection.dialect.name == "sqlite":
                # Raw SQL: SQLAlchemy renders every value of a long IN list on each call, which
                # costs more than the look-up itself for a batch of thousands.
                placeholders = ", ".join("?" * len(chunk))
                rows: Iterable[Any] = sqlite_run(
                    self.connection,
                    f"SELECT external_id, id, conversation_id FROM items WHERE source = ? AND external_id IN ({placeholders})",  # noqa: S608
                    (source, *chunk),
                )
            else:
                rows = self.connection.execute(
                    select(t.items.c.external_id, t.items.c.id, t.items.c.conversation_id).where(
                        t.items.c.source == source, t.items.c.external_id.in_(chunk)
                    )
                )
            for external_id, item_id, conversation_id in rows:
                found[external_id] = (item_id, conversation_id)
        return found

    def add(self, draft: ItemDraft, *, conversation_id: int, received_at: datetime) -> int:
        """Store a new item and return its id."""
        result = self.connection.execute(
            insert(t.items).values(
                conversation_id=conversation_id,
                source=draft.source,
                external_id=draft.external_id,
                author_external_id=draft.author.external_id,
                author_name=draft.author.name,
                author_handle=draft.author.handle,
                author_followers=draft.author.followers,
                text=draft.text,
                created_at=draft.created_at,
                received_at=received_at,
                addressing=draft.addressing.value,
                account=draft.account,
                parent_external_id=draft.parent_external_id,
                url=draft.url,
                language=draft.language,
                raw=draft.raw,
            )
        )
        return _new_id(result)

    def get(self, item_id: int) -> Item | None:
        """An item by id."""
        row = self.connection.execute(select(t.items).where(t.items.c.id == item_id)).mappings().first()
        return _item(row) if row else None

    def for_conversation(self, conversation_id: int) -> list[Item]:
        """A conversation's items, oldest first."""
        rows = self.connection.execute(
            select(t.items).where(t.items.c.conversation_id == conversation_id).order_by(t.items.c.created_at, t.items.c.id)
        ).mappings()
        return [_item(r) for r in rows]

    def latest_in(self, conversation_id: int) -> Item | None:
        """The newest item of a conversation."""
        row = (
            self.connection.execute(
                select(t.items)
                .where(t.items.c.conversation_id == conversation_id)
                .order_by(t.items.c.created_at.desc(), t.items.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return _item(row) if row else None

    def count(self) -> int:
        """How many items are stored."""
        return int(self.connection.execute(select(func.count()).select_from(t.items)).scalar_one())


def conversation_from_row(row: Mapping[Any, Any]) -> Conversation:
    """A conversation from its row."""
    return Conversation(
        id=row["id"],
        source=row["source"],
        account=row["account"],
        author_external_id=row["author_external_id"],
        author_name=row["author_name"],
        author_handle=row["author_handle"],
        thread_key=row["thread_key"],
        status=Status(row["status"]),
        priority=Priority(row["priority"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        waiting_since=row["waiting_since"],
        last_inbound_at=row["last_inbound_at"],
        assignee_id=row["assignee_id"],
        team_id=row["team_id"],
        language=row["language"],
        ignore_reason=row["ignore_reason"],
        kind=row["kind"],
        sentiment=row["sentiment"],
        decision=row["decision"],
        signals=tuple(s for s in (row["signals"] or "").split(",") if s),
        sla_class=row["sla_class"],
    )


def conversation_values(c: Conversation) -> dict[str, Any]:
    """A conversation's column values (without the id)."""
    return {
        "source": c.source,
        "account": c.account,
        "author_external_id": c.author_external_id,
        "author_name": c.author_name,
        "author_handle": c.author_handle,
        "thread_key": c.thread_key,
        "status": c.status.value,
        "active": 1 if c.is_active else 0,
        "priority": c.priority.value,
        "priority_rank": c.priority.rank,
        "due_at": c.due_at,
        "waiting_since": c.waiting_since,
        "last_inbound_at": c.last_inbound_at,
        "assignee_id": c.assignee_id,
        "team_id": c.team_id,
        "language": c.language,
        "ignore_reason": c.ignore_reason,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "kind": c.kind,
        "sentiment": c.sentiment,
        "decision": c.decision,
        "signals": ",".join(c.signals),
        "sla_class": c.sla_class,
    }


def clock_values(clock: SlaClock | None, fallback_due: datetime) -> dict[str, Any]:
    """The SLA clock columns of a conversation (``fallback_due`` orders it when no clock runs)."""
    if clock is None:
        return {
            "clock_rank": 1,
            "due_at": fallback_due,
            "clock_kind": None,
            "clock_started_at": None,
            "at_risk_50_at": None,
            "at_risk_80_at": None,
            "acceptable_until": None,
            "warn_at": None,
        }
    return {
        "clock_rank": 0,
        "due_at": clock.due_at,
        "clock_kind": clock.kind.value,
        "clock_started_at": clock.started_at,
        "at_risk_50_at": clock.at_risk_50_at,
        "at_risk_80_at": clock.at_risk_80_at,
        "acceptable_until": clock.acceptable_until,
        # The scan warns from the first threshold on; it moves this on as each one fires.
        "warn_at": clock.at_risk_50_at,
    }


class StoredClock(NamedTuple):
    """A conversation's SLA clock columns as stored: what a save keeps its warning position by."""

    due_at: datetime | None
    clock_kind: str | None
    warn_at: datetime | None

    @classmethod
    def of(cls, row: Mapping[Any, Any]) -> StoredClock:
        """The clock columns of a whole conversations row."""
        return cls(row["due_at"], row["clock_kind"], row["warn_at"])


class ConversationRepository(_Repository):
    """Conversations; saved whole after a domain method changed them.

    Saving also sets the conversation's SLA clock by the rules of ``sla`` (see
    :func:`otklik.domain.sla.conversation_clock`), so every change of status, priority or
    team moves the clock with it.
    """

    def __init__(self, connection: Connection, sla: SlaConfig | None = None):
        super().__init__(connection)
        self.sla = sla or SlaConfig()

    def clock_columns(self, c: Conversation) -> dict[str, Any]:
        """The SLA clock columns ``c`` gets when saved (a running clock only while it is open and waiting)."""
        return self.clock_columns_many([c])[0]

    def clock_columns_many(self, conversations: Sequence[Conversation]) -> list[dict[str, Any]]:
        """The SLA clock columns of each of ``conversations``, in order, with a few look-ups for all."""
        # What the clocks depend on (team names, whether we answered before) is read for all
        # of them at once: a triage pass saves hundreds of conversations in one transaction.
        running = [c for c in conversations if c.is_active and c.waiting_since is not None]
        team_ids = sorted({c.team_id for c in running if c.team_id is not None})
        ids = sorted({c.id for c in running if c.id > 0})
        teams: dict[int, str] = {}
        answered: set[int] = set()
        for start in range(0, len(team_ids), IN_LIST_MAX):
            chunk = team_ids[start : start + IN_LIST_MAX]
            teams.update(
                (int(r.id), r.name) for r in self.connection.execute(select(t.teams.c.id, t.teams.c.name).where(t.teams.c.id.in_(chunk)))
            )
        for start in range(0, len(ids), IN_LIST_MAX):
            chunk = ids[start : start + IN_LIST_MAX]
            query = select(t.replies.c.conversation_id).where(t.replies.c.conversation_id.in_(chunk)).distinct()
            answered.update(int(r) for r in self.connection.execute(query).scalars())
        columns = []
        for c in conversations:
            clock = None
            if c.is_active and c.waiting_since is not None:
                team = teams.get(c.team_id) if c.team_id is not None else None
                clock = conversation_clock(
                    self.sla,
                    active=True,
                    waiting_since=c.waiting_since,
                    answered_before=c.id in answered,
                    priority=c.priority,
                    team=team,
                    sla_class=c.sla_class,
                )
            columns.append(clock_values(clock, c.due_at))
        return columns

    def _keep_warnings(
        self, conversations: Sequence[Conversation], values: Sequence[dict[str, Any]], stored: Mapping[int, StoredClock] | None
    ) -> None:
        # Saving again with the same clock (an assignment, a triage that changed nothing)
        # must not warn twice: keep the scan's position on the clock that is running.
        ids = sorted(c.id for c, v in zip(conversations, values, strict=True) if v["clock_kind"] is not None)
        given = stored or {}
        current: dict[int, StoredClock] = {cid: given[cid] for cid in ids if cid in given}
        # What the caller did not hand over is read.
        missing = [cid for cid in ids if cid not in current]
        c_ = t.conversations.c
        for start in range(0, len(missing), IN_LIST_MAX):
            chunk = missing[start : start + IN_LIST_MAX]
            query = select(c_.id, c_.due_at, c_.clock_kind, c_.warn_at).where(c_.id.in_(chunk))
            current.update((int(r.id), StoredClock(r.due_at, r.clock_kind, r.warn_at)) for r in self.connection.execute(query))
        for c, v in zip(conversations, values, strict=True):
            clock = current.get(c.id)
            if clock is not None and clock.clock_kind == v["clock_kind"] and clock.due_at == v["due_at"]:
                v["warn_at"] = clock.warn_at

    def get(self, conversation_id: int, *, for_update: bool = False) -> Conversation | None:
        """A conversation by id; ``for_update`` locks its row on PostgreSQL."""
        query = select(t.conversations).where(t.conversations.c.id == conversation_id)
        if for_update:
            query = query.with_for_update()
        row = self.connection.execute(query).mappings().first()
        return conversation_from_row(row) if row else None

    def find_by_identity(self, source: str, account: str, author_external_id: str, thread_key: str) -> Conversation | None:
        """The conversation with one person on one account and thread."""
        c = t.conversations.c
        row = (
            self.connection.execute(
                select(t.conversations).where(
                    c.source == source,
                    c.account == account,
                    c.author_external_id == author_external_id,
                    c.thread_key == thread_key,
                )
            )
            .mappings()
            .first()
        )
        return conversation_from_row(row) if row else None

    def add(self, conversation: Conversation) -> int:
        """Store a new conversation and return its id."""
        values = conversation_values(conversation) | self.clock_columns(conversation)
        result = self.connection.execute(insert(t.conversations).values(**values))
        return _new_id(result)

    def save(self, conversation: Conversation) -> None:
        """Write a changed conversation back, with its SLA clock."""
        self.save_many([conversation])

    def save_many(self, conversations: Sequence[Conversation], *, stored: Mapping[int, StoredClock] | None = None) -> None:
        """Write changed conversations back, with their SLA clocks: a few queries, not a few each.

        ``stored`` holds conversations' clocks as the caller read them in this transaction
        (:meth:`StoredClock.of`); the clocks it lacks are read again.
        """
        if not conversations:
            return
        clocks = self.clock_columns_many(conversations)
        self._keep_warnings(conversations, clocks, stored)
        rows = [conversation_values(c) | clock | {"id": c.id} for c, clock in zip(conversations, clocks, strict=True)]
        update_rows(self.connection, t.conversations, "id", rows)


def _reply(row: RowMapping) -> Reply:
    return Reply(
        id=row["id"],
        conversation_id=row["conversation_id"],
        agent_id=row["agent_id"],
        text=row["text"],
        created_at=row["created_at"],
        delivery_state=DeliveryState(row["delivery_state"]),
        idempotency_key=row["idempotency_key"],
        in_reply_to_item_id=row["in_reply_to_item_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        delivered_at=row["delivered_at"],
        external_id=row["external_id"],
        late=bool(row["late"]),
        compensation=row["compensation"],
        compensation_note=row["compensation_note"],
    )


class ReplyRepository(_Repository):
    """Replies agents wrote, with their delivery state."""

    def add(
        self,
        *,
        conversation_id: int,
        agent_id: int | None,
        text: str,
        created_at: datetime,
        delivery_state: DeliveryState,
        idempotency_key: str,
        in_reply_to_item_id: int | None,
        late: bool = False,
        compensation: str | None = None,
        compensation_note: str | None = None,
        answering: Conversation | None = None,
    ) -> int:
        """Store a new reply and return its id; ``late`` and the gesture offered with it (P4, P19).

        ``answering`` is the conversation as it stands when answered: its priority, team and SLA
        class are kept with the reply for the SLA report.
        """
        result = self.connection.execute(
            insert(t.replies).values(
                conversation_id=conversation_id,
                agent_id=agent_id,
                text=text,
                created_at=created_at,
                delivery_state=delivery_state.value,
                idempotency_key=idempotency_key,
                in_reply_to_item_id=in_reply_to_item_id,
                attempts=0,
                late=late,
                compensation=compensation,
                compensation_note=compensation_note,
                answered_priority=answering.priority.value if answering else None,
                answered_team_id=answering.team_id if answering else None,
                answered_sla_class=answering.sla_class if answering else None,
            )
        )
        return _new_id(result)

    def get(self, reply_id: int) -> Reply | None:
        """A reply by id."""
        row = self.connection.execute(select(t.replies).where(t.replies.c.id == reply_id)).mappings().first()
        return _reply(row) if row else None

    def save(self, reply: Reply) -> None:
        """Write a reply's delivery state back."""
        self.connection.execute(
            update(t.replies)
            .where(t.replies.c.id == reply.id)
            .values(
                delivery_state=reply.delivery_state.value,
                attempts=reply.attempts,
                last_error=reply.last_error,
                delivered_at=reply.delivered_at,
                external_id=reply.external_id,
            )
        )

    def for_conversation(self, conversation_id: int) -> list[Reply]:
        """A conversation's replies, oldest first."""
        rows = self.connection.execute(
            select(t.replies).where(t.replies.c.conversation_id == conversation_id).order_by(t.replies.c.created_at, t.replies.c.id)
        ).mappings()
        return [_reply(r) for r in rows]


class ReplyCheckRepository(_Repository):
    """The guards' verdict on each sent reply, with its findings and acknowledgement."""

    def add(self, check: ReplyCheck) -> None:
        """Store the check of a reply just sent, and a row per rule it tripped."""
        self.connection.execute(
            insert(t.reply_checks).values(
                reply_id=check.reply_id,
                verdict=check.verdict,
                near_duplicate=check.near_duplicate,
                similarity=check.similarity,
                team_id=check.team_id,
                gesture=check.gesture,
                report=check.report,
                acknowledged_by=check.acknowledged_by,
                acknowledged_at=check.acknowledged_at,
            )
        )
        if check.findings:
            self.connection.execute(
                insert(t.reply_findings),
                [
                    {"reply_id": check.reply_id, "code": code, "severity": severity, "acknowledged": code in check.acknowledged}
                    for code, severity in sorted(check.findings.items())
                ],
            )

    def for_replies(self, reply_ids: Sequence[int]) -> dict[int, ReplyCheck]:
        """The checks of these replies, by reply id (replies sent before the guards have none)."""
        if not reply_ids:
            return {}
        ids = list(reply_ids)
        findings: dict[int, list[RowMapping]] = {}
        for row in self.connection.execute(
            select(t.reply_findings).where(t.reply_findings.c.reply_id.in_(ids)).order_by(t.reply_findings.c.code)
        ).mappings():
            findings.setdefault(row["reply_id"], []).append(row)
        rows = self.connection.execute(select(t.reply_checks).where(t.reply_checks.c.reply_id.in_(ids))).mappings()
        return {
            r["reply_id"]: ReplyCheck(
                reply_id=r["reply_id"],
                verdict=r["verdict"],
                near_duplicate=r["near_duplicate"],
                similarity=r["similarity"],
                findings={f["code"]: f["severity"] for f in findings.get(r["reply_id"], [])},
                report=r["report"],
                team_id=r["team_id"],
                gesture=r["gesture"],
                acknowledged=tuple(f["code"] for f in findings.get(r["reply_id"], []) if f["acknowledged"]),
                acknowledged_by=r["acknowledged_by"],
                acknowledged_at=r["acknowledged_at"],
            )
            for r in rows
        }


class ClaimedJob(NamedTuple):
    """A delivery job the caller now holds the lease of."""

    id: int
    reply_id: int
    attempts: int
    #: An earlier claim's lease ran out without an outcome (its process died mid-send).
    interrupted: bool


class OutboxRepository(_Repository):
    """Delivery jobs for the worker."""

    def enqueue(self, reply_id: int, *, at: datetime) -> int:
        """Queue a reply for delivery now."""
        result = self.connection.execute(
            insert(t.outbox).values(
                reply_id=reply_id,
                state="pending",
                attempts=0,
                next_attempt_at=at,
                created_at=at,
            )
        )
        return _new_id(result)

    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int, skip_locked: bool) -> list[tuple[int, int, int]]:
        """Claim due jobs: mark them leased and return ``(job id, reply id, attempts)``."""
        return [(j.id, j.reply_id, j.attempts) for j in self.claim(now=now, lease_until=lease_until, limit=limit, skip_locked=skip_locked)]

    def claim(self, *, now: datetime, lease_until: datetime, limit: int, skip_locked: bool) -> list[ClaimedJob]:
        """Claim due jobs: mark them leased and return them.

        On PostgreSQL rows are locked with ``SKIP LOCKED`` so many workers share the queue;
        on SQLite the caller's ``BEGIN IMMEDIATE`` already makes this the only writer. A job
        whose earlier lease ran out without an outcome is ``interrupted``: its last attempt
        may or may not have reached the platform.
        """
        o = t.outbox.c
        query = (
            select(o.id, o.reply_id, o.attempts, o.claimed_until)
            .where(o.state == "pending", o.next_attempt_at <= now)
            .where((o.claimed_until.is_(None)) | (o.claimed_until < now))
            .order_by(o.next_attempt_at, o.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        rows = list(self.connection.execute(query))
        if rows:
            self.connection.execute(update(t.outbox).where(o.id.in_([r.id for r in rows])).values(claimed_until=lease_until))
        return [ClaimedJob(r.id, r.reply_id, r.attempts, r.claimed_until is not None) for r in rows]

    def finish(self, job_id: int, *, state: str, attempts: int, error: str | None) -> None:
        """Close a job as ``done`` or ``dead``."""
        self.connection.execute(
            update(t.outbox).where(t.outbox.c.id == job_id).values(state=state, attempts=attempts, last_error=error, claimed_until=None)
        )

    def retry_later(self, job_id: int, *, at: datetime, attempts: int, error: str) -> None:
        """Put a job back for another attempt at ``at``."""
        self.connection.execute(
            update(t.outbox)
            .where(t.outbox.c.id == job_id)
            .values(
                next_attempt_at=at,
                attempts=attempts,
                last_error=error,
                claimed_until=None,
            )
        )

    def pending_count(self) -> int:
        """Jobs still to deliver."""
        return int(self.connection.execute(select(func.count()).select_from(t.outbox).where(t.outbox.c.state == "pending")).scalar_one())


class EventRepository(_Repository):
    """The audit trail: append and read, nothing else."""

    def append(self, event: Event) -> None:
        """Record one change."""
        self.append_many([event])

    def append_many(self, events: Sequence[Event]) -> None:
        """Record changes in one statement."""
        if not events:
            return
        rows = [{"conversation_id": e.conversation_id, "kind": e.kind.value, "actor": e.actor, "at": e.at, "data": e.data} for e in events]
        insert_rows(self.connection, t.events, rows)

    def latest_desk_event(self, kind: EventKind) -> Event | None:
        """The newest event of ``kind`` that belongs to no conversation (a desk-wide change).

        Reads through the conversation index's ``NULL`` part, so it never scans the events
        of conversations.
        """
        e = t.events.c
        row = (
            self.connection.execute(
                select(t.events).where(e.conversation_id.is_(None), e.kind == kind.value).order_by(e.id.desc()).limit(1)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Event(id=row["id"], kind=EventKind(row["kind"]), actor=row["actor"], at=row["at"], conversation_id=None, data=row["data"])

    def for_conversation(self, conversation_id: int) -> list[Event]:
        """A conversation's events, oldest first."""
        rows = self.connection.execute(
            select(t.events).where(t.events.c.conversation_id == conversation_id).order_by(t.events.c.id)
        ).mappings()
        return [
            Event(
                id=r["id"],
                kind=EventKind(r["kind"]),
                actor=r["actor"],
                at=r["at"],
                conversation_id=r["conversation_id"],
                data=r["data"],
            )
            for r in rows
        ]


def _agent(row: RowMapping) -> Agent:
    return Agent(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        team_id=row["team_id"],
        active=row["active"],
    )


class AgentRepository(_Repository):
    """Agents and their password hashes."""

    def add(
        self,
        *,
        email: str,
        name: str,
        password_hash: str,
        role: Role,
        team_id: int | None,
        at: datetime,
    ) -> int:
        """Store a new agent and return its id."""
        result = self.connection.execute(
            insert(t.agents).values(
                email=email,
                name=name,
                password_hash=password_hash,
                role=role.value,
                team_id=team_id,
                active=True,
                created_at=at,
            )
        )
        return _new_id(result)

    def get(self, agent_id: int) -> Agent | None:
        """An agent by id."""
        row = self.connection.execute(select(t.agents).where(t.agents.c.id == agent_id)).mappings().first()
        return _agent(row) if row else None

    def by_email(self, email: str) -> tuple[Agent, str] | None:
        """An agent and its password hash, by e-mail (case-insensitive)."""
        row = self.connection.execute(select(t.agents).where(t.agents.c.email == email.strip().lower())).mappings().first()
        return (_agent(row), row["password_hash"]) if row else None

    def set_password_hash(self, agent_id: int, password_hash: str) -> None:
        """Replace an agent's password hash (e.g. after re-hashing with new parameters)."""
        self.connection.execute(update(t.agents).where(t.agents.c.id == agent_id).values(password_hash=password_hash))

    def all(self) -> list[Agent]:
        """Every agent, by name."""
        return [_agent(r) for r in self.connection.execute(select(t.agents).order_by(t.agents.c.name)).mappings()]


class TeamRepository(_Repository):
    """Teams."""

    def ensure(self, name: str) -> int:
        """The id of the team with this name, creating it when needed."""
        found = self.connection.execute(select(t.teams.c.id).where(t.teams.c.name == name)).scalar()
        if found is not None:
            return int(found)
        return _new_id(self.connection.execute(insert(t.teams).values(name=name)))

    def get(self, team_id: int) -> Team | None:
        """A team by id."""
        row = self.connection.execute(select(t.teams).where(t.teams.c.id == team_id)).first()
        return Team(id=row.id, name=row.name) if row else None

    def all(self) -> list[Team]:
        """Every team, by name."""
        return [Team(id=r.id, name=r.name) for r in self.connection.execute(select(t.teams).order_by(t.teams.c.name))]


class TokenRepository(_Repository):
    """API tokens; only their SHA-256 hashes are stored."""

    def add(self, *, agent_id: int, name: str, token_hash: str, at: datetime) -> int:
        """Store a token hash and return the token's id."""
        result = self.connection.execute(insert(t.api_tokens).values(agent_id=agent_id, name=name, token_hash=token_hash, created_at=at))
        return _new_id(result)

    def agent_for(self, token_hash: str) -> tuple[int, int] | None:
        """``(token id, agent id)`` of a live token with this hash."""
        row = self.connection.execute(
            select(t.api_tokens.c.id, t.api_tokens.c.agent_id).where(
                t.api_tokens.c.token_hash == token_hash,
                t.api_tokens.c.revoked_at.is_(None),
            )
        ).first()
        return (row.id, row.agent_id) if row else None

    def revoke(self, token_id: int, *, at: datetime) -> None:
        """Stop a token from working."""
        self.connection.execute(update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(revoked_at=at))


class SourceRepository(_Repository):
    """Configured sources (generic senders and platform channels): secrets, callback URLs, settings."""

    def get(self, name: str, *, for_update: bool = False) -> RowMapping | None:
        """A source's row by name; ``for_update`` locks it (PostgreSQL) for a read-modify-write of its config."""
        query = select(t.sources).where(t.sources.c.name == name)
        if for_update and self.connection.dialect.name != "sqlite":
            query = query.with_for_update()
        return self.connection.execute(query).mappings().first()

    def add(
        self,
        *,
        name: str,
        kind: str,
        secret: str,
        callback_url: str | None,
        at: datetime,
        config: dict[str, Any] | None = None,
    ) -> int:
        """Store a new source."""
        result = self.connection.execute(
            insert(t.sources).values(
                name=name,
                kind=kind,
                secret=secret,
                callback_url=callback_url,
                created_at=at,
                config=config or {},
            )
        )
        return _new_id(result)

    def update(
        self, name: str, *, secret: str | None = None, callback_url: str | None = None, config: dict[str, Any] | None = None
    ) -> None:
        """Change a source's secret, callback URL or channel settings."""
        values: dict[str, Any] = {}
        if secret is not None:
            values["secret"] = secret
        if callback_url is not None:
            values["callback_url"] = callback_url or None
        if config is not None:
            values["config"] = config
        if values:
            self.connection.execute(update(t.sources).where(t.sources.c.name == name).values(**values))

    def all(self) -> list[RowMapping]:
        """Every source, by name."""
        return list(self.connection.execute(select(t.sources).order_by(t.sources.c.name)).mappings())
