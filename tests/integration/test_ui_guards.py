"""The reply guards in the agent UI over real HTTP: the live panel, sending over warnings,
blocked drafts, escaping, and the guards report page."""

from __future__ import annotations

import re

import pytest

from otklik.services.access import Actor
from tests.builders import make_actor
from tests.conftest import LiveServer
from tests.integration.test_ui import EVIL, HTMX, logged_in, seed

TEMPLATE = (
    "Dzień dobry, {name}! Bardzo przepraszamy za opóźnienie paczki {number}. Przekazaliśmy sprawę do działu dostaw, "
    "kurier skontaktuje się z Panią jeszcze dziś do 18:00 i ustali dogodny termin."
)


@pytest.fixture
def agent(live_server: LiveServer) -> Actor:
    return make_actor(live_server.services)  # type: ignore[attr-defined]


def panel(html: str) -> str:
    """The verdict the panel shows."""
    found = re.search(r'data-verdict="(\w+)"', html)
    assert found is not None, html
    return found.group(1)


def test_the_panel_shows_findings_marks_and_the_closest_past_replies_as_the_agent_types(live_server: LiveServer, agent: Actor) -> None:
    anna = seed(live_server, lang="pl", name="Anna Kowalska", author_id="u-anna", text="Paczka 88213 nie dotarła do paczkomatu w Krakowie")
    ola = seed(
        live_server, lang="pl", name="Ola Nowak", author_id="u-ola", text="Gdzie jest moja paczka 55120? Miała być wczoraj!", minutes=2
    )
    with logged_in(live_server) as (client, token):
        # Nothing written yet: the panel explains itself and the button is there.
        page = client.get(f"/conversations/{anna}").text
        assert panel(page) == "idle"
        assert 'hx-post="/conversations/' in page and 'hx-trigger="keyup changed delay:400ms, input changed delay:400ms"' in page
        assert ">Send reply</button>" in page

        first = TEMPLATE.format(name="Pani Anno", number="88213")
        live = client.post(f"/conversations/{anna}/guards", data={"text": first}, headers={**HTMX, "x-csrf-token": token})
        assert live.status_code == 200
        assert panel(live.text) == "clean"
        assert "Ready to send." in live.text
        sent = client.post(f"/conversations/{anna}/reply", data={"text": first, "csrf_token": token})
        assert sent.status_code == 303

        templated = TEMPLATE.format(name="Pani Olu", number="55120")
        live = client.post(f"/conversations/{ola}/guards", data={"text": templated}, headers={**HTMX, "x-csrf-token": token})
        assert live.status_code == 200
        html = live.text
        assert panel(html) == "acknowledge"
        assert "Warnings: send only knowingly" in html
        assert 'data-code="scripted.near_duplicate"' in html
        assert "reads like a template" in html
        assert re.search(r'<mark class="guard-mark guard-warn" title="Reads like a template[^"]*">[^<]*działu dostaw', html)
        assert "Closest past replies on this account" in html
        assert "100% alike" in html or re.search(r"9\d% alike", html)
        assert first in html  # the earlier reply, beside the draft
        assert "1 in 7 days, 1 in 30 days" in html
        assert re.search(r'<input type="checkbox" name="acknowledge" value="1" required>', html)
        assert "disabled" not in html.split("Send reply")[0].rsplit("<button", 1)[1]

        # The form without the box is refused with the reason next to it; with the box it goes.
        refused = client.post(
            f"/conversations/{ola}/reply", data={"text": templated, "csrf_token": token}, headers={**HTMX, "hx-trigger": "reply-form"}
        )
        assert refused.status_code == 409
        assert refused.headers["hx-retarget"] == "#reply-error"
        assert "confirm that you send it anyway" in refused.text
        sent = client.post(f"/conversations/{ola}/reply", data={"text": templated, "acknowledge": "1", "csrf_token": token})
        assert sent.status_code == 303
        page = client.get(f"/conversations/{ola}").text
        assert "Sent over warnings: reads like a template" in page
        assert "acknowledged by Kasia" in page
        assert "sent over warnings: scripted.near_duplicate" in page  # the audit line


