"""getUpdates against the fake Bot API: stored, then acknowledged; re-read after a failure, stored once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from otklik.bootstrap import Services
from otklik.domain.items import ItemDraft
from otklik.errors import DeliveryRejected, DeliveryUnknown, PlatformUnavailable, RateLimited
from otklik.services.ingest import IngestOutcome, store_drafts
from otklik.services.polling import Store, TelegramPoller
from otklik.store import tables as t
from otklik.worker.runner import Worker
from tests.fake_platforms.telegram import Act, FakeBotApi
from tests.integration.channels.conftest import add_bot

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "telegram"


def update(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


@pytest.fixture
def bot(services: Services, fake_telegram: FakeBotApi) -> FakeBotApi:
    """A polling bot with three updates waiting: a DM, a group mention and group chatter."""
    add_bot(services, fake_telegram, mode="polling")
    for name in ("private_message", "group_mention", "group_chatter"):
        fake_telegram.push(update(name))
    return fake_telegram


def make_poller(services: Services, client: httpx.Client, *, store: Store | None = None, timeout: float = 2.0) -> TelegramPoller:
    return TelegramPoller("volna_tg", uow_factory=services.uow, clock=services.clock, client=client, timeout=timeout, store=store)


def stored(services: Services) -> list[str]:
    with services.uow(write=False) as uow:
        return sorted(uow.connection.execute(select(t.items.c.external_id)).scalars())


LAST = 870001013  # the update_id of the last waiting update


def test_updates_are_stored_then_acknowledged_by_the_next_poll(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    assert bot.calls_of("deleteWebhook") == [{"drop_pending_updates": False}]  # polling needs no webhook
    poller = make_poller(services, client)
    first = poller.poll_once(wait=0)
    assert (first.updates, first.stored, first.duplicates, first.ignored) == (3, 2, 0, 1)
    assert stored(services) == ["-1001234567890:3301", "248112233:512"]
    assert bot.confirmed == 0  # committed, but not yet acknowledged to Telegram
    second = poller.poll_once(wait=0)
    assert second.updates == 0
    assert bot.offsets == [None, LAST + 1]
    assert bot.confirmed == LAST + 1
    assert bot.calls_of("getUpdates")[0]["allowed_updates"] == ["message", "edited_message", "business_message", "edited_business_message"]


def test_a_failed_commit_does_not_move_the_offset_and_a_restart_reads_again(
    services: Services, bot: FakeBotApi, client: httpx.Client
) -> None:
    def crash_before_commit(drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        with services.uow() as uow:
            store_drafts(drafts, uow=uow, now=services.clock.now())
            raise RuntimeError("the disk is full")  # the transaction is rolled back, never committed

    crashing = make_poller(services, client, store=crash_before_commit)
    with pytest.raises(RuntimeError, match="disk is full"):
        crashing.poll_once(wait=0)
    assert crashing.offset is None
    assert stored(services) == []
    # The same poller tries again with the old offset: nothing was acknowledged.
    with pytest.raises(RuntimeError):
        crashing.poll_once(wait=0)
    # A restarted process (a new poller, no offset in memory) gets every update again.
    restarted = make_poller(services, client)
    again = restarted.poll_once(wait=0)
    assert (again.updates, again.stored) == (3, 2)
    assert bot.offsets == [None, None, None]
    restarted.poll_once(wait=0)
    assert bot.confirmed == LAST + 1


def test_a_crash_after_the_commit_reads_again_and_stores_once(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    make_poller(services, client).poll_once(wait=0)  # stored; the process dies before acknowledging
    after_restart = make_poller(services, client).poll_once(wait=0)
    assert (after_restart.updates, after_restart.stored, after_restart.duplicates) == (3, 0, 2)
    with services.uow(write=False) as uow:
        assert uow.connection.execute(select(func.count()).select_from(t.items)).scalar_one() == 2


def test_duplicate_deliveries_in_one_answer_are_stored_once(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    bot.script["getUpdates"] = [Act(duplicate=True)]
    result = make_poller(services, client).poll_once(wait=0)
    assert (result.updates, result.stored, result.duplicates, result.ignored) == (6, 2, 2, 2)
    assert len(stored(services)) == 2


def test_429_5xx_and_timeouts_leave_the_offset_alone(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    bot.script["getUpdates"] = [
        Act(status=429, description="Too Many Requests: retry after 3", retry_after=3),
        Act(status=502, html=True),
        Act(slow=1.5),
    ]
    poller = make_poller(services, client, timeout=0.5)
    with pytest.raises(RateLimited) as limited:
        poller.poll_once(wait=0)
    assert limited.value.retry_after == 3
    with pytest.raises(PlatformUnavailable):
        poller.poll_once(wait=0)
    with pytest.raises(DeliveryUnknown, match="ReadTimeout"):
        poller.poll_once(wait=0)  # the answer comes after the client stopped waiting
    assert poller.offset is None
    assert stored(services) == []
    assert poller.poll_once(wait=0).stored == 2
    assert [call.get("offset") for call in bot.calls_of("getUpdates")] == [None, None, None, None]


def test_a_long_poll_returns_as_soon_as_an_update_arrives(services: Services, fake_telegram: FakeBotApi, client: httpx.Client) -> None:
    add_bot(services, fake_telegram, mode="polling")
    later = threading.Timer(0.3, fake_telegram.push, args=[update("private_polish")])
    later.start()
    started = time.monotonic()
    result = make_poller(services, client).poll_once(wait=5)
    assert result.stored == 1
    assert time.monotonic() - started < 4
    assert fake_telegram.calls_of("getUpdates")[0]["timeout"] == 5


def test_a_malformed_update_is_skipped_and_acknowledged(services: Services, fake_telegram: FakeBotApi, client: httpx.Client) -> None:
    add_bot(services, fake_telegram, mode="polling")
    fake_telegram.push(update("private_cyrillic"))
    fake_telegram.push(update("malformed_no_chat"))
    poller = make_poller(services, client)
    result = poller.poll_once(wait=0)
    assert (result.updates, result.stored, result.malformed) == (2, 1, 1)
    assert poller.offset == 870001060 + 1  # past the malformed one too


def test_a_webhook_still_set_is_a_clear_error(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    bot.webhook = {"url": "https://desk.example.com/hooks/telegram/volna_tg"}
    with pytest.raises(DeliveryRejected, match="webhook is active"):
        make_poller(services, client).poll_once(wait=0)


def test_acknowledge_tells_telegram_without_taking_anything(services: Services, bot: FakeBotApi, client: httpx.Client) -> None:
    poller = make_poller(services, client)
    poller.poll_once(wait=0)
    bot.push({**update("private_polish"), "update_id": LAST + 5})  # update ids only grow
    poller.acknowledge()
    assert bot.confirmed == LAST + 1
    assert poller.poll_once(wait=0).stored == 1  # the update the acknowledgement saw is still there


def test_the_worker_polls_channels_in_polling_mode(services: Services, fake_telegram: FakeBotApi) -> None:
    add_bot(services, fake_telegram, mode="polling")
    fast = Services(
        settings=services.settings.model_copy(update={"poll_timeout_s": 0.2}),
        engine=services.engine,
        clock=services.clock,
        signer=services.signer,
    )
    worker = Worker(fast)
    worker.start()
    try:
        fake_telegram.push(update("private_cyrillic"))
        deadline = time.monotonic() + 10
        while not stored(services) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert stored(services) == ["301555777:88"]
