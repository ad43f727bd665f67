"""The features the linear models read: the same code at training and at run time.

Words and word pairs, character n-grams inside words (they carry stems across Russian and
Polish endings and survive typos), the lexicon categories that fired (shared by all
languages, so what English data teaches about "failure" helps Polish too), and the shape of
the post: question marks, capitals, emoji, links, numbers.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from otklik.triage.lexicon import Hit
from otklik.triage.result import Span
from otklik.triage.text import Token, TokenType, fold

#: Feature space size: features are hashed into this many buckets.
BUCKETS = 1 << 18

_POSITIVE_EMOJI = frozenset("😀😃😄😁😆😊🙂😍🥰😘❤💙💚💛🧡💜🖤🤍👍👌🙏🔥💯🎉👏🤩😎💪✨⭐🌟😂🤣")
_NEGATIVE_EMOJI = frozenset("😡🤬😠😤😞😔😢😭😩😫🙄😒👎💩🤮🤢😱😨😰🤦🤡😑😐🥴")


@dataclass(frozen=True, slots=True)
class Features:
    """Hashed feature ids, and where each came from (for evidence).

    ``words`` are the text's words (folded) with their spans: each stands for the ids of
    :func:`word_ids`, which a scorer may sum once per word and cache. The other features are
    ``ids`` with ``groups``: ``groups[k]`` is an index into ``spans`` (the words a feature
    came from: word pairs, lexicon hits, emoji) or ``-1 - j`` for the global feature
    ``names[j]`` (the shape of the post, its language…).
    """

    words: list[tuple[str, Span]]
    ids: list[int]
    groups: list[int]
    spans: list[Span]
    names: list[str]

    @property
    def all_ids(self) -> list[int]:
        """Every feature id, word features included (what training counts)."""
        result = [i for word, _ in self.words for i in word_ids(word)]
        result.extend(self.ids)
        return result


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


def extract(tokens: Sequence[Token], text: str, *, lang: str, hits: Sequence[Hit], addressing: str | None = None) -> Features:
    """Features of one text."""
    ids: list[int] = []
    groups: list[int] = []
    spans: list[Span] = []
    names: list[str] = []

    def add_global(name: str) -> None:
        ids.append(_bucket(name))
        groups.append(-1 - len(names))
        names.append(name)

    def add_span(name: str, span: Span) -> None:
        ids.append(_bucket(name))
        groups.append(len(spans))
        spans.append(span)

    words: list[tuple[str, Token]] = []
    question_marks = exclamations = caps = 0
    emoji_pos = emoji_neg = 0
    for token in tokens:
        if token.type is TokenType.WORD:
            words.append((fold(token.norm), token))
            caps += token.caps
        elif token.type is TokenType.PUNCT:
            if token.norm == "?":
                question_marks += 1
            elif token.norm == "!":
                exclamations += 1
        elif token.type is TokenType.EMOJI:
            raw = text[token.start : token.end]
            pos = any(c in _POSITIVE_EMOJI for c in raw) or (raw[-1:] in (")", "D") and ":(" not in raw)
            neg = any(c in _NEGATIVE_EMOJI for c in raw) or "(" in raw
            emoji_pos += pos
            emoji_neg += neg
            add_span("emoji:+" if pos else "emoji:-" if neg else "emoji:?", Span(token.start, token.end, raw))
        elif token.type is TokenType.URL:
            add_global("shape:url")
        elif token.type is TokenType.HANDLE:
            add_global("shape:handle")
        elif token.type is TokenType.HASHTAG:
            add_global("shape:hashtag")
        elif token.type is TokenType.NUMBER:
            add_global("shape:number")
            if len(token.norm) >= 5 or token.norm[:1] in "#№":
                add_global("shape:reference")

    word_spans = [(word, Span(token.start, token.end, text[token.start : token.end])) for word, token in words]
    for i, (word, token) in enumerate(words):
        if i + 1 < len(words):
            nxt, ntoken = words[i + 1]
            add_span(f"b:{word} {nxt}", Span(token.start, ntoken.end, text[token.start : ntoken.end]))
    if words:
        add_global(f"first:{words[0][0]}")
    for hit in hits:
        add_span(f"lex:{hit.category}", hit.span)
        add_span(f"lex:{lang}:{hit.pattern}", hit.span)
    categories = {hit.category for hit in hits}
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
    if emoji_pos and not words:
        add_global("shape:emoji_only+")
    if emoji_neg and not words:
        add_global("shape:emoji_only-")
    if not words and not emoji_pos and not emoji_neg:
        add_global("shape:no_words")
    n = len(words)
    add_global("len:1-3" if n <= 3 else "len:4-10" if n <= 10 else "len:11-30" if n <= 30 else "len:31+")
    if addressing:
        add_global(f"addr:{addressing}")
    add_global(f"lang:{lang}")
    return Features(word_spans, ids, groups, spans, names)
