"""Small linear models over hashed features, loaded from the package's ``models/`` folder.

A model file (``.npz``) holds the class names, a bias per class and the non-zero weights as
(bucket, class, weight) triples; ``make train`` writes them (``scripts/train_triage.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from otklik.triage.cache import BoundedCache
from otklik.triage.features import BUCKETS, word_ids

MODELS_DIR = Path(str(resources.files("otklik.triage") / "models"))


@dataclass(frozen=True)
class LinearModel:
    """Weights of one head: ``scores = bias + sum(weights[feature])``."""

    name: str
    classes: tuple[str, ...]
    bias: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]  # BUCKETS × classes (one column for a binary head)
    meta: dict[str, str]

    def logits(self, ids: Sequence[int]) -> npt.NDArray[np.float32]:
        """Raw scores per class (one score for a binary head)."""
        if not ids:
            return self.bias.copy()
        result: npt.NDArray[np.float32] = self.bias + self.weights[np.asarray(ids, dtype=np.intp)].sum(axis=0)
        return result

    def save(self, path: Path) -> None:
        """Write the model: non-zero weights only, as float16."""
        bucket, column = np.nonzero(self.weights)
        np.savez_compressed(
            path,
            classes=np.array(self.classes),
            bias=self.bias.astype(np.float32),
            bucket=bucket.astype(np.uint32),
            column=column.astype(np.uint8),
            value=self.weights[bucket, column].astype(np.float16),
            meta_keys=np.array(list(self.meta)),
            meta_values=np.array(list(self.meta.values())),
        )


def load(path: Path) -> LinearModel:
    """Read a model file."""
    with np.load(path, allow_pickle=False) as data:
        classes = tuple(str(c) for c in data["classes"])
        bias = data["bias"].astype(np.float32)
        width = bias.shape[0]
        weights = np.zeros((BUCKETS, width), dtype=np.float32)
        weights[data["bucket"].astype(np.intp), data["column"].astype(np.intp)] = data["value"].astype(np.float32)
        meta = {str(k): str(v) for k, v in zip(data["meta_keys"], data["meta_values"], strict=True)}
    return LinearModel(path.stem, classes, bias, weights, meta)


class ModelMissing(RuntimeError):
    """A model file the package should ship is not there (``make train`` writes them)."""


def against_others(rows: npt.NDArray[np.float32], columns: dict[str, slice]) -> npt.NDArray[np.float32]:
    """Each row's weight for each class minus its mean weight for the head's other classes.

    That is how much a feature pushes a head towards one class rather than the others (what
    evidence ranks). A binary head's single column is kept as it is. The float32 arithmetic
    is that of doing it one class at a time with ``ndarray.sum`` (which adds a row's columns
    left to right), so evidence weights are the same to the last bit either way.
    """
    result = np.empty_like(rows)
    for cols in columns.values():
        block = rows[:, cols]
        width = block.shape[1]
        if width == 1:
            result[:, cols] = block
            continue
        total = block[:, 0].copy()
        for j in range(1, width):
            total += block[:, j]
        result[:, cols] = block - (total[:, None] - block) / (width - 1)
    return result


@dataclass(frozen=True)
class Bundle:
    """The three heads side by side, so one look-up of a text's features serves them all."""

    heads: dict[str, LinearModel]
    weights: npt.NDArray[np.float32]  # BUCKETS × (sum of the heads' widths)
    bias: npt.NDArray[np.float32]
    columns: dict[str, slice]
    # ``weights`` beside :func:`against_others` of it (BUCKETS × twice the width, and
    # ``weights`` is a view of its left half): one look-up gives a feature's row and its evidence.
    table: npt.NDArray[np.float32] = field(repr=False)
    # A word's features always add up to the same row: summed once, then looked up. Kept as
    # bytes (the row, then its ``against_others``) so that a text's rows are one
    # ``bytes.join`` rather than a stack of small arrays.
    _words: BoundedCache[str, bytes] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", BoundedCache(self._word, _WORD_CACHE))  # frozen: set once here

    def rows(self, ids: Sequence[int]) -> npt.NDArray[np.float32]:
        """The weight rows of a text's features, every head's columns."""
        result: npt.NDArray[np.float32] = self.weights[np.asarray(ids, dtype=np.intp)]
        return result

    def word_row(self, word: str) -> npt.NDArray[np.float32]:
        """The summed weight row of a word's features (see :func:`features.word_ids`)."""
        return np.frombuffer(self._words[word], dtype=np.float32)[: self.bias.shape[0]]

    def _word(self, word: str) -> bytes:
        row = self.weights[np.asarray(word_ids(word), dtype=np.intp)].sum(axis=0)
        both: bytes = row.tobytes() + against_others(row[None, :], self.columns).tobytes()
        return both

    def text_rows(self, words: Sequence[str], ids: Sequence[int]) -> TextRows:
        """A text's weight rows, one per word (its features summed, as :meth:`word_row`),
        then one per other feature id; and the :func:`against_others` of each.

        Built with one ``bytes.join`` instead of a NumPy call per word. The words are looked
        up with ``map`` (in C, a miss through the cache's subscript), and the other rows with
        ``take``, which costs about half of ``asarray`` and an index on a short list of ids.
        """
        parts = list(map(self._words.__getitem__, words))
        if ids:
            parts.append(self.table.take(ids, axis=0).tobytes())
        return TextRows(b"".join(parts), self.bias.shape[0])


