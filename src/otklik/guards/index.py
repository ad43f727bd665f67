"""An in-memory index of a brand's past replies, for finding near-duplicates of a draft.

Keep one index per brand (or per account): "scripted" is about a brand repeating itself.

Per reply it holds a 64-bin MinHash signature (16 bits a bin, for estimating similarity),
16 LSH band keys (for finding candidates), the time it was sent, its agent, its id and its
text (UTF-8, for exact verification and display). The band keys live in one sorted
``uint64`` array with the reply numbers beside it; a query is two ``searchsorted`` calls.
New replies first go to a small dictionary and are merged into the sorted arrays in
batches of ``pending_limit``: adding one costs what masking and hashing its text costs
(about 0.1–0.3 ms), plus a few microseconds of merging, amortised. At a million replies
the whole index takes about 600 MB, saves to one ``.npz`` file in about a second and loads
from it in about as long; rebuilding it from the texts (``add_many``) takes a minute or two.

A query masks and hashes the draft, gathers the replies sharing a band key (at most
``bucket_cap`` of the most recent per band, so a template sent a hundred thousand times
cannot make a query slow), estimates every candidate's similarity from the signatures in
one vectorised step, counts the near-identical ones per time window, and verifies the
best few with the exact Jaccard similarity of their masked 5-grams.

Not thread-safe: one writer at a time (the service holding it serialises adds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from otklik.guards import signatures as sg
from otklik.guards.text import MASKS, masked_words

FORMAT_VERSION = 1
_T = TypeVar("_T", bound=np.generic)
_NO_AGENT = -1
_NAMES_SEP = "\x00"  # between a stored text and the customer names masked in it
_NAME_SEP = "\x1f"
_MARGIN = 0.15  # how far under the threshold an estimate may be and still deserve the exact check (≈ 3 σ at 64 bins)


@dataclass(frozen=True, slots=True)
class PastReply:
    """A reply the brand sent, as the index takes it.

    ``names`` are the customer's name and handle at the time, masked like any other name.
    """

    reply_id: int
    text: str
    sent_at: datetime
    agent_id: int | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A past reply close to a draft, with the exact similarity of their masked texts (0–1)."""

    reply_id: int
    text: str
    sent_at: datetime
    agent_id: int | None
    similarity: float


@dataclass(frozen=True, slots=True)
class Masked:
    """A text as the index sees it: masked words, and the 5-gram string hashed."""

    words: tuple[str, ...]
    shingled: str

    @property
    def informative_words(self) -> int:
        """Words that are not masks."""
        return sum(1 for w in self.words if w not in MASKS)

    @property
    def informative_chars(self) -> int:
        """Letters and digits outside masks."""
        return sum(len(w) for w in self.words if w not in MASKS)


def mask(text: str, names: Sequence[str] = ()) -> Masked:
    """How the index sees ``text`` (see :func:`otklik.guards.text.masked_words`)."""
    words = masked_words(text, names)
    return Masked(tuple(words), sg.shingles(words))


@dataclass(frozen=True, slots=True)
class QueryResult:
    """What the index knows about a draft.

    ``closest`` are the most similar past replies sent up to ``now`` (verified, best first);
    ``recent`` maps a window in days to how many near-identical replies (estimated
    similarity at least the threshold) were sent in it; ``candidates`` is how many past
    replies shared a band key; ``capped`` says some bands held more than the cap, so the
    counts are lower bounds.
    """

    closest: tuple[Match, ...]
    recent: dict[int, int] = field(default_factory=dict)
    candidates: int = 0
    capped: bool = False

    @property
    def best(self) -> float:
        """The highest similarity found (0 when none)."""
        return self.closest[0].similarity if self.closest else 0.0


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return int(moment.timestamp())


