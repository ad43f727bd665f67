"""The UI offers what a channel can do; admins manage channels and the brand's keywords."""

from __future__ import annotations

import json

import httpx

from otklik.domain.agents import Role
from otklik.services.brand import brand_keywords, set_brand_keywords
from otklik.services.ingest import ingest_items
from otklik.services.sources import add_source
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer
from tests.fake_platforms.telegram import FakeBotApi
from tests.integration.channels.conftest import SECRET, add_bot
from tests.integration.channels.test_telegram_delivery import FIXTURES, receive, update
from tests.integration.test_ui import csrf_in, logged_in


def test_like_is_offered_where_the_channel_can_like_and_goes_through_the_outbox(live_server: LiveServer, fake_telegram: FakeBotApi) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    add_bot(services, fake_telegram)
    make_actor(services)
    telegram_conversation = receive(services, update("private_message"))
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url="http://127.0.0.1:9/r")
    [generic] = ingest_items([make_draft(source="shop", lang="en")], uow=services.uow(), clock=services.clock)
    with logged_in(live_server) as (client, csrf):
        page = client.get(f"/conversations/{telegram_conversation}")
        assert ">Like</button>" in page.text
        assert "0 / 4096 characters" in page.text  # the channel's limit, counted as the agent types
        plain = client.get(f"/conversations/{generic.conversation_id}")
        assert ">Like</button>" not in plain.text
        with services.uow(write=False) as uow:
            [item] = uow.items.for_conversation(telegram_conversation)
        refused = client.post(f"/conversations/{telegram_conversation}/items/{item.id}/like", data={"csrf_token": "forged"})
        assert refused.status_code == 403
        liked = client.post(f"/conversations/{telegram_conversation}/items/{item.id}/like", data={"csrf_token": csrf})
        assert liked.status_code == 303
        assert "Like queued" in client.get(f"/conversations/{telegram_conversation}").text
        counted = client.post(
            f"/conversations/{telegram_conversation}/guards",
            data={"text": "Mark, thank you!", "csrf_token": csrf},
            headers={"hx-request": "true"},
        )
        assert "16 / 4096 characters" in counted.text
    assert fake_telegram.reactions == []  # the worker likes it, not the page


def test_admins_list_add_and_test_channels_without_ever_seeing_a_token(live_server: LiveServer, fake_telegram: FakeBotApi) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    make_actor(services)
    make_actor(services, email="admin@volna.test", role=Role.ADMIN)
    with logged_in(live_server) as (client, _csrf):
        assert client.get("/admin/channels").status_code == 403
    with logged_in(live_server, "admin@volna.test") as (client, _csrf):
        page = client.get("/admin/channels")
        assert page.status_code == 200
        csrf = csrf_in(page.text)
        form = {
            "csrf_token": csrf,
            "kind": "telegram",
            "name": "volna_tg",
            "setting_token": fake_telegram.token,
            "setting_mode": "polling",
            "setting_api_base": fake_telegram.api_base,
        }
        assert client.post("/admin/channels", data={**form, "csrf_token": "forged"}).status_code == 403
        added = client.post("/admin/channels", data=form)
        assert added.status_code == 201, added.text
        assert "volna_tg is connected" in added.text
        assert fake_telegram.token not in added.text
        listed = client.get("/admin/channels").text
        assert fake_telegram.token not in listed
        assert "••••" + fake_telegram.token[-4:] in listed
        assert "Test connection" in listed
        checked = client.post("/admin/channels/volna_tg/check", data={"csrf_token": csrf})
        assert "volna_tg: connected as @volna_care_bot (id 7711000111)" in checked.text
        refused = client.post("/admin/channels", data={**form, "name": "other_tg", "setting_token": "7711000111:WRONG"})
        assert refused.status_code == 503
        assert "WRONG" not in refused.text  # a refused token is not echoed back either
        saved = client.post("/admin/brand-keywords", data={"csrf_token": csrf, "keywords": "Volna\nволн, volna\n"})
        assert saved.status_code == 303
        again = client.get("/admin/channels").text
        assert "Volna\nволн</textarea>" in again
        assert "every channel that listens\n    (volna_tg)" in again
    assert brand_keywords(uow_factory=services.uow) == ("Volna", "волн")


def test_keywords_set_by_an_admin_reach_the_webhook(live_server: LiveServer, fake_telegram: FakeBotApi) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    add_bot(services, fake_telegram, keywords=())
    body = (FIXTURES / "group_brand_mention.json").read_bytes()
    headers = {"x-telegram-bot-api-secret-token": SECRET, "content-type": "application/json"}
    with httpx.Client(base_url=live_server.url) as client:
        assert client.post("/hooks/telegram/volna_tg", content=body, headers=headers).json() == {"status": "ignored"}
        admin = make_actor(services, email="admin@volna.test", role=Role.ADMIN)
        set_brand_keywords(["voln"], actor=admin, uow_factory=services.uow, clock=services.clock)
        services.brand_keywords.forget()
        stored = client.post("/hooks/telegram/volna_tg", content=body, headers=headers).json()
    assert stored["status"] == "stored"
    with services.uow(write=False) as uow:
        item = uow.items.get(stored["item_id"])
    assert item is not None and item.addressing.value == "brand_mention"
    assert json.loads(body)["message"]["text"] == item.text
