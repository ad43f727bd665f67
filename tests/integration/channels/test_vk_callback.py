"""POST /hooks/vk/{source} over real HTTP: documented Callback API events stored right, or 4xx and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from otklik.services.sources import add_source, add_vk_channel
from otklik.store import tables as t
from tests.conftest import LiveServer
from tests.fake_platforms.vk import FakeVk

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "vk"
SECRET = "s3cretKey42"
CONFIRMATION = "a1b2c3d4"
GROUP = 218000111


def wire(name: str) -> bytes:
    """A fixture's bytes exactly as stored in the file (as VK would send them)."""
    return (FIXTURES / f"{name}.json").read_bytes()


def add_community(services: Any, api: FakeVk, *, name: str = "volna_vk", mode: str = "callback") -> None:
    """Connect the fake's community as a VK source (groups.getById runs against the fake)."""
    with httpx.Client() as client:
        add_vk_channel(
            name,
            group_id=GROUP,
            token=api.token,
            client=client,
            uow_factory=services.uow,
            clock=services.clock,
            mode=mode,
            confirmation=CONFIRMATION if mode == "callback" else None,
            secret=SECRET,
            brand_keywords=("voln", "волн"),
            api_base=api.api_base,
        )


@pytest.fixture
def server(live_server: LiveServer, fake_vk: FakeVk) -> LiveServer:
    add_community(live_server.services, fake_vk)  # type: ignore[attr-defined]
    return live_server


def post(server: LiveServer, body: bytes, *, source: str = "volna_vk") -> httpx.Response:
    return httpx.post(f"{server.url}/hooks/vk/{source}", content=body, headers={"content-type": "application/json"})


def count(server: LiveServer, table: Any) -> int:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def stored(server: LiveServer) -> list[Any]:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        return list(uow.connection.execute(select(t.items).order_by(t.items.c.id)).mappings())


# (fixture, addressing, external_id, text start, parent, conversation's thread key)
CASES = [
    ("message_new_cyrillic", "dm", "msg301555777_412", "Здравствуйте! Где мой заказ №4471?", None, ""),
    ("message_new_english", "dm", "msg248112233_413", "Hi, my headphones arrived broken", None, ""),
    (
        "message_new_polish",
        "dm",
        "msg412009988_9",
        "Dzień dobry, paczka 88213 nie dotarła do paczkomatu w Krakowie. Zażółć gęślą jaźń",
        None,
        "",
    ),
    ("message_new_emoji", "dm", "msg301555777_414", "😡📦👨‍👩‍👧❓", None, ""),
    ("message_new_sticker", "dm", "msg301555777_415", "[sticker]", None, ""),
    ("message_new_chat_mention", "direct", "msg2000000007_1877", "@volna_shop подскажите, когда вернут наушники X2?", None, "2000000007"),
    ("message_new_chat_brand", "brand_mention", "msg2000000007_1878", "Czy ktoś zamawiał ostatnio w Volnie?", None, "2000000007"),
    ("wall_reply_new", "comment", "wall-218000111_880_7002", "Когда будет распродажа?", "wall-218000111_880", "wall-218000111_880"),
    ("wall_reply_to_us", "comment", "wall-218000111_880_7010", "Спасибо, но курьер", "wall-218000111_880_7005", "wall-218000111_880"),
    ("wall_post_new_suggest", "direct", "wall-218000111_891", "Proszę o pomoc: słuchawki Volna X2", None, "wall-218000111_891"),
    (
        "photo_comment_new",
        "comment",
        "photo-218000111_457239100_311",
        "Is this the new colour? Looks great 💙",
        "photo-218000111_457239100",
        "photo-218000111_457239100",
    ),
    ("board_post_new", "comment", "topic-218000111_39421_57", "Czy wysyłacie do Polski?", "topic-218000111_39421", "topic-218000111_39421"),
]


@pytest.mark.parametrize(("name", "addressing", "external_id", "text", "parent", "thread"), CASES)
def test_each_documented_event_is_stored_and_answered_ok(
    server: LiveServer, name: str, addressing: str, external_id: str, text: str, parent: str | None, thread: str
) -> None:
    body = wire(name)
    answer = post(server, body)
    assert (answer.status_code, answer.text) == (200, "ok")
    assert answer.headers["content-type"].startswith("text/plain")
    [item] = stored(server)
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        conversation = uow.conversations.get(item["conversation_id"])
    assert conversation is not None
    assert (item["source"], item["external_id"], item["addressing"], item["parent_external_id"]) == (
        "volna_vk",
        external_id,
        addressing,
        parent,
    )
    assert item["text"].startswith(text)
    assert item["raw"] == json.loads(body)  # the whole event, secret and all, as VK sent it
    assert (conversation.thread_key, conversation.account) == (thread, "club218000111")