class ReplyIndex:
    """Near-duplicate search over one brand's past replies. See the module's docstring."""

    def __init__(self, *, threshold: float = 0.6, bucket_cap: int = 512, verify: int = 5, pending_limit: int = 16384) -> None:
        """An empty index.

        ``threshold`` is the similarity from which replies count as near-identical in
        :attr:`QueryResult.recent`; ``verify`` how many of the best candidates get the
        exact similarity; ``pending_limit`` how many added replies wait in the dictionary
        before they are merged into the sorted arrays.
        """
        self.threshold = threshold
        self.bucket_cap = bucket_cap
        self.verify = verify
        self.pending_limit = pending_limit
        self._n = 0
        self._sig = np.empty((0, sg.BINS), dtype=np.uint16)
        self._sent = np.empty(0, dtype=np.int64)
        self._agent = np.empty(0, dtype=np.int64)
        self._rid = np.empty(0, dtype=np.int64)
        self._offsets = np.zeros(1, dtype=np.int64)  # text i is _buf[_offsets[i]:_offsets[i + 1]]
        self._buf = np.empty(0, dtype=np.uint8)
        self._keys = np.empty(0, dtype=np.uint64)  # sorted band keys …
        self._members = np.empty(0, dtype=np.uint32)  # … and the reply number of each
        self._pending: dict[int, list[int]] = {}
        self._pending_rows = 0

    def __len__(self) -> int:
        return self._n

    # --- adding ------------------------------------------------------------------------

    def add(self, reply_id: int, text: str, sent_at: datetime, agent_id: int | None = None, *, names: Sequence[str] = ()) -> None:
        """Index one sent reply (``names``: the customer's name and handle, to mask)."""
        masked = mask(text, names)
        sig = sg.signature(masked.shingled)[None, :]
        row = self._append(sig, [_seconds(sent_at)], [agent_id], [reply_id], [self._stored(text, names)])
        for key in sg.band_keys(sig)[0].tolist():
            self._pending.setdefault(key, []).append(row)
        self._pending_rows += 1
        if self._pending_rows >= self.pending_limit:
            self._flush()

    def add_many(self, replies: Iterable[PastReply], *, batch: int = 8192) -> int:
        """Index many replies at once (vectorised; how an index is rebuilt). Returns how many."""
        added = 0
        new_keys: list[npt.NDArray[np.uint64]] = []
        new_rows: list[npt.NDArray[np.uint32]] = []
        chunk: list[PastReply] = []

        def flush_chunk() -> None:
            sig = sg.signatures([mask(r.text, r.names).shingled for r in chunk])
            first = self._append(
                sig,
                [_seconds(r.sent_at) for r in chunk],
                [r.agent_id for r in chunk],
                [r.reply_id for r in chunk],
                [self._stored(r.text, r.names) for r in chunk],
            )
            keys = sg.band_keys(sig)
            new_keys.append(keys.reshape(-1))
            new_rows.append(np.repeat(np.arange(first, first + len(chunk), dtype=np.uint32), sg.BANDS))
            chunk.clear()

        for reply in replies:
            chunk.append(reply)
            added += 1
            if len(chunk) >= batch:
                flush_chunk()
        if chunk:
            flush_chunk()
        if new_keys:
            self._flush()
            self._merge(np.concatenate(new_keys), np.concatenate(new_rows))
        return added

    @classmethod
    def build(cls, replies: Iterable[PastReply], *, threshold: float = 0.6, bucket_cap: int = 512) -> ReplyIndex:
        """A new index of ``replies``."""
        index = cls(threshold=threshold, bucket_cap=bucket_cap)
        index.add_many(replies)
        return index

    @staticmethod
    def _stored(text: str, names: Sequence[str]) -> bytes:
        stored = text.replace(_NAMES_SEP, " ")
        if names:
            stored += _NAMES_SEP + _NAME_SEP.join(n.replace(_NAMES_SEP, " ").replace(_NAME_SEP, " ") for n in names)
        return stored.encode("utf-8")

    def _append(
        self,
        sig: npt.NDArray[np.uint32],
        sent: Sequence[int],
        agents: Sequence[int | None],
        ids: Sequence[int],
        texts: Sequence[bytes],
    ) -> int:
        """Store rows; returns the number of the first."""
        first, count = self._n, len(texts)
        self._reserve(count, sum(len(t) for t in texts))
        self._sig[first : first + count] = sg.compact(sig)
        self._sent[first : first + count] = sent
        self._agent[first : first + count] = [_NO_AGENT if a is None else a for a in agents]
        self._rid[first : first + count] = ids
        position = int(self._offsets[first])
        blob = b"".join(texts)
        self._buf[position : position + len(blob)] = np.frombuffer(blob, dtype=np.uint8)
        ends = np.fromiter((len(t) for t in texts), dtype=np.int64, count=count).cumsum() + position
        self._offsets[first + 1 : first + count + 1] = ends
        self._n += count
        return first

    def _reserve(self, rows: int, nbytes: int) -> None:
        """Grow the arrays by half again when they are full (amortised O(1) appends)."""
        need = self._n + rows
        if need > len(self._sent):
            capacity = max(need, len(self._sent) * 3 // 2, 1024)
            self._sig = _grown(self._sig, capacity)
            self._sent = _grown(self._sent, capacity)
            self._agent = _grown(self._agent, capacity)
            self._rid = _grown(self._rid, capacity)
            self._offsets = _grown(self._offsets, capacity + 1)
        need_bytes = int(self._offsets[self._n]) + nbytes
        if need_bytes > len(self._buf):
            self._buf = _grown(self._buf, max(need_bytes, len(self._buf) * 3 // 2, 1 << 16))

    def _flush(self) -> None:
        """Merge the pending band keys into the sorted arrays."""
        if not self._pending:
            return
        keys = np.fromiter(
            (k for k, rows in self._pending.items() for _ in rows), dtype=np.uint64, count=sum(len(r) for r in self._pending.values())
        )
        rows = np.fromiter((r for rs in self._pending.values() for r in rs), dtype=np.uint32, count=len(keys))
        self._pending.clear()
        self._pending_rows = 0
        self._merge(keys, rows)

    def _merge(self, keys: npt.NDArray[np.uint64], rows: npt.NDArray[np.uint32]) -> None:
        """Insert (key, row) pairs, keeping keys sorted and rows ascending within a key.

        New rows are newer than every stored one, so inserting each after its equal keys
        keeps the most recent replies of a bucket at its end.
        """
        order = np.lexsort((rows, keys))
        keys, rows = keys[order], rows[order]
        if len(self._keys) == 0:
            self._keys, self._members = keys, rows
            return
        at = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, at, keys)
        self._members = np.insert(self._members, at, rows)

    # --- querying ----------------------------------------------------------------------

    def query(
        self,
        text: str,
        now: datetime,
        *,
        names: Sequence[str] = (),
        limit: int = 3,
        windows_days: Sequence[int] = (7, 30),
        threshold: float | None = None,
    ) -> QueryResult:
        """The past replies (sent up to ``now``) closest to ``text``, and recent near-identical counts.

        ``names``: the customer's name and handle, masked in ``text``; ``threshold``: the
        similarity from which a reply counts as near-identical (default: the index's).
        """
        return self.query_masked(mask(text, names), now, limit=limit, windows_days=windows_days, threshold=threshold)

    def query_masked(
        self, masked: Masked, now: datetime, *, limit: int = 3, windows_days: Sequence[int] = (7, 30), threshold: float | None = None
    ) -> QueryResult:
        """:meth:`query` for a text already masked."""
        empty = QueryResult((), dict.fromkeys(windows_days, 0))
        if self._n == 0:
            return empty
        sig = sg.signature(masked.shingled)[None, :]
        rows, capped = self._candidates(sg.band_keys(sig)[0])
        now_s = _seconds(now)
        rows = rows[self._sent[rows] <= now_s]
        if len(rows) == 0:
            return empty
        similarity = sg.estimate(self._sig[rows], sg.compact(sig)[0])
        near = similarity >= (self.threshold if threshold is None else threshold)
        sent = self._sent[rows]
        recent = {days: int(np.count_nonzero(near & (sent > now_s - days * 86400))) for days in windows_days}
        # Verify the best few by estimate (the most recent first among equals): always the
        # ``limit`` shown, and up to ``verify`` of those that may reach the threshold.
        likely = int(np.count_nonzero(similarity >= (self.threshold if threshold is None else threshold) - _MARGIN))
        take = min(len(rows), max(limit, min(likely, self.verify)))
        # One sort key: similarity (steps of 1/64) above, seconds since the oldest below.
        key = similarity * 2.0**40 + (sent - sent.min())
        top = np.argpartition(-key, take - 1)[:take] if take < len(rows) else np.arange(len(rows))
        best = top[np.argsort(-key[top], kind="stable")]
        query_grams = sg.grams(masked.shingled)
        matches = [self._match(int(rows[i]), query_grams) for i in best]
        matches.sort(key=lambda m: (m.similarity, m.sent_at), reverse=True)
        return QueryResult(tuple(matches[:limit]), recent, len(rows), capped)

    def _candidates(self, keys: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.int64], bool]:
        """Reply numbers sharing any band key with ``keys`` (most recent ``bucket_cap`` per band)."""
        cap = self.bucket_cap
        parts: list[npt.NDArray[np.uint32]] = []
        capped = False
        if len(self._keys):
            lo = np.searchsorted(self._keys, keys, side="left").tolist()
            hi = np.searchsorted(self._keys, keys, side="right").tolist()
            for a, b in zip(lo, hi, strict=True):
                if b > a:
                    capped |= b - a > cap
                    parts.append(self._members[max(a, b - cap) : b])
        for key in keys.tolist():
            pending = self._pending.get(key)
            if pending:
                capped |= len(pending) > cap
                parts.append(np.asarray(pending[-cap:], dtype=np.uint32))
        if not parts:
            return np.empty(0, dtype=np.int64), False
        # Sorting and dropping repeats is faster here than np.unique's hashing.
        rows = np.sort(np.concatenate(parts))
        distinct = np.empty(len(rows), dtype=bool)
        distinct[0] = True
        np.not_equal(rows[1:], rows[:-1], out=distinct[1:])
        return rows[distinct].astype(np.int64), capped

    def _match(self, row: int, query_grams: frozenset[str]) -> Match:
        text, names = self._text(row)
        agent = int(self._agent[row])
        return Match(
            reply_id=int(self._rid[row]),
            text=text,
            sent_at=datetime.fromtimestamp(int(self._sent[row]), tz=UTC),
            agent_id=None if agent == _NO_AGENT else agent,
            similarity=round(sg.jaccard(query_grams, sg.grams(mask(text, names).shingled)), 4),
        )

    def _text(self, row: int) -> tuple[str, tuple[str, ...]]:
        stored = bytes(self._buf[int(self._offsets[row]) : int(self._offsets[row + 1])]).decode("utf-8")
        text, _, names = stored.partition(_NAMES_SEP)
        return text, tuple(names.split(_NAME_SEP)) if names else ()

    def text_of(self, row: int) -> str:
        """The text of the ``row``-th reply added."""
        return self._text(row)[0]

    # --- persistence -------------------------------------------------------------------

    def save(self, path: str | PathLike[str]) -> Path:
        """Write the index to one uncompressed ``.npz`` file and return its path."""
        self._flush()
        target = Path(path)
        if target.suffix != ".npz":
            target = target.with_name(target.name + ".npz")
        n = self._n
        meta = np.array([FORMAT_VERSION, n, self.bucket_cap, self.verify, self.pending_limit], dtype=np.int64)
        np.savez(
            target,
            meta=meta,
            threshold=np.array([self.threshold]),
            sig=self._sig[:n],
            sent=self._sent[:n],
            agent=self._agent[:n],
            rid=self._rid[:n],
            offsets=self._offsets[: n + 1],
            text=self._buf[: int(self._offsets[n])],
            keys=self._keys,
            members=self._members,
        )
        return target

    @classmethod
    def load(cls, path: str | PathLike[str]) -> ReplyIndex:
        """Read an index written by :meth:`save`."""
        with np.load(Path(path), allow_pickle=False) as data:
            version, n, bucket_cap, verify, pending_limit = (int(v) for v in data["meta"])
            if version != FORMAT_VERSION:
                raise ValueError(f"index format {version} is not {FORMAT_VERSION}: rebuild the index from the replies")
            index = cls(threshold=float(data["threshold"][0]), bucket_cap=bucket_cap, verify=verify, pending_limit=pending_limit)
            index._n = n
            index._sig, index._sent, index._agent, index._rid = data["sig"], data["sent"], data["agent"], data["rid"]
            index._offsets, index._buf = data["offsets"], data["text"]
            index._keys, index._members = data["keys"], data["members"]
        return index

    def memory_bytes(self) -> int:
        """Bytes held by the arrays (capacity included), without the pending dictionary."""
        arrays = (self._sig, self._sent, self._agent, self._rid, self._offsets, self._buf, self._keys, self._members)
        return sum(a.nbytes for a in arrays)


def _grown(array: npt.NDArray[_T], capacity: int) -> npt.NDArray[_T]:
    """``array`` copied into a longer one (first axis ``capacity``)."""
    out = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    out[: len(array)] = array
    return out
