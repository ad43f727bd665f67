"""The worker loop inside the app delivers a reply an agent sends through the API."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from otklik.bootstrap import build_services
from otklik.clock import SystemClock
from otklik.services.auth import create_token
from otklik.services.ingest import ingest_items
from otklik.services.sources import add_source
from otklik.web.app import create_app
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer, make_settings
from tests.support.callback import Callback


def test_reply_sent_through_the_api_reaches_the_callback(tmp_path: Path, db_url: str, callback: Callback) -> None:
    settings = make_settings(tmp_path, db_url)
    services = build_services(settings, clock=SystemClock(), migrate=False)
    add_source("shop", uow_factory=services.uow, clock=services.clock, secret="cb", callback_url=callback.url)
    actor = make_actor(services)
    token = create_token(actor.agent.id, "t", uow_factory=services.uow, clock=services.clock)
    conv = ingest_items([make_draft(source="shop", external_id="q-1", lang="ru")], uow=services.uow(), clock=services.clock)[0]
    server = LiveServer(create_app(settings, services=services, run_worker=True)).start()
    try:
        client = httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {token}"})
        reply = client.post(
            f"/api/v1/conversations/{conv.conversation_id}/replies",
            json={"text": "Анна, простите за долгое ожидание! Заказ #4471 приедет завтра до 18:00, а за задержку дарим промокод на 500 ₽."},
        ).json()
        deadline = time.monotonic() + 10
        state = reply["delivery_state"]
        while state != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
            state = client.get(f"/api/v1/conversations/{conv.conversation_id}").json()["replies"][0]["delivery_state"]
        assert state == "sent"
        assert len(callback.received) == 1
    finally:
        server.stop()
        services.engine.dispose()