def test_the_confirmation_handshake_gets_the_string_and_stores_nothing(server: LiveServer) -> None:
    answer = post(server, wire("confirmation"))
    assert (answer.status_code, answer.text) == (200, CONFIRMATION)
    another = json.dumps({"type": "confirmation", "group_id": 1}).encode()
    assert post(server, another).status_code == 401  # someone else's community
    assert count(server, t.items) == 0


@pytest.mark.parametrize("name", ["message_new_chat_chatter", "wall_post_new_own", "wall_reply_own", "group_join"])
def test_events_with_nothing_for_the_desk_are_answered_ok_and_not_stored(server: LiveServer, name: str) -> None:
    answer = post(server, wire(name))
    assert (answer.status_code, answer.text) == (200, "ok")  # anything else and VK sends it again
    assert count(server, t.items) == 0


def test_a_redelivered_event_is_stored_once(server: LiveServer) -> None:
    first = post(server, wire("message_new_cyrillic"))
    again = post(server, wire("message_new_cyrillic"), source="volna_vk")
    assert (first.text, again.text) == ("ok", "ok")
    assert count(server, t.items) == 1


def test_edits_are_new_items_that_join_the_original(server: LiveServer) -> None:
    for name in ("message_new_cyrillic", "message_edit", "wall_reply_new", "wall_reply_edit"):
        assert post(server, wire(name)).text == "ok"
    items = stored(server)
    assert [i["external_id"] for i in items] == [
        "msg301555777_412",
        "msg301555777_412/edit/738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c",
        "wall-218000111_880_7002",
        "wall-218000111_880_7002/edit/a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f",
    ]
    assert items[0]["conversation_id"] == items[1]["conversation_id"]
    assert items[2]["conversation_id"] == items[3]["conversation_id"]
    assert items[0]["text"].endswith("Жду уже неделю 😡")  # the original never changes
    assert "курьер не звонил" in items[1]["text"]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda e: e, "does not match"),
        (lambda e: {k: v for k, v in e.items() if k != "secret"}, "missing secret"),
        (lambda e: {**e, "secret": ""}, "missing secret"),
        (lambda e: {**e, "secret": SECRET, "group_id": 1}, "not 218000111"),
    ],
)
def test_a_forged_or_missing_secret_is_401_and_nothing_is_stored(server: LiveServer, mutate: Any, reason: str) -> None:
    answer = post(server, json.dumps(mutate(json.loads(wire("forged_secret"))), ensure_ascii=False).encode())
    assert answer.status_code == 401
    assert reason in answer.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_malformed_events_are_4xx_with_the_field_named(server: LiveServer) -> None:
    no_object = post(server, wire("malformed_no_object"))
    assert no_object.status_code == 422
    assert [p["loc"] for p in no_object.json()["error"]["problems"]] == ["object"]
    bad_peer = post(server, wire("malformed_peer_id"))
    assert bad_peer.status_code == 422
    assert [p["loc"] for p in bad_peer.json()["error"]["problems"]] == ["object.message.peer_id"]
    assert post(server, b'{"type": "message_new", "object": ').status_code == 400
    assert post(server, b"[1, 2]").status_code == 422
    assert count(server, t.items) == 0


def test_unknown_sources_and_other_kinds_are_404(server: LiveServer) -> None:
    services = server.services  # type: ignore[attr-defined]
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret=SECRET)
    assert post(server, wire("message_new_english"), source="nope").status_code == 404
    other = post(server, wire("message_new_english"), source="shop")
    assert other.status_code == 404
    assert "not a vk channel" in other.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_the_webhook_is_described_in_openapi(server: LiveServer) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert {"200", "400", "401", "404", "413", "422"} <= set(spec["paths"]["/hooks/vk/{source}"]["post"]["responses"])


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSONISH, where=st.sampled_from(["type", "object", "event_id", "object.id", "object.post_id", "object.date", "object.text"]))
def test_no_event_gets_a_500(server: LiveServer, value: Any, where: str) -> None:
    """A real event with one field replaced by random JSON: always a clear answer, never a 500."""
    event = json.loads(wire("wall_reply_new"))
    target = event
    *path, last = where.split(".")
    for key in path:
        target = target[key]
    target[last] = value
    answer = post(server, json.dumps(event, ensure_ascii=False).encode())
    assert answer.status_code in (200, 400, 401, 422)
    if answer.status_code >= 400:
        assert answer.json()["error"]["reason"]
