"""Helpers for the channel tests: a bot connected to the fake Bot API, a reply queued."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import httpx

from otklik.domain.replies import Reply
from otklik.services.access import Actor
from otklik.services.replies import send_reply
from otklik.services.sources import add_telegram_channel
from tests.builders import make_actor
from tests.fake_platforms.telegram import FakeBotApi

SECRET = "s3cret-Token_1"


def add_bot(
    services: Any,
    api: FakeBotApi,
    *,
    name: str = "volna_tg",
    mode: str = "webhook",
    keywords: Sequence[str] = ("voln", "волн"),
    secret: str = SECRET,
) -> None:
    """Connect the fake's bot as a Telegram source (getMe runs against the fake)."""
    with httpx.Client() as client:
        add_telegram_channel(
            name,
            token=api.token,
            client=client,
            uow_factory=services.uow,
            clock=services.clock,
            secret_token=secret,
            mode=mode,
            brand_keywords=keywords,
            api_base=api.api_base,
        )


def queue_reply(services: Any, conversation_id: int, text: str, *, actor: Actor | None = None) -> Reply:
    """An agent's reply in a conversation, queued in the outbox (a new agent unless ``actor``)."""
    actor = actor or make_actor(services)
    return send_reply(
        conversation_id, text, actor=actor, uow_factory=services.uow, clock=services.clock, guards=services.guards, acknowledge=True
    )


def without_length_guard(services: Any) -> None:
    """Let over-long replies past the guards, to show the channel itself still refuses them."""
    services.guards.config = replace(services.guards.config, disabled=services.guards.config.disabled | {"length"})
