"""Mastodon against the fake instance: polling and streams stored once and in order, replies in the thread."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from otklik.bootstrap import Services
from otklik.channels.base import ChannelContext
from otklik.channels.mastodon import MastodonChannel
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError, PlatformUnavailable, RateLimited
from otklik.services.cursors import load_cursors
from otklik.services.delivery import deliver_due
from otklik.services.ingest import IngestOutcome, ingest_items, store_drafts
from otklik.services.mastodon_polling import MastodonPoller
from otklik.services.polling import Store
from otklik.services.sources import add_mastodon_channel, list_sources, source_config
from otklik.store import tables as t
from tests.builders import make_actor
from tests.fake_platforms.mastodon import Act, FakeMastodon
from tests.integration.channels.conftest import queue_reply, without_length_guard

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "mastodon"


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


def connect(services: Services, api: FakeMastodon, *, mode: str = "polling", hashtags: Sequence[str] = ("volna",)) -> None:
    with httpx.Client() as c:
        add_mastodon_channel(
            "volna_md",
            instance=api.instance,
            token=api.token,
            client=c,
            uow_factory=services.uow,
            clock=services.clock,
            mode=mode,
            hashtags=hashtags,
            brand_keywords=("voln", "волн"),
        )


def poller(services: Services, client: httpx.Client, *, store: Store | None = None, timeout: float = 2.0) -> MastodonPoller:
    return MastodonPoller(
        "volna_md", uow_factory=services.uow, clock=services.clock, client=client, timeout=timeout, store=store, reconnect_s=0.05
    )


def stored(services: Services) -> list[Any]:
    with services.uow(write=False) as uow:
        return list(uow.connection.execute(select(t.items).order_by(t.items.c.id)).mappings())


MENTIONS = ["notification_mention", "notification_reply", "notification_dm", "notification_polish", "notification_emoji"]


@pytest.fixture
def md(services: Services, fake_mastodon: FakeMastodon) -> FakeMastodon:
    connect(services, fake_mastodon)
    for name in [*MENTIONS, "notification_favourite"]:
        fake_mastodon.notify(fixture(name))
    return fake_mastodon


def test_adding_tests_the_token_and_keeps_it_masked(services: Services, fake_mastodon: FakeMastodon) -> None:
    with httpx.Client() as c, pytest.raises(ConfigError, match="refused the access token"):
        add_mastodon_channel(
            "bad", instance=fake_mastodon.instance, token="wrong", client=c, uow_factory=services.uow, clock=services.clock
        )
    connect(services, fake_mastodon)
    [info] = list_sources(uow_factory=services.uow)
    assert info.settings["token"] == "••••" + fake_mastodon.token[-4:]
    assert (info.settings["account_id"], info.settings["acct"], info.settings["max_characters"]) == (
        "109000000000000001",
        "volna@127.0.0.1",
        500,
    )


def test_polling_stores_each_mention_right_then_saves_the_cursor(services: Services, md: FakeMastodon, client: httpx.Client) -> None:
    md.tag("volna", fixture("status_hashtag"))
    first = poller(services, client).poll_once(wait=0)
    assert (first.updates, first.stored, first.ignored, first.malformed) == (6, 6, 0, 0)  # types[] keeps the favourite out
    items = {i["external_id"]: i for i in stored(services)}
    assert {k: i["addressing"] for k, i in items.items()} == {
        "113000000000000101": "direct",
        "113000000000000102": "comment",
        "113000000000000103": "dm",
        "113000000000000104": "direct",
        "113000000000000105": "direct",
        "113000000000000201": "brand_mention",
    }
    assert items["113000000000000102"]["parent_external_id"] == "113000000000000050"
    assert items["113000000000000101"]["text"] == (
        "@volna hi, my headphones arrived broken, order 5521. What now? https://example.com/photos/5521-broken-headphones"
    )
    assert items["113000000000000102"]["text"] == "@volna Спасибо, но курьер так и не приехал.\nЗаказ №4471."
    assert items["113000000000000103"]["text"].endswith("Жду уже неделю & нервничаю")
    assert (
        items["113000000000000104"]["text"] == "@volna Dzień dobry, paczka 88213 nie dotarła do paczkomatu w Krakowie.\n\nZażółć gęślą jaźń"
    )
    assert items["113000000000000105"]["text"] == "@volna 😡📦👨‍👩‍👧❓"
    assert items["113000000000000103"]["raw"] == fixture("notification_dm")["status"]  # the raw status, HTML and all
    assert load_cursors("volna_md", uow_factory=services.uow) == {"notifications": "3005", "tag:volna": "113000000000000201"}
    # The next pass asks only for what is newer, by min_id.
    md.notify(fixture("notification_update"))
    again = poller(services, client).poll_once(wait=0)
    assert (again.updates, again.stored) == (1, 1)
    assert md.calls_of("GET", "/api/v1/notifications")[-1]["min_id"] == "3005"
    edit = stored(services)[-1]
    assert (edit["external_id"], edit["parent_external_id"]) == ("113000000000000101/edit/2026-11-20T09:10:00.000Z", "113000000000000101")
    assert edit["conversation_id"] == items["113000000000000101"]["conversation_id"]


def test_pages_are_followed_forward_and_committed_one_by_one(services: Services, fake_mastodon: FakeMastodon, client: httpx.Client) -> None:
    connect(services, fake_mastodon, hashtags=())
    base = fixture("notification_mention")
    fake_mastodon.notify({**base, "id": "0999"})
    poller(services, client).poll_once(wait=0)  # the first pass sets the cursor at the newest
    for n in range(1000, 1095):
        status = {**base["status"], "id": f"11300000000000{n}"}
        fake_mastodon.notify({**base, "id": str(n), "status": status})
    result = poller(services, client).poll_once(wait=0)
    assert (result.updates, result.stored) == (95, 95)
    assert [c.get("min_id") for c in fake_mastodon.calls_of("GET", "/api/v1/notifications")] == [None, "0999", "1039", "1079"]
    assert load_cursors("volna_md", uow_factory=services.uow)["notifications"] == "1094"


def test_a_failed_commit_keeps_the_cursor_and_the_next_pass_stores_once(services: Services, md: FakeMastodon, client: httpx.Client) -> None:
    def crash(drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        with services.uow() as uow:
            store_drafts(drafts, uow=uow, now=services.clock.now())
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="disk is full"):
        poller(services, client, store=crash).poll_once(wait=0)
    assert load_cursors("volna_md", uow_factory=services.uow) == {}
    assert stored(services) == []
    md.script["notifications"] = [Act(duplicate=True)]
    result = poller(services, client).poll_once(wait=0)
    assert (result.updates, result.stored, result.duplicates) == (10, 5, 5)


def test_429_5xx_and_timeouts_leave_the_cursor_alone(services: Services, md: FakeMastodon, client: httpx.Client) -> None:
    md.script["notifications"] = [Act(status=429, reset_in=120), Act(status=503), Act(slow=1.0)]
    p = poller(services, client, timeout=0.4)
    with pytest.raises(RateLimited) as limited:
        p.poll_once(wait=0)
    assert 100 <= limited.value.retry_after <= 120  # until X-RateLimit-Reset
    with pytest.raises(PlatformUnavailable):
        p.poll_once(wait=0)
    with pytest.raises(Exception, match="ReadTimeout"):
        p.poll_once(wait=0)
    assert load_cursors("volna_md", uow_factory=services.uow) == {}
    assert p.poll_once(wait=0).stored == 5


def test_streams_store_events_and_backfill_what_they_missed_on_every_reconnect(
    services: Services,
    fake_mastodon: FakeMastodon,
    client: httpx.Client,
) -> None:
    connect(services, fake_mastodon, mode="streaming")
    fake_mastodon.notify(fixture("notification_mention"))  # before the stream: the backfill brings it
    p = poller(services, client)
    try:
        # The stream's reader connects in its own thread: on a busy machine that may take a
        # few passes, so passes add up until what is expected arrived (or 10 s went by).
        assert poll_until(p, stored=1) == (1, 0)
        fake_mastodon.emit("user", "notification", fixture("notification_dm"))
        fake_mastodon.emit("user", "update", fixture("status_brand_keyword"))  # home timeline naming the brand
        fake_mastodon.emit("user", "update", fixture("status_chatter"))
        fake_mastodon.emit("user", "delete", "113000000000000101")
        fake_mastodon.emit("hashtag:volna", "update", fixture("status_hashtag"))
        fake_mastodon.emit("user", "status.update", fixture("notification_update")["status"])
        assert poll_until(p, stored=4, ignored=1) == (4, 1)
        # The stream drops; a mention arrives while it is away, and comes by REST on reconnect.
        with fake_mastodon.lock:
            fake_mastodon.drop.add("user")
            fake_mastodon.lock.notify_all()
        time.sleep(0.3)
        fake_mastodon.notify(fixture("notification_polish"))
        deadline = time.monotonic() + 5
        while fake_mastodon.connections.get("user", 0) < 2 and time.monotonic() < deadline:
            p.poll_once(wait=0.2)
        p.poll_once(wait=0.5)
    finally:
        p.close()
    ids = [i["external_id"] for i in stored(services)]
    assert sorted(ids) == sorted(
        [
            "113000000000000101",
            "113000000000000103",
            "113000000000000202",
            "113000000000000201",
            "113000000000000101/edit/2026-11-20T09:10:00.000Z",
            "113000000000000104",
        ]
    )
    assert {i["external_id"]: i["addressing"] for i in stored(services)}["113000000000000202"] == "brand_mention"
    assert fake_mastodon.connections == {"user": 2, "hashtag:volna": 1}
    assert load_cursors("volna_md", uow_factory=services.uow)["notifications"] == "3004"


def poll_until(p: MastodonPoller, *, stored: int, ignored: int = 0, seconds: float = 10.0) -> tuple[int, int]:
    """Stream passes until ``stored`` items and ``ignored`` events came (or time ran out): what came, added up."""
    got = [0, 0]
    deadline = time.monotonic() + seconds
    while (got[0] < stored or got[1] < ignored) and time.monotonic() < deadline:
        done = p.poll_once(wait=0.3)
        got[0] += done.stored
        got[1] += done.ignored
    extra = p.poll_once(wait=0.2)  # counted too: nothing more may come than expected
    return got[0] + extra.stored, got[1] + extra.ignored


def channel(services: Services, client: httpx.Client | None = None, *, timeout: float = 2.0) -> MastodonChannel:
    return MastodonChannel(source_config("volna_md", uow_factory=services.uow), ChannelContext(client=client, timeout=timeout))


def receive(services: Services, name: str) -> int:
    draft = channel(services).parse_notification(fixture(name)).draft
    assert draft is not None
    return ingest_items([draft], uow=services.uow(), clock=services.clock)[0].conversation_id


def deliver(services: Services, client: httpx.Client, *, timeout: float = 2.0) -> tuple[int, int, int]:
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=timeout, max_attempts=4)
    return done.sent, done.failed, done.retried


def test_replies_keep_visibility_mention_the_customer_and_are_idempotent(
    services: Services, md: FakeMastodon, client: httpx.Client
) -> None:
    actor = make_actor(services)
    dm = queue_reply(services, receive(services, "notification_dm"), "Анна, заказ №4471 у курьера, он позвонит до 18:00.", actor=actor)
    mention = queue_reply(services, receive(services, "notification_mention"), "Mark, so sorry: a new pair ships today.", actor=actor)
    md.script["statuses"] = [Act(slow=1.0)]  # the first post is made, but its answer comes too late
    assert deliver(services, client, timeout=0.4) == (1, 0, 1)
    services.clock.advance(minutes=5)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    posts = md.calls_of("POST", "/api/v1/statuses")
    assert posts[0] == {
        "status": "@anna_s Анна, заказ №4471 у курьера, он позвонит до 18:00.",
        "in_reply_to_id": "113000000000000103",
        "visibility": "direct",
        "language": "ru",
    }
    assert posts[1]["status"] == "@markt@fosstodon.org Mark, so sorry: a new pair ships today."
    assert posts[1]["visibility"] == "public"
    assert len(posts) == 3  # the slow one was retried with the same key…
    assert len(md.statuses) == 2  # …and the instance dropped the repeat
    with services.uow(write=False) as uow:
        states = {r.id: (r.delivery_state.value, r.external_id) for r in (uow.replies.get(dm.id), uow.replies.get(mention.id)) if r}
    assert {state for state, _ in states.values()} == {"sent"}
    assert {external for _, external in states.values()} == set(md.statuses)


def test_a_422_is_refused_for_good_and_429_waits(services: Services, md: FakeMastodon, client: httpx.Client) -> None:
    conversation = receive(services, "notification_polish")
    actor = make_actor(services)
    without_length_guard(services)  # the composer would block it; the channel must refuse it all the same
    queue_reply(services, conversation, "Panie Łukaszu, " + "bardzo przepraszamy. " * 30, actor=actor)
    assert deliver(services, client) == (0, 1, 0)  # over 500 characters: 422 from our own check, nothing posted
    md.script["statuses"] = [Act(status=429, reset_in=30)]
    queue_reply(services, conversation, "Panie Łukaszu, paczka jest już w paczkomacie.", actor=actor)
    assert deliver(services, client) == (0, 0, 1)
    services.clock.advance(seconds=40)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)


def test_favourite_pin_and_unpin(services: Services, md: FakeMastodon, client: httpx.Client) -> None:
    c = channel(services, client)
    c.like("113000000000000101/edit/2026-11-20T09:10:00.000Z")
    assert md.favourited == ["113000000000000101"]
    _, own = md.post_status({"status": "Мы знаем о задержках доставки и уже разбираемся."}, None)
    c.pin(own["id"])
    assert md.pinned == {own["id"]}
    c.unpin(own["id"])
    assert md.pinned == set()
    with pytest.raises(Exception, match="422"):
        c.pin("113000000000000101")  # someone else's status
