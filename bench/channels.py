"""Channel figures: Telegram, Mastodon and VK events per second, pushed and pulled.

The updates are a realistic mix (``updates``): private chats in Russian, Polish and English
(some with emoji, photos with captions, stickers), group mentions and replies to the bot,
posts naming the brand, group chatter the desk ignores, comments under a channel post,
Telegram Business messages and edits; 300-1,000 bytes each, as the Bot API sends them.

- **webhook**: per body, the secret header check, JSON decoding and parsing into an item,
  as ``/hooks/telegram/{source}`` does before it hands the item to the ingest writer;
- **polling**: decoding a ``getUpdates`` answer of 100 updates and parsing each;
- **polling pass into SQLite**: the whole ``TelegramPoller.poll_once`` (the Bot API client
  over an in-process transport, parsing, storing and committing 100 updates per
  transaction, acknowledging by offset), into a fresh database;
- **e-mail parsing**: raw RFC 5322 messages (the captured cases in
  ``tests/fixtures/channels/email``: plain, HTML-only, quoted replies, koi8-r, windows-1251,
  iso-8859-2, encoded-word subjects, an attachment, auto-replies, bounces, list mail) parsed
  into items or skipped, as the IMAP reader does after FETCH.
"""

from __future__ import annotations

import random
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.report import BenchResult
from otklik.bootstrap import build_services
from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.email import Mailbox, parse_message
from otklik.channels.telegram import SECRET_HEADER, TelegramChannel
from otklik.clock import FixedClock
from otklik.config import Settings
from otklik.services.polling import TelegramPoller
from otklik.services.sources import add_telegram_channel

TOKEN = "7711000111:AAbenchTokenBenchTokenBenchToken0"  # noqa: S105 - a made-up token for an in-process fake
SECRET = "bench-secret-token_0123456789"  # noqa: S105 - likewise
BOT = {"id": 7711000111, "is_bot": True, "first_name": "Volna Care", "username": "volna_care_bot"}
T0 = int(datetime(2026, 11, 20, 8, 0, tzinfo=UTC).timestamp())

_TEXTS = {
    "ru": [
        "Здравствуйте! Где мой заказ #{n}? Жду уже неделю, курьер не звонил 😡",
        "Спасибо за быструю доставку, всё пришло целым 🙏",
        "Почему списали деньги дважды за заказ {n}? Верните, пожалуйста",
        "Приложение опять не открывается после обновления, что случилось?",
    ],
    "pl": [
        "Dzień dobry, paczka {n} nie dotarła do paczkomatu w Krakowie. Co się dzieje?",
        "Zażółć gęślą jaźń — kiedy wrócą słuchawki X2 do sprzedaży?",
        "Dziękuję za szybki zwrot pieniędzy za zamówienie {n} 👍",
    ],
    "en": [
        "Hi, my headphones arrived broken, order {n}. What now?",
        "Love the new app update, great job team 💙",
        "Still waiting on refund {n}, it's been two weeks",
    ],
}
_PEOPLE = [
    {"first_name": "Анна", "last_name": "Смирнова", "username": "anna_s", "language_code": "ru"},
    {"first_name": "Łukasz", "last_name": "Żółć", "language_code": "pl"},
    {"first_name": "Mark", "last_name": "Taylor", "username": "markt", "language_code": "en"},
    {"first_name": "Игорь", "username": "igor_v", "language_code": "ru"},
]
_CLUB = {"id": -1001234567890, "title": "Volna Klub", "username": "volna_club", "type": "supergroup"}
_DISCUSSION = {"id": -1009876543210, "title": "Volna — обсуждение", "type": "supergroup"}
_CHANNEL = {"id": -1001112223334, "title": "Volna", "username": "volna_news", "type": "channel"}


