"""Tokens of social-media text, with their places in the original.

One pass of one regular expression: words (letters, digits, apostrophes, inner hyphens and
masking asterisks such as ``бл*ть``), URLs, @handles, #hashtags and emoji. Each token keeps
its span so evidence can point back at the words a person wrote.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple


class TokenType(StrEnum):
    """What a token is."""

    WORD = "word"
    NUMBER = "number"
    URL = "url"
    HANDLE = "handle"
    HASHTAG = "hashtag"
    EMOJI = "emoji"
    PUNCT = "punct"


class Token(NamedTuple):
    """A token: its type, its normal form, and where it stands in the text."""

    # A named tuple, not a dataclass: a message has dozens of tokens and this is built fastest.
    type: TokenType
    norm: str  # lower-cased, ё→е, repeated letters squeezed; Polish diacritics kept
    start: int
    end: int
    caps: bool = False  # written in capitals (three letters or more)


_TOKEN = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|ru|pl|net|org|io|me|ly|ua|xyz|info|shop|link|site)/\S*)
    |(?P<handle>@[\w.]+)
    |(?P<hashtag>\#\w+)
    |(?P<number>[#№]?\d[\d\s.,:/-]*\d|[#№]?\d)
    |(?P<word>[^\W\d_](?:[\w'’*]|-(?=\w))*)
    |(?P<emoji>[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+|[:;]-?[()DPp]+|\){2,}|\({2,}|xD+|XD+)
    |(?P<punct>[?!]+|\.{3}|…)
    """,
    re.VERBOSE,
)

_REPEATS = re.compile(r"(\w)\1{2,}")


@lru_cache(maxsize=200_000)
def _norm_word(raw: str) -> tuple[str, bool]:
    word = raw.lower().replace("ё", "е").replace("’", "'")
    # "сколькоооо", "plssss", "nooooo": three or more of a letter become one.
    caps = len(raw) >= 3 and raw.isupper()
    return _REPEATS.sub(r"\1", word), caps


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens with their spans."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        raw = match.group()
        start, end = match.span()
        if kind == "word":
            norm, caps = _norm_word(raw)
            tokens.append(Token(TokenType.WORD, norm, start, end, caps))
        elif kind == "number":
            tokens.append(Token(TokenType.NUMBER, raw, start, end))
        elif kind == "emoji":
            tokens.append(Token(TokenType.EMOJI, raw, start, end))
        elif kind == "punct":
            tokens.append(Token(TokenType.PUNCT, raw[0] if raw[0] in "?!" else "…", start, end))
        else:
            tokens.append(Token(TokenType(kind or "punct"), raw.lower(), start, end))
    return tokens


_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word without Polish diacritics: people often type Polish without them."""
    return word.translate(_FOLD)
