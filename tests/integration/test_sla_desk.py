"""The SLA clock in the desk: set by triage, stopped by a reply, warned about once, delivered by each route."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select, update

from otklik.bootstrap import Services, build_services
from otklik.channels.generic import sign
from otklik.clock import FixedClock
from otklik.config import Settings
from otklik.domain.agents import Role
from otklik.domain.conversations import Priority
from otklik.domain.items import Addressing
from otklik.domain.replies import DeliveryState
from otklik.domain.sla import BusinessCalendar, OpenRange, SlaConfig, TeamHours
from otklik.services.actions import route_to_team
from otklik.services.inbox import InboxFilters, list_inbox
from otklik.services.ingest import ingest_items
from otklik.services.replies import send_reply
from otklik.services.sla_warnings import (
    Mailer,
    WarningHook,
    deliver_sla_warnings,
    open_warnings,
    scan_sla_clocks,
    start_missing_clocks,
)
from otklik.services.triage import triage_pending
from otklik.store import tables as t
from otklik.store.repositories import StoredClock
from tests.builders import T0, make_actor, make_draft
from tests.conftest import free_port, make_settings
from tests.support.callback import Callback

COMPLAINT = "@volna_shop my headphones arrived broken 😤 order 5521"  # high priority by the default schema
QUESTION = "czy mogę zmienić adres dostawy zamówienia 55123?"  # normal


def _triage(services: Services) -> None:
    while triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema):
        pass


def _clock_row(services: Services, conversation_id: int) -> Any:
    c = t.conversations.c
    with services.uow(write=False) as uow:
        return uow.connection.execute(select(t.conversations).where(c.id == conversation_id)).one()


def _ingest(services: Services, text: str, *, author: str, lang: str, minutes: int = 0) -> int:
    draft = make_draft(text=text, author_id=author, lang=lang, minutes=minutes)
    return ingest_items([draft], uow=services.uow(), clock=services.clock)[0].conversation_id


def test_clock_starts_on_triage_stops_on_reply_and_restarts_as_next_response(services: Services) -> None:
    conv = _ingest(services, COMPLAINT, author="a", lang="en")
    row = _clock_row(services, conv)  # before triage: a provisional clock at normal priority
    assert (row.clock_kind, row.priority, row.due_at) == ("first_response", "normal", T0 + timedelta(hours=2))
    _triage(services)
    row = _clock_row(services, conv)
    assert (row.priority, row.clock_kind, row.clock_rank) == ("high", "first_response", 0)
    assert row.clock_started_at == T0
    # The default file: team "care", 24/7, high priority answered within 30 minutes.
    assert (row.at_risk_50_at, row.at_risk_80_at, row.due_at) == (
        T0 + timedelta(minutes=15),
        T0 + timedelta(minutes=24),
        T0 + timedelta(minutes=30),
    )
    assert row.acceptable_until == T0 + timedelta(hours=24)
    assert row.warn_at == row.at_risk_50_at

    actor = make_actor(services)
    send_reply(
        conv, "Anna, we are sorry about the headphones from order 5521; a courier picks them up tomorrow.",
        actor=actor, uow_factory=services.uow, clock=services.clock, guards=services.guards, acknowledge=True,
    )  # fmt: skip
    row = _clock_row(services, conv)
    assert (row.clock_kind, row.clock_rank, row.warn_at, row.acceptable_until) == (None, 1, None, None)

    services.clock.advance(hours=2)  # type: ignore[attr-defined]
    _ingest(services, "still waiting for the courier, order 5521", author="a", lang="en", minutes=150)
    row = _clock_row(services, conv)  # back in the inbox: the clock runs before triage gets to it
    assert (row.status, row.clock_kind, row.clock_rank) == ("open", "next_response", 0)
    assert row.clock_started_at == T0 + timedelta(minutes=150)
    _triage(services)
    row = _clock_row(services, conv)
    assert row.clock_kind == "next_response"
    assert row.clock_started_at == T0 + timedelta(minutes=150)


def test_inbox_is_ordered_by_time_left_and_clocks_follow_the_team_calendar(services: Services) -> None:
    office = BusinessCalendar("Europe/Warsaw", {d: (OpenRange(time(9), time(17)),) for d in range(5)})
    services.use_sla(SlaConfig(teams={"care": TeamHours(BusinessCalendar.round_the_clock()), "office": TeamHours(office)}))
    normal = _ingest(services, QUESTION, author="q", lang="pl")  # due T0 + 2 h
    high = _ingest(services, COMPLAINT, author="c", lang="en", minutes=60)  # due T0 + 1 h 30
    _triage(services)
    answered = _ingest(services, QUESTION, author="w", lang="pl", minutes=5)
    _triage(services)
    actor = make_actor(services, email="ola@volna.test")
    send_reply(
        answered, "Pani Anno, adres dostawy zamówienia 55123 zmienimy dziś.",
        actor=actor, uow_factory=services.uow, clock=services.clock, guards=services.guards, acknowledge=True,
    )  # fmt: skip
    page = list_inbox(InboxFilters(), uow_factory=services.uow, now=services.clock.now())
    assert [r.id for r in page.rows] == [high, normal]
    assert page.rows[0].sla is not None and page.rows[0].sla.due_at == T0 + timedelta(minutes=90)
    assert page.rows[0].sla.state.value == "on_time"
    # Paging by cursor keeps the order.
    first = list_inbox(InboxFilters(), uow_factory=services.uow, limit=1)
    second = list_inbox(InboxFilters(), uow_factory=services.uow, limit=1, cursor=first.next_cursor)
    assert [first.rows[0].id, second.rows[0].id] == [high, normal]
    # The waiting conversation has no clock and comes last among every status.
    everything = list_inbox(InboxFilters(status=None), uow_factory=services.uow)
    assert answered not in [r.id for r in everything.rows]

    # Routed to the office team (Warsaw 09–17, Friday 20 Nov, 09:00 local = 08:00 UTC): the 2 h clock
    # started at 08:00 UTC runs until 10:00 UTC; at 16:30 local the same would carry into Monday.
    with services.uow() as uow:
        team_id = uow.teams.ensure("office")
        uow.commit()
    route_to_team(normal, team_id, actor=actor, uow_factory=services.uow, clock=services.clock)
    assert _clock_row(services, normal).due_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    with services.uow() as uow:  # the customer wrote late on Friday instead
        uow.connection.execute(
            update(t.conversations).where(t.conversations.c.id == normal).values(waiting_since=datetime(2026, 11, 20, 15, 30, tzinfo=UTC))
        )
        uow.commit()
    route_to_team(normal, team_id, actor=actor, uow_factory=services.uow, clock=services.clock)
    assert _clock_row(services, normal).due_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday 10:30 Warsaw


class _Smtp:
    """A real SMTP server on 127.0.0.1 that keeps what it receives and can be told to refuse."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.refuse = False
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if outer.refuse:
                    return "451 try again later"
                outer.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Any:
    server = _Smtp()
    yield server
    server.stop()


