"""Meta webhooks over real HTTP: the GET verification, signed events stored right, or 4xx and nothing stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from otklik.channels.meta import sign
from otklik.services.platform_channels import add_meta_channel
from otklik.store import tables as t
from tests.conftest import LiveServer
from tests.fake_platforms.loopback import serve, stop
from tests.fake_platforms.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, FakeGraph
from tests.support.http import local

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "meta"
VERIFY = "verify-me-0123456789"


def wire(name: str) -> bytes:
    """A fixture's bytes as Meta sends them (non-ASCII escaped as \\uXXXX)."""
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


@pytest.fixture
def server(live_server: LiveServer, graph: FakeGraph) -> LiveServer:
    services = live_server.services  # type: ignore[attr-defined]
    with httpx.Client() as client:
        add_meta_channel(
            "volna_meta",
            page_id=PAGE_ID,
            page_token=PAGE_TOKEN,
            app_secret=APP_SECRET,
            verify_token=VERIFY,
            api_base=graph.api_base,
            client=client,
            uow_factory=services.uow,
            clock=services.clock,
        )
    return live_server


def post(server: LiveServer, body: bytes, *, signature: str | None = "valid") -> httpx.Response:
    headers = {"content-type": "application/json"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = sign(body, APP_SECRET)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return local.post(f"{server.url}/hooks/meta/volna_meta", content=body, headers=headers)


def count(server: LiveServer, table: Any) -> int:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_verification_request_echoes_the_challenge_only_for_our_token(server: LiveServer) -> None:
    url = f"{server.url}/hooks/meta/volna_meta"
    ok = local.get(url, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = local.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert wrong.status_code == 403
    assert "1158201444" not in wrong.text
    assert local.get(url, params={"hub.mode": "unsubscribe", "hub.verify_token": VERIFY}).status_code == 400
    assert local.get(f"{server.url}/hooks/meta/nope", params={"hub.challenge": "1"}).status_code == 404


# (fixture, addressing, external_id, author name, text start, parent, thread key, account)
CASES = [
    (
        "fb_comment_cyrillic",
        "comment",
        "fb:9988776655_1122334455",
        "Анна Смирнова",
        "Здравствуйте! Где мой заказ #4471?",
        None,
        "1029384756_9988776655",
        "facebook:1029384756",
    ),
    (
        "fb_comment_polish",
        "comment",
        "fb:9988776655_1122334466",
        "Łukasz Żółć",
        "Dzień dobry, paczka 88213 nie dotarła",
        None,
        "1029384756_9988776655",
        "facebook:1029384756",
    ),
    (
        "fb_comment_reply",
        "comment",
        "fb:9988776655_1122334477",
        "Mark Taylor",
        "@Volna and the refund",
        "fb:9988776655_1122334455",
        "1029384756_9988776655",
        "facebook:1029384756",
    ),
    (
        "fb_comment_emoji_only",
        "comment",
        "fb:9988776655_1122334488",
        "Mark Taylor",
        "😡📦❓",
        None,
        "1029384756_9988776655",
        "facebook:1029384756",
    ),
    ("fb_visitor_post", "direct", "fb:1029384756_7766554433", "Mark Taylor", "Hi Volna, my headphones", None, "", "facebook:1029384756"),
    ("fb_page_mention", "direct", "fb:6345678901234567_5544332211", "Mark Taylor", "Shout-out to Volna", None, "", "facebook:1029384756"),
    (
        "messenger_dm",
        "dm",
        "msg:m_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "",
        "Hi, my headphones arrived broken",
        None,
        "",
        "messenger:1029384756",
    ),
    (
        "messenger_cyrillic",
        "dm",
        "msg:m_CyrCyrCyrCyr0123456789",
        "",
        "Добрый день! Списали деньги дважды",
        None,
        "",
        "messenger:1029384756",
    ),
    ("messenger_emoji_only", "dm", "msg:m_EmojiEmojiEmoji0123456", "", "😡📦👨‍👩‍👧❓", None, "", "messenger:1029384756"),
    ("messenger_photo", "dm", "msg:m_PhotoPhotoPhoto0123456", "", "[photo]", None, "", "messenger:1029384756"),
    ("messenger_postback", "dm", "msg:m_PostbackPostback012345", "", "[pressed Track my order]", None, "", "messenger:1029384756"),
]


@pytest.mark.parametrize(("name", "addressing", "external_id", "author", "text", "parent", "thread", "account"), CASES)
def test_each_documented_event_is_stored_as_the_right_item(
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
        "volna_meta",
        external_id,
        addressing,
        author,
        parent,
    )
    assert item.text.startswith(text)
    sent = json.loads(body)["entry"][0]
    kept = item.raw.get("change") or item.raw.get("messaging")
    assert kept == (sent.get("changes") or sent.get("messaging"))[0]  # the event, as Meta sent it
    assert (conversation.thread_key, conversation.account) == (thread, account)


@pytest.mark.parametrize("name", ["fb_own_comment", "fb_reaction", "messenger_echo", "messenger_read"])
def test_events_with_nothing_for_the_desk_are_acknowledged_and_not_stored(server: LiveServer, name: str) -> None:
    answer = post(server, wire(name))
    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    assert count(server, t.items) == 0


def test_an_edit_and_a_removal_join_the_original_and_keep_it(server: LiveServer) -> None:
    original = post(server, wire("fb_comment_cyrillic")).json()
    edit = post(server, wire("fb_comment_edited")).json()
    removal = post(server, wire("fb_comment_removed")).json()
    assert edit["conversation_id"] == removal["conversation_id"] == original["conversation_id"]
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        items = uow.items.for_conversation(original["conversation_id"])
    assert [(i.external_id, i.text) for i in items] == [
        ("fb:9988776655_1122334455", "Здравствуйте! Где мой заказ #4471? Жду уже неделю 😡"),  # never changed
        ("fb:9988776655_1122334455/edit/1795165500", "Здравствуйте! Где мой заказ #4471? Жду уже неделю, курьер не звонил"),
        ("fb:9988776655_1122334455/remove/1795166100", "[comment removed on Facebook]"),
    ]


def test_instagram_events_need_the_linked_account_and_are_stored(server: LiveServer) -> None:
    # The connection test found the Instagram account linked to the Page and kept its id.
    comment = post(server, wire("ig_comment")).json()
    mention = post(server, wire("ig_mention")).json()
    dm = post(server, wire("ig_dm")).json()
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        items = [uow.items.get(a["item_id"]) for a in (comment, mention, dm)]
    assert [(i.external_id, i.addressing.value, i.account, i.author.handle) for i in items if i] == [
        ("ig:17865432109876543", "comment", "instagram:17841400000000001", "@ola.nowak"),
        ("ig:mention:18098765432109876:17887766554433221", "direct", "instagram:17841400000000001", ""),
        ("igdm:aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAw", "dm", "instagram:17841400000000001", ""),
    ]


def test_a_batch_stores_every_event_and_a_redelivery_stores_none_again(server: LiveServer) -> None:
    first = post(server, wire("batch_comment_and_dm"))
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["stored", "stored"]
    again = post(server, wire("batch_comment_and_dm"))
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert count(server, t.items) == 2


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (None, "missing X-Hub-Signature-256"),
        ("sha256=" + "0" * 64, "does not match"),
        ("sha1=5b2c1a", "does not match"),
    ],
)
def test_a_forged_or_missing_signature_is_401_and_nothing_is_stored(server: LiveServer, signature: str | None, reason: str) -> None:
    answer = post(server, wire("forged_signature"), signature=signature)
    assert answer.status_code == 401
    assert reason in answer.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_a_body_signed_then_re_encoded_is_refused(server: LiveServer) -> None:
    # The signature covers the bytes as sent: the same JSON re-serialised does not match.
    body = wire("fb_comment_cyrillic")
    reencoded = json.dumps(json.loads(body), ensure_ascii=False).encode()
    answer = local.post(f"{server.url}/hooks/meta/volna_meta", content=reencoded, headers={"X-Hub-Signature-256": sign(body, APP_SECRET)})
    assert answer.status_code == 401
    assert count(server, t.items) == 0


def test_malformed_bodies_are_4xx_with_the_field_named(server: LiveServer) -> None:
    missing = post(server, wire("malformed_no_comment_id"))
    assert missing.status_code == 422
    assert [p["loc"] for p in missing.json()["error"]["problems"]] == ["entry.0.changes.0.value.comment_id"]
    no_id = post(server, wire("malformed_entry"))
    assert no_id.status_code == 422
    not_json = post(server, b'{"object": "page", "entry": [')
    assert not_json.status_code == 400
    wrong_object = post(server, b'{"object": "user", "entry": []}')
    assert wrong_object.status_code == 422
    assert count(server, t.items) == 0


def test_the_webhook_is_described_in_openapi(server: LiveServer) -> None:
    spec = local.get(f"{server.url}/openapi.json").json()
    assert {"400", "401", "404", "413", "422"} <= set(spec["paths"]["/hooks/meta/{source}"]["post"]["responses"])
    assert "403" in spec["paths"]["/hooks/{kind}/{source}"]["get"]["responses"]
