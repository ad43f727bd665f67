"""Small linear models over hashed features, loaded from the package's ``models/`` folder.

A model file (``.npz``) holds the class names, a bias per class and the non-zero weights as
(bucket, class, weight) triples; ``make train`` writes them (``scripts/train_triage.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

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


@dataclass(frozen=True)
class Bundle:
    """The three heads side by side, so one look-up of a text's features serves them all."""

    heads: dict[str, LinearModel]
    weights: npt.NDArray[np.float32]  # BUCKETS × (sum of the heads' widths)
    bias: npt.NDArray[np.float32]
    columns: dict[str, slice]
    # A word's features always add up to the same row: summed once, then looked up.
    _words: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict, repr=False)

    def rows(self, ids: Sequence[int]) -> npt.NDArray[np.float32]:
        """The weight rows of a text's features, every head's columns."""
        result: npt.NDArray[np.float32] = self.weights[np.asarray(ids, dtype=np.intp)]
        return result

    def word_row(self, word: str) -> npt.NDArray[np.float32]:
        """The summed weight row of a word's features (see :func:`features.word_ids`)."""
        row = self._words.get(word)
        if row is None:
            row = self.weights[np.asarray(word_ids(word), dtype=np.intp)].sum(axis=0)
            if len(self._words) < _WORD_CACHE:
                self._words[word] = row
        return row


HEADS = ("kind", "sentiment", "abusive", "urgent", "outage")
_WORD_CACHE = 300_000  # words; a row is 10 floats, so about 60 MB at the most

_lock = threading.Lock()
_bundle: Bundle | None = None


def bundle() -> Bundle:
    """The shipped models, loaded once."""
    global _bundle  # noqa: PLW0603 - one immutable bundle per process, loaded on first use
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
            weights = np.ascontiguousarray(np.hstack([h.weights for h in heads.values()]))
            bias = np.concatenate([h.bias for h in heads.values()])
            _bundle = Bundle(heads, weights, bias, columns)
        return _bundle