def test_warnings_fire_once_survive_a_restart_and_each_route_is_delivered_once(
    services: Services, settings: Settings, callback: Callback, smtp: _Smtp, tmp_path: Path
) -> None:
    make_actor(services, email="boss@volna.test", role=Role.ADMIN, team=None)
    agent = make_actor(services, email="kasia@volna.test")
    conv = _ingest(services, COMPLAINT, author="a", lang="en")
    _triage(services)
    with services.uow() as uow:  # assigned: the 80 % warning is the assignee's
        uow.connection.execute(update(t.conversations).where(t.conversations.c.id == conv).values(assignee_id=agent.agent.id))
        uow.commit()
    clock = services.clock
    assert isinstance(clock, FixedClock)
    mailer = Mailer(host="127.0.0.1", port=smtp.port, sender="desk@volna.test", timeout=5)
    hook = WarningHook(callback.url, "hook-secret", timeout=5)

    def scan() -> int:
        return scan_sla_clocks(uow_factory=services.uow, clock=clock, email=True, webhook=True)

    def deliver(client: httpx.Client) -> tuple[int, int]:
        done = deliver_sla_warnings(uow_factory=services.uow, clock=clock, mailer=mailer, hook=hook, client=client, max_attempts=5)
        return done.delivered, done.failed

    clock.current = T0 + timedelta(minutes=10)
    assert scan() == 0  # 10 of 30 minutes: on time, nothing crosses
    clock.current = T0 + timedelta(minutes=16)
    assert scan() == 1  # 50 %: the desk shows it, nobody is mailed
    assert scan() == 0
    with httpx.Client() as client:
        assert deliver(client) == (0, 0)
    assert [w.kind for w in open_warnings(actor=agent, uow_factory=services.uow)] == ["at_risk_50"]

    clock.current = T0 + timedelta(minutes=25)
    assert scan() == 1  # 80 %: to the assignee, by every route
    smtp.refuse = True
    callback.script = [(503, {}, b"busy")]
    with httpx.Client() as client:
        assert deliver(client) == (0, 1)  # both routes failed: retried later, not lost
        assert deliver(client) == (0, 0)  # backing off
        smtp.refuse = False
        clock.current += timedelta(seconds=31)
        assert deliver(client) == (2, 0)
        clock.current += timedelta(hours=1)
        assert deliver(client) == (0, 0)  # delivered once, never again
    assert [to for to, _ in smtp.messages] == [["kasia@volna.test"]]
    assert "80%" in smtp.messages[0][1]["Subject"]
    headers, body = callback.received[-1]
    assert len(callback.received) == 2  # the refused attempt and the delivery
    assert headers["x-otklik-signature"] == sign(body, "hook-secret")
    payload = orjson.loads(body)
    assert (payload["conversation_id"], payload["kind"], payload["audience"]) == (conv, "at_risk_80", "assignee")

    # A restart: new services on the same database; the breach fires once, to the managers.
    services.close()
    again = build_services(make_settings(tmp_path, settings.effective_database_url), clock=clock, migrate=False)
    try:
        clock.current = T0 + timedelta(minutes=45)
        assert scan_sla_clocks(uow_factory=again.uow, clock=clock, email=True, webhook=True) == 1
        # Even were the conversation's scan position lost, the unique constraint keeps it once.
        with again.uow() as uow:
            uow.connection.execute(update(t.conversations).where(t.conversations.c.id == conv).values(warn_at=T0))
            uow.commit()
        assert scan_sla_clocks(uow_factory=again.uow, clock=clock, email=True, webhook=True) == 1
        with again.uow(write=False) as uow:
            kinds = [r.kind for r in uow.connection.execute(select(t.sla_warnings.c.kind).order_by(t.sla_warnings.c.id))]
        assert kinds == ["at_risk_50", "at_risk_80", "breached"]
        with httpx.Client() as client:
            done = deliver_sla_warnings(uow_factory=again.uow, clock=clock, mailer=mailer, hook=hook, client=client)
        assert done.delivered == 2
        assert smtp.messages[-1][0] == ["boss@volna.test"]
        # The assignee does not see the managers' warning; an admin sees every one.
        assert [w.kind for w in open_warnings(actor=agent, uow_factory=again.uow)] == ["at_risk_80", "at_risk_50"]
    finally:
        again.close()


