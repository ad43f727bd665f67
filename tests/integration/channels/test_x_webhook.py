"""X webhooks over real HTTP: the CRC, signed events stored right, or 4xx and nothing stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from otklik.channels.x import sign
from otklik.services.platform_channels import add_x_channel
from otklik.store import tables as t
from tests.conftest import LiveServer
from tests.fake_platforms.loopback import serve, stop
from tests.fake_platforms.x import CONSUMER_SECRET, USER_TOKEN, FakeX

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "x"


def wire(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.fixture
def api() -> Iterator[FakeX]:
    fake = FakeX()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


@pytest.fixture
def server(live_server: LiveServer, api: FakeX) -> LiveServer:
    services = live_server.services  # type: ignore[attr-defined]
    with httpx.Client() as client:
        add_x_channel(
            "volna_x",
            user_token=USER_TOKEN,
            consumer_secret=CONSUMER_SECRET,
            mode="webhook",
            api_base=api.api_base,
            client=client,
            uow_factory=services.uow,
            clock=services.clock,
        )
    return live_server


def post(server: LiveServer, body: bytes, *, signature: str | None = "valid") -> httpx.Response:
    headers = {"content-type": "application/json"}
    if signature == "valid":
        headers["x-twitter-webhooks-signature"] = sign(body, CONSUMER_SECRET)
    elif signature is not None:
        headers["x-twitter-webhooks-signature"] = signature
    return httpx.post(f"{server.url}/hooks/x/volna_x", content=body, headers=headers)


def count(server: LiveServer, table: Any) -> int:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_crc_is_answered_with_the_documented_hmac(server: LiveServer) -> None:
    answer = httpx.get(f"{server.url}/hooks/x/volna_x", params={"crc_token": "Y2hhbGxlbmdl"})
    expected = base64.b64encode(hmac.new(CONSUMER_SECRET.encode(), b"Y2hhbGxlbmdl", hashlib.sha256).digest()).decode()
    assert answer.status_code == 200
    assert answer.json() == {"response_token": f"sha256={expected}"}
    assert httpx.get(f"{server.url}/hooks/x/volna_x").status_code == 400


# (fixture, addressing, external_id, author handle, text start, parent, followers)
CASES = [
    ("mention", "direct", "1861000000000000101", "@markt", "@volna_care my headphones arrived broken", None, 15400),
    ("reply_cyrillic", "direct", "1861000000000000102", "@anna_s", "@volna_care Здравствуйте! Где мой заказ", "1860999999999999001", 2300),
    ("mention_polish", "direct", "1861000000000000103", "@lukasz_zolc", "@volna_care Dzień dobry, paczka 88213", None, 85),
    ("mention_emoji_only", "direct", "1861000000000000104", "@markt", "@volna_care 😡📦❓", None, 15400),
    ("mention_extended", "direct", "1861000000000000105", "@anna_s", "@volna_care Long story", None, 2300),
    ("dm", "dm", "dm:1861000000000000201", "@anna_s", "Добрый день! Списали деньги дважды", None, None),
    ("brand_mention_v2", "brand_mention", "1861000000000000301", "@lukasz_zolc", "Czy ktoś zamawiał ostatnio w Volna?", None, 85),
]


@pytest.mark.parametrize(("name", "addressing", "external_id", "handle", "text", "parent", "followers"), CASES)
def test_each_documented_event_is_stored_as_the_right_item(
    server: LiveServer, name: str, addressing: str, external_id: str, handle: str, text: str, parent: str | None, followers: int | None
) -> None:
    answer = post(server, wire(name))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "stored"
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        item = uow.items.get(answer.json()["item_id"])
    assert item is not None
    assert (item.source, item.external_id, item.addressing.value, item.author.handle, item.parent_external_id, item.account) == (
        "volna_x",
        external_id,
        addressing,
        handle,
        parent,
        "@volna_care",
    )
    assert item.text.startswith(text)
    assert item.raw  # the event, as X sent it


def test_the_full_text_of_a_long_post_is_kept(server: LiveServer) -> None:
    answer = post(server, wire("mention_extended")).json()
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        item = uow.items.get(answer["item_id"])
    assert item is not None
    assert item.text.endswith("support chat is closed. Help?")
    assert item.url == "https://x.com/anna_s/status/1861000000000000105"


@pytest.mark.parametrize("name", ["own_tweet", "retweet", "own_dm", "favorite"])
def test_events_with_nothing_for_the_desk_are_acknowledged_and_not_stored(server: LiveServer, name: str) -> None:
    answer = post(server, wire(name))
    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    assert count(server, t.items) == 0


def test_an_edit_joins_the_original_and_a_redelivery_is_stored_once(server: LiveServer) -> None:
    original = post(server, wire("mention")).json()
    edit = post(server, wire("edited_v2")).json()
    assert edit["conversation_id"] == original["conversation_id"]
    again = post(server, wire("edited_v2")).json()
    assert (again["status"], again["item_id"]) == ("duplicate", edit["item_id"])
    assert count(server, t.items) == 2


@pytest.mark.parametrize(("signature", "reason"), [(None, "missing"), ("sha256=AAAA", "does not match")])
def test_a_forged_or_missing_signature_is_401_and_nothing_is_stored(server: LiveServer, signature: str | None, reason: str) -> None:
    answer = post(server, wire("forged_signature"), signature=signature)
    assert answer.status_code == 401
    assert reason in answer.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_malformed_events_are_4xx_with_the_field_named(server: LiveServer) -> None:
    no_id = post(server, wire("malformed_no_id"))
    assert no_id.status_code == 422
    assert [p["loc"] for p in no_id.json()["error"]["problems"]] == ["tweet_create_events.0.id"]
    bad_time = post(server, wire("malformed_time"))
    assert bad_time.status_code == 422
    assert post(server, b"[1, 2").status_code == 400
    assert count(server, t.items) == 0
