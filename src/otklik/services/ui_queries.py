"""Read side for the agent UI: the choices its filter and assign controls offer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Connection, func, select

from otklik.domain.agents import Agent, Team
from otklik.services.ports import UowFactory
from otklik.store import tables as t

#: Most distinct values one filter offers; more would not fit a select anyway.
MAX_CHOICES = 50


@dataclass(frozen=True, slots=True)
class DeskChoices:
    """What the desk's controls can pick from: active agents, teams, channels, languages."""

    agents: list[Agent]
    teams: list[Team]
    channels: list[str]
    languages: list[str]


def _distinct(connection: Connection, column: Column[str]) -> list[str]:
    """The distinct non-null values of an indexed column, in order.

    A loose index scan: one ``min(col) WHERE col > last`` seek per value, so the cost grows
    with the number of values (a handful), not with the number of conversations.
    """
    values: list[str] = []
    last: str | None = None
    while len(values) < MAX_CHOICES:
        query = select(func.min(column))
        if last is not None:
            query = query.where(column > last)
        found = connection.execute(query).scalar()
        if found is None:
            break
        values.append(found)
        last = found
    return values


def desk_choices(*, uow_factory: UowFactory) -> DeskChoices:
    """The active agents, the teams and the channels and languages seen in conversations."""
    with uow_factory(write=False) as uow:
        return DeskChoices(
            agents=[a for a in uow.agents.all() if a.active],
            teams=uow.teams.all(),
            channels=_distinct(uow.connection, t.conversations.c.source),
            languages=_distinct(uow.connection, t.conversations.c.language),
        )
