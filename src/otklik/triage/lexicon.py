"""Matching the cue lexicons against a text's words, with the spans of each hit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from otklik.triage.cache import BoundedCache
from otklik.triage.lexicon_data import LEXICON
from otklik.triage.lexicon_polarity import POLARITY
from otklik.triage.result import Span
from otklik.triage.text import Token, TokenType, fold


class Hit(NamedTuple):
    """A lexicon entry found in the text."""

    # A named tuple, like Span: the cheapest to build (see Evidence).

    category: str
    pattern: str
    first: int  # index of the first word in the word list
    last: int  # index of the last word, inclusive
    span: Span


_Step = tuple[str, bool]  # (text, is_prefix)
# Where an entry stood among the candidates of its first word in a plain scan: exact heads
# first, then stems longest first, each in the order the lexicon lists them. Matches at the
# same place are ordered by it, so the longest-first tie-break of ``find`` stays the same.
_Order = tuple[int, int, int]


def _norm_pattern_token(token: str, lang: str) -> _Step:
    prefix = token.endswith("*")
    word = token.rstrip("*").lower().replace("ё", "е")
    if lang == "pl":
        word = fold(word)
    return word, prefix


@dataclass(eq=False, slots=True)
class _Node:
    """The entries that share their first steps: the steps that may follow, and the entries
    that end here. A word goes on to the exact step equal to it and to every stem it starts
    with, so a word looks at a few dict keys rather than at every entry it could begin."""

    exact: dict[str, _Node] = field(default_factory=dict)
    stems: dict[str, _Node] = field(default_factory=dict)
    lengths: tuple[int, ...] = ()  # the lengths of the ``stems`` keys, longest first
    ends: list[tuple[str, str, _Order]] = field(default_factory=list)  # category, pattern, order

    def child(self, text: str, is_prefix: bool) -> _Node:
        """The node for one more step, made when missing."""
        children = self.stems if is_prefix else self.exact
        node = children.get(text)
        if node is None:
            node = children[text] = _Node()
            if is_prefix:
                self.lengths = tuple(sorted({len(k) for k in self.stems}, reverse=True))
        return node

    def walk(self, words: Sequence[str], first: int, at: int, found: list[_Match]) -> None:
        """Collect the entries ending here, then follow the next word (``at + 1``)."""
        for category, pattern, order in self.ends:
            found.append((category, pattern, first, at, order))
        at += 1
        if at < len(words):
            word = words[at]
            node = self.exact.get(word)
            if node is not None:
                node.walk(words, first, at, found)
            if self.lengths:
                stems = self.stems
                for length in self.lengths:
                    if length <= len(word) and (node := stems.get(word[:length])) is not None:
                        node.walk(words, first, at, found)


_Match = tuple[str, str, int, int, _Order]  # category, pattern, first, last, order

# Words seen per language (four tables) whose first-step nodes are kept: words repeat.
_FIRST_CACHE = 50_000


class _Compiled:
    """A language's lexicon as a trie, and the nodes each word seen starts from."""

    __slots__ = ("first", "root")

    def __init__(self, root: _Node) -> None:
        self.root = root
        # word → the nodes its first step reaches (see ``_first``)
        self.first: BoundedCache[str, tuple[_Node, ...]] = BoundedCache(self._first, _FIRST_CACHE)

    def _first(self, word: str) -> tuple[_Node, ...]:
        """The nodes a text's word can start from: its exact entry, then stems longest first.

        A pattern's first stem must have two letters at least (``x*`` starts nothing).
        """
        nodes = [self.root.exact[word]] if word in self.root.exact else []
        stems = self.root.stems
        nodes.extend(stems[word[:n]] for n in self.root.lengths if 2 <= n <= len(word) and word[:n] in stems)
        return tuple(nodes)


@lru_cache(maxsize=8)
def _compiled(lang: str) -> _Compiled:
    root = _Node()
    categories = dict(LEXICON[lang])
    categories.update(POLARITY.get(lang, {}))
    ordinal = 0
    for category, patterns in categories.items():
        for pattern in patterns.split():
            steps = [_norm_pattern_token(part, lang) for part in pattern.split("_") if part]
            head, is_prefix = steps[0]
            node = root
            for text, prefix in steps:
                node = node.child(text, prefix)
            order = (1, -len(head), ordinal) if is_prefix else (0, 0, ordinal)
            node.ends.append((category, pattern.replace("_", " "), order))
            ordinal += 1
    return _Compiled(root)