def updates(count: int, *, seed: int = 7, first_id: int = 870_000_000) -> list[dict[str, Any]]:
    """``count`` updates in the documented shapes, a realistic mix of kinds and languages."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(count):
        person = rng.choice(_PEOPLE)
        user_id = 200_000_000 + rng.randrange(50_000)
        user = {"id": user_id, "is_bot": False, **person}
        lang = {"ru": "ru", "pl": "pl", "en": "en"}[person["language_code"]]
        text = rng.choice(_TEXTS[lang]).format(n=rng.randrange(1000, 99999))
        private = {"id": user_id, "type": "private", **{k: v for k, v in person.items() if k != "language_code"}}
        message: dict[str, Any] = {"message_id": 1000 + i, "from": user, "date": T0 + i, "chat": private, "text": text}
        kind = rng.random()
        field = "message"
        if kind < 0.40:
            pass  # a private chat
        elif kind < 0.47:
            del message["text"]
            message["photo"] = [{"file_id": f"AgAC{i}", "file_unique_id": f"AQAD{i}", "width": 1280, "height": 960, "file_size": 98011}]
            message["caption"] = text
        elif kind < 0.50:
            del message["text"]
            message["sticker"] = {
                "file_id": f"CAAC{i}",
                "file_unique_id": f"AgAD{i}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "emoji": "😭",
            }
        elif kind < 0.60:
            message["chat"] = _CLUB
            message["text"] = "@volna_care_bot " + text
            message["entities"] = [{"offset": 0, "length": 15, "type": "mention"}]
        elif kind < 0.65:
            message["chat"] = _CLUB
            message["reply_to_message"] = {"message_id": 900 + i, "from": BOT, "chat": _CLUB, "date": T0, "text": "Мы уже разбираемся."}
        elif kind < 0.72:
            message["chat"] = _CLUB
            message["text"] = text + (" Volna" if lang != "ru" else " Волна")
        elif kind < 0.82:
            message["chat"] = _CLUB  # chatter: ignored
            message["text"] = "Всем привет, кто идёт в субботу на концерт?"
        elif kind < 0.90:
            message["chat"] = _DISCUSSION
            message["message_thread_id"] = 77
            message["reply_to_message"] = {
                "message_id": 77,
                "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                "sender_chat": _CHANNEL,
                "chat": _DISCUSSION,
                "date": T0,
                "is_automatic_forward": True,
                "text": "Новые наушники Volna X2 уже в продаже!",
            }
        elif kind < 0.96:
            field = "business_message"
            message["business_connection_id"] = "BQADAgADrwsAAk1uAUmM8Wkf"
        else:
            field = "edited_message"
            message["edit_date"] = T0 + i + 60
        out.append({"update_id": first_id + i, field: message})
    return out


def _channel() -> TelegramChannel:
    settings = {"token": TOKEN, "mode": "webhook", "bot_id": BOT["id"], "bot_username": BOT["username"], "brand_keywords": ["voln", "волн"]}
    return TelegramChannel(SourceConfig(name="volna_tg", kind="telegram", secret=SECRET, settings=settings), ChannelContext())


EMAIL_FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "channels" / "email"


def email_messages(count: int) -> list[bytes]:
    """``count`` raw messages cycling through the captured cases, each with its own Message-ID."""
    cases = [p.read_bytes() for p in sorted(EMAIL_FIXTURES.glob("*.eml"))]
    out = []
    for i in range(count):
        raw = cases[i % len(cases)]
        out.append(raw.replace(b"Message-ID: <", f"Message-ID: <b{i}.".encode(), 1))
    return out


def _best(rounds: int, fn: Callable[[], int]) -> float:
    """The best rate of ``rounds`` runs of ``fn`` (which returns how many updates it did), per second."""
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        done = fn()
        best = max(best, done / (time.perf_counter() - started))
    return best


def _fake_bot_api(pages: list[dict[str, Any]]) -> httpx.MockTransport:
    """getMe, deleteWebhook and getUpdates (offsets acknowledge) over an in-process transport."""
    confirmed = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        params = orjson.loads(request.content) if request.content else {}
        if method == "getMe":
            return httpx.Response(200, json={"ok": True, "result": BOT})
        if method == "deleteWebhook":
            return httpx.Response(200, json={"ok": True, "result": True})
        confirmed[0] = max(confirmed[0], int(params.get("offset") or 0))
        waiting = [u for u in pages if u["update_id"] >= confirmed[0]][: int(params.get("limit", 100))]
        return httpx.Response(200, content=orjson.dumps({"ok": True, "result": waiting}), headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def run(*, quick: bool = False) -> BenchResult:
    """Run the channel benchmark."""
    begun = time.perf_counter()
    result = BenchResult("channels")
    count = 20_000 if quick else 100_000
    rounds = 3
    corpus = updates(count)
    bodies = [orjson.dumps(u) for u in corpus]
    pages = [orjson.dumps({"ok": True, "result": corpus[i : i + 100]}) for i in range(0, count, 100)]
    channel = _channel()
    headers = {SECRET_HEADER: SECRET}
    stored = sum(1 for u in corpus if channel.parse_update(u).draft is not None)

    def webhook() -> int:
        for body in bodies:
            channel.verify(headers, body)
            channel.parse(body)
        return len(bodies)

    def polling() -> int:
        done = 0
        for page in pages:
            for update in orjson.loads(page)["result"]:
                channel.parse_update(update)
                done += 1
        return done

    def parse_only() -> int:
        for update in corpus:
            channel.parse_update(update)
        return len(corpus)

    table = result.section("Telegram parsing on one core (best of 3)", ["updates", "updates_per_s", "us_per_update"])
    for label, fn, key in (
        ("webhook: secret check + JSON decode + parse, one update per body", webhook, "telegram_webhook_updates_per_s"),
        ("polling: decode a getUpdates answer of 100 + parse each", polling, "telegram_polling_updates_per_s"),
        ("parse_update alone (decoded update to item)", parse_only, None),
    ):
        rate = _best(rounds, fn)
        table.add(label, updates=count, updates_per_s=round(rate), us_per_update=round(1e6 / rate, 1))
        if key:
            result.figures[key] = round(rate)
    mean = sum(map(len, bodies)) / len(bodies)
    table.notes.append(
        f"{count} updates, mean {mean:.0f} bytes; {stored / count:.0%} become items, the rest is group chatter and is ignored"
    )

    mails = email_messages(2_000 if quick else 10_000)
    mailbox = Mailbox(source="care", address="care@volna.example")
    received = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    kept = sum(1 for raw in mails if parse_message(raw, mailbox, received=received).draft is not None)

    def parse_mail() -> int:
        for raw in mails:
            parse_message(raw, mailbox, received=received)
        return len(mails)

    rate = _best(rounds, parse_mail)
    mail_table = result.section("E-mail parsing on one core (best of 3)", ["messages", "messages_per_s", "us_per_message"])
    mail_table.add(
        "raw RFC 5322 → item (charsets, HTML, quotes cut) or skipped",
        messages=len(mails),
        messages_per_s=round(rate),
        us_per_message=round(1e6 / rate, 1),
    )
    mail_table.notes.append(
        f"{len(mails)} messages, mean {sum(map(len, mails)) / len(mails):.0f} bytes; {kept / len(mails):.0%} become items, "
        "the rest are auto-replies, bounces, list mail, our own and unreadable ones"
    )
    result.figures["email_parse_messages_per_s"] = round(rate)

    passes = result.section(
        "polling pass into SQLite (100 updates per getUpdates and per transaction)", ["updates", "items", "updates_per_s", "seconds"]
    )
    total = 5_000 if quick else 30_000
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(environment="test", data_dir=Path(tmp), secret_key=secrets.token_urlsafe(32))
        clock = FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
        services = build_services(settings, clock=clock)
        feed = updates(total, seed=11, first_id=900_000_000)
        try:
            with httpx.Client(transport=_fake_bot_api(feed)) as client:
                add_telegram_channel(
                    "volna_tg",
                    token=TOKEN,
                    client=client,
                    uow_factory=services.uow,
                    clock=clock,
                    mode="polling",
                    brand_keywords=["voln", "волн"],
                )
                poller = TelegramPoller("volna_tg", uow_factory=services.uow, clock=clock, client=client)
                items = seen = 0
                started = time.perf_counter()
                while True:
                    done = poller.poll_once(wait=0)
                    if not done.updates:
                        break
                    seen += done.updates
                    items += done.stored
                seconds = time.perf_counter() - started
        finally:
            services.close()
    passes.add(
        "getUpdates → parse → store and commit → next offset",
        updates=seen,
        items=items,
        updates_per_s=round(seen / seconds),
        seconds=round(seconds, 2),
    )
    passes.notes.append("the Bot API answers from memory (no network); Telegram hands out at most 100 updates per call")
    result.figures["telegram_polling_pass_updates_per_s"] = round(seen / seconds)
    from bench.platform_channels import add_figures

    add_figures(result, quick=quick)
    _bench_mastodon_vk(result, count=count // 2, rounds=rounds)
    result.seconds = time.perf_counter() - begun
    return result


# --- Mastodon and VK ----------------------------------------------------------------------

_MD_US = {"id": "109000000000000001", "username": "volna", "acct": "volna", "url": "https://mastodon.example/@volna"}
_MD_PEOPLE: list[dict[str, Any]] = [
    {"id": "109100000000000011", "username": "markt", "acct": "markt@fosstodon.org", "display_name": "Mark Taylor", "bot": False},
    {"id": "109100000000000012", "username": "anna_s", "acct": "anna_s", "display_name": "Анна Смирнова", "bot": False},
    {"id": "109100000000000013", "username": "lukasz", "acct": "lukasz@101010.pl", "display_name": "Łukasz Żółć", "bot": False},
]
_MD_HCARD = (
    '<span class="h-card" translate="no"><a href="https://mastodon.example/@volna" class="u-url mention">@<span>volna</span></a></span>'
)


def mastodon_notifications(count: int, *, seed: int = 5) -> list[dict[str, Any]]:
    """``count`` mention notifications: public, replies to us, DMs and edits, in three languages."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        person = rng.choice(_MD_PEOPLE)
        lang = {"markt": "en", "anna_s": "ru", "lukasz": "pl"}[person["username"]]
        text = rng.choice(_TEXTS[lang]).format(n=rng.randrange(1000, 99999))
        kind = rng.random()
        status: dict[str, Any] = {
            "id": str(113000000000000000 + i),
            "created_at": "2026-11-20T09:00:00.000Z",
            "visibility": "direct" if kind < 0.3 else "public",
            "in_reply_to_id": "113000000000000050" if 0.3 <= kind < 0.6 else None,
            "in_reply_to_account_id": _MD_US["id"] if 0.3 <= kind < 0.6 else None,
            "language": lang,
            "uri": f"https://mastodon.example/users/x/statuses/{i}",
            "url": f"https://mastodon.example/@x/{i}",
            "content": f"<p>{_MD_HCARD} {text}</p>",
            "spoiler_text": "",
            "reblog": None,
            "account": person,
            "mentions": [{"id": _MD_US["id"], "username": "volna", "acct": "volna", "url": _MD_US["url"]}],
            "tags": [],
            "media_attachments": [],
            "edited_at": "2026-11-20T09:05:00.000Z" if kind > 0.95 else None,
        }
        out.append(
            {
                "id": str(3000 + i),
                "type": "update" if kind > 0.95 else "mention",
                "created_at": "2026-11-20T09:00:01Z",
                "account": person,
                "status": status,
            }
        )
    return out


