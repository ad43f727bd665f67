"""/api/v1 and triage: kinds and decisions in the inbox, the evidence, corrections, the schema in force."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from otklik.domain.agents import Role
from otklik.domain.items import Addressing, Author
from otklik.services.auth import create_token
from otklik.services.ingest import ingest_items
from otklik.services.triage import activate_schema, triage_pending
from otklik.store import tables as t
from otklik.triage.schema import default_schema_text, parse_schema
from tests.builders import T0, make_actor, make_draft
from tests.conftest import LiveServer

# Realistic messages, each a clear case of its kind (several are the default schema's own examples).
MESSAGES = {
    "insult": ("ru", "tg-troll", "вы все там дебилы"),
    "complaint": ("ru", "tg-irina", "третий день нет интернета, вы издеваетесь?"),
    "question": ("pl", "fb-zofia", "czy mogę zmienić adres dostawy?"),
    "compliment": ("en", "x-mark", "you guys rock 🔥"),
    "outage": ("ru", "vk-oleg", "у всех не работает приложение банка? с утра не могу зайти"),
    "spam": ("pl", "ig-spam", "Darmowe obserwacje! Kliknij link w bio 👉 http://free-fans.xyz"),
}
TRIAGE_FIELDS = {
    "language",
    "kind",
    "sentiment",
    "machine_kind",
    "machine_sentiment",
    "kind_confidence",
    "sentiment_score",
    "urgent",
    "outage",
    "abusive",
    "decision",
    "priority",
    "team",
    "sla",
    "rule",
    "reason",
    "reasons",
    "schema_version",
    "evidence",
    "triaged_at",
    "corrected_at",
}


@pytest.fixture
def api(live_server: LiveServer) -> tuple[LiveServer, httpx.Client, int]:
    services = live_server.services  # type: ignore[attr-defined]
    actor = make_actor(services, email="olga@volna.test", role=Role.ADMIN, team="Care RU")
    token = create_token(actor.agent.id, "tests", uow_factory=services.uow, clock=services.clock)
    client = httpx.Client(base_url=live_server.url, headers={"authorization": f"Bearer {token}"})
    return live_server, client, actor.agent.id


def ingest(server: LiveServer, name: str, lang: str, author: str, text: str, minutes: int = 0) -> tuple[int, int]:
    """One item through the ingest service; returns (conversation id, item id)."""
    services = server.services  # type: ignore[attr-defined]
    draft = replace(
        make_draft(author_id=author, lang=lang, text=text, created_at=T0 + timedelta(minutes=minutes), addressing=Addressing.DIRECT),
        author=Author(external_id=author, name=name, handle=f"@{author}", followers=120),
    )
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    return outcome.conversation_id, outcome.item_id


def triage_now(server: LiveServer) -> None:
    services = server.services  # type: ignore[attr-defined]
    triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema)


def seed(server: LiveServer) -> dict[str, tuple[int, int]]:
    """The six messages, triaged as the worker would; name → (conversation id, item id)."""
    ids = {
        name: ingest(server, name.title(), lang, author, text, minutes=i) for i, (name, (lang, author, text)) in enumerate(MESSAGES.items())
    }
    triage_now(server)
    return ids


def rows(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/conversations", params=params)
    assert answer.status_code == 200, answer.text
    conversations: list[dict[str, Any]] = answer.json()["conversations"]
    return conversations


def test_the_inbox_shows_kind_sentiment_decision_and_signals_and_filters_by_kind(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, _ = api
    ids = seed(server)
    inbox = {r["id"]: r for r in rows(client)}
    # Insults and spam are set aside by the schema, not shown in the open inbox (but kept: below).
    assert set(inbox) == {ids[n][0] for n in ("complaint", "question", "compliment", "outage")}
    assert {k: inbox[ids[k][0]]["kind"] for k in ("complaint", "question", "compliment")} == {
        "complaint": "complaint",
        "question": "question",
        "compliment": "compliment",
    }
    assert inbox[ids["complaint"][0]]["decision"] == "respond"
    assert inbox[ids["complaint"][0]]["sentiment"] == "negative"
    assert inbox[ids["compliment"][0]]["decision"] == "thank"
    assert inbox[ids["compliment"][0]]["sentiment"] == "positive"
    outage = inbox[ids["outage"][0]]
    assert (outage["decision"], outage["priority"]) == ("escalate", "urgent")
    assert "outage" in outage["signals"]
    assert rows(client)[0]["id"] == ids["outage"][0]  # the most urgent first
    assert all(isinstance(r["signals"], list) for r in inbox.values())

    complaints = rows(client, kind="complaint")
    assert ids["complaint"][0] in [r["id"] for r in complaints]
    assert {r["kind"] for r in complaints} == {"complaint"}
    assert [r["id"] for r in rows(client, kind="question")] == [ids["question"][0]]
    assert rows(client, kind="insult") == []
    ignored = rows(client, status="ignored", kind="insult")
    assert [(r["id"], r["decision"]) for r in ignored] == [(ids["insult"][0], "ignore")]
    assert "abusive" in ignored[0]["signals"]
    assert [r["id"] for r in rows(client, status="ignored", kind="spam")] == [ids["spam"][0]]

    unknown = client.get("/api/v1/conversations", params={"kind": "rant"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["reason"] == "unknown kind 'rant'; use one of: question, complaint, compliment, insult, comment, spam"


def test_a_conversation_shows_each_items_triage_with_its_evidence(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, _ = api
    ids = seed(server)
    untriaged_conversation, untriaged_item = ingest(server, "Łukasz Żółć", "pl", "tg-lukasz", "Paczka 88213 nie dotarła do paczkomatu")

    detail = client.get(f"/api/v1/conversations/{ids['complaint'][0]}").json()
    assert (detail["kind"], detail["sentiment"], detail["decision"]) == ("complaint", "negative", "respond")
    assert detail["sla_class"] == "standard"  # the default schema's complaints rule
    assert not {"urgent", "outage"} & set(detail["signals"])
    [item] = detail["items"]
    triage = item["triage"]
    assert set(triage) == TRIAGE_FIELDS
    assert (triage["language"], triage["kind"], triage["machine_kind"], triage["decision"]) == ("ru", "complaint", "complaint", "respond")
    assert (triage["rule"], triage["priority"], triage["sla"], triage["schema_version"]) == ("complaints", "high", "standard", 1)
    assert triage["corrected_at"] is None
    assert -1 <= triage["sentiment_score"] < 0
    assert triage["reasons"]
    kinds = [e for e in triage["evidence"] if e["supports"] == "kind:complaint"]
    assert kinds
    spans = [s for e in triage["evidence"] for s in e["spans"]]
    assert spans
    for span in spans:  # every span points at the words it quotes
        assert item["text"][span["start"] : span["end"]] == span["text"]

    insult = client.get(f"/api/v1/conversations/{ids['insult'][0]}").json()
    assert insult["status"] == "ignored"
    assert insult["ignore_reason"] == "insult with nothing to answer (response schema, rule insults)"
    assert insult["items"][0]["triage"]["abusive"] is True
    assert [e["kind"] for e in insult["events"]][-2:] == ["triaged", "ignored"]

    pending = client.get(f"/api/v1/conversations/{untriaged_conversation}").json()
    assert [(i["id"], i["triage"]) for i in pending["items"]] == [(untriaged_item, None)]
    assert (pending["kind"], pending["decision"], pending["signals"]) == (None, None, [])


def test_correcting_an_insult_to_a_complaint_brings_it_back_and_is_stored_as_a_label(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, me = api
    ids = seed(server)
    conversation, item = ids["insult"]
    assert conversation not in [r["id"] for r in rows(client)]

    corrected = client.post(f"/api/v1/items/{item}/triage", json={"kind": "complaint"})
    assert corrected.status_code == 200, corrected.text
    body = corrected.json()
    assert (body["item_id"], body["kind"], body["sentiment"]) == (item, "complaint", "negative")
    assert (body["decision"], body["priority"], body["rule"], body["reason"]) == ("respond", "high", "complaints", None)

    inbox = {r["id"]: r for r in rows(client)}
    assert conversation in inbox
    assert (inbox[conversation]["status"], inbox[conversation]["kind"], inbox[conversation]["decision"]) == ("open", "complaint", "respond")
    assert rows(client, status="ignored", kind="insult") == []
    detail = client.get(f"/api/v1/conversations/{conversation}").json()
    assert detail["ignore_reason"] is None
    triage = detail["items"][0]["triage"]
    assert (triage["kind"], triage["machine_kind"], triage["rule"]) == ("complaint", "insult", "complaints")
    assert triage["corrected_at"] is not None
    corrected_event = next(e for e in detail["events"] if e["kind"] == "triage_corrected")
    assert corrected_event["actor"] == f"agent:{me}/token:1"
    assert corrected_event["data"] == {
        "item_id": item,
        "kind": "complaint",
        "sentiment": "negative",
        "previous_kind": "insult",
        "previous_sentiment": "negative",
        "decision": "respond",
        "rule": "complaints",
    }
    assert "reopened" in [e["kind"] for e in detail["events"]]

    # The sentiment alone can be corrected too; each correction is a labelled example.
    again = client.post(f"/api/v1/items/{item}/triage", json={"sentiment": "neutral"}).json()
    assert (again["kind"], again["sentiment"], again["decision"]) == ("complaint", "neutral", "respond")
    services = server.services  # type: ignore[attr-defined]
    with services.uow(write=False) as uow:
        labels = uow.connection.execute(select(t.labels).order_by(t.labels.c.id)).mappings().all()
    assert [(r["item_id"], r["agent_id"], r["kind"], r["sentiment"], r["previous_kind"], r["previous_sentiment"]) for r in labels] == [
        (item, me, "complaint", "negative", "insult", "negative"),
        (item, me, "complaint", "neutral", "complaint", "negative"),
    ]


def test_corrections_refuse_unknown_items_untriaged_items_and_bad_values(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, _ = api
    ids = seed(server)
    _, item = ids["question"]
    _, waiting = ingest(server, "Анна Смирнова", "ru", "tg-anna", "подскажите, до скольки работает офис на Ленина")

    missing = client.post("/api/v1/items/999999/triage", json={"kind": "complaint"})
    assert missing.status_code == 404
    assert missing.json()["error"]["reason"] == "no item 999999"
    # Past the database's 64-bit ids a number is refused as input, never a driver overflow.
    assert client.post(f"/api/v1/items/{2**70}/triage", json={"kind": "complaint"}).status_code == 422
    assert client.get(f"/api/v1/conversations/{2**63}").status_code == 422
    assert client.get("/api/v1/conversations", params={"team": 2**64}).status_code == 422
    assert client.get("/api/v1/conversations", params={"assignee": str(2**64)}).status_code == 422
    assert client.post(f"/api/v1/conversations/{ids['question'][0]}/assign", json={"agent_id": 2**64}).status_code == 422
    assert client.get(f"/api/v1/conversations/{2**63 - 1}").status_code == 404

    not_yet = client.post(f"/api/v1/items/{waiting}/triage", json={"kind": "question"})
    assert not_yet.status_code == 409
    assert "not been triaged yet" in not_yet.json()["error"]["reason"]

    refused: list[dict[str, object]] = [
        {"kind": "rant"},
        {"sentiment": "angry"},
        {"kind": 5},
        {"knid": "complaint"},
        {"kind": "complaint", "extra": 1},
    ]
    for body in refused:
        bad = client.post(f"/api/v1/items/{item}/triage", json=body)
        assert bad.status_code == 422, body
        assert bad.json()["error"]["problems"], body
    named = client.post(f"/api/v1/items/{item}/triage", json={"kind": "rant"}).json()["error"]
    assert named["problems"][0]["loc"] == "body.kind"
    assert "'question', 'complaint', 'compliment', 'insult', 'comment' or 'spam'" in named["problems"][0]["message"]
    nothing: list[dict[str, object]] = [{}, {"kind": None, "sentiment": None}]
    for body in nothing:
        empty = client.post(f"/api/v1/items/{item}/triage", json=body)
        assert empty.status_code == 422
        assert empty.json()["error"]["reason"] == "give a kind, a sentiment, or both"
    not_json = client.post(f"/api/v1/items/{item}/triage", content=b"{kind", headers={"content-type": "application/json"})
    assert not_json.status_code == 422
    assert client.post("/api/v1/items/abc/triage", json={"kind": "complaint"}).status_code == 422
    assert httpx.post(f"{server.url}/api/v1/items/{item}/triage", json={"kind": "complaint"}).status_code == 401

    services = server.services  # type: ignore[attr-defined]
    with services.uow(write=False) as uow:
        assert uow.connection.execute(select(t.labels)).all() == []
    assert client.get(f"/api/v1/conversations/{ids['question'][0]}").json()["items"][0]["triage"]["kind"] == "question"


def test_the_schema_in_force_and_its_versions(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, _ = api
    services = server.services  # type: ignore[attr-defined]
    schema = client.get("/api/v1/schema")
    assert schema.status_code == 200
    body = schema.json()
    active = services.schema
    assert (body["name"], body["version"], body["digest"]) == ("default", 1, active.schema.digest)
    assert [r["name"] for r in body["rules"]] == [r.name for r in active.schema.rules]
    insults = next(r for r in body["rules"] if r["name"] == "insults")
    assert insults == {
        "name": "insults",
        "line": next(r.line for r in active.schema.rules if r.name == "insults"),
        "decision": "ignore",
        "priority": "normal",
        "team": None,
        "sla": "standard",
        "reason": "insult with nothing to answer",
    }
    assert body["defaults"]["decision"] == "respond"
    [first] = client.get("/api/v1/schema/versions").json()
    assert (first["version"], first["name"], first["digest"], first["loaded_by"]) == (1, "default", active.schema.digest, "system")

    # A new schema is a new version; what it decides names it.
    text = default_schema_text().replace('reason: "insult with nothing to answer"', 'reason: "pure abuse, kept under ignored"')
    services.use_schema(activate_schema(parse_schema(text), uow_factory=services.uow, clock=services.clock, by="olga@volna.test"))
    assert client.get("/api/v1/schema").json()["version"] == 2
    versions = client.get("/api/v1/schema/versions").json()
    assert [(v["version"], v["loaded_by"]) for v in versions] == [(2, "olga@volna.test"), (1, "system")]
    conversation, _ = ingest(server, "Troll", "pl", "x-troll", "banda złodziei, zdychajcie")
    triage_now(server)
    detail = client.get(f"/api/v1/conversations/{conversation}").json()
    assert detail["items"][0]["triage"]["schema_version"] == 2
    assert detail["ignore_reason"] == "pure abuse, kept under ignored (response schema, rule insults)"
    assert httpx.get(f"{server.url}/api/v1/schema").status_code == 401
