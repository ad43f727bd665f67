"""Meta, X and Google through the outbox and the pollers, against their fakes on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from otklik.bootstrap import Services
from otklik.channels.base import ChannelContext
from otklik.channels.meta import MetaChannel
from otklik.channels.x import XChannel
from otklik.services.cursors import load_cursors
from otklik.services.delivery import deliver_due
from otklik.services.ingest import ingest_items
from otklik.services.platform_channels import add_google_reviews_channel, add_meta_channel, add_x_channel
from otklik.services.platform_polling import GoogleReviewsPoller, XPoller
from otklik.services.sources import source_config
from otklik.store import tables as t
from tests.builders import make_actor
from tests.fake_platforms import google as g
from tests.fake_platforms.loopback import Answer, serve, stop
from tests.fake_platforms.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, FakeGraph, graph_error
from tests.fake_platforms.x import USER_TOKEN, FakeX
from tests.integration.channels.conftest import queue_reply as _queue

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels"


def fixture(platform: str, name: str) -> bytes:
    return (FIXTURES / platform / f"{name}.json").read_bytes()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


_ACTORS: dict[int, Any] = {}


def queue_reply(services: Services, conversation: int, text: str) -> Any:
    """An agent's reply, queued (one agent per test's services)."""
    if id(services) not in _ACTORS:
        _ACTORS[id(services)] = make_actor(services)
    return _queue(services, conversation, text, actor=_ACTORS[id(services)])


def deliver(services: Services, client: httpx.Client) -> tuple[int, int, int]:
    done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=1.0, max_attempts=4)
    return done.sent, done.failed, done.retried


def reply_of(services: Services, reply_id: int) -> Any:
    with services.uow(write=False) as uow:
        return uow.replies.get(reply_id)


# --- Meta ---------------------------------------------------------------------------------


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


def connect_meta(services: Services, graph: FakeGraph, client: httpx.Client, *, human_agent: bool = False) -> None:
    add_meta_channel(
        "volna_meta",
        page_id=PAGE_ID,
        page_token=PAGE_TOKEN,
        app_secret=APP_SECRET,
        api_base=graph.api_base,
        human_agent=human_agent,
        client=client,
        uow_factory=services.uow,
        clock=services.clock,
    )


def receive_meta(services: Services, name: str) -> int:
    channel = MetaChannel(source_config("volna_meta", uow_factory=services.uow), ChannelContext())
    return ingest_items(channel.parse(fixture("meta", name)), uow=services.uow(), clock=services.clock)[0].conversation_id


def test_meta_comment_replies_are_threaded_and_dms_respect_the_window(services: Services, graph: FakeGraph, client: httpx.Client) -> None:
    connect_meta(services, graph, client)
    comment = queue_reply(services, receive_meta(services, "fb_comment_cyrillic"), "Анна, заказ #4471 у курьера, он позвонит до 18:00.")
    dm = queue_reply(services, receive_meta(services, "messenger_dm"), "Mark, sorry about order 5521 — a new pair ships today.")
    assert deliver(services, client) == (2, 0, 0)
    assert graph.comments[0]["on"] == "9988776655_1122334455"
    assert graph.messages[0]["messaging_type"] == "RESPONSE"
    assert graph.messages[0]["recipient"] == {"id": "7012345678901234"}
    assert reply_of(services, comment.id).external_id == "fb:9988776655_1122334455_9001"
    assert reply_of(services, dm.id).delivery_state.value == "sent"
    # A day later the Messenger window is shut: refused before anything is sent.
    services.clock.advance(hours=25)  # type: ignore[attr-defined]
    late = queue_reply(services, receive_meta(services, "messenger_cyrillic"), "Добрый день! Деньги вернутся за 3 дня.")
    assert deliver(services, client) == (0, 1, 0)
    refused = reply_of(services, late.id)
    assert refused.delivery_state.value == "failed"
    assert "outside the messaging window" in refused.last_error
    assert len(graph.messages) == 1


def test_meta_human_agent_tag_stretches_the_window_to_seven_days(services: Services, graph: FakeGraph, client: httpx.Client) -> None:
    connect_meta(services, graph, client, human_agent=True)
    conversation = receive_meta(services, "messenger_dm")
    services.clock.advance(days=3)  # type: ignore[attr-defined]
    queue_reply(services, conversation, "Mark, following up on order 5521: the new pair was delivered today.")
    assert deliver(services, client) == (1, 0, 0)
    assert (graph.messages[0]["messaging_type"], graph.messages[0]["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_meta_throttling_waits_the_usage_header_and_refusals_and_timeouts_are_not_resent(
    services: Services, graph: FakeGraph, client: httpx.Client
) -> None:
    connect_meta(services, graph, client)
    conversation = receive_meta(services, "fb_comment_polish")
    usage = json.dumps(
        {PAGE_ID: [{"type": "pages", "call_count": 100, "total_cputime": 20, "total_time": 30, "estimated_time_to_regain_access": 2}]}
    )
    throttled = graph_error(613, "Calls to this api have exceeded the rate limit.")
    throttled.headers["x-business-use-case-usage"] = usage
    graph.script["POST comments"] = [throttled]
    reply = queue_reply(services, conversation, "Panie Łukaszu, paczka 88213 jest już w paczkomacie.")
    assert deliver(services, client) == (0, 0, 1)
    services.clock.advance(seconds=119)  # type: ignore[attr-defined]
    assert deliver(services, client) == (0, 0, 0)  # Meta said two minutes
    services.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    assert [c["message"] for c in graph.comments] == ["Panie Łukaszu, paczka 88213 jest już w paczkomacie."]
    assert reply_of(services, reply.id).delivery_state.value == "sent"
    # A permission error is final; a late answer is not resent (Graph has no idempotency key).
    graph.script["POST comments"] = [
        graph_error(200, "(#200) Requires pages_manage_engagement permission"),
        Answer(slow=1.5, body={"id": "x"}),
    ]
    denied = queue_reply(services, conversation, "Panie Łukaszu, przepraszamy za kłopot.")
    assert deliver(services, client) == (0, 1, 0)
    assert "lacks a permission" in reply_of(services, denied.id).last_error
    unclear = queue_reply(services, conversation, "Panie Łukaszu, zwrot jest już zlecony.")
    assert deliver(services, client) == (0, 1, 0)
    assert "outcome unknown" in reply_of(services, unclear.id).last_error
    assert [c["message"] for c in graph.comments].count("Panie Łukaszu, zwrot jest już zlecony.") == 1


def test_meta_private_reply_likes_and_hiding(services: Services, graph: FakeGraph, client: httpx.Client) -> None:
    connect_meta(services, graph, client)
    conversation = receive_meta(services, "fb_comment_cyrillic")
    channel = MetaChannel(source_config("volna_meta", uow_factory=services.uow), ChannelContext(client=client, now=services.clock.now))
    with services.uow(write=False) as uow:
        item = uow.items.latest_in(conversation)
    assert item is not None
    channel.private_reply(item, "Анна, напишите номер заказа сюда, пожалуйста.")
    assert graph.messages[0]["recipient"] == {"comment_id": "9988776655_1122334455"}
    with pytest.raises(Exception, match="already sent"):
        channel.private_reply(item, "Ещё раз")
    channel.like(item.external_id)
    channel.hide(item.external_id)
    assert (graph.likes, graph.hidden) == (["9988776655_1122334455"], {"9988776655_1122334455": True})


# --- X ------------------------------------------------------------------------------------


@pytest.fixture
def xapi() -> Iterator[FakeX]:
    fake = FakeX()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


def connect_x(services: Services, api: FakeX, client: httpx.Client, *, mode: str = "polling") -> None:
    add_x_channel(
        "volna_x",
        user_token=USER_TOKEN,
        consumer_secret="c" * 40,
        mode=mode,
        brand_keywords=["Volna", "Волна"],
        api_base=api.api_base,
        client=client,
        uow_factory=services.uow,
        clock=services.clock,
    )


def receive_x(services: Services, name: str) -> int:
    channel = XChannel(source_config("volna_x", uow_factory=services.uow), ChannelContext())
    return ingest_items(channel.parse(fixture("x", name)), uow=services.uow(), clock=services.clock)[0].conversation_id


def test_x_replies_where_summoned_and_hands_the_rest_to_an_agent(services: Services, xapi: FakeX, client: httpx.Client) -> None:
    connect_x(services, xapi, client)
    xapi.summoned.add("1861000000000000101")
    mention = queue_reply(services, receive_x(services, "mention"), "@markt Sorry, Mark: a new pair ships today.")
    keyword = queue_reply(services, receive_x(services, "brand_mention_v2"), "Dzień dobry! Zapraszamy, dostawa w 2 dni.")
    assert deliver(services, client) == (1, 1, 0)
    assert xapi.posted[0]["referenced_tweets"] == [{"type": "replied_to", "id": "1861000000000000101"}]
    assert reply_of(services, mention.id).external_id == xapi.posted[0]["id"]
    handed = reply_of(services, keyword.id)
    assert handed.delivery_state.value == "manual"
    assert "https://x.com/lukasz_zolc/status/1861000000000000301" in handed.last_error
    assert len(xapi.posted) == 1  # nothing was tried on X


def test_x_rate_limit_waits_for_the_reset_and_an_unclear_post_is_read_back(services: Services, xapi: FakeX, client: httpx.Client) -> None:
    connect_x(services, xapi, client)
    xapi.summoned.update({"1861000000000000101", "1861000000000000102"})
    conversation = receive_x(services, "mention")
    reset = int(services.clock.now().timestamp()) + 90
    xapi.script["POST /2/tweets"] = [Answer(429, {"title": "Too Many Requests", "status": 429}, headers={"x-rate-limit-reset": str(reset)})]
    reply = queue_reply(services, conversation, "@markt Sorry, Mark: a new pair ships today.")
    assert deliver(services, client) == (0, 0, 1)
    services.clock.advance(seconds=89)  # type: ignore[attr-defined]
    assert deliver(services, client) == (0, 0, 0)
    services.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    assert reply_of(services, reply.id).delivery_state.value == "sent"
    # The answer comes too late, but the reply is on X: the read-back finds it, nothing is resent.
    xapi.script["POST /2/tweets"] = [Answer(201, {"data": {"id": "0"}}, slow=1.5)]
    late = queue_reply(services, receive_x(services, "reply_cyrillic"), "@anna_s Анна, заказ #4471 у курьера.")
    assert deliver(services, client) == (1, 0, 0)
    found = reply_of(services, late.id)
    assert (found.delivery_state.value, found.external_id) == ("sent", xapi.posted[-1]["id"])
    assert [p["text"] for p in xapi.posted].count("@anna_s Анна, заказ #4471 у курьера.") == 1


def test_x_mentions_are_polled_from_the_saved_cursor(services: Services, xapi: FakeX, client: httpx.Client) -> None:
    connect_x(services, xapi, client)
    author = {"id": "1600000000000000013", "name": "Mark Taylor", "username": "markt", "public_metrics": {"followers_count": 15400}}
    xapi.users[author["id"]] = author

    def mention(n: int, text: str) -> dict[str, Any]:
        return {
            "id": str(1861000000000000500 + n),
            "text": text,
            "author_id": author["id"],
            "created_at": f"2026-11-20T08:{n:02d}:00.000Z",
            "entities": {"mentions": [{"username": "volna_care", "id": "1500000000000000001"}]},
            "edit_history_tweet_ids": [str(1861000000000000500 + n)],
        }

    xapi.mentions = [mention(n, f"@volna_care order {5500 + n}?") for n in range(59, 0, -1)]
    poller = XPoller("volna_x", uow_factory=services.uow, clock=services.clock, client=client)
    first = poller.poll_once(wait=0)
    assert (first.updates, first.stored) == (59, 59)
    assert load_cursors("volna_x", uow_factory=services.uow) == {"x_mentions": "1861000000000000559"}
    assert poller.poll_once(wait=0).updates == 0  # paced: not due yet
    xapi.mentions.insert(0, mention(0, "@volna_care and order 5500?") | {"id": "1861000000000000600"})
    poller.run_now()
    again = poller.poll_once(wait=0)
    assert (again.updates, again.stored, again.duplicates) == (1, 1, 0)
    assert xapi.calls[-1].query["since_id"] == "1861000000000000559"


def test_x_stream_rules_come_from_the_brand_names_and_hits_are_brand_mentions(
    services: Services, xapi: FakeX, client: httpx.Client
) -> None:
    connect_x(services, xapi, client, mode="stream")
    assert [r["value"] for r in xapi.rules] == ["(@volna_care OR Volna OR Волна) -from:volna_care -is:retweet"]
    hit = json.loads(fixture("x", "brand_mention_v2"))
    xapi.stream_lines = [b"\r\n", json.dumps(hit).encode() + b"\r\n", b"\r\n", b"not json\r\n"]
    poller = XPoller("volna_x", uow_factory=services.uow, clock=services.clock, client=client)
    try:
        done = poller.poll_once(wait=2.0)
    finally:
        poller.close()
    assert (done.updates, done.stored) == (1, 1)
    with services.uow(write=False) as uow:
        item = uow.items.latest_in(1)
    assert item is not None
    assert (item.external_id, item.addressing.value) == ("1861000000000000301", "brand_mention")


# --- Google -------------------------------------------------------------------------------


@pytest.fixture
def google() -> Iterator[g.FakeGoogle]:
    fake = g.FakeGoogle()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


def review(review_id: str, stars: str, text: str | None, created: str, updated: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"accounts/{g.ACCOUNT}/locations/{g.LOCATION}/reviews/{review_id}",
        "reviewId": review_id,
        "reviewer": {"displayName": "Ola Nowak", "profilePhotoUrl": "https://lh3.googleusercontent.com/a/x", "isAnonymous": False},
        "starRating": stars,
        "createTime": created,
        "updateTime": updated or created,
    }
    if text is not None:
        body["comment"] = text
    return body


def test_google_reviews_are_polled_edits_join_and_replies_are_put(services: Services, google: g.FakeGoogle, client: httpx.Client) -> None:
    google.reviews = [
        review("AbFvOqn1", "ONE", "Paczka przyszła zgnieciona, słuchawki nie działają. Zażółć gęślą jaźń", "2026-11-19T18:00:00Z"),
        review("AbFvOqn2", "FIVE", None, "2026-11-19T19:00:00Z"),
        review("AbFvOqn3", "TWO", "Доставка опоздала на неделю", "2026-11-19T20:00:00.123456Z"),
    ]
    add_google_reviews_channel(
        "volna_google",
        account_id=g.ACCOUNT,
        location_id=g.LOCATION,
        refresh_token=g.REFRESH,
        client_id=g.CLIENT_ID,
        client_secret=g.CLIENT_SECRET,
        token_url=f"{google.url}/token",
        api_base=google.url,
        client=client,
        uow_factory=services.uow,
        clock=services.clock,
    )
    poller = GoogleReviewsPoller("volna_google", uow_factory=services.uow, clock=services.clock, client=client)
    first = poller.poll_once(wait=0)
    assert (first.updates, first.stored) == (3, 3)
    assert load_cursors("volna_google", uow_factory=services.uow) == {"google_reviews": "2026-11-19T20:00:00.123456Z"}
    # The one-star review is edited to two stars: a new version in the same conversation.
    google.reviews[0] = review(
        "AbFvOqn1", "TWO", "Wymienili słuchawki, ale dalej czekam na zwrot.", "2026-11-19T18:00:00Z", "2026-11-20T08:00:00Z"
    )
    google.valid_tokens.clear()  # the access token expired: refreshed once, transparently
    poller.run_now()
    again = poller.poll_once(wait=0)
    assert (again.updates, again.stored) == (1, 1)
    assert google.tokens_issued == 2
    with services.uow(write=False) as uow:
        first_id = uow.connection.execute(select(t.items.c.conversation_id).where(t.items.c.external_id == "AbFvOqn1")).scalar_one()
        items = uow.items.for_conversation(first_id)
    assert [(i.external_id, i.raw["starRating"]) for i in items] == [
        ("AbFvOqn1", "ONE"),
        ("AbFvOqn1/v/2026-11-20T08:00:00Z", "TWO"),
    ]
    reply = queue_reply(services, items[0].conversation_id, "Pani Olu, przepraszamy — zwrot wysłaliśmy dziś.")
    google.script["PUT reply"] = [Answer(503, {"error": {"code": 503, "message": "unavailable"}})]
    assert deliver(services, client) == (0, 0, 1)
    services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert deliver(services, client) == (1, 0, 0)
    assert google.replies == {"AbFvOqn1": "Pani Olu, przepraszamy — zwrot wysłaliśmy dziś."}
    assert reply_of(services, reply.id).delivery_state.value == "sent"
