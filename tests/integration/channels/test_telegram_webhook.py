"""POST /hooks/telegram/{source} over real HTTP: documented updates stored right, or 4xx and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from otklik.channels.generic import sign
from otklik.services.sources import add_source
from otklik.store import tables as t
from tests.builders import payload
from tests.conftest import LiveServer
from tests.fake_platforms.telegram import FakeBotApi
from tests.integration.channels.conftest import SECRET, add_bot
from tests.support.http import local

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "telegram"


def wire(name: str) -> bytes:
    """A fixture's bytes exactly as stored in the file (as Telegram would send them)."""
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.fixture
def server(live_server: LiveServer, fake_telegram: FakeBotApi) -> LiveServer:
    add_bot(live_server.services, fake_telegram)  # type: ignore[attr-defined]
    return live_server


def post(server: LiveServer, body: bytes, *, secret: str | None = SECRET, source: str = "volna_tg") -> httpx.Response:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return local.post(f"{server.url}/hooks/telegram/{source}", content=body, headers=headers)


def count(server: LiveServer, table: Any) -> int:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


# (fixture, addressing, external_id, author name, text start, parent, conversation's thread key, account)
CASES = [
    ("private_message", "dm", "248112233:512", "Mark Taylor", "Hi, my headphones arrived broken", None, "", "@volna_care_bot"),
    (
        "private_cyrillic",
        "dm",
        "301555777:88",
        "Анна Смирнова",
        "Здравствуйте! Где мой заказ #4471? Жду уже неделю",
        None,
        "",
        "@volna_care_bot",
    ),
    (
        "private_polish",
        "dm",
        "412009988:19",
        "Łukasz Żółć",
        "Dzień dobry, paczka 88213 nie dotarła do paczkomatu w Krakowie. Zażółć gęślą jaźń",
        None,
        "",
        "@volna_care_bot",
    ),
    ("private_emoji_only", "dm", "248112233:513", "Mark Taylor", "😡📦👨‍👩‍👧❓", None, "", "@volna_care_bot"),
    ("private_photo_caption", "dm", "412009988:20", "Łukasz Żółć", "Tak wygląda paczka po dostawie 😢", None, "", "@volna_care_bot"),
    ("group_mention", "direct", "-1001234567890:3301", "Игорь", "@volna_care_bot подскажите", None, "-1001234567890", "@volna_care_bot"),
    (
        "group_reply_to_bot",
        "direct",
        "-1001234567890:3309",
        "Игорь",
        "Спасибо, но курьер так и не приехал",
        "-1001234567890:3305",
        "-1001234567890",
        "@volna_care_bot",
    ),
    (
        "group_brand_mention",
        "brand_mention",
        "-1001234567890:3310",
        "Ola Nowak",
        "Czy ktoś zamawiał ostatnio w Volnie?",
        None,
        "-1001234567890",
        "@volna_care_bot",
    ),
    (
        "channel_comment",
        "comment",
        "-1009876543210:1402",
        "Анна Смирнова",
        "Когда будет распродажа?",
        "-1009876543210:1398",
        "-1009876543210:1398",
        "@volna_care_bot",
    ),
    (
        "business_message",
        "dm",
        "55500111:4012@BQADAgADrwsAAk1uAUmM8Wkf",
        "Ola Nowak",
        "Dzień dobry, czy mogę zmienić adres",
        None,
        "",
        "business:BQADAgADrwsAAk1uAUmM8Wkf",
    ),
    (
        "edited_message",
        "dm",
        "248112233:512/edit/1795164600",
        "Mark Taylor",
        "Hi, my headphones arrived broken, order 5521. The left",
        "248112233:512",
        "",
        "@volna_care_bot",
    ),
]


@pytest.mark.parametrize(("name", "addressing", "external_id", "author", "text", "parent", "thread", "account"), CASES)
def test_each_documented_update_is_stored_as_the_right_item(
    server: LiveServer, name: str, addressing: str, external_id: str, author: str, text: str, parent: str | None, thread: str, account: str
) -> None:
    body = wire(name)
    answer = post(server, body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "stored"
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        item = uow.items.get(answer.json()["item_id"])
        assert item is not None
        conversation = uow.conversations.get(item.conversation_id)
    assert conversation is not None
    assert (item.source, item.external_id, item.addressing.value, item.author.name, item.parent_external_id) == (
        "volna_tg",
        external_id,
        addressing,
        author,
        parent,
    )
    assert item.text.startswith(text)
    assert item.raw == json.loads(body)  # the whole update, as Telegram sent it
    assert (conversation.thread_key, conversation.account, conversation.author_external_id) == (thread, account, item.author.external_id)


@pytest.mark.parametrize("name", ["group_chatter", "business_owner_message", "callback_query"])
def test_updates_with_nothing_for_the_desk_are_acknowledged_and_not_stored(server: LiveServer, name: str) -> None:
    answer = post(server, wire(name))
    assert answer.status_code == 200  # any other answer makes Telegram send it again and again
    assert answer.json() == {"status": "ignored"}
    assert count(server, t.items) == 0


def test_a_redelivered_update_is_stored_once(server: LiveServer) -> None:
    first = post(server, wire("private_cyrillic"))
    again = post(server, wire("private_cyrillic"))
    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "status": "duplicate", "duplicate": True}
    assert count(server, t.items) == 1


