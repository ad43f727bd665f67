"""The reply guards through /api/v1 over real HTTP: checking a draft, sending over warnings,
the report per period, and every bad input answered 4xx with a reason."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from otklik.domain.items import Author
from otklik.services.auth import create_token
from otklik.services.ingest import ingest_items
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer
from tests.support.http import local

TEMPLATE = (
    "Hi {name}, we're sorry your order {order} is late. We've passed it to our delivery team "
    "and a courier will contact you today before 6 pm to arrange a convenient time."
)


@pytest.fixture
def api(live_server: LiveServer) -> httpx.Client:
    services = live_server.services  # type: ignore[attr-defined]
    actor = make_actor(services, email="mark@volna.test", team="Care EN")
    token = create_token(actor.agent.id, "tests", uow_factory=services.uow, clock=services.clock)
    return httpx.Client(base_url=live_server.url, headers={"authorization": f"Bearer {token}"})


def customer(server: LiveServer, author_id: str, name: str, text: str, minutes: int = 0, source: str = "generic") -> int:
    services = server.services  # type: ignore[attr-defined]
    draft = replace(
        make_draft(author_id=author_id, text=text, lang="en", minutes=minutes, source=source),
        author=Author(external_id=author_id, name=name, handle=f"@{author_id}"),
    )
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    return outcome.conversation_id


def test_a_draft_is_checked_and_a_template_needs_an_acknowledgement_to_go(live_server: LiveServer, api: httpx.Client) -> None:
    tom = customer(live_server, "tom", "Tom Baker", "My order 5521 still hasn't arrived, the courier never called!")
    amy = customer(live_server, "amy", "Amy Clark", "Where is order 7130? It was due yesterday and nobody came.", minutes=3)
    first = api.post(f"/api/v1/conversations/{tom}/replies", json={"text": TEMPLATE.format(name="Tom", order="5521")})
    assert first.status_code == 201, first.text
    assert first.json()["guards"]["verdict"] == "clean"
    assert first.json()["guards"]["acknowledged"] is None

    templated = TEMPLATE.format(name="Amy", order="7130")
    checked = api.post("/api/v1/guards/check", json={"conversation_id": amy, "text": templated})
    assert checked.status_code == 200
    report = checked.json()
    assert report["verdict"] == "acknowledge"
    [scripted] = [f for f in report["flags"] if f["code"] == "near_duplicate"]
    assert scripted["guard"] == "scripted"
    assert scripted["severity"] == "warn"
    span = scripted["spans"][0]
    assert templated[span["start"] : span["end"]] == span["text"]
    assert span["source"] == "draft"
    [closest] = report["closest_past_replies"]
    assert closest["reply_id"] == first.json()["id"]
    assert closest["similarity"] >= 0.9
    assert closest["text"] == TEMPLATE.format(name="Tom", order="5521")
    assert report["recent_near_identical"] == {"7": 1, "30": 1}
    assert "scripted" in report["guards_run"]

    refused = api.post(f"/api/v1/conversations/{amy}/replies", json={"text": templated})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert "scripted.near_duplicate" in error["reason"]
    assert error["guards"]["verdict"] == "acknowledge"
    assert error["guards"]["recent_near_identical"] == {"7": 1, "30": 1}

    sent = api.post(f"/api/v1/conversations/{amy}/replies", json={"text": templated, "acknowledge": True})
    assert sent.status_code == 201
    guards = sent.json()["guards"]
    assert guards["near_duplicate"] is True
    assert guards["findings"]["scripted.near_duplicate"] == "warn"
    assert guards["acknowledged"]["codes"] == ["scripted.near_duplicate"]
    assert guards["acknowledged"]["by"].startswith("agent:")
    assert guards["report"]["context"]["channel"] == "generic"

    # The conversation shows the reply with its check, and the audit the override.
    conversation = api.get(f"/api/v1/conversations/{amy}").json()
    assert conversation["replies"][0]["guards"]["acknowledged"]["codes"] == ["scripted.near_duplicate"]
    queued = [e for e in conversation["events"] if e["kind"] == "reply_queued"]
    assert queued[0]["data"]["acknowledged"] == ["scripted.near_duplicate"]

    week = api.get("/api/v1/reports/guards", params={"from": "2026-11-16", "to": "2026-11-22"}).json()
    assert (week["from"], week["to"], week["checked"], week["near_duplicates"], week["acknowledged"]) == (
        "2026-11-16",
        "2026-11-22",
        2,
        1,
        1,
    )
    assert week["share"] == 0.5
    assert week["desk"]["weeks"] == [{"week": "2026-11-16", "sent": 2, "near_duplicates": 1, "share": 0.5}]
    assert [(a["name"], a["sent"], a["near_duplicates"]) for a in week["agents"]] == [("Mark", 2, 1)]
    assert [(t["name"], t["share"]) for t in week["teams"]] == [("Care EN", 0.5)]
    assert {(h["code"], h["replies"], h["acknowledged"]) for h in week["hits"]} >= {("scripted.near_duplicate", 1, 1)}
    default = api.get("/api/v1/reports/guards").json()  # the last eight weeks up to today
    assert (default["from"], default["to"], default["checked"]) == ("2026-09-26", "2026-11-20", 2)


def test_blocked_is_refused_even_acknowledged(live_server: LiveServer, api: httpx.Client) -> None:
    conversation = customer(
        live_server, "tom", "Tom Baker", "@volna_shop my order 5521 still hasn't arrived, the courier never called!", source="x"
    )
    long = (
        "Tom, we're so sorry about order 5521. I checked with the depot: the parcel missed yesterday's van because the label was "
        "damaged, so it was relabelled this morning and is now with the courier. It will reach you today between 2 and 5 pm, and "
        "the courier will call half an hour before. If that time does not suit you, tell me and I will move it to tomorrow."
    )
    answer = api.post(f"/api/v1/conversations/{conversation}/replies", json={"text": long, "acknowledge": True})
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["reason"].startswith("Blocked until edited: ")
    assert "x allows 280" in error["reason"]
    assert error["guards"]["verdict"] == "blocked"
    assert [(f["code"], f["severity"]) for f in error["guards"]["flags"] if f["severity"] == "block"] == [("too_long", "block")]
    assert api.get(f"/api/v1/conversations/{conversation}").json()["replies"] == []


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"conversation_id": 999_999, "text": "Hi Tom, your order 5521 arrives today."}, 404, "conversation 999999 does not exist"),
        ({"conversation_id": 1, "text": ""}, 422, "text"),
        ({"conversation_id": 1, "text": "   "}, 422, "a reply needs some text"),
        ({"conversation_id": 1}, 422, "text"),
        ({"text": "Hi Tom"}, 422, "conversation_id"),
        ({"conversation_id": "one", "text": "Hi Tom"}, 422, "conversation_id"),
        ({"conversation_id": 2**63, "text": "Hi Tom"}, 422, "conversation_id"),
        ({"conversation_id": 1, "text": "x" * 10_001}, 422, "text"),
        ({"conversation_id": 1, "text": "Hi Tom", "gesture": "g" * 301}, 422, "gesture"),
    ],
)
def test_a_bad_check_is_answered_4xx_with_a_reason(
    live_server: LiveServer, api: httpx.Client, body: dict[str, object], status: int, reason: str
) -> None:
    customer(live_server, "tom", "Tom Baker", "My order 5521 still hasn't arrived!")
    answer = api.post("/api/v1/guards/check", json=body)
    assert answer.status_code == status, answer.text
    assert reason in answer.json()["error"]["reason"]


def test_other_bad_guard_requests_are_4xx(live_server: LiveServer, api: httpx.Client) -> None:
    conversation = customer(live_server, "tom", "Tom Baker", "My order 5521 still hasn't arrived!")
    assert local.post(f"{live_server.url}/api/v1/guards/check", json={"conversation_id": conversation, "text": "Hi"}).status_code == 401
    broken = api.post("/api/v1/guards/check", content=b"{oops", headers={"content-type": "application/json"})
    assert broken.status_code in (400, 422)
    gesture = api.post(f"/api/v1/conversations/{conversation}/replies", json={"text": "Hi Tom", "gesture": "g" * 301})
    assert gesture.status_code == 422
    assert api.post(f"/api/v1/conversations/{conversation}/replies", json={"text": "Hi Tom", "acknowledge": "maybe"}).status_code == 422
    for params, reason in [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "starts"),
        ({"from": "2024-01-01", "to": "2026-11-01"}, "at most 366 days"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
    ]:
        answer = api.get("/api/v1/reports/guards", params=params)
        assert answer.status_code == 422, params
        assert reason in answer.json()["error"]["reason"], params
