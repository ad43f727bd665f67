"""Small explicit builders with realistic ru/pl/en defaults (no hidden database writes)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from otklik.domain.agents import Role
from otklik.domain.items import Addressing, Author, ItemDraft
from otklik.services.access import Actor
from otklik.services.auth import add_agent

_ids = itertools.count(1000)
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

TEXTS = {
    "ru": "Где мой заказ #4471?? уже неделю жду 😡",
    "pl": "Paczka 88213 nie dotarła do paczkomatu w Krakowie, co jest grane?",
    "en": "@volna_shop my headphones arrived broken 😤 order 5521",
}


def payload(
    *,
    external_id: str | None = None,
    text: str | None = None,
    lang: str = "ru",
    author_id: str = "u-1",
    name: str = "Анна Смирнова",
    handle: str = "@anna_s",
    addressing: str = "direct",
    created_at: datetime | None = None,
    parent: str | None = None,
    account: str = "@volna_shop",
    **extra: Any,
) -> dict[str, Any]:
    """A generic-format item as a sender would POST it."""
    body: dict[str, Any] = {
        "external_id": external_id or f"ext-{next(_ids)}",
        "author": {"id": author_id, "name": name, "handle": handle},
        "text": text if text is not None else TEXTS[lang],
        "created_at": (created_at or T0).isoformat(),
        "addressing": addressing,
        "account": account,
        "language": lang,
    }
    if parent:
        body["parent_external_id"] = parent
    body.update(extra)
    return body


def make_draft(
    *,
    source: str = "generic",
    external_id: str | None = None,
    text: str | None = None,
    lang: str = "ru",
    author_id: str = "u-1",
    addressing: Addressing = Addressing.DIRECT,
    created_at: datetime | None = None,
    parent: str | None = None,
    account: str = "@volna_shop",
    minutes: int = 0,
) -> ItemDraft:
    """A draft item as a channel would parse it."""
    return ItemDraft(
        source=source,
        external_id=external_id or f"ext-{next(_ids)}",
        author=Author(external_id=author_id, name="Анна Смирнова", handle="@anna_s", followers=120),
        text=text if text is not None else TEXTS[lang],
        created_at=(created_at or T0) + timedelta(minutes=minutes),
        addressing=addressing,
        account=account,
        parent_external_id=parent,
        language=lang,
        raw={"text": text or TEXTS[lang]},
    )


def make_actor(services: Any, *, email: str = "kasia@volna.test", role: Role = Role.AGENT, team: str | None = "Care PL") -> Actor:
    """An agent stored in the test's database, as an actor."""
    agent = add_agent(
        email,
        email.split("@", maxsplit=1)[0].title(),
        "correct horse battery",
        role=role,
        team=team,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return Actor(agent=agent)
