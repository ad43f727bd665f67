"""Customer text with the words triage pointed at marked, built as safe HTML on the server.

Evidence spans come from the database, so they are treated as untrusted hints: each is
checked against the text it claims to cover (and looked for nearby when the offsets are
off), widened so it never splits a letter from its accent or an emoji from its modifier,
and dropped when it cannot be found. Spans may overlap or nest; the text is cut at every
span boundary into pieces that do not, so each ``<mark>`` closes before the next opens.
Every piece of customer text goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

ELLIPSIS = "…"
_ZWJ = "\u200d"


@dataclass(frozen=True, slots=True)
class Highlight:
    """A stretch ``text[start:end]`` to mark: ``css`` names its category, ``label`` says why."""

    start: int
    end: int
    css: str = ""
    label: str = ""
    quote: str | None = None  # the words the span says it covers, to check the offsets


def _joins_previous(char: str) -> bool:
    """True for a character drawn on the one before it: an accent, a variation selector, a skin tone."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me")  # accents written apart (NFD "ą"), variation selectors (❤️)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers (👍🏽)
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved out to whole characters as a reader sees them."""
    while 0 < start < len(text) and (_joins_previous(text[start]) or text[start - 1] == _ZWJ):
        start -= 1
    while end < len(text) and (_joins_previous(text[end]) or text[end - 1] == _ZWJ or text[end] == _ZWJ):
        end += 1
    return start, end


def locate(text: str, mark: Highlight) -> tuple[int, int] | None:
    """Where ``mark`` really is in ``text``, or None when it is not there."""
    start, end = mark.start, mark.end
    quote = mark.quote
    if quote is not None and text[start:end] != quote:
        if not quote:
            return None
        # Offsets counted on another form of the text: take the nearest occurrence of the words.
        found = list(_occurrences(text, quote))
        if not found:
            return None
        start = min(found, key=lambda i: abs(i - mark.start))
        end = start + len(quote)
    if not 0 <= start < end <= len(text):
        return None
    return _widen(text, start, end)


def _occurrences(text: str, quote: str) -> Iterable[int]:
    at = text.find(quote)
    while at != -1:
        yield at
        at = text.find(quote, at + 1)


def _merge_labels(labels: Iterable[str]) -> str:
    seen: list[str] = []
    for label in labels:
        if label and label not in seen:
            seen.append(label)
    return "; ".join(seen)


def highlight(text: str, marks: Sequence[Highlight], *, start: int = 0, end: int | None = None) -> Markup:
    """``text[start:end]`` as escaped HTML with every mark in it wrapped in ``<mark>``.

    Overlapping marks are cut into pieces; a piece covered by several marks carries all of
    their categories and labels, and ``mark-n2``/``mark-n3`` says how many agree on it.
    """
    stop = len(text) if end is None else min(end, len(text))
    placed = [(where, m) for m in marks if (where := locate(text, m)) is not None]
    cuts = sorted({start, stop, *(x for (a, b), _m in placed for x in (a, b) if start < x < stop)})
    out: list[Markup] = []
    for a, b in pairwise(cuts):
        covering = [m for (s, e), m in placed if s <= a and b <= e]
        piece = escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        classes = sorted({c for m in covering for c in m.css.split() if c})
        depth = min(len(covering), 3)
        if depth > 1:
            classes.append(f"mark-n{depth}")
        label = _merge_labels(m.label for m in covering)
        title = Markup(' title="{}"').format(label) if label else Markup("")
        out.append(Markup('<mark class="{}"{}>{}</mark>').format(" ".join(classes), title, piece))
    return Markup("").join(out)


def excerpt(text: str, marks: Sequence[Highlight], *, context: int = 40) -> Markup:
    """The part of ``text`` around ``marks`` (``context`` characters each side), highlighted.

    Short texts are shown whole; a cut is moved to a space when one is near, and marked ``…``.
    """
    placed = [where for m in marks if (where := locate(text, m)) is not None]
    if not placed:
        return escape(text) if len(text) <= 2 * context else escape(text[: 2 * context].rstrip() + ELLIPSIS)
    first = min(a for a, _b in placed)
    last = max(b for _a, b in placed)
    begin, end = max(0, first - context), min(len(text), last + context)
    if begin > 0:
        space = text.find(" ", begin, first)
        begin = space + 1 if space != -1 else begin
        begin = _widen(text, begin, begin)[0]
    if end < len(text):
        space = text.rfind(" ", last, end)
        end = space if space != -1 else end
        end = _widen(text, end, end)[1]
    body = highlight(text, marks, start=begin, end=end)
    before = escape(ELLIPSIS) if begin > 0 else Markup("")
    after = escape(ELLIPSIS) if end < len(text) else Markup("")
    return before + body + after
