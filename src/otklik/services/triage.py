"""Triage in the desk: read each new item, decide by the response schema, update its conversation.

Ingest queues every new item in the transaction that stores it; :func:`triage_pending` (run
by the worker right after) takes a batch from the queue, triages it, records each decision
with the schema version and rule that made it, and sets the conversations' priority, kind,
decision and team. Keeping triage off the request path keeps webhooks fast; a queue row
commits with its item, so no item is ever left untriaged by a crash.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from otklik.clock import Clock
from otklik.domain.conversations import Conversation, Priority, Status
from otklik.domain.events import Event, EventKind
from otklik.errors import InvalidPayload, NotFound
from otklik.services.access import Actor, access_conversation
from otklik.services.ports import UowFactory
from otklik.store import tables as t
from otklik.store.bulk import insert_rows
from otklik.store.repositories import StoredClock, conversation_from_row
from otklik.store.uow import SqlUnitOfWork
from otklik.triage import LANGUAGES, Kind, Sentiment, Triage, analyse
from otklik.triage.schema import Decision, Schema, Verdict

log = logging.getLogger(__name__)

SYSTEM = "system:triage"
_DECISION_RANK = {Decision.ESCALATE.value: 0, Decision.RESPOND.value: 1, Decision.THANK.value: 2, Decision.IGNORE.value: 3}


@dataclass(frozen=True, slots=True)
class ActiveSchema:
    """The schema in force and its version number in the database."""

    schema: Schema
    version: int


def activate_schema(schema: Schema, *, uow_factory: UowFactory, clock: Clock, by: str = "system") -> ActiveSchema:
    """Record ``schema`` as the newest version unless it already is; returns it with its number."""
    with uow_factory() as uow:
        latest = uow.connection.execute(
            select(t.schema_versions.c.version, t.schema_versions.c.digest).order_by(t.schema_versions.c.version.desc()).limit(1)
        ).first()
        if latest is not None and latest.digest == schema.digest:
            return ActiveSchema(schema, int(latest.version))
        version = 1 if latest is None else int(latest.version) + 1
        uow.connection.execute(
            insert(t.schema_versions).values(
                version=version, name=schema.name, digest=schema.digest, text=schema.text, loaded_at=clock.now(), loaded_by=by
            )
        )
        uow.commit()
    log.info("response schema %r is version %d", schema.name, version)
    return ActiveSchema(schema, version)


def schema_versions(*, uow_factory: UowFactory) -> list[dict[str, Any]]:
    """Every schema version, newest first."""
    v = t.schema_versions.c
    with uow_factory(write=False) as uow:
        rows = uow.connection.execute(select(v.version, v.name, v.digest, v.loaded_at, v.loaded_by).order_by(v.version.desc()))
        return [dict(r._mapping) for r in rows]


def _workload_high(connection: Connection, schema: Schema) -> bool:
    if schema.workload_capacity is None:
        return False
    c = t.conversations.c
    waiting = connection.execute(
        select(func.count()).select_from(t.conversations).where(c.active == 1, c.kind.in_([Kind.QUESTION.value, Kind.COMPLAINT.value]))
    ).scalar_one()
    return int(waiting) > schema.workload_capacity


def _claim(connection: Connection, limit: int) -> list[int]:
    query = select(t.triage_queue.c.item_id).order_by(t.triage_queue.c.item_id).limit(limit)
    if connection.dialect.name != "sqlite":
        # Several workers share the queue: each takes rows the others have not locked.
        query = query.with_for_update(skip_locked=True)
    return [int(r) for r in connection.execute(query).scalars()]


def triage_pending(*, uow_factory: UowFactory, clock: Clock, active: ActiveSchema, limit: int = 500) -> int:
    """Triage up to ``limit`` queued items in one transaction; returns how many were done."""
    with uow_factory() as uow:
        connection = uow.connection
        ids = _claim(connection, limit)
        if not ids:
            return 0
        i = t.items.c
        rows = list(
            connection.execute(
                select(
                    i.id,
                    i.conversation_id,
                    i.text,
                    i.addressing,
                    i.source,
                    i.author_followers,
                    i.language,
                    t.conversations.c.language.label("hint"),
                )
                .join(t.conversations, t.conversations.c.id == i.conversation_id)
                .where(i.id.in_(ids))
                .order_by(i.id)
            ).mappings()
        )
        now = clock.now()
        workload_high = _workload_high(connection, active.schema)
        records = []
        for row in rows:
            given = row["language"] if row["language"] in LANGUAGES else None
            result = analyse(row["text"], language=given, addressing=row["addressing"], followers=row["author_followers"], hint=row["hint"])
            facts = active.schema.facts(result, addressing=row["addressing"], channel=row["source"], text=row["text"])
            verdict = active.schema.decide(facts, workload_high=workload_high)
            records.append(_record(row["id"], row["conversation_id"], result, verdict, active.version, now))
        insert_rows(connection, t.triage, records)
        connection.execute(delete(t.triage_queue).where(t.triage_queue.c.item_id.in_(ids)))
        _refresh(uow, sorted({r["conversation_id"] for r in rows}), now=now, version=active.version)
        uow.commit()
    return len(ids)


def _record(item_id: int, conversation_id: int, result: Triage, verdict: Verdict, version: int, now: datetime) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "conversation_id": conversation_id,
        "language": result.language,
        "kind": result.kind.value,
        "sentiment": result.sentiment.value,
        "machine_kind": result.kind.value,
        "machine_sentiment": result.sentiment.value,
        "kind_confidence": round(result.kind_confidence, 4),
        "sentiment_score": round(result.sentiment_score, 4),
        "urgent": result.urgent,
        "outage": result.outage,
        "abusive": result.abusive,
        "decision": verdict.decision.value,
        "priority": verdict.priority,
        "team": verdict.team,
        "sla": verdict.sla,
        "rule": verdict.rule,
        "reason": verdict.reason,
        "reasons": list(verdict.reasons),
        "schema_version": version,
        "evidence": [e.as_dict() for e in result.evidence],
        "triaged_at": now,
        "corrected_at": None,
    }


def _signals(row: Any) -> set[str]:
    return {name for name in ("urgent", "outage", "abusive") if row[name]}


def _refresh(uow: SqlUnitOfWork, conversation_ids: Sequence[int], *, now: datetime, version: int, by: str = SYSTEM) -> None:
    """Set each conversation's triage state from its unanswered items' decisions."""
    if not conversation_ids:
        return
    connection = uow.connection
    tr, i = t.triage.c, t.items.c
    rows = connection.execute(
        select(
            tr.item_id,
            tr.conversation_id,
            tr.kind,
            tr.sentiment,
            tr.decision,
            tr.priority,
            tr.team,
            tr.rule,
            tr.sla,
            tr.reason,
            tr.urgent,
            tr.outage,
            tr.abusive,
        )
        .add_columns(t.triage.c.reasons, i.created_at)
        .join(t.items, i.id == tr.item_id)
        .where(tr.conversation_id.in_(conversation_ids))
        .order_by(tr.item_id)
    ).mappings()
    by_conversation: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_conversation[int(row["conversation_id"])].append(row)
    events: list[Event] = []
    query = select(t.conversations).where(t.conversations.c.id.in_(conversation_ids))
    if connection.dialect.name != "sqlite":
        query = query.with_for_update()
    loaded: dict[int, Conversation] = {}
    stored: dict[int, StoredClock] = {}  # the clocks as read: saving needs not read them again
    for r in connection.execute(query).mappings():
        loaded[int(r["id"])] = conversation_from_row(r)
        stored[int(r["id"])] = StoredClock.of(r)
    team_ids: dict[str, int] = {}
    saved: list[Conversation] = []
    for conversation_id in conversation_ids:
        conversation = loaded.get(conversation_id)
        triaged = by_conversation.get(conversation_id)
        if conversation is None or not triaged:
            continue
        since = conversation.waiting_since
        open_rows = [r for r in triaged if since is not None and r["created_at"] >= since] or triaged[-1:]
        top = min(open_rows, key=lambda r: (Priority(r["priority"]).rank, _DECISION_RANK[r["decision"]], -r["item_id"]))
        signals: set[str] = set()
        for r in open_rows:
            signals |= _signals(r)
        updated, event = conversation.apply_triage(
            kind=top["kind"],
            sentiment=top["sentiment"],
            decision=top["decision"],
            signals=tuple(signals),
            priority=Priority(top["priority"]),
            by=by,
            at=now,
            rule=top["rule"],
            sla_class=top["sla"],
            item_id=int(top["item_id"]),
            schema_version=version,
        )
        if event is not None:
            events.append(event)
        if top["team"] and updated.team_id is None:
            if top["team"] not in team_ids:
                team_ids[top["team"]] = uow.teams.ensure(top["team"])
            updated, team_event = updated.move_to_team(team_ids[top["team"]], by=by, at=now)
            events.append(team_event)
        saved.append(_auto_status(updated, open_rows, top, by=by, at=now, events=events))
    uow.conversations.save_many(saved, stored=stored)
    uow.events.append_many(events)


def _auto_status(conversation: Conversation, open_rows: list[Any], top: Any, *, by: str, at: datetime, events: list[Event]) -> Conversation:
    """Set aside what the schema says needs no answer; bring back what it set aside wrongly.

    Only a conversation nobody has taken is set aside, and the reason names the rule, so an
    agent sees why it is under "ignored" (where it stays, with every item, for good).
    """
    if all(r["decision"] == Decision.IGNORE.value for r in open_rows):
        untouched = conversation.assignee_id is None and conversation.status in (Status.NEW, Status.OPEN)
        if untouched and conversation.waiting_since is not None:
            reason = f"{top['reason'] or 'no answer needed'} {_BY_SCHEMA}{top['rule']})"
            conversation, event = conversation.ignore(reason, by=by, at=at)
            events.append(event)
    elif conversation.status is Status.IGNORED and _BY_SCHEMA in (conversation.ignore_reason or ""):
        conversation, event = conversation.reopen(by=by, at=at)
        events.append(event)
    return conversation


_BY_SCHEMA = "(response schema, rule "


# --- corrections ----------------------------------------------------------------------------
def correct_triage(
    item_id: int,
    *,
    kind: str | None,
    sentiment: str | None,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
    active: ActiveSchema,
) -> dict[str, Any]:
    """An agent corrects an item's kind or sentiment: stored as a labelled example, decided again."""
    try:
        new_kind = Kind(kind) if kind else None
        new_sentiment = Sentiment(sentiment) if sentiment else None
    except ValueError as exc:
        raise InvalidPayload(f"unknown value: {exc}") from None
    if new_kind is None and new_sentiment is None:
        raise InvalidPayload("give a kind, a sentiment, or both")
    now = clock.now()
    with uow_factory() as uow:
        item = uow.items.get(item_id)
        if item is None:
            raise NotFound(f"no item {item_id}")
        access_conversation(actor, item.conversation_id, uow)
        row = uow.connection.execute(select(t.triage).where(t.triage.c.item_id == item_id)).mappings().first()
        if row is None:
            raise InvalidPayload("this item has not been triaged yet; try again in a moment", status_code=409)
        final_kind = new_kind or Kind(row["kind"])
        final_sentiment = new_sentiment or Sentiment(row["sentiment"])
        uow.connection.execute(
            insert(t.labels).values(
                item_id=item_id,
                agent_id=actor.agent.id,
                kind=final_kind.value,
                sentiment=final_sentiment.value,
                previous_kind=row["kind"],
                previous_sentiment=row["sentiment"],
                at=now,
            )
        )
        corrected = Triage(
            language=row["language"],
            kind=final_kind,
            kind_confidence=1.0,
            sentiment=final_sentiment,
            sentiment_score=row["sentiment_score"],
            urgent=row["urgent"],
            outage=row["outage"],
            abusive=row["abusive"],
            followers=item.author.followers,
        )
        facts = active.schema.facts(corrected, addressing=item.addressing.value, channel=item.source, text=item.text)
        verdict = active.schema.decide(facts, workload_high=_workload_high(uow.connection, active.schema))
        uow.connection.execute(
            update(t.triage)
            .where(t.triage.c.item_id == item_id)
            .values(
                kind=final_kind.value,
                sentiment=final_sentiment.value,
                decision=verdict.decision.value,
                priority=verdict.priority,
                team=verdict.team,
                sla=verdict.sla,
                rule=verdict.rule,
                reason=verdict.reason,
                reasons=list(verdict.reasons),
                schema_version=active.version,
                corrected_at=now,
            )
        )
        uow.events.append(
            Event(
                kind=EventKind.TRIAGE_CORRECTED,
                actor=actor.name,
                at=now,
                conversation_id=item.conversation_id,
                data={
                    "item_id": item_id,
                    "kind": final_kind.value,
                    "sentiment": final_sentiment.value,
                    "previous_kind": row["kind"],
                    "previous_sentiment": row["sentiment"],
                    "decision": verdict.decision.value,
                    "rule": verdict.rule,
                },
            )
        )
        _refresh(uow, [item.conversation_id], now=now, version=active.version, by=actor.name)
        uow.commit()
    return {"item_id": item_id, "kind": final_kind.value, "sentiment": final_sentiment.value, **verdict.as_dict()}