def test_a_worker_that_was_down_raises_only_the_most_severe_warning(services: Services) -> None:
    conv = _ingest(services, COMPLAINT, author="a", lang="en")
    _triage(services)
    services.clock.advance(days=2)  # type: ignore[attr-defined]
    assert scan_sla_clocks(uow_factory=services.uow, clock=services.clock, email=False, webhook=False) == 1
    with services.uow(write=False) as uow:
        rows = list(uow.connection.execute(select(t.sla_warnings)))
        warn_at = uow.connection.execute(select(t.conversations.c.warn_at).where(t.conversations.c.id == conv)).scalar()
    assert [(r.kind, r.audience, r.email_state, r.webhook_state, r.next_attempt_at) for r in rows] == [
        ("past_limit", "managers", "off", "off", None)
    ]
    assert warn_at is None  # every threshold passed: the scan will not read it again


def test_shipped_default_and_priority_targets(tmp_path: Path, db_url: str) -> None:
    sla_file = tmp_path / "sla.yaml"
    sla_file.write_text(
        "targets:\n  first_response: {urgent: 5m}\n  acceptable: 12h\nteams:\n  care:\n    always_open: true\n    holidays: [2026-12-25]\n",
        encoding="utf-8",
    )
    built = build_services(make_settings(tmp_path, db_url, sla_file=sla_file), migrate=False)
    try:
        config = built.sla_config
        assert config.policy.first_response[Priority.URGENT] == timedelta(minutes=5)
        assert config.policy.first_response[Priority.LOW] == timedelta(hours=8)  # defaults fill the rest
        assert config.policy.acceptable == timedelta(hours=12)
        assert config.calendar("no such team").holidays == frozenset({date(2026, 12, 25)})
    finally:
        built.close()


def test_open_conversations_stored_before_clocks_existed_get_one(services: Services) -> None:
    conv = _ingest(services, QUESTION, author="legacy", lang="pl")
    c = t.conversations.c
    with services.uow() as uow:  # as an upgraded desk has them: open, waiting, no clock
        uow.connection.execute(
            update(t.conversations).where(c.id == conv).values(clock_rank=1, clock_kind=None, warn_at=None, acceptable_until=None)
        )
        uow.commit()
    assert start_missing_clocks(uow_factory=services.uow) == 1
    row = _clock_row(services, conv)
    assert (row.clock_kind, row.clock_rank, row.due_at) == ("first_response", 0, T0 + timedelta(hours=2))
    assert row.warn_at is not None
    assert start_missing_clocks(uow_factory=services.uow) == 0  # once


