"""Time through /api/v1 over real HTTP, on SQLite and PostgreSQL: late replies with the brand's
gestures, follow-ups from resolving to the note, the published promise and the SLA report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest

from otklik.bootstrap import Services
from otklik.clock import FixedClock
from otklik.config import Settings
from otklik.domain.conversations import Priority
from otklik.domain.items import Addressing, Author
from otklik.domain.sla import BusinessCalendar, ClockKind, OpenRange, SlaConfig, SlaPolicy, TeamHours
from otklik.services.auth import create_token
from otklik.services.ingest import ingest_items
from otklik.services.triage import triage_pending
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer, make_settings

BROKEN = "@volna_shop my headphones arrived broken 😤 order 5521, the left side is dead"
APOLOGY = "Tom, we're so sorry your headphones for order 5521 arrived broken and that you waited this long for us."


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        followup_days={"complaint": 3},
        promise_response_minutes=60,
        brand_contacts={"email": "care@volna.test", "faq": "https://volna.test/faq"},
    )


@pytest.fixture
def services(live_server: LiveServer) -> Services:
    return live_server.services  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def api(live_server: LiveServer, services: Services) -> Iterator[httpx.Client]:
    actor = make_actor(services, email="mark@volna.test", team="Care EN")
    token = create_token(actor.agent.id, "tests", uow_factory=services.uow, clock=services.clock)
    with httpx.Client(base_url=live_server.url, headers={"authorization": f"Bearer {token}"}) as client:
        yield client


def customer(services: Services, author_id: str, text: str = BROKEN, *, at: datetime | None = None, source: str = "generic") -> int:
    """A customer item (at ``at``, default: the clock's now) through ingest and triage; its conversation."""
    draft = replace(
        make_draft(author_id=author_id, text=text, lang="en", created_at=at or services.clock.now(), source=source),
        author=Author(external_id=author_id, name="Tom Baker", handle=f"@{author_id}"),
    )
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    while triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema):
        pass
    return outcome.conversation_id


def reply(api: httpx.Client, conversation_id: int, text: str = APOLOGY, **extra: object) -> httpx.Response:
    return api.post(f"/api/v1/conversations/{conversation_id}/replies", json={"text": text, "acknowledge": True, **extra})


def events_of(api: httpx.Client, conversation_id: int) -> list[dict[str, object]]:
    events = api.get(f"/api/v1/conversations/{conversation_id}").json()["events"]
    assert isinstance(events, list)
    return events


def test_a_late_reply_records_the_gesture_chosen_from_the_policy(api: httpx.Client, services: Services, clock: FixedClock) -> None:
    policy = api.get("/api/v1/compensation-policy")
    assert policy.status_code == 200
    codes = [g["code"] for g in policy.json()["gestures"]]
    assert codes == ["voucher", "free_delivery", "upgrade", "personal_note"]
    voucher = policy.json()["gestures"][0]
    assert voucher["labels"]["ru"] == "Промокод на скидку 10 % на следующий заказ"
    assert voucher["labels"]["pl"] == "Kod rabatowy 10 % na następne zamówienie"
    assert voucher["value"] == "10 %"

    on_time = customer(services, "tom")
    late = customer(services, "amy", at=clock.now())
    sent = reply(api, on_time)
    assert sent.status_code == 201, sent.text
    assert (sent.json()["late"], sent.json()["compensation"]) == (False, None)

    clock.advance(hours=25)  # past the acceptable limit of 24 hours
    unknown = reply(api, late, compensation="pony")
    assert unknown.status_code == 422
    assert "unknown compensation 'pony'" in unknown.json()["error"]["reason"]
    text = APOLOGY + " As an apology, here is a 10 % discount code for your next order: SORRY10."
    sent = reply(api, late, text=text, compensation="voucher", compensation_note="code SORRY10")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["late"], body["compensation"], body["compensation_note"]) == (True, "voucher", "code SORRY10")
    assert body["guards"]["gesture"] == "A 10 % discount code for the next order"
    [queued] = [e for e in events_of(api, late) if e["kind"] == "reply_queued"]
    assert queued["data"]["late"] is True
    assert queued["data"]["compensation"] == "voucher"
    assert queued["data"]["compensation_note"] == "code SORRY10"


