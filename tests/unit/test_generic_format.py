"""The generic source's signature and parsing rules."""

from __future__ import annotations

import orjson
import pytest

from otklik.channels import generic
from otklik.domain.items import Addressing
from otklik.errors import InvalidPayload, SignatureInvalid
from tests.builders import payload


def test_signature_over_the_raw_body() -> None:
    body = orjson.dumps(payload(lang="pl"))
    header = generic.sign(body, "s3cret")
    generic.verify({"x-otklik-signature": header}, body, "s3cret")
    with pytest.raises(SignatureInvalid, match="does not match"):
        generic.verify({"x-otklik-signature": header}, body + b" ", "s3cret")
    with pytest.raises(SignatureInvalid, match="does not match"):
        generic.verify({"x-otklik-signature": header}, body, "other")
    with pytest.raises(SignatureInvalid, match="missing"):
        generic.verify({}, body, "s3cret")


def test_single_item_keeps_raw_payload_and_fields() -> None:
    item = payload(lang="pl", text="Zamówienie 5521 — gdzie jest?? 😡", author_followers=5400, url="https://x.example/p/1", parent="tg-1")
    parsed = generic.parse("telegram", orjson.dumps(item), max_items=10)
    assert parsed.is_batch is False
    ((index, draft),) = parsed.drafts
    assert index == 0
    assert draft.text == "Zamówienie 5521 — gdzie jest?? 😡"
    assert draft.addressing is Addressing.DIRECT
    assert draft.author.followers == 5400
    assert draft.parent_external_id == "tg-1"
    assert draft.raw == item


def test_numeric_ids_are_accepted_as_text() -> None:
    item = payload(external_id="x")
    item["external_id"] = 12345
    item["author"]["id"] = 77
    parsed = generic.parse("vk", orjson.dumps(item), max_items=10)
    assert (parsed.drafts[0][1].external_id, parsed.drafts[0][1].author.external_id) == ("12345", "77")


def test_bad_bodies_name_the_problem() -> None:
    with pytest.raises(InvalidPayload) as not_json:
        generic.parse("vk", b"{not json", max_items=10)
    assert not_json.value.status_code == 400
    missing = payload()
    del missing["text"], missing["created_at"]
    with pytest.raises(InvalidPayload) as invalid:
        generic.parse("vk", orjson.dumps(missing), max_items=10)
    assert invalid.value.status_code == 422
    assert {p.loc for p in invalid.value.problems} == {"text", "created_at"}
    naive = payload(created_at=None)
    naive["created_at"] = "2026-11-20T09:00:00"
    with pytest.raises(InvalidPayload, match="created_at"):
        generic.parse("vk", orjson.dumps(naive), max_items=10)
    with pytest.raises(InvalidPayload, match="at most 2"):
        generic.parse("vk", orjson.dumps([payload(), payload(), payload()]), max_items=2)
    with pytest.raises(InvalidPayload, match="no items"):
        generic.parse("vk", b"[]", max_items=2)
    with pytest.raises(InvalidPayload, match="must be an item"):
        generic.parse("vk", b"42", max_items=2)


def test_batch_keeps_good_items_and_reports_bad_ones_by_index() -> None:
    bad = payload(addressing="shout")
    body = orjson.dumps({"items": [payload(lang="en"), bad, "nope", payload(lang="ru")]})
    parsed = generic.parse("x", body, max_items=10)
    assert [i for i, _ in parsed.drafts] == [0, 3]
    assert [(i, [p.loc for p in problems]) for i, problems in parsed.rejected] == [(1, ["addressing"]), (2, ["(item)"])]
