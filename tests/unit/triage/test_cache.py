"""The bounded cache triage keeps of what it works out per word."""

from __future__ import annotations

import pytest

from otklik.triage.cache import BoundedCache


def test_a_missing_value_is_computed_once_and_kept() -> None:
    calls: list[str] = []

    def compute(word: str) -> int:
        calls.append(word)
        return len(word)

    cache = BoundedCache(compute, 10)
    assert cache["abc"] == 3
    assert cache["abc"] == 3
    assert cache.get("abc") == 3
    assert calls == ["abc"]
    assert dict(cache) == {"abc": 3}


def test_a_bound_get_reads_it_and_a_miss_falls_back_to_the_subscript() -> None:
    cache = BoundedCache(str.upper, 10)
    known = cache.get
    assert (known("ok") or cache["ok"]) == "OK"
    assert known("ok") == "OK"
    assert known("missing") is None  # get does not compute
    assert "missing" not in cache


def test_a_full_cache_stops_growing_and_computes_what_it_does_not_hold() -> None:
    calls: list[int] = []

    def compute(key: int) -> int:
        calls.append(key)
        return key * key

    cache = BoundedCache(compute, 3)
    assert [cache[k] for k in range(6)] == [0, 1, 4, 9, 16, 25]
    assert dict(cache) == {0: 0, 1: 1, 2: 4}  # the first ones seen are kept
    assert [cache[k] for k in range(6)] == [0, 1, 4, 9, 16, 25]
    assert calls == [0, 1, 2, 3, 4, 5, 3, 4, 5]  # what did not fit is computed each time
    cache.limit = 4
    assert cache[5] == 25
    assert len(cache) == 4


def test_errors_of_compute_reach_the_caller_and_nothing_is_kept() -> None:
    cache: BoundedCache[str, int] = BoundedCache(lambda word: {"a": 1}[word], 10)
    with pytest.raises(KeyError):
        cache["b"]
    assert "b" not in cache


def test_it_has_no_instance_dict() -> None:
    cache = BoundedCache(str.upper, 10)
    with pytest.raises(AttributeError):
        cache.other = 1  # type: ignore[attr-defined]
