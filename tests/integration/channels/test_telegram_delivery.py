"""Replies to Telegram through the outbox and the fake Bot API: in the thread, retried only when not sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from otklik.bootstrap import Services
from otklik.channels.base import ChannelContext
from otklik.channels.telegram import TelegramChannel
from otklik.errors import RateLimited
from otklik.services.delivery import LEASE, deliver_due
from otklik.services.ingest import ingest_items
from otklik.services.replies import mark_posted_by_hand, retry_delivery
from otklik.services.sources import source_config
from tests.builders import make_actor
from tests.fake_platforms.telegram import BOT, Act, FakeBotApi
from tests.integration.channels.conftest import add_bot, queue_reply, without_length_guard

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "telegram"


def update(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


def channel(services: Services, client: httpx.Client | None = None, *, timeout: float = 2.0) -> TelegramChannel:
    return TelegramChannel(source_config("volna_tg", uow_factory=services.uow), ChannelContext(client=client, timeout=timeout))


def receive(services: Services, raw: dict[str, Any]) -> int:
    """Parse an update as the webhook does and store it; the conversation's id."""
    draft = channel(services).parse_update(raw).draft
    assert draft is not None
    return ingest_items([draft], uow=services.uow(), clock=services.clock)[0].conversation_id


def deliver(services: Services, client: httpx.Client, *, timeout: float = 2.0) -> tuple[int, int, int]:
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=timeout, max_attempts=4)
    return done.sent, done.failed, done.retried


@pytest.fixture
def bot(services: Services, fake_telegram: FakeBotApi) -> FakeBotApi:
    add_bot(services, fake_telegram)
    return fake_telegram


def test_a_reply_lands_in_the_thread_and_the_answer_to_it_joins_the_conversation(
    services: Services, bot: FakeBotApi, client: httpx.Client
) -> None:
    conversation = receive(services, update("private_message"))
    reply = queue_reply(services, conversation, "Mark, sorry about order 5521 — a new pair ships today, tracking by e-mail.")
    assert reply.delivery_state.value == "queued"
    assert deliver(services, client) == (1, 0, 0)
    assert bot.calls_of("sendMessage") == [
        {
            "chat_id": 248112233,
            "text": "Mark, sorry about order 5521 — a new pair ships today, tracking by e-mail.",
            "reply_parameters": {"message_id": 512, "allow_sending_without_reply": True},
        }
    ]
    with services.uow(write=False) as uow:
        sent = uow.replies.get(reply.id)
    assert sent is not None
    assert (sent.delivery_state.value, sent.external_id) == ("sent", "248112233:9001")
    # Mark answers our message in a group-less chat: the reply chain leads to the same conversation.
    answer = update("private_message")
    answer["update_id"] += 100
    answer["message"] |= {
        "message_id": 530,
        "text": "Thanks!",
        "reply_to_message": {"message_id": 9001, "from": dict(BOT), "chat": answer["message"]["chat"], "date": 1},
    }
    assert receive(services, answer) == conversation


def test_comments_and_business_chats_are_answered_where_they_were_written(
    services: Services, bot: FakeBotApi, client: httpx.Client
) -> None:
    actor = make_actor(services)
    queue_reply(services, receive(services, update("channel_comment")), "Анна, распродажа начнётся 27 ноября, X2 будут.", actor=actor)
    queue_reply(services, receive(services, update("business_message")), "Pani Olu, oczywiście — proszę podać nowy adres.", actor=actor)
    assert deliver(services, client) == (2, 0, 0)
    comment, business = bot.calls_of("sendMessage")
    assert (comment["chat_id"], comment["reply_parameters"]["message_id"]) == (-1009876543210, 1402)
    assert (business["chat_id"], business["reply_parameters"]["message_id"], business["business_connection_id"]) == (
        55500111,
        4012,
        "BQADAgADrwsAAk1uAUmM8Wkf",
    )


def test_a_429_waits_exactly_retry_after_and_the_reply_is_sent_once_with_the_same_content(
    services: Services, bot: FakeBotApi, client: httpx.Client
) -> None:
    conversation = receive(services, update("private_cyrillic"))
    reply = queue_reply(services, conversation, "Анна, заказ #4471 у курьера, он позвонит до 18:00.")
    bot.script["sendMessage"] = [Act(status=429, description="Too Many Requests: retry after 3", retry_after=3)]
    assert deliver(services, client) == (0, 0, 1)
    assert bot.sent == []
    services.clock.advance(seconds=2)  # type: ignore[attr-defined]
    assert deliver(services, client) == (0, 0, 0)  # Telegram said 3 s
    services.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert deliver(services, client) == (0, 0, 0)
    first, second = bot.calls_of("sendMessage")
    assert first == second  # the same reply, to the same message
    assert [m["text"] for m in bot.sent] == [reply.text]
    with services.uow(write=False) as uow:
        stored = uow.replies.get(reply.id)
    assert stored is not None and (stored.delivery_state.value, stored.attempts) == ("sent", 2)