def export_labels(*, uow_factory: UowFactory) -> Iterator[dict[str, Any]]:
    """Every corrected item as a labelled example (the latest correction wins), oldest first."""
    lb, i, tr = t.labels.c, t.items.c, t.triage.c
    latest = select(func.max(lb.id)).group_by(lb.item_id)
    query = (
        select(
            lb.item_id,
            lb.kind,
            lb.sentiment,
            lb.at,
            t.agents.c.email,
            i.text,
            i.addressing,
            i.source,
            tr.language,
            tr.urgent,
            tr.outage,
            tr.machine_kind,
            tr.machine_sentiment,
        )
        .join(t.items, i.id == lb.item_id)
        .join(t.triage, tr.item_id == lb.item_id)
        .outerjoin(t.agents, t.agents.c.id == lb.agent_id)
        .where(lb.id.in_(latest))
        .order_by(lb.id)
    )
    with uow_factory(write=False) as uow:
        for r in uow.connection.execute(query).mappings():
            yield {
                "id": f"desk-{r['item_id']}",
                "lang": r["language"],
                "text": r["text"],
                "kind": r["kind"],
                "sentiment": r["sentiment"],
                "urgent": bool(r["urgent"]),
                "outage": bool(r["outage"]),
                "addressing": r["addressing"],
                "channel": r["source"],
                "machine_kind": r["machine_kind"],
                "machine_sentiment": r["machine_sentiment"],
                "labelled_by": r["email"],
                "labelled_at": r["at"].isoformat(),
            }


def item_triage(conversation_id: int, *, connection: Connection) -> dict[int, dict[str, Any]]:
    """Each item's triage in a conversation, by item id (for the conversation view)."""
    rows = connection.execute(select(t.triage).where(t.triage.c.conversation_id == conversation_id)).mappings()
    return {int(r["item_id"]): dict(r) for r in rows}


def pending_count(*, uow_factory: UowFactory) -> int:
    """How many items wait for triage."""
    with uow_factory(write=False) as uow:
        return int(uow.connection.execute(select(func.count()).select_from(t.triage_queue)).scalar_one())
