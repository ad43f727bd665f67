"""Likes and pins through the outbox to the fake Bot API, within the bot's limits; retries after an unclear outcome."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from otklik.bootstrap import Services
from otklik.domain.events import EventKind
from otklik.errors import Conflict
from otklik.services.delivery import deliver_due
from otklik.services.ingest import ingest_items
from otklik.services.outbound import queue_action
from otklik.services.ratelimit import OutboundLimiter
from otklik.services.replies import retry_delivery
from otklik.services.sources import add_source, source_config
from tests.builders import make_actor, make_draft
from tests.fake_platforms.telegram import Act, FakeBotApi
from tests.integration.channels.conftest import add_bot, queue_reply
from tests.integration.channels.test_telegram_delivery import receive, update


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


@pytest.fixture
def bot(services: Services, fake_telegram: FakeBotApi) -> FakeBotApi:
    add_bot(services, fake_telegram)
    return fake_telegram


def kinds(services: Services, conversation: int) -> list[str]:
    with services.uow(write=False) as uow:
        return [e.kind.value for e in uow.events.for_conversation(conversation) if e.kind.value.startswith("action_")]


def test_a_like_and_a_pin_go_out_through_the_outbox_once_each(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    limiter = OutboundLimiter(services.clock)
    actor = make_actor(services)
    conversation = receive(services, update("private_message"))
    with services.uow(write=False) as uow:
        [item] = uow.items.for_conversation(conversation)
    queue_action(conversation, "like", item_id=item.id, actor=actor, uow_factory=services.uow, clock=services.clock)
    with pytest.raises(Conflict, match="already waiting"):
        queue_action(conversation, "like", item_id=item.id, actor=actor, uow_factory=services.uow, clock=services.clock)
    assert bot.reactions == []  # nothing is called while the agent waits for the page
    reply = queue_reply(services, conversation, "Mark, thank you for the kind words about order 5521!", actor=actor)
    with pytest.raises(Conflict, match="only a reply the platform took"):
        queue_action(conversation, "pin", reply_id=reply.id, actor=actor, uow_factory=services.uow, clock=services.clock)
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=4, limiter=limiter)
    assert (done.sent, done.actions_done, done.actions_failed) == (1, 1, 0)
    assert bot.reactions == [{"chat_id": 248112233, "message_id": 512, "reaction": [{"type": "emoji", "emoji": "❤"}]}]

    # The sent reply is pinned; Telegram says "too many requests" once: the bot waits, then pins once.
    queue_action(conversation, "pin", reply_id=reply.id, actor=actor, uow_factory=services.uow, clock=services.clock)
    bot.script["pinChatMessage"] = [Act(status=429, description="Too Many Requests: retry after 9", retry_after=9)]
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=1, limiter=limiter)
    assert (done.actions_done, done.actions_failed, done.waiting) == (0, 0, 1)  # a 429 is not a failed attempt
    services.clock.advance(seconds=8)  # type: ignore[attr-defined]
    restarted = OutboundLimiter(services.clock)  # the pause is stored with the source
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=1, limiter=restarted)
    assert (done.actions_done, len(bot.calls_of("pinChatMessage"))) == (0, 1)
    services.clock.advance(seconds=1)  # type: ignore[attr-defined]
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=1, limiter=restarted)
    assert done.actions_done == 1
    assert bot.pinned == {(248112233, 9001)}
    assert len(bot.calls_of("pinChatMessage")) == 2
    queue_action(conversation, "unpin", reply_id=reply.id, actor=actor, uow_factory=services.uow, clock=services.clock)
    deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=1, limiter=restarted)
    assert bot.pinned == set()
    assert kinds(services, conversation) == ["action_queued", "action_done", "action_queued", "action_done", "action_queued", "action_done"]
    assert source_config("volna_tg", uow_factory=services.uow).settings["_outbox"]["actions"] == []


def test_a_refused_like_is_recorded_with_its_reason(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    conversation = receive(services, update("private_cyrillic"))
    with services.uow(write=False) as uow:
        [item] = uow.items.for_conversation(conversation)
    queue_action(conversation, "like", item_id=item.id, actor=make_actor(services), uow_factory=services.uow, clock=services.clock)
    bot.script["setMessageReaction"] = [Act(status=400, description="Bad Request: REACTION_INVALID")]
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=2, max_attempts=4)
    assert done.actions_failed == 1
    with services.uow(write=False) as uow:
        failed = [e for e in uow.events.for_conversation(conversation) if e.kind is EventKind.ACTION_FAILED]
    assert "REACTION_INVALID" in str(failed[0].data["reason"])


def test_a_channel_without_likes_refuses_them(services: Services) -> None:
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url="http://127.0.0.1:9/replies")
    [outcome] = ingest_items([make_draft(source="shop", lang="en")], uow=services.uow(), clock=services.clock)
    with pytest.raises(Conflict, match="cannot like"):
        queue_action(
            outcome.conversation_id,
            "like",
            item_id=outcome.item_id,
            actor=make_actor(services),
            uow_factory=services.uow,
            clock=services.clock,
        )


def test_after_an_unknown_outcome_a_retry_needs_the_agent_to_confirm(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    conversation = receive(services, update("private_message"))
    reply = queue_reply(services, conversation, "Mark, a replacement for order 5521 ships today.")
    bot.script["sendMessage"] = [Act(slow=1.5)]  # posted, but the answer comes too late
    deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=0.5, max_attempts=4)
    lead = make_actor(services, email="lead@volna.test")
    with pytest.raises(Conflict, match="may already be on the platform"):
        retry_delivery(reply.id, actor=lead, uow_factory=services.uow, clock=services.clock)
    queued = retry_delivery(reply.id, actor=lead, uow_factory=services.uow, clock=services.clock, confirmed=True)
    assert queued.delivery_state.value == "queued"
    with services.uow(write=False) as uow:
        last = uow.events.for_conversation(conversation)[-1]
    assert (last.kind, last.data.get("confirmed_not_posted")) == (EventKind.REPLY_QUEUED, True)
