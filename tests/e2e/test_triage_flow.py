"""Triage in a real browser: the ignored view keeps insults with their reason, the "why" marks the
words that decided, and a correction changes the badges in place (an HTMX swap, not a reload).

Drives Debian's Chromium through Playwright against the whole app on 127.0.0.1 (SQLite).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from otklik.bootstrap import build_services
from otklik.clock import FixedClock
from otklik.domain.items import Author
from otklik.services.ingest import ingest_items
from otklik.services.triage import triage_pending
from otklik.web.app import create_app
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer, make_settings
from tests.e2e.test_agent_flow import SCREENSHOTS
from tests.support.browser import chromium_page

pytestmark = pytest.mark.browser

# (author id, name, handle, language, text, minutes after 08:00). The fixed clock says 09:00.
CUSTOMERS = [
    ("tg-troll", "Тролль Петрович", "@troll", "ru", "вы все там дебилы 🤬", -100),
    ("tg-irina", "Ирина Ковалёва", "@irina_k", "ru", "третий день нет интернета, вы издеваетесь?", -60),
    ("fb-ola", "Ola Nowak", "@ola.nowak", "pl", "Kiedy wrócą do sprzedaży słuchawki Volna X2? Czekam od miesiąca.", -30),
    ("x-mark", "Mark Taylor", "@markt", "en", "you guys rock 🔥 best support ever", -5),
]
TROLL, IRINA = "Тролль Петрович", "Ирина Ковалёва"


@pytest.fixture
def desk(tmp_path: Path, sqlite_url: str, clock: FixedClock) -> Iterator[LiveServer]:
    """The app on SQLite over real HTTP, with an agent and four customers, triaged."""
    settings = make_settings(tmp_path, sqlite_url)
    services = build_services(settings, clock=clock, migrate=False)
    make_actor(services)
    for author_id, name, handle, lang, text, minutes in CUSTOMERS:
        draft = replace(
            make_draft(author_id=author_id, lang=lang, text=text, minutes=minutes),
            author=Author(external_id=author_id, name=name, handle=handle),
        )
        ingest_items([draft], uow=services.uow(), clock=services.clock)
    triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema)
    server = LiveServer(create_app(settings, services=services, run_worker=False)).start()
    server.services = services  # type: ignore[attr-defined]
    yield server
    server.stop()
    services.engine.dispose()


@pytest.mark.timeout(1200)  # may install Chromium first
def test_agent_sees_why_and_corrects_triage(desk: LiveServer) -> None:
    from playwright.sync_api import expect

    with chromium_page(locale="ru-RU", console_errors=True) as (page, problems):
        page.goto(f"{desk.url}/login")
        page.get_by_label("E-mail").fill("kasia@volna.test")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{desk.url}/inbox")

        # The insult is not in the open inbox; under "ignored" it is, with the schema's reason.
        rows = page.locator("li.row")
        expect(rows).to_have_count(len(CUSTOMERS) - 1)
        expect(page.locator("#inbox-list")).not_to_contain_text(TROLL)
        page.get_by_label("Status").select_option("ignored")
        expect(rows).to_have_count(1)
        ignored = rows.first
        expect(ignored).to_contain_text(TROLL)
        expect(ignored).to_contain_text("вы все там дебилы 🤬")
        expect(ignored.locator(".ignore-reason")).to_have_text("Ignored: insult with nothing to answer (response schema, rule insults)")
        expect(ignored.locator(".kind")).to_have_text("insult")
        expect(ignored.locator(".decision")).to_have_text("ignore")

        # Back to the open inbox, complaints only: the one complaint, with its badges.
        page.get_by_label("Status").select_option("")
        page.get_by_label("Kind").select_option("complaint")
        expect(page).to_have_url(f"{desk.url}/inbox?status=&kind=complaint&assignee=&channel=&language=&team=")
        expect(rows).to_have_count(1)
        complaint = rows.first
        expect(complaint).to_contain_text(IRINA)
        expect(complaint.locator(".kind")).to_have_text("complaint")
        expect(complaint.locator(".senti")).to_have_attribute("aria-label", "sentiment: negative")
        expect(complaint.locator(".decision")).to_have_text("respond")
        page.screenshot(path=str(SCREENSHOTS / "otklik-triage-inbox.png"), full_page=True, caret="initial")
        complaint.get_by_role("link").click()
        expect(page.locator("h1")).to_have_text(IRINA)

        # The "why" names the rule and the schema version and marks the words.
        item = page.locator("article.msg-in").first
        why = item.locator("details.why")
        why.locator("summary").click()
        expect(why.locator(".rule-name")).to_have_text("complaints")
        expect(why.locator(".schema-version")).to_have_text("1")
        marks = why.locator(".why-text mark")
        expect(marks.first).to_be_visible()
        assert "издеваетесь" in marks.all_text_contents()
        page.screenshot(path=str(SCREENSHOTS / "otklik-triage-why.png"), full_page=True, caret="initial")

        # Correct the kind: the item's block is swapped in place, the header follows.
        page.evaluate("window.__stillHere = true")
        item.locator("details.fix summary").click()
        item.get_by_label("Kind").select_option("question")
        item.get_by_role("button", name="Save correction").click()
        item = page.locator("article.msg-in").first
        expect(item.locator(".triage .kind")).to_have_text("question")
        expect(item.locator(".chip-corrected")).to_be_visible()
        expect(item.locator(".triage .decision")).to_have_text("respond")
        expect(page.locator("#conversation-triage .kind")).to_have_text("question")
        expect(page.locator(".conv-head .prio")).to_have_text("normal")  # a question waits less urgently than a complaint
        assert page.evaluate("window.__stillHere") is True

        # The insult, corrected to a complaint, leaves "ignored" at once.
        page.goto(f"{desk.url}/inbox?status=ignored")
        rows.first.get_by_role("link").click()
        expect(page.locator("#conversation-status")).to_have_text("ignored")
        expect(page.get_by_role("button", name="Reopen")).to_be_visible()
        page.evaluate("window.__stillHere = true")
        insult = page.locator("article.msg-in").first
        insult.locator("details.fix summary").click()
        insult.get_by_label("Kind").select_option("complaint")
        insult.get_by_role("button", name="Save correction").click()
        expect(page.locator("article.msg-in").first.locator(".triage .kind")).to_have_text("complaint")
        expect(page.locator("#conversation-status")).to_have_text("open")
        expect(page.get_by_role("button", name="Resolve")).to_be_visible()
        expect(page.locator(".conv-head .note")).to_have_count(0)  # no "ignored on purpose" any more
        expect(page.locator("#timeline-tail .event-triage_corrected")).to_have_text(re.compile("kind insult → complaint corrected"))
        assert page.evaluate("window.__stillHere") is True
        page.screenshot(path=str(SCREENSHOTS / "otklik-triage-corrected.png"), full_page=True, caret="initial")
        assert problems == []
