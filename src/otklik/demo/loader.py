"""Fills a fresh database with the demo data set through the real use cases."""

from __future__ import annotations

from dataclasses import dataclass

from rich.progress import Progress
from sqlalchemy import func, select

from otklik.bootstrap import build_services
from otklik.channels.generic import parse_object
from otklik.clock import FixedClock, SystemClock
from otklik.config import Settings
from otklik.demo.dataset import DEMO_AGENTS, generate_demo
from otklik.domain.agents import Role
from otklik.domain.conversations import Status
from otklik.errors import Conflict
from otklik.services import actions, replies
from otklik.services.access import Actor
from otklik.services.auth import add_agent
from otklik.services.ingest import ingest_items
from otklik.services.sources import add_source
from otklik.services.triage import triage_pending
from otklik.store import tables as t

TEAM_BY_LANGUAGE = {"ru": "Care RU", "uk": "Care RU", "pl": "Care PL", "en": "Care EN"}
DEMO_PASSWORD = "otklik-demo"  # noqa: S105 - the demo's published login, not a secret
#: The demo brand's voice: Вы in Russian, ty in Polish (the reply guards hold replies to it).
DEMO_GUARD_ADDRESS = {"ru": "vy", "pl": "ty"}


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo filled in."""

    items: int
    conversations: int
    replies: int
    resolved: int
    login: str


def fill_demo(settings: Settings, *, progress: Progress | None = None) -> DemoSummary:
    """Create agents, sources and the demo conversations, replaying each step at its time."""
    now = SystemClock().now()
    clock = FixedClock(now)
    services = build_services(settings, clock=clock)
    try:
        steps = generate_demo(now=now)
        agents: dict[str, Actor] = {}
        for email, name, role, team in DEMO_AGENTS:
            agent = add_agent(
                email,
                name,
                DEMO_PASSWORD,
                role=Role(role),
                team=team,
                uow_factory=services.uow,
                clock=clock,
            )
            agents[email] = Actor(agent=agent)
        login = next(e for e, _n, r, _t in DEMO_AGENTS if r == "admin")
        for source in sorted({s.source for s in steps}):
            add_source(source, uow_factory=services.uow, clock=clock)
        with services.uow(write=False) as uow:
            team_ids = {team.name: team.id for team in uow.teams.all()}
        conversation_of: dict[str, int] = {}
        counts = {"items": 0, "replies": 0, "resolved": 0}
        task = progress.add_task("filling the demo desk", total=len(steps)) if progress else None
        if progress:
            progress.start()
        for step in steps:
            clock.current = step.at
            actor = agents.get(step.agent_email or login) or agents[login]
            if step.kind == "item":
                outcome = ingest_items(
                    [parse_object(step.source, step.payload)],
                    uow=services.uow(),
                    clock=clock,
                )[0]
                if step.thread not in conversation_of:
                    conversation_of[step.thread] = outcome.conversation_id
                    # Each team takes its languages (Ukrainian-speaking customers go to the Russian team).
                    team_id = team_ids.get(TEAM_BY_LANGUAGE.get(str(step.payload.get("language")), ""))
                    if team_id is not None:
                        actions.route_to_team(outcome.conversation_id, team_id, actor=agents[login], uow_factory=services.uow, clock=clock)
                # The worker triages right after ingest; the demo does it at the item's time.
                while triage_pending(uow_factory=services.uow, clock=clock, active=services.schema):
                    pass
                counts["items"] += 1
            elif step.thread in conversation_of:
                conversation_id = conversation_of[step.thread]
                if step.kind == "reply" and step.text:
                    # The demo's history is what its agents sent: over any warnings, as they did.
                    sent = replies.send_reply(
                        conversation_id,
                        step.text,
                        actor=actor,
                        uow_factory=services.uow,
                        clock=clock,
                        guards=services.guards,
                        acknowledge=True,
                    )
                    # The demo's sources have no callback: their agents posted by hand.
                    replies.mark_posted_by_hand(sent.id, actor=actor, uow_factory=services.uow, clock=clock)
                    counts["replies"] += 1
                elif step.kind == "assign":
                    actions.assign_conversation(
                        conversation_id,
                        actor.agent.id,
                        actor=actor,
                        uow_factory=services.uow,
                        clock=clock,
                    )
                elif step.kind == "resolve":
                    try:
                        actions.resolve_conversation(
                            conversation_id,
                            actor=actor,
                            uow_factory=services.uow,
                            clock=clock,
                        )
                        counts["resolved"] += 1
                    except Conflict:
                        pass  # already resolved by an earlier step of the same thread
            if progress and task is not None:
                progress.advance(task)
        if progress:
            progress.stop()
        with services.uow(write=False) as uow:
            conversations = uow.connection.execute(select(func.count()).select_from(t.conversations)).scalar_one()
            resolved = uow.connection.execute(
                select(func.count()).select_from(t.conversations).where(t.conversations.c.status == Status.RESOLVED.value)
            ).scalar_one()
        return DemoSummary(
            items=counts["items"],
            conversations=int(conversations),
            replies=counts["replies"],
            resolved=int(resolved),
            login=login,
        )
    finally:
        services.close()
