"""A bounded cache of what triage works out per word: words repeat from post to post.

A :class:`BoundedCache` is a ``dict`` that fills itself: reading a missing key computes its
value, which is kept while the cache holds fewer than ``limit`` entries. A full cache stops
growing (what it does not hold is computed again each time), so memory stays bounded however
many new words arrive, and the words kept are the ones seen first, mostly the frequent ones.

No lock: a dict read or write is atomic, and two threads at worst compute a value twice.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(dict[K, V]):
    """``cache[key]`` is ``compute(key)``, kept while fewer than ``limit`` values are.

    Being a ``dict``, it is read at C speed: a hot loop may bind ``cache.get`` and write
    ``get(key) or cache[key]`` (when no value is false), which on Python 3.11 costs less than
    the subscript of a ``dict`` subclass, and a whole list is read fastest with
    ``map(cache.__getitem__, keys)``; only a miss runs Python code.
    """

    __slots__ = ("compute", "limit")

    def __init__(self, compute: Callable[[K], V], limit: int) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: K) -> V:
        value = self.compute(key)
        if len(self) < self.limit:
            self[key] = value
        return value