def test_a_blocked_draft_disables_sending_and_every_text_is_escaped(live_server: LiveServer, agent: Actor) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    services.guards.length_limits["generic"] = 120  # as if the channel took 120 characters
    conversation = seed(live_server, text=f"{EVIL} где заказ 4471?")
    with logged_in(live_server) as (client, token):
        draft = f"Анна, заказ 4471 приедет завтра до 18:00, курьер позвонит за час. {EVIL} Если время неудобно, напишите нам, перенесём доставку."
        live = client.post(f"/conversations/{conversation}/guards", data={"text": draft}, headers={**HTMX, "x-csrf-token": token})
        assert live.status_code == 200
        assert panel(live.text) == "blocked"
        assert "Blocks sending: change the reply" in live.text
        assert re.search(r'<button class="btn btn-primary" type="submit" disabled[^>]*>Send reply</button>', live.text)
        assert EVIL not in live.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in live.text
        assert '<mark class="guard-block guard-mark"' in live.text  # what does not fit is marked

        # Empty: the idle panel; another page's token: refused, and said so in the panel.
        assert (
            panel(client.post(f"/conversations/{conversation}/guards", data={"text": "  "}, headers={**HTMX, "x-csrf-token": token}).text)
            == "idle"
        )
        forged = client.post(f"/conversations/{conversation}/guards", data={"text": draft}, headers={**HTMX, "x-csrf-token": "nope"})
        assert forged.status_code == 403
        assert "CSRF check failed" in forged.text
        missing = client.post("/conversations/999999/guards", data={"text": draft}, headers={**HTMX, "x-csrf-token": token})
        assert panel(missing.text) == "error"
        assert "conversation 999999 does not exist" in missing.text


def test_a_late_conversation_asks_for_a_gesture(live_server: LiveServer, agent: Actor) -> None:
    conversation = seed(live_server, minutes=-26 * 60)  # the fixed clock says 09:00; this arrived 26 h before
    with logged_in(live_server) as (client, token):
        page = client.get(f"/conversations/{conversation}").text
        assert "This answer is late: apologise, and offer a gesture" in page
        assert 'name="gesture"' in page
        live = client.post(
            f"/conversations/{conversation}/guards",
            data={"text": "Анна, заказ 4471 приедет сегодня до 18:00.", "gesture": "промокод на 500 ₽"},
            headers={**HTMX, "x-csrf-token": token},
        )
        assert 'data-code="late.no_apology"' in live.text
        assert "промокод на 500 ₽" in live.text  # the gesture the message asks for


def test_the_guards_report_page_shows_a_table_and_a_chart(live_server: LiveServer, agent: Actor) -> None:
    conversation = seed(live_server, lang="pl", name="Anna Kowalska", text="Paczka 88213 nie dotarła do paczkomatu w Krakowie")
    with logged_in(live_server) as (client, token):
        sent = client.post(
            f"/conversations/{conversation}/reply", data={"text": TEMPLATE.format(name="Pani Anno", number="88213"), "csrf_token": token}
        )
        assert sent.status_code == 303
        page = client.get("/reports/guards", params={"from": "2026-11-02", "to": "2026-11-22"})
        assert page.status_code == 200
        html = page.text
        assert 'href="/reports/guards" aria-current="page"' in html
        assert '<dd id="report-checked">1</dd>' in html
        assert '<dd id="report-share">0%</dd>' in html
        assert html.count('<g class="chart-bar">') == 3  # three weeks
        assert '<table class="report-table" id="report-agents">' in html
        assert "Kasia" in html and "Care PL" in html
        bad = client.get("/reports/guards", params={"from": "someday"})
        assert bad.status_code == 422
        assert "from must be a date like 2026-11-20" in bad.text
        backwards = client.get("/reports/guards", params={"from": "2026-11-22", "to": "2026-11-02"})
        assert backwards.status_code == 422
        assert "the period starts (2026-11-22) after it ends (2026-11-02)" in backwards.text