@lru_cache(maxsize=4)
def _row_type(width: int) -> np.dtype[np.void]:
    """A row of ``width`` float32 as one item: ``frombuffer`` then gives the rows as a matrix."""
    return np.dtype((np.float32, (width,)))


class TextRows:
    """A text's weight rows and their :func:`against_others`, side by side as float32 bytes."""

    __slots__ = ("_data", "_width")

    def __init__(self, data: bytes, width: int) -> None:
        self._data = data
        self._width = width

    def __len__(self) -> int:
        return len(self._data) // (8 * self._width)

    @property
    def rows(self) -> npt.NDArray[np.float32]:
        """The weight rows (read-only: a view of the bytes, so cached rows stay safe)."""
        both = np.frombuffer(self._data, dtype=np.float32).reshape(-1, 2 * self._width)
        return both[:, : self._width]

    def totals(self, bias: npt.NDArray[np.float32]) -> list[float]:
        """``bias`` plus the sum of the rows, per column (the bias alone when there are none).

        The rows are summed with their :func:`against_others` beside them, in one array read
        straight from the bytes: each column is added up row after row all the same, so the
        sums are those of :attr:`rows` to the bit, with fewer NumPy calls.
        """
        if not self._data:
            totals: list[float] = bias.tolist()
            return totals
        sums = np.frombuffer(self._data, dtype=_row_type(2 * self._width)).sum(axis=0)
        return (bias + sums[: self._width]).tolist()  # type: ignore[no-any-return]

    def against(self, column: int) -> list[float]:
        """One column of :func:`against_others`, a float per row.

        Read straight from the bytes: NumPy's ``tolist`` is slow on a strided column.
        """
        width = self._width
        # typeshed types every memoryview as holding ints (and typing.cast is a call per use)
        values: list[float] = memoryview(self._data).cast("f")[width + column :: 2 * width].tolist()  # type: ignore[assignment]
        return values


HEADS = ("kind", "sentiment", "abusive", "urgent", "outage")
_WORD_CACHE = 300_000  # words; 24 floats each, kept as bytes: some 60 MB at the most

_lock = threading.Lock()
_bundle: Bundle | None = None


def bundle() -> Bundle:
    """The shipped models, loaded once."""
    global _bundle  # noqa: PLW0603 - one immutable bundle per process, loaded on first use
    loaded = _bundle
    if loaded is not None:  # loaded already: no lock needed to read a reference
        return loaded
    with _lock:
        if _bundle is None:
            heads: dict[str, LinearModel] = {}
            for name in HEADS:
                path = MODELS_DIR / f"{name}.npz"
                if not path.exists():
                    raise ModelMissing(f"{path} is missing; run `make train`")
                heads[name] = load(path)
            columns: dict[str, slice] = {}
            at = 0
            for name, head in heads.items():
                width = head.weights.shape[1]
                columns[name] = slice(at, at + width)
                at += width
            weights = np.hstack([h.weights for h in heads.values()])
            table = np.hstack([weights, against_others(weights, columns)])
            bias = np.concatenate([h.bias for h in heads.values()])
            _bundle = Bundle(heads, table[:, : weights.shape[1]], bias, columns, table)
        return _bundle
