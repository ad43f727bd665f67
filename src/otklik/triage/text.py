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

from otklik.triage.cache import BoundedCache


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


# The alternatives of the token pattern, in the order they are tried. A URL must be tried
# before a word (``shop.ru/x`` is one URL, not the word ``shop``); nothing else can start
# with a letter, so without the URL branch the commonest token, a word, can go first.
_URL = r"(?P<url>(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|ru|pl|net|org|io|me|ly|ua|xyz|info|shop|link|site)/\S*)"
_HANDLE = r"(?P<handle>@[\w.]+)"
_HASHTAG = r"(?P<hashtag>\#\w+)"
_NUMBER = r"(?P<number>[#№]?\d(?:[\d\s.,:/-]*\d)?)"
# A letter, then letters, digits, apostrophes and asterisks, with single inner hyphens.
# Written as possessive runs rather than one character at a time: the same matches (the
# word is the longest such run either way), fewer steps.
_WORD_RE = r"(?P<word>[^\W\d_][\w'’*]*+(?:-(?=\w)[\w'’*]*+)*+)"
_EMOJI = r"(?P<emoji>[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+|[:;]-?[()DPp]+|\){2,}|\({2,}|xD+|XD+)"
_PUNCT = r"(?P<punct>[?!]+|\.{3}|…)"

# No token starts with white space, so a match may take the spaces before its token along
# instead of failing every branch at each space; the token is the named group. Only a whole
# run of spaces is taken (none before it), so a long run before no token costs one pass.
_SPACES = r"(?:(?<!\s)\s++)?"
_TOKEN = re.compile(_SPACES + "(?:" + "|".join((_URL, _HANDLE, _HASHTAG, _NUMBER, _WORD_RE, _EMOJI, _PUNCT)) + ")")
# The URL branch is the costly one (it runs over every word looking for ".com/"), and it can
# only match where the text has a "/" or "www.": most posts are tokenised without it.
_TOKEN_NO_URL = re.compile(_SPACES + "(?:" + "|".join((_WORD_RE, _HANDLE, _HASHTAG, _NUMBER, _EMOJI, _PUNCT)) + ")")

_REPEATS = re.compile(r"(\w)\1{2,}")


def _norm_word(raw: str) -> tuple[str, bool]:
    """A word's normal form, and whether it is written in capitals."""
    word = raw.lower().replace("ё", "е").replace("’", "'")
    # "сколькоооо", "plssss", "nooooo": three or more of a letter become one.
    caps = len(raw) >= 3 and raw.isupper()
    return _REPEATS.sub(r"\1", word), caps


# Words as written → (normal form, in capitals).
_NORMS: BoundedCache[str, tuple[str, bool]] = BoundedCache(_norm_word, 200_000)


# Enum members bound once: on Python 3.11 ``TokenType.WORD`` goes through the enum
# metaclass's ``__getattr__`` hook and costs several times a plain attribute.
_WORD = TokenType.WORD
_NUMBER_TYPE = TokenType.NUMBER
_EMOJI_TYPE = TokenType.EMOJI
_PUNCT_TYPE = TokenType.PUNCT
_OTHER_TYPES = {"url": TokenType.URL, "handle": TokenType.HANDLE, "hashtag": TokenType.HASHTAG}
# ``tuple.__new__(Token, fields)`` builds the same named tuple without the Python-level
# ``Token.__new__`` frame: a message has dozens of tokens.
_new = tuple.__new__


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens with their spans."""
    pattern = _TOKEN if "/" in text or "www." in text else _TOKEN_NO_URL
    tokens: list[Token] = []
    append = tokens.append
    known, norms = _NORMS.get, _NORMS  # see BoundedCache: a bound get, the subscript on a miss
    for match in pattern.finditer(text):
        kind = match.lastgroup
        start, end = match.span(kind or 0)
        raw = text[start:end]
        if kind == "word":
            norm, caps = known(raw) or norms[raw]
            append(_new(Token, (_WORD, norm, start, end, caps)))
        elif kind == "number":
            append(_new(Token, (_NUMBER_TYPE, raw, start, end, False)))
        elif kind == "emoji":
            append(_new(Token, (_EMOJI_TYPE, raw, start, end, False)))
        elif kind == "punct":
            append(_new(Token, (_PUNCT_TYPE, raw[0] if raw[0] in "?!" else "…", start, end, False)))
        else:
            append(_new(Token, (_OTHER_TYPES[str(kind)], raw.lower(), start, end, False)))
    return tokens


_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word without Polish diacritics: people often type Polish without them."""
    return word.translate(_FOLD)
