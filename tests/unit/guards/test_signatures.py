"""MinHash signatures: one text and a batch agree, estimates track the exact similarity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from otklik.guards import signatures as sg

WORDS = [
    "мы",
    "вам",
    "заказ",
    "доставка",
    "курьер",
    "пятница",
    "paczka",
    "kurier",
    "zwrot",
    "order",
    "refund",
    "sorry",
    "жаль",
    "przepraszamy",
]


@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=30), min_size=1, max_size=8))
def test_one_text_and_a_batch_give_the_same_signature(texts: list[list[str]]) -> None:
    shingled = [sg.shingles(words) for words in texts]
    batch = sg.signatures(shingled)
    assert batch.shape == (len(texts), sg.BINS)
    for row, text in zip(batch, shingled, strict=True):
        assert row.tolist() == sg.signature(text).tolist()
    # No bin stays empty once a text has a 5-gram.
    assert not (batch == sg.EMPTY).any()


def test_identical_texts_share_every_band_and_unrelated_ones_none() -> None:
    a = sg.shingles(["нам", "очень", "жаль", "что", "заказ", "задерживается", "курьер", "привезёт", "его", "завтра"])
    b = sg.shingles(["the", "engineer", "will", "be", "in", "leeds", "on", "friday", "and", "will", "call", "an", "hour", "before"])
    keys = sg.band_keys(sg.signatures([a, a, b]))
    assert keys.dtype == np.uint64
    assert int((keys[0] == keys[1]).sum()) == sg.BANDS
    assert int((keys[0] == keys[2]).sum()) == 0
    # The band's number sits in the top four bits, so bands never collide with each other.
    assert sorted({int(k) >> 60 for k in keys[0]}) == list(range(sg.BANDS))


def test_estimates_follow_the_exact_jaccard_similarity() -> None:
    rng = np.random.default_rng(7)
    errors = []
    for _ in range(300):
        n = int(rng.integers(5, 30))
        first = [str(w) for w in rng.choice(WORDS, n)]
        second = list(first)
        for i in rng.integers(0, n, int(rng.integers(0, n))):
            second[int(i)] = str(rng.choice(WORDS))
        a, b = sg.shingles(first), sg.shingles(second)
        exact = sg.jaccard(sg.grams(a), sg.grams(b))
        estimated = float(sg.estimate(sg.compact(sg.signatures([b])), sg.compact(sg.signatures([a]))[0])[0])
        errors.append(estimated - exact)
    assert abs(float(np.mean(errors))) < 0.02
    assert float(np.std(errors)) < 0.08


def test_jaccard_and_short_texts() -> None:
    assert sg.jaccard(frozenset(), frozenset()) == 1.0
    assert sg.jaccard(frozenset({"a"}), frozenset({"b"})) == 0.0
    assert sg.shingles([]) == "     "
    with pytest.raises(ValueError, match="at least 5"):
        sg.signatures(["abc"])
    with pytest.raises(ValueError, match="at least 5"):
        sg.signature("abc")
