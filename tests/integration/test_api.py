"""/api/v1 over real HTTP: the inbox by urgency, filters, actions, audit, no deletes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from otklik.domain.agents import Role
from otklik.services.auth import create_token
from otklik.services.ingest import ingest_items
from tests.builders import T0, make_actor, make_draft
from tests.conftest import LiveServer


@pytest.fixture
def api(live_server: LiveServer) -> tuple[LiveServer, httpx.Client, int]:
    services = live_server.services  # type: ignore[attr-defined]
    actor = make_actor(services, email="olga@volna.test", role=Role.ADMIN, team="Care RU")
    token = create_token(actor.agent.id, "tests", uow_factory=services.uow, clock=services.clock)
    client = httpx.Client(base_url=live_server.url, headers={"authorization": f"Bearer {token}"})
    return live_server, client, actor.agent.id


def seed(server: LiveServer) -> dict[str, int]:
    services = server.services  # type: ignore[attr-defined]
    drafts = {
        "ru_old": make_draft(author_id="ru-1", lang="ru", created_at=T0),
        "pl_mid": make_draft(author_id="pl-1", lang="pl", created_at=T0 + timedelta(minutes=30), source="facebook"),
        "en_new": make_draft(author_id="en-1", lang="en", created_at=T0 + timedelta(hours=2)),
    }
    outcomes = ingest_items(list(drafts.values()), uow=services.uow(), clock=services.clock)
    return {name: o.conversation_id for name, o in zip(drafts, outcomes, strict=True)}


def test_inbox_lists_the_longest_waiting_first_and_filters(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, me = api
    ids = seed(server)
    inbox = client.get("/api/v1/conversations").json()
    assert [c["id"] for c in inbox["conversations"]] == [ids["ru_old"], ids["pl_mid"], ids["en_new"]]
    assert inbox["conversations"][0]["preview"].startswith("Где мой заказ")
    assert [c["id"] for c in client.get("/api/v1/conversations", params={"language": "pl"}).json()["conversations"]] == [ids["pl_mid"]]
    assert [c["id"] for c in client.get("/api/v1/conversations", params={"channel": "facebook"}).json()["conversations"]] == [ids["pl_mid"]]
    client.post(f"/api/v1/conversations/{ids['en_new']}/assign", json={"agent_id": me}).raise_for_status()
    mine = client.get("/api/v1/conversations", params={"assignee": "me"}).json()["conversations"]
    assert [(c["id"], c["status"], c["assignee_name"]) for c in mine] == [(ids["en_new"], "open", "Olga")]
    unassigned = client.get("/api/v1/conversations", params={"assignee": "none"}).json()["conversations"]
    assert [c["id"] for c in unassigned] == [ids["ru_old"], ids["pl_mid"]]
    page1 = client.get("/api/v1/conversations", params={"limit": 2}).json()
    page2 = client.get("/api/v1/conversations", params={"limit": 2, "cursor": page1["next_cursor"]}).json()
    assert [c["id"] for c in page1["conversations"] + page2["conversations"]] == [ids["ru_old"], ids["pl_mid"], ids["en_new"]]
    assert page2["next_cursor"] is None
    bad = client.get("/api/v1/conversations", params={"status": "sleeping"})
    assert bad.status_code == 422
    assert "unknown status" in bad.json()["error"]["reason"]
    assert client.get("/api/v1/conversations", params={"cursor": "garbage"}).status_code == 400


def test_reply_resolve_reopen_ignore_with_audit(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, me = api
    ids = seed(server)
    conv = ids["ru_old"]
    reply = client.post(f"/api/v1/conversations/{conv}/replies", json={"text": "Анна, заказ #4471 уже у курьера, будет сегодня до 18:00."})
    assert reply.status_code == 201
    assert reply.json()["delivery_state"] == "manual"  # the source has no callback: posted by hand
    inbox_ids = [c["id"] for c in client.get("/api/v1/conversations").json()["conversations"]]
    assert conv not in inbox_ids  # answered: waiting for the customer
    assert client.post(f"/api/v1/replies/{reply.json()['id']}/posted").json()["delivery_state"] == "posted_by_hand"
    assert client.post(f"/api/v1/conversations/{conv}/resolve").json()["status"] == "resolved"
    again = client.post(f"/api/v1/conversations/{conv}/resolve")
    assert again.status_code == 409
    assert "cannot become resolved" in again.json()["error"]["reason"]
    assert client.post(f"/api/v1/conversations/{conv}/reopen").json()["status"] == "open"
    no_reason = client.post(f"/api/v1/conversations/{conv}/ignore", json={"reason": "  "})
    assert no_reason.status_code == 422
    ignored = client.post(f"/api/v1/conversations/{conv}/ignore", json={"reason": "оскорбление без сути"})
    assert ignored.json() == {
        "id": conv,
        "status": "ignored",
        "assignee_id": None,
        "team_id": None,
        "ignore_reason": "оскорбление без сути",
    }
    detail = client.get(f"/api/v1/conversations/{conv}").json()
    assert [e["kind"] for e in detail["events"]] == [
        "conversation_started",
        "reply_queued",
        "status_changed",
        "reply_posted_by_hand",
        "resolved",
        "reopened",
        "ignored",
    ]
    assert {e["actor"] for e in detail["events"][1:]} == {f"agent:{me}/token:1"}
    assert len(detail["items"]) == 1 and len(detail["replies"]) == 1
    ignored_view = client.get("/api/v1/conversations", params={"status": "ignored"}).json()["conversations"]
    assert [c["id"] for c in ignored_view] == [conv]


def test_auth_and_missing_things(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, _ = api
    assert httpx.get(f"{server.url}/api/v1/conversations").status_code == 401
    assert httpx.get(f"{server.url}/api/v1/conversations", headers={"authorization": "Bearer otk_nope"}).status_code == 401
    missing = client.get("/api/v1/conversations/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["reason"] == "conversation 999999 does not exist"
    assert client.post("/api/v1/conversations/999999/assign", json={"agent_id": 1}).status_code == 404
    ids = seed(server)
    assert client.post(f"/api/v1/conversations/{ids['ru_old']}/assign", json={"agent_id": 4242}).status_code == 404
    assert client.post(f"/api/v1/conversations/{ids['ru_old']}/replies", json={"text": ""}).status_code == 422
    assert (
        client.post(
            f"/api/v1/conversations/{ids['ru_old']}/replies", content=b"{oops", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_nothing_can_delete_items_or_conversations(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, client, _ = api
    ids = seed(server)
    spec = client.get("/openapi.json").json()
    methods = {m for path in spec["paths"].values() for m in path}
    assert "delete" not in methods
    assert client.delete(f"/api/v1/conversations/{ids['ru_old']}").status_code == 405
    assert client.get(f"/api/v1/conversations/{ids['ru_old']}").json()["items"][0]["text"].startswith("Где мой заказ")


def test_sources_are_for_admins_and_secrets_shown_once(api: tuple[LiveServer, httpx.Client, int]) -> None:
    server, admin, _ = api
    services = server.services  # type: ignore[attr-defined]
    agent = make_actor(services, email="piotr@volna.test", role=Role.AGENT)
    agent_token = create_token(agent.agent.id, "t", uow_factory=services.uow, clock=services.clock)
    as_agent = httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {agent_token}"})
    refused = as_agent.post("/api/v1/sources", json={"name": "crm"})
    assert refused.status_code == 403
    assert refused.json()["error"]["reason"] == "administrators only"
    created = admin.post("/api/v1/sources", json={"name": "crm", "callback_url": "https://crm.example/hook"})
    assert created.status_code == 201
    assert len(created.json()["secret"]) >= 32
    assert admin.get("/api/v1/sources").json() == [
        {"name": "crm", "kind": "generic", "callback_url": "https://crm.example/hook", "secret": None, "settings": {}}
    ]
    assert admin.post("/api/v1/sources", json={"name": "crm"}).status_code == 409
    assert admin.post("/api/v1/sources", json={"name": "Bad Name!"}).status_code == 422


def test_a_reply_is_only_reachable_through_its_own_conversation(api: tuple[LiveServer, httpx.Client, int]) -> None:
    from otklik.errors import NotFound
    from otklik.services.replies import mark_posted_by_hand

    server, client, _ = api
    ids = seed(server)
    reply = client.post(f"/api/v1/conversations/{ids['pl_mid']}/replies", json={"text": "Pani Anno, sprawdzamy paczkę 88213."}).json()
    services = server.services  # type: ignore[attr-defined]
    actor = make_actor(services, email="ewa@volna.test")
    with pytest.raises(NotFound, match=f"in conversation {ids['ru_old']}"):
        mark_posted_by_hand(reply["id"], actor=actor, uow_factory=services.uow, clock=services.clock, conversation_id=ids["ru_old"])
    done = mark_posted_by_hand(reply["id"], actor=actor, uow_factory=services.uow, clock=services.clock, conversation_id=ids["pl_mid"])
    assert done.delivery_state.value == "posted_by_hand"
