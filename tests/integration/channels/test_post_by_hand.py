"""Replies a channel cannot send are handed to an agent: the page links the post, "Mark as posted" closes it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from otklik.channels.base import ChannelContext
from otklik.channels.x import XChannel
from otklik.services.auth import create_token
from otklik.services.delivery import deliver_due
from otklik.services.ingest import ingest_items
from otklik.services.platform_channels import add_x_channel
from otklik.services.sources import add_source, source_config
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer
from tests.fake_platforms.loopback import serve, stop
from tests.fake_platforms.x import USER_TOKEN, FakeX
from tests.integration.channels.conftest import queue_reply
from tests.integration.test_ui import logged_in

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "x"
POST = "https://x.com/lukasz_zolc/status/1861000000000000301"


@pytest.fixture
def xapi() -> Iterator[FakeX]:
    fake = FakeX()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


def test_an_x_reply_without_a_summon_is_posted_by_hand_from_the_link(live_server: LiveServer, xapi: FakeX) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    with httpx.Client() as client:
        add_x_channel(
            "volna_x",
            user_token=USER_TOKEN,
            consumer_secret="c" * 40,
            api_base=xapi.api_base,
            client=client,
            uow_factory=services.uow,
            clock=services.clock,
        )
        channel = XChannel(source_config("volna_x", uow_factory=services.uow), ChannelContext())
        drafts = channel.parse((FIXTURES / "brand_mention_v2.json").read_bytes())
        [stored] = ingest_items(drafts, uow=services.uow(), clock=services.clock)
        actor = make_actor(services)
        reply = queue_reply(services, stored.conversation_id, "Dzień dobry! Zapraszamy, dostawa w 2 dni.", actor=actor)
        done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=1.0, max_attempts=4)
    assert (done.sent, xapi.posted) == (0, [])
    token = create_token(actor.agent.id, "tests", uow_factory=services.uow, clock=services.clock)
    api = httpx.Client(base_url=live_server.url, headers={"authorization": f"Bearer {token}"})
    path = f"/conversations/{stored.conversation_id}"
    with api, logged_in(live_server) as (client, csrf):
        [handed] = api.get(f"/api/v1{path}").json()["replies"]
        assert (handed["delivery_state"], handed["post_by_hand_url"]) == ("manual", POST)
        page = client.get(path).text
        assert f'<a href="{POST}" target="_blank" rel="noopener noreferrer"' in page
        assert "to post by hand" in page and "Mark as posted" in page
        assert "reply handed to an agent to post by hand" in page  # the timeline says why
        marked = client.post(f"{path}/replies/{reply.id}/posted", data={"csrf_token": csrf})
        assert marked.status_code == 303
        after = client.get(path).text
        assert "reply confirmed as posted by hand" in after
        assert f'href="{POST}" target="_blank"' not in after and "Mark as posted" not in after
        [posted] = api.get(f"/api/v1{path}").json()["replies"]
        assert (posted["delivery_state"], posted["post_by_hand_url"]) == ("posted_by_hand", None)


def test_a_source_without_a_callback_links_the_customers_own_post(live_server: LiveServer) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    add_source("shop", uow_factory=services.uow, clock=services.clock)
    draft = dataclasses.replace(make_draft(source="shop", lang="en"), url="https://shop.example/reviews/7")
    [stored] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    hostile = dataclasses.replace(make_draft(source="shop", lang="en", author_id="u-2"), url="javascript:alert(1)")
    [other] = ingest_items([hostile], uow=services.uow(), clock=services.clock)
    actor = make_actor(services)
    queue_reply(services, stored.conversation_id, "Thank you, we are on it.", actor=actor)
    queue_reply(services, other.conversation_id, "Thank you, we are on it today.", actor=actor)
    with logged_in(live_server) as (client, _csrf):
        page = client.get(f"/conversations/{stored.conversation_id}").text
        assert '<a href="https://shop.example/reviews/7" target="_blank"' in page
        unsafe = client.get(f"/conversations/{other.conversation_id}").text
        assert 'id="post-by-hand-' not in unsafe  # only http(s) links are offered
        assert "Mark as posted" in unsafe
