"""The features the linear models read: the same code at training and at run time.

Words and word pairs, character n-grams inside words (they carry stems across Russian and
Polish endings and survive typos), the lexicon categories that fired (shared by all
languages, so what English data teaches about "failure" helps Polish too), and the shape of
the post: question marks, capitals, emoji, links, numbers.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple, overload

from otklik.triage.cache import BoundedCache
from otklik.triage.lexicon import Hit
from otklik.triage.result import Span
from otklik.triage.text import Token, TokenType, fold

#: Feature space size: features are hashed into this many buckets.
BUCKETS = 1 << 18

_POSITIVE_EMOJI = frozenset("😀😃😄😁😆😊🙂😍🥰😘❤💙💚💛🧡💜🖤🤍👍👌🙏🔥💯🎉👏🤩😎💪✨⭐🌟😂🤣")
_NEGATIVE_EMOJI = frozenset("😡🤬😠😤😞😔😢😭😩😫🙄😒👎💩🤮🤢😱😨😰🤦🤡😑😐🥴")


class Features(NamedTuple):
    """Hashed feature ids, and where each came from (for evidence).

    ``words`` are the text's words (folded) and ``word_spans`` where each is: a word stands
    for the ids of :func:`word_ids`, which a scorer may sum once per word and cache (kept
    apart from the spans, the words are what a scorer looks up). The other features are
    ``ids`` with ``groups``: ``groups[k]`` is an index into ``spans`` (the words a feature
    came from: word pairs, lexicon hits, emoji) or ``-1 - j`` for the global feature
    ``names[j]`` (the shape of the post, its language…).

    Evidence shows a handful of spans of the dozens a text has, so the spans of words and
    word pairs are kept as places and made when read: ``word_starts`` and ``word_ends`` are
    where each word is, and the word pairs' spans (each word with the next) come in
    ``spans`` after the first ``pairs_at`` of ``other_spans`` (the emoji), before the rest
    (the lexicon hits).
    """

    # A named tuple: one per text, and a frozen dataclass costs several times as much to build.

    words: list[str]
    text: str
    word_starts: list[int]
    word_ends: list[int]
    ids: list[int]
    groups: list[int]
    pairs_at: int
    other_spans: list[Span]
    names: list[str]

    @property
    def word_spans(self) -> list[Span]:
        """Where each word is."""
        return list(TextSpans(self)[: len(self.words)])

    @property
    def spans(self) -> list[Span]:
        """The spans ``groups`` point into: emoji, word pairs, lexicon hits."""
        return list(TextSpans(self)[len(self.words) :])

    @property
    def all_ids(self) -> list[int]:
        """Every feature id, word features included (what training counts)."""
        result = [i for word in self.words for i in word_ids(word)]
        result.extend(self.ids)
        return result


class TextSpans(Sequence[Span]):
    """The spans of a text's words, then those ``groups`` point into (the numbering of a
    text's rows, see :class:`Features`), each made when read."""

    __slots__ = ("_features", "_pairs")

    def __init__(self, features: Features) -> None:
        self._features = features
        self._pairs = max(len(features.words) - 1, 0)

    def __len__(self) -> int:
        features = self._features
        return len(features.words) + self._pairs + len(features.other_spans)

    @overload
    def __getitem__(self, index: int) -> Span: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Span]: ...

    def __getitem__(self, index: int | slice) -> Span | Sequence[Span]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        features = self._features
        starts = features.word_starts
        words = len(starts)
        if 0 <= index < words:
            start, end = starts[index], features.word_ends[index]
        else:
            index -= words
            pairs_at = features.pairs_at
            if 0 <= index < pairs_at:
                return features.other_spans[index]
            index -= pairs_at
            if 0 <= index < self._pairs:
                start, end = starts[index], features.word_ends[index + 1]
            else:
                return features.other_spans[pairs_at + index - self._pairs]
        return _new(Span, (start, end, features.text[start:end]))


def _bucket(name: str) -> int:
    # crc32 is stable across processes, unlike hash(); that makes the model portable.
    return zlib.crc32(name.encode()) & (BUCKETS - 1)


@lru_cache(maxsize=200_000)
def word_ids(word: str) -> tuple[int, ...]:
    """The ids of a word and of its character n-grams; words repeat, so this is cached."""
    ids = [_bucket(f"w:{word}")]
    if len(word) >= 3:
        padded = f" {word} "
        for n in (3, 4, 5):
            ids.extend(_bucket(f"c{n}:{padded[j : j + n]}") for j in range(len(padded) - n + 1))
    if len(word) > 5:
        # A crude stem: Russian, Ukrainian and Polish change the ending, rarely the first letters.
        ids.append(_bucket(f"s:{word[:5]}"))
    return tuple(ids)


# Bound once: on Python 3.11 ``TokenType.WORD`` goes through the enum metaclass's hook and
# costs several times a plain name.
_WORD, _PUNCT, _EMOJI = TokenType.WORD, TokenType.PUNCT, TokenType.EMOJI
_URL, _HANDLE, _HASHTAG, _NUMBER = TokenType.URL, TokenType.HANDLE, TokenType.HASHTAG, TokenType.NUMBER
_MASK = BUCKETS - 1
_crc32 = zlib.crc32
# ``tuple.__new__(Span, fields)`` builds the same named tuple without the Python-level
# ``Span.__new__`` frame: a text has a span per word and per word pair.
_new = tuple.__new__


