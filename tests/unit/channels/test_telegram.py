"""The Telegram adapter without a network: wire payloads to items, keys, the Bot API's answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from otklik.channels.base import ChannelContext, Liking, OutboundReply, Pinning, SourceConfig
from otklik.channels.generic import GenericChannel
from otklik.channels.registry import CHANNELS, build_channel, public_settings
from otklik.channels.telegram import MAX_TEXT, BotApi, MessageRef, TelegramChannel, keyword_pattern, message_key, parse_key
from otklik.domain.items import Addressing, Author, Item
from otklik.errors import ConfigError, DeliveryRejected, DeliveryUnknown, InvalidPayload, PlatformUnavailable, RateLimited, SignatureInvalid
from tests.fake_platforms.telegram import BOT, TOKEN

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "telegram"
BOT_ID = BOT["id"]


def update(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def settings(**extra: Any) -> dict[str, Any]:
    return {
        "token": TOKEN,
        "mode": "webhook",
        "bot_id": BOT_ID,
        "bot_username": "volna_care_bot",
        "brand_keywords": ["voln", "волн"],
        **extra,
    }


def make_channel(*, client: httpx.Client | None = None, **extra: Any) -> TelegramChannel:
    source = SourceConfig(name="volna_tg", kind="telegram", secret="s3cret-Token_1", settings=settings(**extra))
    return TelegramChannel(source, ChannelContext(client=client, timeout=2))


# (fixture, addressing, external_id, parent_external_id, thread_id, account, author id, author name, handle, text)
STORED = [
    ("private_message", "dm", "248112233:512", None, None, "@volna_care_bot", "248112233", "Mark Taylor", "@markt", "Hi, my headphones"),
    (
        "private_cyrillic",
        "dm",
        "301555777:88",
        None,
        None,
        "@volna_care_bot",
        "301555777",
        "Анна Смирнова",
        "@anna_s",
        "Здравствуйте! Где мой заказ #4471?",
    ),
    ("private_polish", "dm", "412009988:19", None, None, "@volna_care_bot", "412009988", "Łukasz Żółć", "", "Dzień dobry, paczka 88213"),
    ("private_emoji_only", "dm", "248112233:513", None, None, "@volna_care_bot", "248112233", "Mark Taylor", "@markt", "😡📦👨‍👩‍👧❓"),
    (
        "private_photo_caption",
        "dm",
        "412009988:20",
        None,
        None,
        "@volna_care_bot",
        "412009988",
        "Łukasz Żółć",
        "",
        "Tak wygląda paczka po dostawie 😢",
    ),
    ("private_sticker", "dm", "301555777:89", None, None, "@volna_care_bot", "301555777", "Анна Смирнова", "@anna_s", "[sticker 😭]"),
    (
        "group_mention",
        "direct",
        "-1001234567890:3301",
        None,
        "-1001234567890",
        "@volna_care_bot",
        "512300400",
        "Игорь",
        "@igor_v",
        "@volna_care_bot подскажите",
    ),
    (
        "group_reply_to_bot",
        "direct",
        "-1001234567890:3309",
        "-1001234567890:3305",
        "-1001234567890",
        "@volna_care_bot",
        "512300400",
        "Игорь",
        "@igor_v",
        "Спасибо, но курьер",
    ),
    (
        "group_brand_mention",
        "brand_mention",
        "-1001234567890:3310",
        None,
        "-1001234567890",
        "@volna_care_bot",
        "66100222",
        "Ola Nowak",
        "@ola_nowak",
        "Czy ktoś",
    ),
    (
        "channel_comment",
        "comment",
        "-1009876543210:1402",
        "-1009876543210:1398",
        "-1009876543210:1398",
        "@volna_care_bot",
        "301555777",
        "Анна Смирнова",
        "@anna_s",
        "Когда будет распродажа?",
    ),
    (
        "business_message",
        "dm",
        "55500111:4012@BQADAgADrwsAAk1uAUmM8Wkf",
        None,
        None,
        "business:BQADAgADrwsAAk1uAUmM8Wkf",
        "55500111",
        "Ola Nowak",
        "@ola_nowak",
        "Dzień dobry, czy mogę",
    ),
    (
        "edited_message",
        "dm",
        "248112233:512/edit/1795164600",
        "248112233:512",
        None,
        "@volna_care_bot",
        "248112233",
        "Mark Taylor",
        "@markt",
        "Hi, my headphones arrived broken, order 5521. The left ear cup",
    ),
]


@pytest.mark.parametrize(
    ("name", "addressing", "external_id", "parent", "thread", "account", "author_id", "author", "handle", "text"), STORED
)
def test_each_documented_payload_becomes_the_right_item(
    name: str,
    addressing: str,
    external_id: str,
    parent: str | None,
    thread: str | None,
    account: str,
    author_id: str,
    author: str,
    handle: str,
    text: str,
) -> None:
    raw = update(name)
    parsed = make_channel().parse_update(raw)
    assert parsed.ignored is None
    draft = parsed.draft
    assert draft is not None
    assert (draft.addressing.value, draft.external_id, draft.parent_external_id, draft.thread_id, draft.account) == (
        addressing,
        external_id,
        parent,
        thread,
        account,
    )
    assert (draft.author.external_id, draft.author.name, draft.author.handle) == (author_id, author, handle)
    assert draft.text.startswith(text)
    assert draft.raw == raw
    assert draft.source == "volna_tg"
    assert draft.created_at.tzinfo is not None


def test_times_links_and_edits() -> None:
    channel = make_channel()
    original = channel.parse_update(update("private_message")).draft
    edit = channel.parse_update(update("edited_message")).draft
    comment = channel.parse_update(update("channel_comment")).draft
    mention = channel.parse_update(update("group_mention")).draft
    assert original is not None and edit is not None and comment is not None and mention is not None
    assert original.created_at == datetime(2026, 11, 20, 8, 40, tzinfo=UTC)
    assert edit.created_at == datetime(2026, 11, 20, 8, 50, tzinfo=UTC)  # when it was edited
    assert original.url is None  # private chats have no public link
    assert mention.url == "https://t.me/volna_club/3301"
    assert comment.url == "https://t.me/c/9876543210/1402"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("group_chatter", "neither addresses the bot nor names the brand"),
        ("business_owner_message", "written by the business account itself"),
        ("callback_query", "callback_query update"),
    ],
)
def test_what_is_not_for_the_desk_is_ignored_with_a_reason(name: str, reason: str) -> None:
    parsed = make_channel().parse_update(update(name))
    assert parsed.draft is None
    assert reason in (parsed.ignored or "")


def test_bots_channel_posts_and_service_messages_are_ignored() -> None:
    channel = make_channel()
    from_bot = update("private_message")
    from_bot["message"]["from"] = dict(BOT)
    forwarded = update("channel_comment")
    forwarded["message"] = forwarded["message"]["reply_to_message"]
    service = update("private_message")
    del service["message"]["text"]
    service["message"]["new_chat_title"] = "Volna"
    channel_post = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1795164000,
            "chat": {"id": -1001112223334, "type": "channel"},
            "sender_chat": {"id": -1001112223334, "title": "Volna"},
            "text": "news",
        },
    }
    reasons = [channel.parse_update(u).ignored for u in (from_bot, forwarded, service, channel_post)]
    assert reasons == [
        "written by a bot",
        "the channel's own post, forwarded to its discussion group",
        "a service message: nothing written",
        "a message in a channel chat (the brand's own posts)",
    ]


@pytest.mark.parametrize(
    ("name", "loc"),
    [("malformed_no_chat", "message.chat"), ("malformed_update_id", "update_id")],
)
def test_malformed_updates_name_the_field(name: str, loc: str) -> None:
    with pytest.raises(InvalidPayload) as caught:
        make_channel().parse_update(update(name))
    assert caught.value.status_code == 422
    assert [p.loc for p in caught.value.problems] == [loc]


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b"42",
        b'{"update_id": true, "message": {}}',
        b'{"update_id": 1, "message": []}',
        b'{"update_id": 1, "message": {"message_id": 1, "date": 99999999999999, "chat": {"id": 1, "type": "private"}, "from": {"id": 1}, "text": "x"}}',
    ],
)
def test_odd_shapes_are_422_not_crashes(body: bytes) -> None:
    with pytest.raises(InvalidPayload) as caught:
        make_channel().parse(body)
    assert caught.value.status_code == 422


def test_not_json_is_400() -> None:
    with pytest.raises(InvalidPayload) as caught:
        make_channel().parse(b'{"update_id": ')
    assert caught.value.status_code == 400


@pytest.mark.parametrize(
    ("text", "direct"),
    [
        ("@volna_care_bot где заказ?", True),
        ("Спасибо @Volna_Care_Bot, всё пришло", True),
        ("/help@volna_care_bot", True),
        ("@volna_care_bot_fake где заказ?", False),
        ("email volna_care_bot@example.com", False),
    ],
)
def test_a_mention_is_the_whole_username_in_any_case(text: str, direct: bool) -> None:
    raw = update("group_chatter")
    raw["message"]["text"] = text
    draft = make_channel(brand_keywords=[]).parse_update(raw).draft
    assert (draft is not None and draft.addressing is Addressing.DIRECT) == direct


def test_a_text_mention_of_the_bot_is_direct() -> None:
    raw = update("group_chatter")
    raw["message"]["text"] = "Care team, please help"
    raw["message"]["entities"] = [{"type": "text_mention", "offset": 0, "length": 9, "user": dict(BOT)}]
    draft = make_channel().parse_update(raw).draft
    assert draft is not None and draft.addressing is Addressing.DIRECT


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("Заказывал в Волне, жду неделю", True),
        ("ВОЛНА опять тормозит", True),
        ("#volna support?", True),
        ("Czy ktoś zamawiał w Volnie?", True),
        ("безволновой режим", False),
        ("Revolne is a band", False),
    ],
)
def test_brand_keywords_match_at_word_starts_in_any_case(text: str, hit: bool) -> None:
    pattern = keyword_pattern(["voln", "волн", " "])
    assert pattern is not None
    assert bool(pattern.search(text)) == hit
    assert keyword_pattern(["", "  "]) is None


def test_brand_keywords_from_the_settings_count_too() -> None:
    raw = update("group_chatter")
    raw["message"]["text"] = "Кто-нибудь пробовал Otklik Shop?"
    alone = make_channel(brand_keywords=[])
    both = TelegramChannel(alone.source, ChannelContext(brand_keywords=("otklik",)))
    assert alone.parse_update(raw).draft is None
    draft = both.parse_update(raw).draft
    assert draft is not None and draft.addressing is Addressing.BRAND_MENTION


def test_keys_round_trip() -> None:
    key = message_key(-1001234567890, 45, business_connection_id="BQAD:x/y", edit_date=1795164600)
    assert key == "-1001234567890:45/edit/1795164600@BQAD:x/y"
    assert parse_key(key) == MessageRef(-1001234567890, 45, "BQAD:x/y")
    assert parse_key("248112233:512") == MessageRef(248112233, 512, None)
    with pytest.raises(DeliveryRejected):
        parse_key("tg-100234")


def test_the_secret_header_is_compared_exactly() -> None:
    channel = make_channel()
    body = b"{}"
    channel.verify({"x-telegram-bot-api-secret-token": "s3cret-Token_1"}, body)
    channel.verify({"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}, body)
    for headers, reason in [
        ({}, "missing"),
        ({"x-telegram-bot-api-secret-token": "s3cret-Token_2"}, "does not match"),
        ({"x-telegram-bot-api-secret-token": "s3cret-Token_1 "}, "does not match"),
        ({"x-telegram-bot-api-secret-token": "сЕкрет"}, "does not match"),
    ]:
        with pytest.raises(SignatureInvalid, match=reason):
            channel.verify(headers, body)


def test_settings_are_checked() -> None:
    for broken in ({"token": "not a token"}, {"mode": "carrier pigeon"}, {"bot_id": None}, {"brand_keywords": "volna"}):
        with pytest.raises(ConfigError):
            make_channel(**broken)
    with pytest.raises(ConfigError, match="unknown channel kind"):
        build_channel(SourceConfig(name="x", kind="fax", secret="s"), ChannelContext())


# --- the Bot API's answers, through httpx's mock transport --------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


def api_raising(handler: Handler) -> BotApi:
    return BotApi(TOKEN, client=httpx.Client(transport=httpx.MockTransport(handler)), base_url="http://api.test")


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("read timed out", request=request)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _cut(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)


@pytest.mark.parametrize(
    ("handler", "error", "words"),
    [
        (
            lambda r: httpx.Response(
                429,
                json={"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}},
            ),
            RateLimited,
            "retry after 7",
        ),
        (
            lambda r: httpx.Response(500, json={"ok": False, "error_code": 500, "description": "Internal Server Error"}),
            PlatformUnavailable,
            "500",
        ),
        (lambda r: httpx.Response(502, text="<html>Bad Gateway</html>"), PlatformUnavailable, "HTTP 502"),
        (
            lambda r: httpx.Response(400, json={"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}),
            DeliveryRejected,
            "message text is empty",
        ),
        (
            lambda r: httpx.Response(403, json={"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
            DeliveryRejected,
            "blocked",
        ),
        (
            lambda r: httpx.Response(
                400,
                json={
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: group chat was upgraded to a supergroup chat",
                    "parameters": {"migrate_to_chat_id": -1001},
                },
            ),
            DeliveryRejected,
            "now the supergroup -1001",
        ),
        (lambda r: httpx.Response(200, text="<html>oops</html>"), DeliveryUnknown, "unreadable"),
        (_timeout, DeliveryUnknown, "ReadTimeout"),
        (_cut, DeliveryUnknown, "RemoteProtocolError"),
        (_refused, PlatformUnavailable, "could not connect"),
    ],
)
def test_each_answer_maps_to_sent_not_sent_or_unknown(handler: Handler, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words) as caught:
        api_raising(handler).call("sendMessage", {"chat_id": 1, "text": "x"})
    assert TOKEN not in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 7


def _item(external_id: str, raw: dict[str, Any]) -> Item:
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    return Item(
        id=1,
        conversation_id=1,
        source="volna_tg",
        external_id=external_id,
        author=Author("1"),
        text="x",
        created_at=now,
        received_at=now,
        addressing=Addressing.DM,
        account="@volna_care_bot",
        parent_external_id=None,
        url=None,
        language=None,
        raw=raw,
    )


def test_send_answers_in_the_thread_with_reply_parameters() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = json.loads(request.content)
        seen.append(params)
        return httpx.Response(
            200,
            json={
                "ok": True,
                "result": {"message_id": 9001, "chat": {"id": params["chat_id"], "type": "private"}, "date": 1, "text": params["text"]},
            },
        )

    channel = make_channel(client=httpx.Client(transport=httpx.MockTransport(handler)))
    topic = {
        "message": {
            "message_id": 7,
            "message_thread_id": 3,
            "is_topic_message": True,
            "chat": {"id": -100777, "type": "supergroup", "is_forum": True},
        }
    }
    receipts = [
        channel.send(
            OutboundReply(1, "Mark, a new pair ships today.", "otk-1", "@volna_care_bot", _item("248112233:512/edit/1795164600", {}))
        ),
        channel.send(OutboundReply(2, "Pani Olu, zmieniliśmy adres.", "otk-2", "business:BQAD", _item("55500111:4012@BQAD", {}))),
        channel.send(OutboundReply(3, "Отвечаем в теме", "otk-3", "@volna_care_bot", _item("-100777:7", topic))),
    ]
    assert seen[0] == {
        "chat_id": 248112233,
        "text": "Mark, a new pair ships today.",
        "reply_parameters": {"message_id": 512, "allow_sending_without_reply": True},
    }
    assert seen[1]["business_connection_id"] == "BQAD"
    assert seen[2]["message_thread_id"] == 3
    assert [r.external_id for r in receipts] == ["248112233:9001", "55500111:9001@BQAD", "-100777:9001"]


def test_a_reply_too_long_for_telegram_is_refused_before_any_call() -> None:
    calls: list[httpx.Request] = []
    channel = make_channel(client=httpx.Client(transport=httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(500))))
    item = _item("248112233:512", {})
    with pytest.raises(DeliveryRejected, match="at most 4096"):
        channel.send(OutboundReply(1, "😀" * (MAX_TEXT // 2 + 1), "k", "", item))  # 4098 UTF-16 units
    with pytest.raises(DeliveryRejected, match="no customer message"):
        channel.send(OutboundReply(1, "hello", "k", "", None))
    assert calls == []


def test_the_token_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    api = api_raising(lambda r: httpx.Response(200, json={"ok": True, "result": True}))
    with caplog.at_level(logging.DEBUG):
        api.call("getMe")
    assert "sendMessage" not in caplog.text
    assert "/bot<token>/getMe" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


def test_capabilities_match_what_each_channel_implements() -> None:
    telegram = make_channel()
    generic = GenericChannel(SourceConfig(name="shop", kind="generic", secret="s", callback_url="http://127.0.0.1:9/r"), ChannelContext())
    assert {"generic", "telegram"} <= set(CHANNELS)  # each other kind checks its own
    for channel in (telegram, generic):
        caps = channel.capabilities
        assert caps.can_pin == isinstance(channel, Pinning)
        assert caps.can_like == isinstance(channel, Liking)
    assert (telegram.capabilities.idempotent, generic.capabilities.idempotent) == (False, True)
    assert telegram.capabilities.max_length == 4096
    assert not GenericChannel(SourceConfig(name="shop", kind="generic", secret="s"), ChannelContext()).capabilities.can_reply


def test_secret_settings_are_masked() -> None:
    shown = public_settings("telegram", settings())
    assert shown["token"] == "••••" + TOKEN[-4:]
    assert shown["bot_username"] == "volna_care_bot"
    assert public_settings("fax", {"key": "abc"}) == {"key": "••••"}