def test_resolving_schedules_a_follow_up_that_falls_due_and_is_written_as_a_reply(
    api: httpx.Client, services: Services, clock: FixedClock
) -> None:
    tom = customer(services, "tom")
    assert reply(api, tom).status_code == 201
    resolved = api.post(f"/api/v1/conversations/{tom}/resolve")
    assert resolved.status_code == 200
    [scheduled] = [e for e in events_of(api, tom) if e["kind"] == "followup_scheduled"]
    assert scheduled["data"]["kind"] == "complaint"
    assert scheduled["data"]["due_at"] == (clock.now() + timedelta(days=3)).isoformat()

    assert api.get("/api/v1/followups").json() == []
    [pending] = api.get("/api/v1/followups", params={"state": "pending"}).json()
    assert (pending["conversation_id"], pending["state"], pending["kind"]) == (tom, "pending", "complaint")

    clock.advance(days=3)
    [due] = api.get("/api/v1/followups").json()
    assert due["id"] == pending["id"]
    assert due["last_customer_text"] == BROKEN
    assert due["last_reply_text"] == APOLOGY
    assert (due["channel"], due["author_name"]) == ("generic", "Tom Baker")

    note = "Tom, it's been a few days since the new headphones for order 5521 arrived: do both sides work well now?"
    assert reply(api, tom, text=note).status_code == 201
    assert api.get("/api/v1/followups").json() == []
    conversation = api.get(f"/api/v1/conversations/{tom}").json()
    assert conversation["status"] == "resolved"  # the note does not reopen it
    [done] = [e for e in conversation["events"] if e["kind"] == "followup_done"]
    assert done["data"]["followup_id"] == pending["id"]


def test_a_follow_up_is_cancelled_by_reopening_or_the_customer_and_skipped_only_with_a_reason(
    api: httpx.Client, services: Services, clock: FixedClock
) -> None:
    reopened, wrote_again, skipped = (customer(services, who) for who in ("ann", "bob", "eve"))
    for conversation_id in (reopened, wrote_again, skipped):
        assert api.post(f"/api/v1/conversations/{conversation_id}/resolve").status_code == 200
    assert len(api.get("/api/v1/followups", params={"state": "pending"}).json()) == 3

    assert api.post(f"/api/v1/conversations/{reopened}/reopen").status_code == 200
    [cancelled] = [e for e in events_of(api, reopened) if e["kind"] == "followup_cancelled"]
    assert cancelled["data"]["reason"] == "reopened"

    clock.advance(hours=2)
    customer(services, "bob", "@volna_shop and now the charging case is broken too")
    [cancelled] = [e for e in events_of(api, wrote_again) if e["kind"] == "followup_cancelled"]
    assert (cancelled["actor"], cancelled["data"]["reason"]) == ("customer", "the customer wrote again")

    [left] = api.get("/api/v1/followups", params={"state": "pending"}).json()
    assert left["conversation_id"] == skipped
    empty = api.post(f"/api/v1/followups/{left['id']}/skip", json={"reason": "   "})
    assert empty.status_code == 422
    assert "needs a reason" in empty.json()["error"]["reason"]
    done = api.post(f"/api/v1/followups/{left['id']}/skip", json={"reason": "She asked us not to write again"})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["reason"]) == ("skipped", "She asked us not to write again")
    assert api.post(f"/api/v1/followups/{left['id']}/skip", json={"reason": "again"}).status_code == 409
    assert api.post("/api/v1/followups/999999/skip", json={"reason": "x"}).status_code == 404
    [event] = [e for e in events_of(api, skipped) if e["kind"] == "followup_skipped"]
    assert event["data"]["reason"] == "She asked us not to write again"
    clock.advance(days=5)
    assert api.get("/api/v1/followups").json() == []