def test_saving_many_conversations_at_once_writes_what_saving_each_writes(services: Services) -> None:
    """A triage pass saves its conversations together; the clocks must come out as one by one."""
    ids = [
        _ingest(services, text, author=f"many-{n}", lang=lang) for n, (text, lang) in enumerate([(COMPLAINT, "en"), (QUESTION, "pl")] * 3)
    ]
    _triage(services)
    with services.uow() as uow:
        team = uow.teams.ensure("Care PL")
        routed, _ = uow.conversations.get(ids[0]).move_to_team(team, by="test", at=services.clock.now())  # type: ignore[union-attr]
        uow.conversations.save(routed)
        uow.replies.add(
            conversation_id=ids[1],
            agent_id=None,
            text="Sprawdzam, chwileczkę 🙂",
            created_at=services.clock.now(),
            delivery_state=DeliveryState.SENT,
            idempotency_key="many-1",
            in_reply_to_item_id=None,
        )
        # The warning scan has moved on along the clock that runs: a save must not rewind it.
        moved_on = services.clock.now() + timedelta(minutes=7)
        uow.connection.execute(update(t.conversations).where(t.conversations.c.id == ids[2]).values(warn_at=moved_on))
        uow.commit()

    def saved(mode: str) -> list[Any]:
        with services.uow() as uow:
            changed = [uow.conversations.get(i) for i in ids]
            # Three of them change priority, so their clocks move; the others are saved as they are.
            changed[3:] = [replace(c, priority=Priority.HIGH) for c in changed[3:]]  # type: ignore[type-var]
            if mode == "together":
                uow.conversations.save_many(changed)  # type: ignore[arg-type]
            elif mode == "together, clocks as read":
                read = uow.connection.execute(select(t.conversations).where(t.conversations.c.id.in_(ids))).mappings()
                uow.conversations.save_many(changed, stored={int(r["id"]): StoredClock.of(r) for r in read})  # type: ignore[arg-type]
            else:
                for conversation in changed:
                    uow.conversations.save(conversation)  # type: ignore[arg-type]
            rows = uow.connection.execute(select(t.conversations).where(t.conversations.c.id.in_(ids)).order_by(t.conversations.c.id)).all()
            uow.rollback()
        return rows

    before = {i: _clock_row(services, i) for i in ids}
    one_by_one, together = saved("each"), saved("together")
    assert together == one_by_one
    assert saved("together, clocks as read") == one_by_one
    by_id = {r.id: r for r in together}
    assert by_id[ids[0]].team_id == team
    assert by_id[ids[1]].clock_kind != by_id[ids[3]].clock_kind  # answered before: the next response's clock
    assert by_id[ids[2]].warn_at == moved_on
    assert [by_id[i].priority for i in ids[3:]] == ["high"] * 3
    # The questions were of normal priority: high shortens their clocks (the complaint was high already).
    assert [before[i].priority for i in ids[3:]] == ["normal", "high", "normal"]
    assert by_id[ids[3]].due_at < before[ids[3]].due_at and by_id[ids[5]].due_at < before[ids[5]].due_at


def test_a_brand_mention_that_asks_runs_on_the_proactive_class_targets(services: Services) -> None:
    """The default schema gives such a mention the SLA class "proactive"; the default SLA file gives it 4 h."""
    asked = make_draft(text="кто знает, СвязьТелеком даёт роуминг в Турции?", author_id="mention-1", addressing=Addressing.BRAND_MENTION)
    mention = ingest_items([asked], uow=services.uow(), clock=services.clock)[0].conversation_id
    direct = _ingest(services, QUESTION, author="direct-1", lang="pl")
    _triage(services)
    proactive, standard = _clock_row(services, mention), _clock_row(services, direct)
    assert (proactive.decision, proactive.priority, proactive.sla_class) == ("respond", "normal", "proactive")
    assert (standard.priority, standard.sla_class) == ("normal", "standard")
    # The care team is open round the clock: business time is calendar time here.
    assert proactive.due_at - proactive.clock_started_at == timedelta(hours=4)
    assert standard.due_at - standard.clock_started_at == timedelta(hours=2)
    with services.uow(write=False) as uow:
        triaged = [e for e in uow.events.for_conversation(mention) if e.kind.value == "triaged"]
    assert triaged[-1].data["sla_class"] == "proactive"
