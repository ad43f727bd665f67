"""Agents and teams: the people who answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What an agent may do."""

    AGENT = "agent"  # works conversations
    ADMIN = "admin"  # also manages agents, sources and tokens


@dataclass(frozen=True, slots=True)
class Team:
    """A group of agents that conversations can be routed to."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Agent:
    """A person who answers customers."""

    id: int
    email: str
    name: str
    role: Role
    team_id: int | None = None
    active: bool = True

    @property
    def actor(self) -> str:
        """How events name this agent."""
        return f"agent:{self.id}"

    @property
    def is_admin(self) -> bool:
        """True for administrators."""
        return self.role is Role.ADMIN