_VK_GROUP = 218000111


def vk_events(count: int, *, seed: int = 9) -> list[dict[str, Any]]:
    """``count`` Callback API events: DMs, wall/photo/board comments, chat messages, edits."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        lang = rng.choice(["ru", "ru", "pl", "en"])
        text = rng.choice(_TEXTS[lang]).format(n=rng.randrange(1000, 99999))
        user = 300_000_000 + rng.randrange(50_000)
        kind = rng.random()
        base = {"group_id": _VK_GROUP, "event_id": f"{i:040x}", "v": "5.199", "secret": SECRET}
        if kind < 0.45:
            message = {
                "date": T0 + i,
                "from_id": user,
                "id": i,
                "out": 0,
                "attachments": [],
                "conversation_message_id": i,
                "fwd_messages": [],
                "peer_id": user,
                "random_id": 0,
                "text": text,
            }
            event = {**base, "type": "message_new", "object": {"message": message, "client_info": {"keyboard": True}}}
        elif kind < 0.55:
            message = {
                "date": T0 + i,
                "from_id": user,
                "id": 0,
                "conversation_message_id": i,
                "peer_id": 2_000_000_007,
                "attachments": [],
                "text": (f"[club{_VK_GROUP}|@volna_shop] " if kind < 0.5 else "") + text,
            }
            event = {**base, "type": "message_new", "object": {"message": message, "client_info": {}}}
        elif kind < 0.85:
            comment = {
                "id": i,
                "from_id": user,
                "date": T0 + i,
                "text": text,
                "post_owner_id": -_VK_GROUP,
                "post_id": 880,
                "owner_id": -_VK_GROUP,
                "parents_stack": [],
                "thread": {"count": 0},
            }
            event = {**base, "type": "wall_reply_new" if kind < 0.8 else "wall_reply_edit", "object": comment}
        elif kind < 0.93:
            event = {
                **base,
                "type": "photo_comment_new",
                "object": {"id": i, "from_id": user, "date": T0 + i, "text": text, "photo_owner_id": -_VK_GROUP, "photo_id": 457239100},
            }
        else:
            event = {
                **base,
                "type": "board_post_new",
                "object": {"id": i, "from_id": user, "date": T0 + i, "text": text, "topic_id": 39421, "topic_owner_id": -_VK_GROUP},
            }
        out.append(event)
    return out


def _bench_mastodon_vk(result: BenchResult, *, count: int, rounds: int) -> None:
    from otklik.channels.mastodon import MastodonChannel
    from otklik.channels.vk import VkChannel, parse_envelope

    mastodon = MastodonChannel(
        SourceConfig(
            name="volna_md",
            kind="mastodon",
            secret=SECRET,
            settings={
                "instance": "https://mastodon.example",
                "token": "t",
                "account_id": _MD_US["id"],
                "username": "volna",
                "acct": "volna@mastodon.example",
            },
        ),
        ChannelContext(brand_keywords=("voln", "волн")),
    )
    vk = VkChannel(
        SourceConfig(
            name="volna_vk",
            kind="vk",
            secret=SECRET,
            settings={"token": "t", "mode": "callback", "group_id": _VK_GROUP, "screen_name": "volna_shop", "confirmation": "a1b2c3d4"},
        ),
        ChannelContext(brand_keywords=("voln", "волн")),
    )
    notifications = mastodon_notifications(count)
    md_pages = [orjson.dumps(notifications[i : i + 40]) for i in range(0, count, 40)]
    events = vk_events(count)
    vk_bodies = [orjson.dumps(e) for e in events]
    vk_pages = [
        orjson.dumps({"ts": str(i + 100), "updates": [{k: v for k, v in e.items() if k != "secret"} for e in events[i : i + 100]]})
        for i in range(0, count, 100)
    ]

    def md_polling() -> int:
        done = 0
        for page in md_pages:
            for notification in orjson.loads(page):
                mastodon.parse_notification(notification)
                done += 1
        return done

    def md_stream() -> int:
        from otklik.channels.mastodon import StreamEvent

        lines: list[str] = []
        for n in notifications:
            lines += ["event: notification", "data: " + orjson.dumps(n).decode(), "", ":thump"]
        from otklik.channels.mastodon import sse_events

        done = 0
        for event in sse_events(lines):
            mastodon.parse_event(StreamEvent(event.event, event.data))
            done += 1
        return done

    def vk_webhook() -> int:
        for body in vk_bodies:
            event = parse_envelope(body)
            vk.verify_event(event)
            vk.parse_event(event)
        return len(vk_bodies)

    def vk_longpoll() -> int:
        done = 0
        for page in vk_pages:
            for event in orjson.loads(page)["updates"]:
                vk.parse_event(event)
                done += 1
        return done

    table = result.section("Mastodon and VK parsing on one core (best of 3)", ["events", "events_per_s", "us_per_event"])
    for label, fn, key in (
        ("Mastodon polling: decode a notifications page of 40 + HTML to text + parse each", md_polling, "mastodon_polling_per_s"),
        ("Mastodon streaming: SSE lines to events + decode + parse", md_stream, "mastodon_stream_per_s"),
        ("VK callback: decode + secret check + parse, one event per body", vk_webhook, "vk_webhook_per_s"),
        ("VK long poll: decode an a_check answer of 100 + parse each", vk_longpoll, "vk_longpoll_per_s"),
    ):
        rate = _best(rounds, fn)
        table.add(label, events=count, events_per_s=round(rate), us_per_event=round(1e6 / rate, 1))
        result.figures[key] = round(rate)
    table.notes.append(
        f"{count} of each; notifications are about {sum(map(len, md_pages)) // count} bytes, VK events about {sum(map(len, vk_bodies)) // count}"
    )
