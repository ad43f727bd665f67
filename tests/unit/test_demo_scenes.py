"""The demo data set: realistic, multilingual, deterministic, never in the future."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from otklik.demo.scenes import generate_demo

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_demo_covers_languages_sources_and_addressing() -> None:
    steps = generate_demo(now=NOW)
    items = [s for s in steps if s.kind == "item"]
    assert len(items) >= 300
    languages = Counter(str(s.payload["language"]) for s in items)
    assert min(languages[lang] for lang in ("ru", "pl", "en")) >= 90
    assert len({s.source for s in items}) >= 6
    assert {s.payload["addressing"] for s in items} == {"direct", "dm", "comment", "review", "brand_mention"}
    assert len({(s.source, s.payload["external_id"]) for s in items}) == len(items)
    kinds = Counter(s.kind for s in steps)
    assert kinds["reply"] >= 60 and kinds["resolve"] >= 30 and kinds["assign"] >= 5


def test_demo_threads_and_times_are_consistent() -> None:
    steps = generate_demo(now=NOW)
    seen: set[tuple[str, str]] = set()
    for step in steps:
        assert step.at <= NOW and step.at.tzinfo is not None
        if step.kind == "item":
            assert datetime.fromisoformat(str(step.payload["created_at"])) <= NOW
            parent = step.payload.get("parent_external_id")
            if parent is not None:
                assert (step.source, parent) in seen
            seen.add((step.source, str(step.payload["external_id"])))
        else:
            assert (step.source, step.thread) in seen  # acts on a thread that exists by then
    replies = [s.text for s in steps if s.kind == "reply"]
    assert len(set(replies)) == len(replies)  # personal: no two replies alike


def test_demo_is_deterministic_per_seed() -> None:
    assert generate_demo(now=NOW, seed=3) == generate_demo(now=NOW, seed=3)
    assert generate_demo(now=NOW, seed=3) != generate_demo(now=NOW, seed=4)