def answered_after(api: httpx.Client, services: Services, clock: FixedClock, who: str, minutes: int, *, source: str = "generic") -> int:
    """A conversation whose first answer came ``minutes`` after the customer's first item."""
    conversation_id = customer(services, who, source=source)
    clock.advance(minutes=minutes)
    assert reply(api, conversation_id).status_code == 201
    return conversation_id


def test_the_promise_is_written_from_measured_times_and_warns_when_the_p90_breaks_it(
    api: httpx.Client, services: Services, clock: FixedClock
) -> None:
    for n, minutes in enumerate((10, 20, 30, 40, 50, 60, 70, 80, 90, 150)):
        answered_after(api, services, clock, f"u{n}", minutes)
    customer(services, "waiting")  # not answered yet: not measured
    answered_after(api, services, clock, "tg", 5, source="telegram")
    found = api.get("/api/v1/promise")
    assert found.status_code == 200
    body = found.json()
    [generic, telegram] = body["channels"]
    assert (generic["channel"], generic["answered"], generic["median_s"], generic["p90_s"]) == ("generic", 10, 55 * 60, 90 * 60)
    assert telegram["answered"] == 1
    assert body["desk"]["answered"] == 11
    assert body["promised_s"] == 3600
    assert generic["texts"]["ru"].endswith(
        "Обычно отвечаем за 55 минут, почти всегда — не дольше чем за 2 часа. "
        "Другие способы связи — ответы на частые вопросы: https://volna.test/faq; e-mail: care@volna.test."
    )
    assert "Czas odpowiedzi: zwykle 55 minut, prawie zawsze nie więcej niż 2 godziny." in generic["texts"]["pl"]
    assert "We usually answer within 55 minutes, and almost always within 2 hours." in generic["texts"]["en"]
    assert [w["code"] for w in body["warnings"]] == ["promise_not_kept"]
    assert body["warnings"][0]["details"] == {"channel": "generic", "p90_s": 5400, "promised_s": 3600}

    clock.advance(days=29)  # the window moved past every answer
    later = api.get("/api/v1/promise").json()
    assert later["channels"] == []
    assert later["desk"]["texts"]["en"].endswith(
        "We aim to answer within 1 hour. Other ways to reach us — FAQ: https://volna.test/faq; e-mail: care@volna.test."
    )


