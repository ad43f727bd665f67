"""Phrase look-up over folded words: a lexicon compiled to dictionaries, not regexes.

A phrase is written as words separated by spaces; a word ending in ``*`` matches any word
starting with it ("виноват*" matches виноваты, виновата). Between two words of a phrase
one other word may stand ("это не так" also finds "это не совсем так"). Candidates are
found by the first word — an exact dictionary hit, or a prefix hit per prefix length — so
a draft costs a few dictionary look-ups per word whatever the size of the lexicon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from otklik.guards.text import fold


@dataclass(frozen=True, slots=True)
class Phrase:
    """A lexicon entry: its rule code, its language and its folded words."""

    code: str
    lang: str
    text: str  # as written in the lexicon
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """A phrase found at words ``first`` … ``last`` (inclusive) of the searched sequence."""

    phrase: Phrase
    first: int
    last: int


def _matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


class PhraseBook:
    """A compiled lexicon: ``{code: {lang: [phrase, …]}}``."""

    def __init__(self, entries: Mapping[str, Mapping[str, Sequence[str]]], *, gap: int = 1) -> None:
        """Compile ``entries``; ``gap`` is how many other words may stand between two phrase words."""
        self.gap = gap
        self._exact: dict[str, list[Phrase]] = {}
        self._prefix: dict[int, dict[str, list[Phrase]]] = {}
        for code, by_lang in entries.items():
            for lang, phrases in by_lang.items():
                for text in phrases:
                    words = tuple(fold(w) for w in text.replace(",", " ").split())
                    if not words:
                        continue
                    phrase = Phrase(code, lang, text, words)
                    first = words[0]
                    if first.endswith("*"):
                        stem = first[:-1]
                        self._prefix.setdefault(len(stem), {}).setdefault(stem, []).append(phrase)
                    else:
                        self._exact.setdefault(first, []).append(phrase)

    def find(self, words: Sequence[str]) -> list[PhraseHit]:
        """Every phrase found in ``words`` (folded), at most one hit per code and first word."""
        hits: list[PhraseHit] = []
        seen: set[tuple[str, int]] = set()
        for i, word in enumerate(words):
            candidates = list(self._exact.get(word, ()))
            for length, stems in self._prefix.items():
                if len(word) >= length:
                    candidates.extend(stems.get(word[:length], ()))
            for phrase in candidates:
                last = self._rest(phrase.words, words, i)
                if last is not None and (phrase.code, i) not in seen:
                    seen.add((phrase.code, i))
                    hits.append(PhraseHit(phrase, i, last))
        return hits

    def _rest(self, pattern: tuple[str, ...], words: Sequence[str], i: int) -> int | None:
        """The index of the last word when ``pattern[1:]`` follows ``words[i]``, else None."""
        position = i
        for part in pattern[1:]:
            for step in range(1, self.gap + 2):
                j = position + step
                if j < len(words) and _matches(part, words[j]):
                    position = j
                    break
            else:
                return None
        return position

    def contains(self, words: Sequence[str], code: str | None = None) -> bool:
        """Whether any phrase (of ``code``, when given) is in ``words``."""
        return any(code is None or hit.phrase.code == code for hit in self.find(words))