# The buckets of feature names that recur from text to text (the shape of the post, lexicon
# entries, the language).
_NAMED: BoundedCache[str, int] = BoundedCache(_bucket, 8192)


def _word_keys(norm: str) -> tuple[str, bytes, int]:
    """A word's folded form, that as UTF-8, and the CRC-32 of ``b:{folded} ``.

    A word pair's feature name is ``b:{first} {second}``; CRC-32 carries on from a prefix's
    value, so its bucket is ``crc32(second, prefix of first)``: no string is built per pair.
    """
    folded = fold(norm)
    encoded = folded.encode()
    return folded, encoded, _crc32(b" ", _crc32(encoded, _crc32(b"b:")))


_WORD_KEYS: BoundedCache[str, tuple[str, bytes, int]] = BoundedCache(_word_keys, 200_000)


def extract(tokens: Sequence[Token], text: str, *, lang: str, hits: Sequence[Hit], addressing: str | None = None) -> Features:
    """Features of one text."""
    ids: list[int] = []
    groups: list[int] = []
    spans: list[Span] = []
    names: list[str] = []

    def add_global(name: str) -> None:
        ids.append(_NAMED[name])
        groups.append(-1 - len(names))
        names.append(name)

    # One pass over the tokens. Word pairs are collected aside and go after the emoji, as
    # they did when made in a second pass over the words (the order of ids is that of rows).
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pair_ids: list[int] = []
    previous_crc = -1
    known, word_keys = _WORD_KEYS.get, _WORD_KEYS  # see BoundedCache: a bound get, the subscript on a miss
    question_marks = exclamations = caps = 0
    emoji_pos = emoji_neg = 0
    for kind, norm, start, end, upper in tokens:  # unpacked: cheaper than the fields by name
        if kind is _WORD:
            folded, encoded, crc = known(norm) or word_keys[norm]
            words.append(folded)
            starts.append(start)
            ends.append(end)
            if previous_crc >= 0:
                pair_ids.append(_crc32(encoded, previous_crc) & _MASK)
            previous_crc = crc
            caps += upper
        elif kind is _PUNCT:
            if norm == "?":
                question_marks += 1
            elif norm == "!":
                exclamations += 1
        elif kind is _EMOJI:
            raw = text[start:end]
            pos = not _POSITIVE_EMOJI.isdisjoint(raw) or (raw[-1:] in (")", "D") and ":(" not in raw)
            neg = not _NEGATIVE_EMOJI.isdisjoint(raw) or "(" in raw
            emoji_pos += pos
            emoji_neg += neg
            ids.append(_NAMED["emoji:+" if pos else "emoji:-" if neg else "emoji:?"])
            groups.append(len(spans))
            spans.append(_new(Span, (start, end, raw)))
        elif kind is _URL:
            add_global("shape:url")
        elif kind is _HANDLE:
            add_global("shape:handle")
        elif kind is _HASHTAG:
            add_global("shape:hashtag")
        elif kind is _NUMBER:
            add_global("shape:number")
            if len(norm) >= 5 or norm[:1] in "#№":
                add_global("shape:reference")

    # The word pairs' spans come after the emoji's (made when read, see Features).
    pairs_at = len(spans)
    pairs = len(pair_ids)
    if pair_ids:
        groups.extend(range(pairs_at, pairs_at + pairs))
        ids.extend(pair_ids)
    if words:  # not through the cache: a text's first word is any word
        name = f"first:{words[0]}"
        ids.append(_bucket(name))
        groups.append(-1 - len(names))
        names.append(name)
    categories: set[str] = set()
    for hit in hits:
        span = hit.span
        category = hit.category
        categories.add(category)
        at = len(spans) + pairs
        ids.append(_NAMED[f"lex:{category}"])
        ids.append(_NAMED[f"lex:{lang}:{hit.pattern}"])
        groups.append(at)
        groups.append(at + 1)
        spans.append(span)
        spans.append(span)
    if categories:
        if "negation" in categories and ("praise" in categories or "thanks" in categories):
            add_global("lex:negated_positive")
        if ("thanks" in categories or "praise" in categories) and ("failure" in categories or "criticism" in categories):
            add_global("lex:mixed")
    if question_marks:
        add_global("shape:?")
        if question_marks > 1:
            add_global("shape:??")
    if exclamations:
        add_global("shape:!")
        if exclamations > 2:
            add_global("shape:!!!")
    if caps >= 2:
        add_global("shape:caps")
    n = len(words)
    if not n:
        if emoji_pos:
            add_global("shape:emoji_only+")
        if emoji_neg:
            add_global("shape:emoji_only-")
        if not emoji_pos and not emoji_neg:
            add_global("shape:no_words")
    add_global("len:1-3" if n <= 3 else "len:4-10" if n <= 10 else "len:11-30" if n <= 30 else "len:31+")
    if addressing:
        add_global(f"addr:{addressing}")
    add_global(f"lang:{lang}")
    return _new(Features, (words, text, starts, ends, ids, groups, pairs_at, spans, names))