def test_5xx_is_retried_after_a_backoff(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    queue_reply(services, receive(services, update("private_polish")), "Panie Łukaszu, paczka 88213 jest już w paczkomacie KRA01M.")
    bot.script["sendMessage"] = [Act(status=500), Act(status=502, html=True)]
    assert deliver(services, client) == (0, 0, 1)
    services.clock.advance(seconds=5)  # type: ignore[attr-defined]
    assert deliver(services, client) == (0, 0, 1)
    services.clock.advance(seconds=10)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    assert len(bot.sent) == 1


def test_a_timeout_after_telegram_took_it_is_not_sent_again(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    conversation = receive(services, update("private_message"))
    reply = queue_reply(services, conversation, "Mark, a replacement for order 5521 ships today.")
    bot.script["sendMessage"] = [Act(slow=1.5)]  # posted, but the answer comes after we stop waiting
    assert deliver(services, client, timeout=0.5) == (0, 1, 0)
    for _ in range(3):
        services.clock.advance(hours=1)  # type: ignore[attr-defined]
        assert deliver(services, client) == (0, 0, 0)
    assert len(bot.calls_of("sendMessage")) == 1
    assert len(bot.sent) == 1  # on Telegram once, and only once
    with services.uow(write=False) as uow:
        stored = uow.replies.get(reply.id)
        events = uow.events.for_conversation(conversation)
    assert stored is not None and stored.delivery_state.value == "failed"
    assert "outcome unknown" in (stored.last_error or "")
    assert "look in the chat" in (stored.last_error or "")
    assert events[-1].kind.value == "reply_failed"
    assert events[-1].data["outcome"] == "unknown"
    # The agent looks, finds it in the chat, and says so.
    done = mark_posted_by_hand(
        reply.id, actor=make_actor(services, email="lead@volna.test"), uow_factory=services.uow, clock=services.clock
    )
    assert done.delivery_state.value == "posted_by_hand"


def test_an_attempt_cut_off_by_a_dying_worker_is_not_resent(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    reply = queue_reply(services, receive(services, update("private_cyrillic")), "Анна, проверили заказ #4471: он приедет завтра.")
    now = services.clock.now()
    with services.uow() as uow:  # a worker claims the job, then dies while sending
        assert len(uow.outbox.claim(now=now, lease_until=now + LEASE, limit=10, skip_locked=False)) == 1
        uow.commit()
    assert deliver(services, client) == (0, 0, 0)  # leased
    services.clock.advance(seconds=LEASE.total_seconds() + 1)  # type: ignore[attr-defined]
    assert deliver(services, client) == (0, 1, 0)
    assert bot.calls_of("sendMessage") == []
    with services.uow(write=False) as uow:
        stored = uow.replies.get(reply.id)
    assert stored is not None and "earlier attempt was cut off" in (stored.last_error or "")


def test_a_refused_reply_fails_visibly_and_an_agent_can_retry_it(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    conversation = receive(services, update("private_message"))
    reply = queue_reply(services, conversation, "Mark, your replacement pair ships today.")
    bot.script["sendMessage"] = [Act(status=403, description="Forbidden: bot was blocked by the user")]
    assert deliver(services, client) == (0, 1, 0)
    with services.uow(write=False) as uow:
        failed = uow.replies.get(reply.id)
    assert failed is not None and "bot was blocked by the user" in (failed.last_error or "")
    retry_delivery(reply.id, actor=make_actor(services, email="lead@volna.test"), uow_factory=services.uow, clock=services.clock)
    assert deliver(services, client) == (1, 0, 0)
    assert len(bot.sent) == 1


def test_too_long_for_telegram_fails_without_a_call(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    without_length_guard(services)  # the composer would block it; the channel must refuse it all the same
    reply = queue_reply(
        services, receive(services, update("private_message")), ("Mark, here is every detail of order 5521. " * 120).strip()
    )
    assert deliver(services, client) == (0, 1, 0)
    assert bot.calls_of("sendMessage") == []
    with services.uow(write=False) as uow:
        stored = uow.replies.get(reply.id)
    assert stored is not None and "at most 4096 characters" in (stored.last_error or "")


def test_pin_unpin_and_like(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    tg = channel(services, client)
    tg.pin("-1001234567890:3305")
    assert bot.pinned == {(-1001234567890, 3305)}
    tg.unpin("-1001234567890:3305")
    assert bot.pinned == set()
    tg.like("-1001234567890:3301")
    assert bot.reactions == [{"chat_id": -1001234567890, "message_id": 3301, "reaction": [{"type": "emoji", "emoji": "❤"}]}]
    tg.pin("55500111:4012@BQAD")
    assert bot.calls_of("pinChatMessage")[-1]["business_connection_id"] == "BQAD"
    bot.script["pinChatMessage"] = [Act(status=429, description="Too Many Requests: retry after 9", retry_after=9)]
    with pytest.raises(RateLimited):
        tg.pin("-1001234567890:3305")


def test_a_generic_source_still_resends_an_interrupted_attempt_with_its_key(
    services: Services, callback: Any, client: httpx.Client
) -> None:
    """Unchanged for generic callbacks: the receiver drops the repeat by its Idempotency-Key."""
    from otklik.services.sources import add_source
    from tests.builders import make_draft

    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url=callback.url)
    conversation = ingest_items([make_draft(source="shop", lang="en")], uow=services.uow(), clock=services.clock)[0].conversation_id
    reply = queue_reply(services, conversation, "So sorry about order 5521, a replacement ships today.")
    now = services.clock.now()
    with services.uow() as uow:
        uow.outbox.claim(now=now, lease_until=now + LEASE, limit=10, skip_locked=False)
        uow.commit()
    services.clock.advance(seconds=LEASE.total_seconds() + timedelta(seconds=1).total_seconds())  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    assert [h["idempotency-key"] for h, _ in callback.received] == [reply.idempotency_key]
