"""Time in the agent UI over real HTTP: the gestures of a late answer in the composer, the
follow-ups view with skipping, the promise page with its notice, the SLA report and its CSV."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from otklik.config import Settings
from otklik.domain.sla import BusinessCalendar, OpenRange, SlaConfig, TeamHours
from otklik.services import actions
from otklik.services.triage import triage_pending
from tests.builders import make_actor
from tests.conftest import LiveServer, make_settings
from tests.integration.test_ui import EVIL, logged_in, seed


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url, followup_days={"complaint": 3}, brand_contacts={"email": "care@volna.test"})


def test_a_late_conversation_offers_the_brands_gestures_in_the_customers_language(live_server: LiveServer) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    make_actor(services)
    anna = seed(live_server, lang="pl", name="Anna Kowalska", author_id="u-anna", text="Paczka 88213 nie dotarła, czekam od tygodnia!")
    with logged_in(live_server) as (client, token):
        assert 'name="compensation"' not in client.get(f"/conversations/{anna}").text
        services.clock.advance(hours=30)
        page = client.get(f"/conversations/{anna}").text
        assert '<option value="voucher">Kod rabatowy 10 % na następne zamówienie</option>' in page
        assert '<option value="personal_note">Osobisty list od kierownika obsługi klienta</option>' in page
        text = (
            "Pani Anno, bardzo przepraszamy za tak długie czekanie na paczkę 88213. Kurier dostarczy ją jutro do 12:00, "
            "a w ramach przeprosin wysyłamy kod rabatowy 10 % na następne zamówienie."
        )
        sent = client.post(
            f"/conversations/{anna}/reply",
            data={"text": text, "compensation": "voucher", "compensation_note": "RABAT10", "acknowledge": "1", "csrf_token": token},
        )
        assert sent.status_code == 303, sent.text
    with services.uow(write=False) as uow:
        [reply] = uow.replies.for_conversation(anna)
    assert (reply.late, reply.compensation, reply.compensation_note) == (True, "voucher", "RABAT10")


def test_the_follow_ups_view_lists_due_notes_with_context_and_skips_with_a_reason(live_server: LiveServer) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    agent = make_actor(services)
    conversation = seed(
        live_server, lang="en", name="Tom Baker", author_id="u-tom", text=f"My headphones arrived broken, order 5521 {EVIL}"
    )
    while triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema):
        pass
    actions.resolve_conversation(
        conversation, actor=agent, uow_factory=services.uow, clock=services.clock, followup_days=services.settings.followup_days
    )
    with logged_in(live_server) as (client, token):
        assert 'id="followups-empty"' in client.get("/followups").text
        assert "A follow-up is scheduled for" in client.get(f"/conversations/{conversation}").text
        assert client.get("/followups/count").text == ""  # scheduled, not due: no badge
        services.clock.advance(days=3, minutes=1)
        assert ">1</span>" in client.get("/followups/count").text
        assert 'hx-get="/followups/count"' in client.get("/inbox").text
        page = client.get("/followups").text
        assert f'href="/conversations/{conversation}"' in page
        assert "(due now)" in page
        assert EVIL not in page and "&lt;script&gt;" in page  # the customer's words are data
        assert "Follow-up due" in client.get(f"/conversations/{conversation}").text
        followup_id = int(page.split('data-followup-id="', 1)[1].split('"', 1)[0])
        refused = client.post(f"/followups/{followup_id}/skip", data={"reason": "", "csrf_token": token})
        assert refused.status_code == 422
        assert "needs a reason" in refused.text
        skipped = client.post(f"/followups/{followup_id}/skip", data={"reason": "He already wrote that all is fine", "csrf_token": token})
        assert skipped.status_code == 303
        assert 'id="followups-empty"' in client.get("/followups").text
        assert client.get("/followups/count").text == ""


def test_the_promise_page_shows_three_languages_the_notice_and_the_sla_report(live_server: LiveServer) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    make_actor(services)
    services.use_sla(
        SlaConfig(
            teams={"care": TeamHours(BusinessCalendar(timezone="UTC", weekly={d: (OpenRange(time(9), time(17)),) for d in range(5)}))}
        )
    )
    conversation = seed(live_server, lang="ru")
    with logged_in(live_server) as (client, token):
        services.clock.advance(minutes=50)  # the customer wrote at 8:00 (before opening), the answer goes at 9:50
        answer = "Анна, извините за задержку с заказом #4471: мы уже связались со складом, курьер привезёт его завтра до 14:00."
        assert (
            client.post(f"/conversations/{conversation}/reply", data={"text": answer, "acknowledge": "1", "csrf_token": token}).status_code
            == 303
        )
        page = client.get("/promise").text
        assert "Мы на связи: пн–пт 9:00–17:00 (UTC). Обычно отвечаем за 2 часа, почти всегда — не дольше чем за 2 часа." in page
        assert (
            "Jesteśmy dostępni: pon.–pt. 9:00–17:00 (UTC). Czas odpowiedzi: zwykle 2 godziny, prawie zawsze nie więcej niż 2 godziny."
            in page
        )
        assert "We&#39;re here Mon–Fri 9:00–17:00 (UTC)." in page
        assert 'id="notice-none"' in page  # 9:50 on a Friday: open
        services.clock.current = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
        closed = client.get("/promise").text
        assert "Сейчас мы не на связи и вернёмся в понедельник в 9:00. Пока нас нет, можно написать на care@volna.test." in closed

        report = client.get("/reports/sla", params={"from": "2026-11-20", "to": "2026-11-20"})
        assert report.status_code == 200
        assert '<dd id="sla-conversations">1</dd>' in report.text
        assert '<dd id="sla-attainment">100.0 %</dd>' in report.text
        assert 'class="sla-bar sla-good" style="width: 100.0%"' in report.text
        exported = client.get("/reports/sla.csv", params={"from": "2026-11-20", "to": "2026-11-20"})
        assert exported.status_code == 200
        # 110 minutes on the clock, 50 of them in business hours.
        assert exported.text.splitlines()[1] == "desk,,whole desk,1,1,1,0,100.0,110.0,110.0,50.0,50.0"
        bad = client.get("/reports/sla", params={"from": "yesterday"})
        assert bad.status_code == 422
        assert "from must be a date" in bad.text
