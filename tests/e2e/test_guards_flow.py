"""The reply guards in a real browser: an agent types a saved reply, the warnings appear as they
type, sending needs "send anyway", and the reply shows as sent with its acknowledgement.

Drives Debian's Chromium through Playwright against the whole app on 127.0.0.1 (SQLite).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from otklik.bootstrap import build_services
from otklik.clock import FixedClock
from otklik.domain.items import Author
from otklik.services.ingest import ingest_items
from otklik.services.replies import send_reply
from otklik.web.app import create_app
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer, make_settings
from tests.e2e.test_agent_flow import SCREENSHOTS
from tests.support.browser import chromium_page

pytestmark = pytest.mark.browser

# The care team's saved reply, sent to Tomasz yesterday with his name and parcel number.
SAVED = (
    "Dzień dobry, {name}! Bardzo przepraszamy za opóźnienie paczki {number}. Przekazaliśmy sprawę do działu dostaw, "
    "kurier skontaktuje się jeszcze dziś do 18:00 i ustali dogodny termin."
)
# (author id, name, handle, text, minutes after 08:00). The fixed clock says 09:00.
TOMASZ = ("tg-tomasz", "Tomasz Wiśniewski", "@tomasz_w", "Paczka 61024 miała być wczoraj, a kuriera jak nie było, tak nie ma.", -50)
EWA = ("tg-ewa", "Ewa Zielińska", "@ewa_z", "Gdzie jest moja paczka 88213? Czekam już trzeci dzień!", -20)


@pytest.fixture
def desk(tmp_path: Path, sqlite_url: str, clock: FixedClock) -> Iterator[LiveServer]:
    """The app on SQLite over real HTTP: an agent, two Polish customers, the saved reply sent to the first."""
    settings = make_settings(tmp_path, sqlite_url)
    services = build_services(settings, clock=clock, migrate=False)
    actor = make_actor(services)
    ids = []
    for author_id, name, handle, text, minutes in (TOMASZ, EWA):
        draft = replace(
            make_draft(author_id=author_id, lang="pl", text=text, minutes=minutes),
            author=Author(external_id=author_id, name=name, handle=handle),
        )
        ids.append(ingest_items([draft], uow=services.uow(), clock=services.clock)[0].conversation_id)
    send_reply(
        ids[0],
        SAVED.format(name="Panie Tomaszu", number="61024"),
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
    )
    server = LiveServer(create_app(settings, services=services, run_worker=False)).start()
    server.services = services  # type: ignore[attr-defined]
    server.conversation = ids[1]  # type: ignore[attr-defined]
    yield server
    server.stop()
    services.engine.dispose()


@pytest.mark.timeout(1200)  # may install Chromium first
def test_a_canned_reply_is_caught_as_it_is_typed_and_goes_out_only_acknowledged(desk: LiveServer) -> None:
    from playwright.sync_api import expect

    with chromium_page(locale="pl-PL", height=1000) as (page, problems):
        page.goto(f"{desk.url}/conversations/{desk.conversation}")  # type: ignore[attr-defined]
        page.get_by_label("E-mail").fill("kasia@volna.test")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("h1")).to_have_text("Ewa Zielińska")
        status = page.locator("[data-verdict]")
        expect(status).to_have_attribute("data-verdict", "idle")

        # The agent types the saved reply, with Ewa's name and parcel: the guards answer live.
        box = page.get_by_label("Reply to Ewa Zielińska")
        box.press_sequentially(SAVED.format(name="Pani Ewo", number="88213"))
        expect(status).to_have_attribute("data-verdict", "acknowledge")
        flag = page.locator('.guard-flag[data-code="scripted.near_duplicate"]')
        expect(flag).to_contain_text("reads like a template")
        expect(page.locator(".guard-preview mark.guard-warn").first).to_be_visible()
        closest = page.locator(".guard-closest li")
        expect(closest).to_have_count(1)
        expect(closest).to_contain_text("Panie Tomaszu")
        expect(closest).to_contain_text("% alike")
        page.screenshot(path=str(SCREENSHOTS / "otklik-guards.png"), full_page=True, caret="initial")

        # Sending needs the box: without it the browser keeps the form, nothing is sent.
        send = page.get_by_role("button", name="Send reply")
        send.click()
        anyway = page.get_by_label("Send anyway", exact=False)
        assert anyway.evaluate("box => box.validity.valueMissing") is True
        expect(page.locator("article.msg-out")).to_have_count(0)
        expect(page.locator("#conversation-status")).to_have_text("new")

        anyway.check()
        send.click()
        sent = page.locator("article.msg-out")
        expect(sent).to_have_count(1)
        expect(sent).to_contain_text("Pani Ewo")
        expect(sent.locator(".reply-ack")).to_contain_text("Sent over warnings: reads like a template")
        expect(sent.locator(".reply-ack")).to_contain_text("acknowledged by Kasia")
        expect(page.locator("#conversation-status")).to_have_text("waiting for customer")
        expect(page.locator(".event-reply_queued")).to_contain_text("sent over warnings: scripted.near_duplicate")
        expect(status).to_have_attribute("data-verdict", "idle")  # the box is empty again
        assert problems == []
