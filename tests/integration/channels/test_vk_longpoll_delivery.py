"""VK against the fake API: Bots Long Poll stored once with ts saved after commit; replies idempotent; errors mapped."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from otklik.bootstrap import Services
from otklik.channels.base import ChannelContext
from otklik.channels.vk import VkChannel, guid, random_id
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError, DeliveryRejected, PlatformUnavailable
from otklik.services.cursors import load_cursors
from otklik.services.delivery import deliver_due
from otklik.services.ingest import IngestOutcome, ingest_items, store_drafts
from otklik.services.polling import Store
from otklik.services.sources import add_vk_channel, list_sources, source_config
from otklik.services.vk_polling import VkPoller
from otklik.store import tables as t
from tests.builders import make_actor
from tests.fake_platforms.vk import USER_TOKEN, Act, FakeVk
from tests.integration.channels.conftest import queue_reply
from tests.integration.channels.test_vk_callback import GROUP, add_community

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "vk"


def event(name: str) -> dict[str, Any]:
    raw = dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))
    raw.pop("secret", None)  # Long Poll events carry no secret
    return raw


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


@pytest.fixture
def community(services: Services, fake_vk: FakeVk) -> FakeVk:
    add_community(services, fake_vk, mode="longpoll")
    return fake_vk


def poller(services: Services, client: httpx.Client, *, store: Store | None = None, timeout: float = 2.0) -> VkPoller:
    return VkPoller("volna_vk", uow_factory=services.uow, clock=services.clock, client=client, timeout=timeout, store=store)


def stored(services: Services) -> list[str]:
    with services.uow(write=False) as uow:
        return sorted(uow.connection.execute(select(t.items.c.external_id)).scalars())


def test_adding_checks_the_token_and_masks_it(services: Services, fake_vk: FakeVk) -> None:
    with httpx.Client() as c, pytest.raises(ConfigError, match=r"refused the community token: VK groups\.getById: 5"):
        add_vk_channel(
            "bad",
            group_id=GROUP,
            token="wrong",
            client=c,
            uow_factory=services.uow,
            clock=services.clock,
            mode="longpoll",
            api_base=fake_vk.api_base,
        )
    with httpx.Client() as c, pytest.raises(ConfigError, match="belongs to community 218000111, not 1"):
        add_vk_channel(
            "bad",
            group_id=1,
            token=fake_vk.token,
            client=c,
            uow_factory=services.uow,
            clock=services.clock,
            mode="longpoll",
            api_base=fake_vk.api_base,
        )
    add_community(services, fake_vk)
    [info] = list_sources(uow_factory=services.uow)
    assert (info.settings["token"], info.settings["group_name"], info.settings["confirmation"]) == (
        "••••" + fake_vk.token[-4:],
        "Волна — магазин наушников",
        "a1b2c3d4",
    )
    assert fake_vk.calls_of("groups.getById")[-1]["v"] == "5.199"


def test_longpoll_stores_then_saves_ts_and_starts_from_it_after_a_restart(
    services: Services, community: FakeVk, client: httpx.Client
) -> None:
    first = poller(services, client)
    assert first.poll_once(wait=0).updates == 0  # the first pass starts from now
    for name in ("message_new_cyrillic", "wall_reply_new", "message_new_chat_chatter", "board_post_new"):
        community.push(event(name))
    result = first.poll_once(wait=0)
    assert (result.updates, result.stored, result.ignored) == (4, 3, 1)
    assert load_cursors("volna_vk", uow_factory=services.uow) == {"ts": "4"}
    community.push(event("photo_comment_new"))
    restarted = poller(services, client).poll_once(wait=0)
    assert (restarted.updates, restarted.stored) == (1, 1)
    assert [c["ts"] for c in community.calls_of("a_check")] == ["0", "0", "4"]
    assert stored(services) == [
        "msg301555777_412",
        "photo-218000111_457239100_311",
        "topic-218000111_39421_57",
        "wall-218000111_880_7002",
    ]


def test_a_failed_commit_keeps_ts_and_duplicates_are_stored_once(services: Services, community: FakeVk, client: httpx.Client) -> None:
    def crash(drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        with services.uow() as uow:
            store_drafts(drafts, uow=uow, now=services.clock.now())
            raise RuntimeError("the disk is full")

    crashing = poller(services, client, store=crash)
    crashing.poll_once(wait=0)
    community.push(event("message_new_polish"))
    with pytest.raises(RuntimeError):
        crashing.poll_once(wait=0)
    assert load_cursors("volna_vk", uow_factory=services.uow) == {"ts": "0"}
    community.script["a_check"] = [Act(duplicate=True)]
    again = poller(services, client).poll_once(wait=0)
    assert (again.updates, again.stored, again.duplicates) == (2, 1, 1)


def test_failed_1_2_3_refresh_ts_and_key(services: Services, community: FakeVk, client: httpx.Client) -> None:
    p = poller(services, client)
    p.poll_once(wait=0)
    community.push(event("message_new_english"))
    community.script["a_check"] = [Act(failed=2), Act(failed=3), Act(failed=1)]
    for _ in range(3):
        assert p.poll_once(wait=0).updates == 0
    assert len(community.calls_of("groups.getLongPollServer")) == 3  # a new key after 2 and after 3
    assert p.ts == "1"  # failed 1 hands over the current ts
    community.push(event("message_new_polish"))
    assert p.poll_once(wait=0).stored == 1


def test_api_errors_and_5xx_on_the_long_poll(services: Services, community: FakeVk, client: httpx.Client) -> None:
    community.script["groups.getLongPollServer"] = [Act(error=10)]
    with pytest.raises(PlatformUnavailable, match="10 Internal server error"):
        poller(services, client).poll_once(wait=0)
    community.script["a_check"] = [Act(status=502)]
    with pytest.raises(PlatformUnavailable, match="502"):
        poller(services, client).poll_once(wait=0)


def channel(services: Services, client: httpx.Client | None = None, *, timeout: float = 2.0) -> VkChannel:
    return VkChannel(source_config("volna_vk", uow_factory=services.uow), ChannelContext(client=client, timeout=timeout))


def receive(services: Services, name: str) -> int:
    draft = channel(services).parse_event(event(name)).draft
    assert draft is not None
    return ingest_items([draft], uow=services.uow(), clock=services.clock)[0].conversation_id


def deliver(services: Services, client: httpx.Client, *, timeout: float = 2.0) -> tuple[int, int, int]:
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=timeout, max_attempts=4)
    return done.sent, done.failed, done.retried


def test_replies_go_where_the_customer_wrote_with_idempotency_keys(services: Services, community: FakeVk, client: httpx.Client) -> None:
    actor = make_actor(services)
    dm = queue_reply(services, receive(services, "message_new_cyrillic"), "Анна, заказ №4471 у курьера, он позвонит до 18:00.", actor=actor)
    queue_reply(services, receive(services, "wall_reply_new"), "Анна, распродажа начнётся 27 ноября.", actor=actor)
    queue_reply(services, receive(services, "photo_comment_new"), "Yes, it is the new Sea Blue 💙", actor=actor)
    queue_reply(services, receive(services, "board_post_new"), "Tak, wysyłamy do Polski, dostawa 19 zł.", actor=actor)
    queue_reply(services, receive(services, "wall_post_new_suggest"), "Panie Łukaszu, proszę napisać do nas w wiadomości.", actor=actor)
    community.script["messages.send"] = [Act(slow=1.0)]  # sent, but the answer comes too late
    assert deliver(services, client, timeout=0.4) == (4, 0, 1)
    services.clock.advance(minutes=5)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    sends = community.calls_of("messages.send")
    assert len(sends) == 2 and sends[0]["random_id"] == sends[1]["random_id"] == str(random_id(dm.idempotency_key))
    assert json.loads(sends[0]["forward"]) == {"peer_id": 301555777, "conversation_message_ids": [412], "is_reply": True}
    # The message went out on the first, slow call; the retry with the same random_id posted nothing.
    assert [s["method"] for s in community.sent] == [
        "messages.send",
        "wall.createComment",
        "photos.createComment",
        "board.createComment",
        "wall.createComment",
    ]
    message, wall, photo, board, post = community.sent
    assert (wall["owner_id"], wall["post_id"], wall["reply_to_comment"], wall["from_group"]) == ("-218000111", "880", "7002", str(GROUP))
    assert (photo["photo_id"], photo["reply_to_comment"]) == ("457239100", "311")
    assert (board["group_id"], board["topic_id"], board["from_group"]) == (str(GROUP), "39421", "1")
    assert (post["post_id"], "reply_to_comment" in post) == ("891", False)
    assert all(len(s["guid"]) == 32 for s in community.sent[1:])
    with services.uow(write=False) as uow:
        sent = uow.replies.get(dm.id)
    assert sent is not None
    assert (sent.delivery_state.value, sent.external_id) == ("sent", f"msgid301555777_{message['id']}")


@pytest.mark.parametrize(
    ("code", "outcome"), [(6, (0, 0, 1)), (9, (0, 0, 1)), (10, (0, 0, 1)), (901, (0, 1, 0)), (15, (0, 1, 0)), (100, (0, 1, 0))]
)
def test_vk_error_codes_decide_retry_or_refusal(
    services: Services, community: FakeVk, client: httpx.Client, code: int, outcome: tuple[int, int, int]
) -> None:
    queue_reply(services, receive(services, "message_new_polish"), "Dzień dobry, paczka jest już w paczkomacie.")
    community.script["messages.send"] = [Act(error=code)]
    assert deliver(services, client) == outcome
    if outcome[2]:  # retried: it goes out once VK lets it, with the same random_id
        services.clock.advance(hours=2)  # type: ignore[attr-defined]
        assert deliver(services, client) == (1, 0, 0)
        first, second = community.calls_of("messages.send")
        assert first["random_id"] == second["random_id"]


def test_pin_and_like_need_the_admin_user_token(services: Services, community: FakeVk, client: httpx.Client) -> None:
    c = channel(services, client)
    assert (c.capabilities.can_pin, c.capabilities.can_like) == (False, False)
    with pytest.raises(DeliveryRejected, match="user token"):
        c.pin("wall-218000111_892")
    with services.uow() as uow:
        row = uow.sources.get("volna_vk")
        assert row is not None
        uow.sources.update("volna_vk", config={**row["config"], "user_token": USER_TOKEN})
        uow.commit()
    c = channel(services, client)
    assert (c.capabilities.can_pin, c.capabilities.can_like, c.capabilities.idempotent) == (True, True, True)
    c.pin("wall-218000111_892")
    assert community.pinned == {(-GROUP, 892)}
    c.unpin("wall-218000111_892")
    c.like("wall-218000111_880_7002")
    c.like("wall-218000111_891")
    assert [(like["type"], like["item_id"]) for like in community.likes] == [("comment", "7002"), ("post", "891")]
    with pytest.raises(DeliveryRejected, match="have no likes"):
        c.like("msg301555777_412")
    assert guid("k") == guid("k") != guid("k2")