def test_an_edit_joins_the_original_and_keeps_it(server: LiveServer) -> None:
    original = post(server, wire("private_message")).json()
    edit = post(server, wire("edited_message")).json()
    assert edit["conversation_id"] == original["conversation_id"]
    assert edit["item_id"] != original["item_id"]
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        texts = [i.text for i in uow.items.for_conversation(original["conversation_id"])]
    assert texts[0] == "Hi, my headphones arrived broken, order 5521. What now?"  # never changed
    assert "left ear cup is cracked" in texts[1]


def test_one_person_in_a_dm_a_group_and_a_comment_thread_has_three_conversations(server: LiveServer) -> None:
    dm = post(server, wire("private_cyrillic")).json()
    comment = post(server, wire("channel_comment")).json()
    sticker = post(server, wire("private_sticker")).json()  # the same person, in the same DM again
    assert dm["conversation_id"] == sticker["conversation_id"]
    assert comment["conversation_id"] != dm["conversation_id"]


@pytest.mark.parametrize(
    ("secret", "reason"),
    [(None, "missing X-Telegram-Bot-Api-Secret-Token"), ("forged-token", "does not match"), ("", "missing")],
)
def test_a_forged_or_missing_secret_is_401_and_nothing_is_stored(server: LiveServer, secret: str | None, reason: str) -> None:
    answer = post(server, wire("forged_secret"), secret=secret)
    assert answer.status_code == 401
    assert reason in answer.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_malformed_updates_are_4xx_with_the_field_named(server: LiveServer) -> None:
    missing_chat = post(server, wire("malformed_no_chat"))
    assert missing_chat.status_code == 422
    assert [p["loc"] for p in missing_chat.json()["error"]["problems"]] == ["message.chat"]
    bad_id = post(server, wire("malformed_update_id"))
    assert bad_id.status_code == 422
    not_json = post(server, b'{"update_id": 1, "message": ')
    assert not_json.status_code == 400
    assert "not valid JSON" in not_json.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_unknown_sources_and_other_kinds_are_404(server: LiveServer) -> None:
    services = server.services  # type: ignore[attr-defined]
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret=SECRET)
    assert post(server, wire("private_message"), source="nope").status_code == 404
    other = post(server, wire("private_message"), source="shop")
    assert other.status_code == 404
    assert "not a telegram channel" in other.json()["error"]["reason"]
    # Nor does the bot's secret token sign generic items for it.
    item = json.dumps(payload(external_id="x-1")).encode()
    generic = local.post(f"{server.url}/hooks/generic/volna_tg", content=item, headers={"x-otklik-signature": sign(item, SECRET)})
    assert generic.status_code == 404
    assert "is a telegram channel" in generic.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_the_webhook_is_described_in_openapi(server: LiveServer) -> None:
    spec = local.get(f"{server.url}/openapi.json").json()
    assert {"400", "401", "404", "413", "422"} <= set(spec["paths"]["/hooks/telegram/{source}"]["post"]["responses"])


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=JSONISH,
    where=st.sampled_from(
        ["(body)", "update_id", "message", "message.chat", "message.from", "message.date", "message.text", "message.reply_to_message"]
    ),
)
def test_no_update_gets_a_500(server: LiveServer, value: Any, where: str) -> None:
    """Random JSON, and a real update with one field replaced by random JSON: always a clear answer."""
    update: Any = value
    if where != "(body)":
        update = json.loads(wire("group_reply_to_bot"))
        target = update
        *path, last = where.split(".")
        for key in path:
            target = target[key]
        target[last] = value
    answer = post(server, json.dumps(update, ensure_ascii=False).encode())
    assert answer.status_code in (200, 400, 422)
    if answer.status_code >= 400:
        assert answer.json()["error"]["reason"]
