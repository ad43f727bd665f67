"""Matching the cue lexicons against a text's words, with the spans of each hit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from otklik.triage.lexicon_data import LEXICON
from otklik.triage.lexicon_polarity import POLARITY
from otklik.triage.result import Span
from otklik.triage.text import Token, TokenType, fold


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon entry found in the text."""

    category: str
    pattern: str
    first: int  # index of the first word in the word list
    last: int  # index of the last word, inclusive
    span: Span


_Step = tuple[str, bool]  # (text, is_prefix)
_Entry = tuple[tuple[_Step, ...], str, str]  # steps, category, pattern as written


def _norm_pattern_token(token: str, lang: str) -> _Step:
    prefix = token.endswith("*")
    word = token.rstrip("*").lower().replace("ё", "е")
    if lang == "pl":
        word = fold(word)
    return word, prefix


@dataclass(frozen=True, eq=False)
class _Compiled:
    exact: dict[str, list[_Entry]]
    prefix: dict[str, list[_Entry]]
    max_prefix: int


@lru_cache(maxsize=8)
def _compiled(lang: str) -> _Compiled:
    exact: dict[str, list[_Entry]] = {}
    prefix: dict[str, list[_Entry]] = {}
    longest = 0
    categories = dict(LEXICON[lang])
    categories.update(POLARITY.get(lang, {}))
    for category, patterns in categories.items():
        for pattern in patterns.split():
            steps = tuple(_norm_pattern_token(part, lang) for part in pattern.split("_") if part)
            entry = (steps, category, pattern.replace("_", " "))
            head, is_prefix = steps[0]
            if is_prefix:
                prefix.setdefault(head, []).append(entry)
                longest = max(longest, len(head))
            else:
                exact.setdefault(head, []).append(entry)
    return _Compiled(exact, prefix, longest)


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


@lru_cache(maxsize=200_000)
def _candidates(table: _Compiled, word: str) -> tuple[_Entry, ...]:
    """The entries whose first step matches ``word`` (cached: words repeat)."""
    candidates = list(table.exact.get(word, ()))
    for length in range(min(len(word), table.max_prefix), 1, -1):
        candidates.extend(table.prefix.get(word[:length], ()))
    return tuple(candidates)


def match_words(words: Sequence[str], lang: str) -> list[tuple[str, str, int, int]]:
    """Lexicon hits in a list of normalised words: (category, pattern, first, last)."""
    table = _compiled(lang if lang in LEXICON else "en")
    found: list[tuple[str, str, int, int]] = []
    n = len(words)
    for i, word in enumerate(words):
        for steps, category, pattern in _candidates(table, word):
            if i + len(steps) > n:
                continue
            ok = True
            for offset, (text, is_prefix) in enumerate(steps[1:], start=1):
                other = words[i + offset]
                if not (other.startswith(text) if is_prefix else other == text):
                    ok = False
                    break
            if ok and (steps[0][1] or word == steps[0][0]):
                found.append((category, pattern, i, i + len(steps) - 1))
    return found


def lexicon_words(tokens: Sequence[Token], lang: str, *, latin_russian: bool = False) -> tuple[list[str], list[Token]]:
    """The words (and numbers) lexicons are matched on, normalised for ``lang``."""
    words: list[str] = []
    kept: list[Token] = []
    for token in tokens:
        if token.type is TokenType.WORD:
            word = token.norm
            if lang == "pl":
                word = fold(word)
            elif latin_russian and lang == "ru" and word.isascii():
                word = to_cyrillic(word)
            words.append(word)
            kept.append(token)
        elif token.type is TokenType.NUMBER:
            words.append(token.norm)
            kept.append(token)
    return words, kept


def find(tokens: Sequence[Token], text: str, lang: str) -> list[Hit]:
    """Every lexicon hit in the text, for its language (English cues for ``other``)."""
    latin_russian = lang == "ru" and sum(t.type is TokenType.WORD and t.norm.isascii() for t in tokens) > len(tokens) / 2
    words, kept = lexicon_words(tokens, lang, latin_russian=latin_russian)
    hits = []
    seen: set[tuple[str, int]] = set()
    # Longest first, so "не работает" wins over "не работ*" at the same place.
    matches = sorted(match_words(words, lang if lang in LEXICON else "en"), key=lambda m: (m[2], m[2] - m[3], m[1]))
    for category, pattern, first, last in matches:
        if (category, first) in seen or any((category, i) in seen for i in range(first, last + 1)):
            continue
        seen.update((category, i) for i in range(first, last + 1))
        start, end = kept[first].start, kept[last].end
        hits.append(Hit(category, pattern, first, last, Span(start, end, text[start:end])))
    return hits