_CYR = {
    "shch": "щ",
    "sch": "щ",
    "zh": "ж",
    "kh": "х",
    "ch": "ч",
    "sh": "ш",
    "ts": "ц",
    "yu": "ю",
    "ju": "ю",
    "ya": "я",
    "ja": "я",
    "yo": "е",
    "ye": "е",
    "iy": "ий",
    "yj": "ый",
    "yy": "ый",
}
_CYR1 = str.maketrans(
    {
        "a": "а",
        "b": "б",
        "v": "в",
        "g": "г",
        "d": "д",
        "e": "е",
        "z": "з",
        "i": "и",
        "j": "й",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "f": "ф",
        "h": "х",
        "c": "ц",
        "y": "ы",
        "w": "в",
        "x": "кс",
        "q": "к",
        "'": "ь",
    }
)


@lru_cache(maxsize=65536)
def to_cyrillic(word: str) -> str:
    """Russian typed in Latin letters, back in Cyrillic (``rabotaet`` → ``работает``)."""
    out = word
    for latin, cyr in _CYR.items():
        out = out.replace(latin, cyr)
    return out.translate(_CYR1)


def _matches(words: Sequence[str], lang: str) -> list[_Match]:
    table = _compiled(lang if lang in LEXICON else "en")
    found: list[_Match] = []
    # Every word's first nodes looked up at once, in C (see BoundedCache); most words start nothing.
    for i, nodes in enumerate(map(table.first.__getitem__, words)):
        for node in nodes:
            node.walk(words, i, i, found)
    return found


def match_words(words: Sequence[str], lang: str) -> list[tuple[str, str, int, int]]:
    """Lexicon hits in a list of normalised words: (category, pattern, first, last)."""
    found = _matches(words, lang)
    found.sort(key=lambda m: (m[2], m[4]))
    return [(category, pattern, first, last) for category, pattern, first, last, _ in found]


_WORD = TokenType.WORD  # bound once: enum attribute look-ups are slow on Python 3.11
_LEXICAL = frozenset((TokenType.WORD, TokenType.NUMBER))  # the tokens lexicons are matched on
_new = tuple.__new__  # builds a named tuple without its Python-level __new__


def lexicon_words(tokens: Sequence[Token], lang: str, *, latin_russian: bool = False) -> tuple[list[str], list[Token]]:
    """The words (and numbers) lexicons are matched on, normalised for ``lang``."""
    kept = [token for token in tokens if token.type in _LEXICAL]
    words = [token.norm for token in kept]
    # Numbers are normalised with the words: they have no letters, so that changes nothing.
    if lang == "pl":
        words = list(map(fold, words))
    elif latin_russian and lang == "ru":
        words = [to_cyrillic(word) if word.isascii() else word for word in words]
    return words, kept


def find(tokens: Sequence[Token], text: str, lang: str) -> list[Hit]:
    """Every lexicon hit in the text, for its language (English cues for ``other``)."""
    latin_russian = lang == "ru" and sum([t.type is _WORD and t.norm.isascii() for t in tokens]) > len(tokens) / 2
    words, kept = lexicon_words(tokens, lang, latin_russian=latin_russian)
    matches = _matches(words, lang if lang in LEXICON else "en")
    if not matches:
        return []
    hits = []
    seen: set[tuple[str, int]] = set()
    # Longest first, so "не работает" wins over "не работ*" at the same place.
    matches.sort(key=lambda m: (m[2], m[2] - m[3], m[1], m[4]))
    for category, pattern, first, last, _ in matches:
        places = [(category, i) for i in range(first, last + 1)]
        if not seen.isdisjoint(places):
            continue
        seen.update(places)
        start, end = kept[first].start, kept[last].end
        hits.append(_new(Hit, (category, pattern, first, last, _new(Span, (start, end, text[start:end])))))
    return hits
