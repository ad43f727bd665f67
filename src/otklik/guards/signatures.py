"""Compact signatures of texts for near-duplicate search: one-permutation MinHash over 5-grams.

A text's features are the character 5-grams of its masked words (:func:`shingles`). Each
5-gram is hashed once to 64 bits (a polynomial over its code points, then the splitmix64
finaliser); the top 6 bits pick one of 64 bins and the low 32 bits compete for that bin's
minimum ("one permutation hashing", Li, Owen & Zhang 2012). Bins no 5-gram fell into borrow
the next filled bin's value, shifted by the distance ("densification by rotation",
Shrivastava & Li 2014), so two signatures agree in a bin with probability close to the
Jaccard similarity of their 5-gram sets. That costs one hash per 5-gram instead of one per
5-gram *and* hash function, so whole batches are hashed with a few numpy passes.

The 64 bins are cut into 16 bands of 4 (LSH): two texts become candidates when all four
values of any band agree. For Jaccard similarity J that happens with probability
1 − (1 − J⁴)¹⁶: 0.99 at J = 0.7, 0.89 at 0.6, 0.65 at 0.5, 0.12 at 0.3.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

GRAM = 5
BINS = 64
BANDS = 16
ROWS = BINS // BANDS
EMPTY = np.uint32(0xFFFFFFFF)

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_BASE = np.uint64(0x100000001B3)  # an odd multiplier for the polynomial over code points
_ROTATE = np.uint32(0x9E3779B1)  # added per step of densification so borrowed values differ
_ROTATE_INT = int(_ROTATE)
_EMPTY_INT = int(EMPTY)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32, _S58 = (np.uint64(s) for s in (30, 27, 31, 32, 58))
_LOW32 = np.uint64(0xFFFFFFFF)
_BAND_BITS = np.uint64(60)
_BAND_IDS = (np.arange(BANDS, dtype=np.uint64) << _BAND_BITS)[None, :]
_POSITIONS = np.arange(BINS, dtype=np.int64)[None, :]
_POSITIONS2 = np.arange(2 * BINS, dtype=np.int64)[None, :]


def shingles(words: Sequence[str]) -> str:
    """The string whose 5-grams are a text's features: its masked words, space-separated."""
    return f" {' '.join(words)} ".ljust(GRAM)


def grams(shingled: str) -> frozenset[str]:
    """The set of 5-grams of a :func:`shingles` string (for exact similarity)."""
    return frozenset(shingled[i : i + GRAM] for i in range(len(shingled) - GRAM + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _mix(x: U64) -> U64:
    """The splitmix64 finaliser: spreads every input bit over the whole word."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


def signatures(texts: Sequence[str]) -> U32:
    """The (len(texts), 64) MinHash signatures of :func:`shingles` strings, in one batch.

    Every string must be at least :data:`GRAM` characters long (``shingles`` pads).
    """
    n = len(texts)
    if n == 0:
        return np.empty((0, BINS), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    if int(lengths.min()) < GRAM:
        raise ValueError(f"every text needs at least {GRAM} characters (use shingles())")
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    positions = len(codes) - GRAM + 1
    h = codes[:positions].copy()
    for j in range(1, GRAM):
        h = h * _BASE + codes[j : positions + j]
    h = _mix(h)
    # Keep the 5-grams that lie inside one text (not across the joint of two).
    starts = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)[:positions]
    inside = (np.arange(positions, dtype=np.int64) - starts[owner]) <= (lengths[owner] - GRAM)
    h, owner = h[inside], owner[inside]
    flat = owner * BINS + (h >> _S58).astype(np.int64)
    sig = np.full(n * BINS, EMPTY, dtype=np.uint32)
    np.minimum.at(sig, flat, (h & _LOW32).astype(np.uint32))
    return _densify(sig.reshape(n, BINS))


def signature(text: str) -> U32:
    """The signature of one :func:`shingles` string: what :func:`signatures` gives for it.

    A separate path because one text makes every numpy call overhead; this one keeps the
    calls few (adding a reply and querying take one text at a time).
    """
    if len(text) < GRAM:
        raise ValueError(f"a text needs at least {GRAM} characters (use shingles())")
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    positions = len(codes) - GRAM + 1
    h = codes[:positions].copy()
    for j in range(1, GRAM):
        h = h * _BASE + codes[j : positions + j]
    h = _mix(h)
    sig = np.full(BINS, EMPTY, dtype=np.uint32)
    np.minimum.at(sig, (h >> _S58).astype(np.intp), (h & _LOW32).astype(np.uint32))
    if not (sig == EMPTY).any():
        return sig
    # Densify in plain Python: 64 values are cheaper as a list than as numpy calls.
    values = sig.tolist()
    out = list(values)
    following = -1  # the next filled bin to the right, found walking right to left twice
    for i in range(2 * BINS - 1, -1, -1):
        if values[i % BINS] != _EMPTY_INT:
            following = i
        elif i < BINS and following >= 0:
            out[i] = (values[following % BINS] + (following - i) * _ROTATE_INT) & 0xFFFFFFFF
    return np.array(out, dtype=np.uint32)


def _densify(sig: U32) -> U32:
    """Fill empty bins from the next filled bin to the right (circularly), shifted by distance."""
    filled = sig != EMPTY
    if filled.all():
        return sig
    # For every bin, the index of the next filled bin at or after it, on a doubled row so
    # the search wraps around; 2 * BINS where a row has no filled bin at all.
    doubled = np.concatenate([filled, filled], axis=1)
    index = np.where(doubled, _POSITIONS2, 2 * BINS)
    following = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    found = following < 2 * BINS
    source = np.where(found, following % BINS, 0)
    distance = (following - _POSITIONS).astype(np.uint32)
    borrowed = np.take_along_axis(sig, source, axis=1) + distance * _ROTATE
    out: U32 = np.where(found, borrowed, EMPTY).astype(np.uint32)
    return out


def band_keys(sig: U32) -> U64:
    """The (n, 16) LSH keys of signatures: the band's number in the top 4 bits, a hash below."""
    rows = sig.astype(np.uint64).reshape(len(sig), BANDS, ROWS)
    left = rows[:, :, 0] | (rows[:, :, 1] << _S32)
    right = rows[:, :, 2] | (rows[:, :, 3] << _S32)
    mixed = _mix(_mix(left) ^ right)
    keys: U64 = (mixed >> (np.uint64(64) - _BAND_BITS)) | _BAND_IDS
    return keys


def compact(sig: U32) -> npt.NDArray[np.uint16]:
    """The low 16 bits of each bin: what the index keeps to estimate similarity."""
    return (sig & np.uint32(0xFFFF)).astype(np.uint16)


def estimate(stored: npt.NDArray[np.uint16], query: npt.NDArray[np.uint16]) -> npt.NDArray[np.float64]:
    """Estimated Jaccard similarity of each stored compact signature to ``query``.

    Agreeing bins over 64, corrected for the 1-in-65,536 chance that 16-bit values agree
    by accident.
    """
    agree = (stored == query[None, :]).sum(axis=1, dtype=np.int64) / BINS
    chance = 1.0 / 65536
    corrected: npt.NDArray[np.float64] = np.clip((agree - chance) / (1.0 - chance), 0.0, 1.0)
    return corrected
