"""POST /hooks/generic/{source} over real HTTP: stored once, answered after commit, 4xx with reasons."""

from __future__ import annotations

import json
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from otklik.channels.generic import sign
from otklik.services.sources import add_source
from otklik.store import tables as t
from tests.builders import payload
from tests.conftest import LiveServer
from tests.support.http import local

SECRET = "webhook-secret-123"


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    add_source("shop", uow_factory=live_server.services.uow, clock=live_server.services.clock, secret=SECRET)  # type: ignore[attr-defined]
    return live_server


def post(server: LiveServer, body: Any, *, source: str = "shop", secret: str = SECRET, raw: bytes | None = None) -> httpx.Response:
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return local.post(f"{server.url}/hooks/generic/{source}", content=data, headers={"x-otklik-signature": sign(data, secret)})


def count(server: LiveServer, table: Any) -> int:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_item_is_stored_once_and_redelivery_returns_the_same_ids(server: LiveServer) -> None:
    item = payload(external_id="tg-1", lang="ru", text="Где мой заказ #4471?? 😡")
    first = post(server, item)
    assert first.status_code == 200
    assert first.json()["status"] == "stored"
    again = post(server, item)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "status": "duplicate", "duplicate": True}
    assert count(server, t.items) == 1
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        stored = uow.items.get(first.json()["item_id"])
    assert stored is not None
    assert stored.text == "Где мой заказ #4471?? 😡"
    assert stored.raw == item


def test_threading_by_parent_and_by_author(server: LiveServer) -> None:
    root = post(server, payload(external_id="c-1", author_id="u-9", lang="pl")).json()
    child = post(server, payload(external_id="c-2", author_id="u-9", parent="c-1", lang="pl")).json()
    # A different person answering in the same thread joins it too (the parent's conversation).
    other = post(server, payload(external_id="c-3", author_id="u-10", parent="c-1", lang="pl")).json()
    # The same author without a parent, on the same account: the conversation follows the customer.
    same_author = post(server, payload(external_id="c-4", author_id="u-9", lang="pl")).json()
    # Another account of the brand is another conversation.
    other_account = post(server, payload(external_id="c-5", author_id="u-9", account="@volna_pl")).json()
    assert child["conversation_id"] == root["conversation_id"] == other["conversation_id"] == same_author["conversation_id"]
    assert other_account["conversation_id"] != root["conversation_id"]


def test_bad_input_gets_a_4xx_with_a_reason_and_stores_nothing(server: LiveServer) -> None:
    good = payload(external_id="ok-1")
    assert post(server, good, secret="wrong").status_code == 401
    unsigned = local.post(f"{server.url}/hooks/generic/shop", content=orjson.dumps(good))
    assert unsigned.status_code == 401
    assert "missing" in unsigned.json()["error"]["reason"]
    unknown = post(server, good, source="nope")
    assert unknown.status_code == 404
    assert "unknown source 'nope'" in unknown.json()["error"]["reason"]
    not_json = post(server, None, raw=b'{"external_id": ')
    assert not_json.status_code == 400
    assert "not valid JSON" in not_json.json()["error"]["reason"]
    missing = {k: v for k, v in good.items() if k not in ("author", "addressing")}
    answer = post(server, missing)
    assert answer.status_code == 422
    assert {p["loc"] for p in answer.json()["error"]["problems"]} == {"author", "addressing"}
    assert count(server, t.items) == 0


def test_body_over_the_limit_is_413(server: LiveServer) -> None:
    huge = payload(text="я" * 600_000)  # 1.2 MB of UTF-8, over the default 1 MiB limit
    answer = post(server, huge)
    assert answer.status_code == 413
    assert "over the limit" in answer.json()["error"]["reason"]
    assert count(server, t.items) == 0


def test_batch_stores_good_items_and_reports_bad_ones_by_index(server: LiveServer) -> None:
    batch = [
        payload(external_id="b-1", lang="en"),
        {"external_id": "b-2"},
        payload(external_id="b-3", lang="pl"),
        payload(external_id="b-1"),
    ]
    answer = post(server, batch)
    assert answer.status_code == 207
    body = answer.json()
    assert (body["stored"], body["duplicates"], body["rejected"]) == (2, 1, 1)
    assert [r["status"] for r in body["results"]] == ["stored", "rejected", "stored", "duplicate"]
    assert {p["loc"] for p in body["results"][1]["problems"]} >= {"author", "text", "created_at", "addressing"}
    assert count(server, t.items) == 2
    all_bad = post(server, [{"x": 1}, {"y": 2}])
    assert all_bad.status_code == 422
    assert [p["loc"] for p in all_bad.json()["error"]["problems"]] == ["0", "1"]


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSONISH, mutate=st.sampled_from(["created_at", "author", "addressing", "text", "external_id", None]))
def test_no_body_gets_a_500(server: LiveServer, body: Any, mutate: str | None) -> None:
    """Random JSON, and valid items with one field replaced by random JSON: always a clear answer."""
    if mutate is not None:
        item = payload()
        item[mutate] = body
        body = item
    answer = post(server, body)
    assert answer.status_code in (200, 207, 400, 413, 422)
    if answer.status_code >= 400:
        assert answer.json()["error"]["reason"]


def test_webhook_is_described_in_openapi(server: LiveServer) -> None:
    spec = local.get(f"{server.url}/openapi.json").json()
    assert set(spec["paths"]["/hooks/generic/{source}"]) == {"post"}
    assert {"400", "401", "404", "413", "422"} <= set(spec["paths"]["/hooks/generic/{source}"]["post"]["responses"])