def test_the_sla_report_counts_business_and_calendar_time_by_channel_team_and_agent(
    api: httpx.Client, services: Services, clock: FixedClock
) -> None:
    weekdays = {day: (OpenRange(time(9), time(17)),) for day in range(5)}
    services.use_sla(
        SlaConfig(
            policy=SlaPolicy(first_response={p: timedelta(hours=2) for p in Priority}),
            teams={"care": TeamHours(BusinessCalendar(timezone="UTC", weekly=weekdays))},
        )
    )
    clock.current = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # Friday, an hour before closing
    # Answered Monday 9:30: 65.5 calendar hours, but 1.5 business hours: within the target.
    weekend = customer(services, "fri")
    clock.current = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert reply(api, weekend).status_code == 201
    # Answered after 3 business hours: a breach.
    slow = customer(services, "mon")
    clock.advance(hours=3)
    assert reply(api, slow).status_code == 201
    # Not answered, and its target has passed: a breach too.
    customer(services, "ghost", at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    clock.current = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    found = api.get("/api/v1/reports/sla", params={"from": "2026-11-16", "to": "2026-11-23"})
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["from"], body["to"]) == ("2026-11-16", "2026-11-23")
    desk = body["desk"]
    assert (desk["conversations"], desk["answered"], desk["within_target"], desk["breaches"]) == (3, 2, 1, 2)
    assert desk["attainment"] == pytest.approx(1 / 3)
    assert desk["median_business_s"] == int(2.25 * 3600)
    assert desk["p90_calendar_s"] == int(65.5 * 3600)
    [agent_mark, unanswered] = sorted(body["agents"], key=lambda r: r["name"] == "not answered yet")
    assert (agent_mark["name"], agent_mark["answered"], agent_mark["within_target"]) == ("Mark", 2, 1)
    assert unanswered["breaches"] == 1
    assert [r["name"] for r in body["channels"]] == ["generic"]

    exported = api.get("/api/v1/reports/sla", params={"from": "2026-11-16", "to": "2026-11-23", "format": "csv"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows[0]["dimension"] == "desk"
    assert (rows[0]["conversations"], rows[0]["breaches"], rows[0]["attainment_pct"]) == ("3", "2", "33.3")
    assert rows[0]["median_business_min"] == "135.0"

    bad = api.get("/api/v1/reports/sla", params={"from": "2026-11-23", "to": "2026-11-16"})
    assert bad.status_code == 422
    assert "starts (2026-11-23) after it ends" in bad.json()["error"]["reason"]


def test_the_sla_report_judges_a_conversation_by_its_sla_class_target_when_it_has_one(
    api: httpx.Client, services: Services, clock: FixedClock
) -> None:
    services.use_sla(
        SlaConfig(
            policy=SlaPolicy(
                first_response={p: timedelta(hours=2) for p in Priority},
                classes={"proactive": {ClockKind.FIRST_RESPONSE: timedelta(hours=4)}},
            ),
            teams={"care": TeamHours(BusinessCalendar.round_the_clock())},
        )
    )
    clock.current = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    complaint = customer(services, "direct")  # the default schema: standard class, the priority's 2 h
    asked = make_draft(author_id="mention", text="does anyone know if VolnaShop ships to Lithuania? 🤔", lang="en", created_at=clock.now())
    [outcome] = ingest_items([replace(asked, addressing=Addressing.BRAND_MENTION)], uow=services.uow(), clock=clock)
    while triage_pending(uow_factory=services.uow, clock=clock, active=services.schema):
        pass
    mention = outcome.conversation_id
    assert api.get(f"/api/v1/conversations/{mention}").json()["sla_class"] == "proactive"
    clock.advance(hours=3)  # past 2 h, within 4 h
    assert reply(api, complaint).status_code == 201
    assert reply(api, mention, "Hi! Yes, we ship to Lithuania in 3–5 days.").status_code == 201

    desk = api.get("/api/v1/reports/sla", params={"from": "2026-11-23", "to": "2026-11-23"}).json()["desk"]
    assert (desk["conversations"], desk["answered"], desk["within_target"], desk["breaches"]) == (2, 2, 1, 1)


def test_the_sla_report_judges_an_answer_by_what_the_conversation_was_when_answered(
    api: httpx.Client, services: Services, clock: FixedClock
) -> None:
    services.use_sla(
        SlaConfig(
            policy=SlaPolicy(first_response={p: timedelta(minutes=15) if p is Priority.URGENT else timedelta(hours=2) for p in Priority}),
            teams={"care": TeamHours(BusinessCalendar.round_the_clock())},
        )
    )
    clock.current = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    conversation = customer(services, "escalated-later")
    clock.advance(hours=1)
    assert reply(api, conversation).status_code == 201  # within the 2 h it ran on
    # Afterwards it is escalated and routed: that must not rewrite how its first answer did.
    with services.uow() as uow:
        team = uow.teams.ensure("Care PL")
        now = services.clock.now()
        stored = uow.conversations.get(conversation)
        assert stored is not None
        changed, _ = replace(stored, priority=Priority.URGENT).move_to_team(team, by="test", at=now)
        uow.conversations.save(changed)
        uow.commit()

    body = api.get("/api/v1/reports/sla", params={"from": "2026-11-23", "to": "2026-11-23"}).json()
    assert (body["desk"]["within_target"], body["desk"]["breaches"]) == (1, 0)
    assert [(r["name"], r["within_target"]) for r in body["teams"]] == [("no team", 1)]
