"""An agent's round in a real browser: log in, answer the newest customer, resolve, back to the inbox.

Drives Debian's Chromium through Playwright against the whole app on 127.0.0.1 (SQLite).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from otklik.bootstrap import build_services
from otklik.clock import FixedClock
from otklik.domain.items import Author
from otklik.services.ingest import ingest_items
from otklik.web.app import create_app
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer, make_settings
from tests.support.browser import chromium_page

pytestmark = pytest.mark.browser

# Where the two screenshots go (/tmp by default) for a person to look at.
SCREENSHOTS = Path(os.environ.get("OTKLIK_SCREENSHOTS") or tempfile.gettempdir())

# (author id, name, handle, language, text, minutes after 08:00). The fixed clock says 09:00.
CUSTOMERS = [
    ("tg-anna", "Анна Смирнова", "@anna_s", "ru", "Где мой заказ #4471?? уже неделю жду 😡", -125),
    ("ig-mark", "Mark Taylor", "@markt", "en", "@volna_shop my headphones arrived broken 😤 order 5521", -40),
    ("fb-ola", "Ola Nowak", "@ola.nowak", "pl", "Kiedy wrócą do sprzedaży słuchawki Volna X2? Czekam od miesiąca.", 20),
    # The newest arrival: 08:55, five minutes before "now".
    ("tg-lukasz", "Łukasz Żółć", "@lukasz_z", "pl", "Paczka 88213 nie dotarła do paczkomatu w Krakowie, co jest grane?", 55),
]
NEWEST = "Łukasz Żółć"


@pytest.fixture
def desk(tmp_path: Path, sqlite_url: str, clock: FixedClock) -> Iterator[LiveServer]:
    """The app on SQLite over real HTTP, with an agent and four customers in ru/pl/en."""
    settings = make_settings(tmp_path, sqlite_url)
    services = build_services(settings, clock=clock, migrate=False)
    make_actor(services)
    for author_id, name, handle, lang, text, minutes in CUSTOMERS:
        draft = replace(
            make_draft(author_id=author_id, lang=lang, text=text, minutes=minutes),
            author=Author(external_id=author_id, name=name, handle=handle),
        )
        ingest_items([draft], uow=services.uow(), clock=services.clock)
    server = LiveServer(create_app(settings, services=services, run_worker=False)).start()
    server.services = services  # type: ignore[attr-defined]
    yield server
    server.stop()
    services.engine.dispose()


@pytest.mark.timeout(1200)  # may install Chromium first
def test_agent_answers_the_newest_customer_and_resolves(desk: LiveServer) -> None:
    from playwright.sync_api import expect

    with chromium_page(locale="pl-PL") as (page, problems):
        # Unauthenticated: the inbox sends us to the login page, which brings us back.
        page.goto(f"{desk.url}/inbox")
        expect(page).to_have_url(f"{desk.url}/login?next=%2Finbox")
        page.get_by_label("E-mail").fill("kasia@volna.test")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{desk.url}/inbox")

        rows = page.locator("li.row")
        expect(rows).to_have_count(len(CUSTOMERS))
        expect(rows.first).to_contain_text("Анна Смирнова")
        expect(rows.first).to_contain_text("3 h 5 min")
        # caret="initial": hiding the caret would inject a <style> that our CSP rightly refuses.
        page.screenshot(path=str(SCREENSHOTS / "otklik-inbox.png"), full_page=True, caret="initial")

        # The inbox puts the longest wait first, so the newest arrival is the last row;
        # we check it is the customer we seeded last (08:55, waiting 5 min) and open it.
        newest = rows.last
        expect(newest).to_contain_text(NEWEST)
        expect(newest).to_contain_text("5 min")
        newest.get_by_role("link").click()
        expect(page.locator("h1")).to_have_text(NEWEST)
        expect(page.locator("#conversation-status")).to_have_text("new")

        # Mark the document: a full page load would lose this, an HTMX swap keeps it.
        page.evaluate("window.__stillHere = true")
        # An empty reply is refused with the reason next to the box, and nothing changes.
        page.get_by_role("button", name="Send reply").click()
        expect(page.locator("#reply-error")).to_have_text("a reply needs some text")
        expect(page.locator("#conversation-status")).to_have_text("new")
        reply = "Dzień dobry, Panie Łukaszu! Sprawdziłam paczkę 88213: utknęła w sortowni, jutro do 10:00 będzie w paczkomacie w Krakowie."
        page.get_by_label(f"Reply to {NEWEST}").fill(reply)
        page.get_by_role("button", name="Send reply").click()
        sent = page.locator("article.msg-out")
        expect(sent).to_have_count(1)
        expect(sent).to_contain_text(reply)
        expect(sent).to_contain_text("to post by hand")
        expect(page.get_by_label(f"Reply to {NEWEST}")).to_have_value("")
        expect(page.locator("#conversation-status")).to_have_text("waiting for customer")
        expect(page.locator("#reply-error")).to_be_empty()
        assert page.evaluate("window.__stillHere") is True
        page.screenshot(path=str(SCREENSHOTS / "otklik-conversation.png"), full_page=True, caret="initial")

        page.get_by_role("button", name="Resolve").click()
        expect(page.locator("#conversation-status")).to_have_text("resolved")
        expect(page.get_by_role("button", name="Reopen")).to_be_visible()

        page.get_by_role("link", name="← Inbox").click()
        expect(page).to_have_url(f"{desk.url}/inbox")
        expect(rows).to_have_count(len(CUSTOMERS) - 1)
        expect(page.locator("#inbox-list")).not_to_contain_text(NEWEST)

        # The filters swap the list in place and put the choice in the address bar.
        page.get_by_label("Status").select_option("resolved")
        expect(page).to_have_url(f"{desk.url}/inbox?status=resolved&kind=&assignee=&channel=&language=&team=")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(NEWEST)
        assert page.evaluate("window.__stillHere") is None  # the inbox was a new page load
        assert problems == []
