"""Personal: does the reply take up what this person said? (P5)

A reply is personal when it could not be sent unchanged to another customer with another
problem: it takes up at least one of the specifics the customer named — order or ticket
numbers, amounts, dates and times, products, places, people, or the words of the problem
itself.

The customer's messages are read for specifics: numbers (two digits or more, or with
separators, as in dates and times) and capitalised words inside a sentence (names of
products, places, people) weigh 2; other content words (three letters or more, not in
:data:`otklik.guards.lexicon.STOPWORDS`, which also holds what every template says, such as
"order number" or "номер заказа") weigh 1. The reply covers a number when it repeats its
digits, or, for half the weight, the word it belongs to ("рейс 2431" → "ваш рейс"); it
covers a word when one of its words shares the stem (first five letters, fewer for short
words: :func:`otklik.guards.text.shares_stem`). The reply is personal when the covered
weight reaches ``GuardConfig.personal_min_weight`` (1 by default: any specific), or all
there was when the customer gave less. The weights order the list of what was ignored,
and let a brand ask for more.

Where the channel's custom is to address people by name, a reply without the customer's
name or handle gets a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from otklik.guards.context import GuardConfig, ReplyContext
from otklik.guards.findings import Finding, Guard, Span
from otklik.guards.lexicon import STOPWORDS
from otklik.guards.text import Token, TokenKind, fold, sentence_starts, shares_stem, tokenize


@dataclass(frozen=True, slots=True)
class Specific:
    """Something the customer named, and where."""

    kind: str  # "number", "name" or "word"
    key: str  # digits of a number, folded word otherwise
    span: Span
    weight: int
    heads: tuple[str, ...] = ()  # for a number: the folded words next to it


@dataclass(frozen=True, slots=True)
class PersonalCheck:
    """The personal guard's result."""

    findings: tuple[Finding, ...]
    personal: bool
    specifics: tuple[Specific, ...]
    covered: tuple[Specific, ...]
    ignored: tuple[Specific, ...]
    named: bool | None  # the customer's name or handle is in the reply (None: not asked for)


def _content(token: Token, brand: Sequence[str]) -> bool:
    """A word that can be a specific: three letters or more, not a stopword, not the brand's name."""
    return (
        token.kind is TokenKind.WORD
        and len(token.norm) >= 3
        and token.norm not in STOPWORDS
        and not any(shares_stem(token.norm, b) for b in brand)
    )


def specifics(messages: Sequence[str], *, brand_names: Sequence[str] = ()) -> tuple[Specific, ...]:
    """What the customer named in ``messages``, first mention of each, in order of weight."""
    brand = [w for name in brand_names for w in fold(name.lstrip("@")).split() if len(w) >= 3]
    found: dict[tuple[str, str], Specific] = {}
    stems: set[str] = set()
    for m, text in enumerate(messages):
        tokens = tokenize(text)
        starts = _starts(text, tokens)
        for i, token in enumerate(tokens):
            span = Span(token.start, token.end, token.raw, "customer", m)
            if token.kind is TokenKind.NUMBER:
                digits = token.digits
                if len(digits) >= 2 or any(c in token.raw for c in ".:/-"):
                    heads = tuple(t.norm for t in _neighbours(tokens, i) if _content(t, brand))
                    found.setdefault(("number", digits), Specific("number", digits, span, 2, heads))
            elif _content(token, brand):
                if token.norm[:5] in stems:
                    continue
                stems.add(token.norm[:5])
                is_name = token.capitalised and not token.shouted and i not in starts
                kind = "name" if is_name else "word"
                found[(kind, token.norm)] = Specific(kind, token.norm, span, 2 if is_name else 1)
    return tuple(sorted(found.values(), key=lambda s: -s.weight))


def _starts(text: str, tokens: Sequence[Token]) -> set[int]:
    """Sentence starts, counting the word after leading @handles or links as one."""
    starts = sentence_starts(text, tokens)
    for i in range(1, len(tokens)):
        if i - 1 in starts and tokens[i - 1].kind in (TokenKind.HANDLE, TokenKind.URL):
            starts.add(i)
    return starts


def _neighbours(tokens: Sequence[Token], i: int) -> list[Token]:
    """The words just before a number (skipping one short word: "заказ №", "order no.") and after it."""
    out = [t for t in tokens[max(0, i - 2) : i] if t.kind is TokenKind.WORD]
    if i + 1 < len(tokens) and tokens[i + 1].kind is TokenKind.WORD:
        out.append(tokens[i + 1])
    return out


def check_personal(text: str, context: ReplyContext, *, config: GuardConfig, template: str | None = None) -> PersonalCheck:
    """Which of the customer's specifics the reply ``text`` takes up, and whether that is enough.

    ``template`` is a near-identical reply the brand sent someone else (from the scripted
    guard): the words the draft shares with it were said to another customer too, so they
    are no sign of attention to this one.
    """
    wanted = specifics(context.messages, brand_names=context.brand_names)
    reply = tokenize(text)
    said_before = {t.norm for t in tokenize(template) if t.kind is TokenKind.WORD} if template else set()
    words = [t.norm for t in reply if t.kind is TokenKind.WORD and t.norm not in said_before]
    digits = {t.digits for t in reply if t.kind is TokenKind.NUMBER}
    covered: list[Specific] = []
    ignored: list[Specific] = []
    weight = 0
    for specific in wanted:
        if specific.kind == "number":
            if specific.key in digits:
                weight += specific.weight
                covered.append(specific)
                continue
            if any(shares_stem(h, w) for h in specific.heads for w in words):
                weight += specific.weight // 2
                covered.append(specific)
                continue
        elif any(shares_stem(specific.key, w) for w in words):
            weight += specific.weight
            covered.append(specific)
            continue
        ignored.append(specific)
    total = sum(s.weight for s in wanted)
    personal = total == 0 or weight >= min(config.personal_min_weight, total)
    findings: list[Finding] = []
    if not personal:
        findings.append(
            Finding(
                Guard.PERSONAL,
                "not_personal",
                "Could be sent to anyone: take up what this person wrote — " + _listing(ignored) + ".",
                tuple(s.span for s in ignored),
                {"covered_weight": weight, "total_weight": total, "ignored": [s.span.text for s in ignored]},
            )
        )
    else:
        named_ignored = [s for s in ignored if s.kind in ("number", "name")]
        if named_ignored:
            findings.append(
                Finding(
                    Guard.PERSONAL,
                    "ignored_specifics",
                    "The reply leaves out what the customer named: " + _listing(named_ignored) + ".",
                    tuple(s.span for s in named_ignored),
                    {"ignored": [s.span.text for s in named_ignored]},
                )
            )
    named = _named(text, words, context) if context.channel in config.name_channels and context.names else None
    if named is False:
        findings.append(
            Finding(
                Guard.PERSONAL,
                "no_name",
                f"On {context.channel} people are addressed by name: {context.customer_name or context.customer_handle}.",
                details={"name": context.customer_name, "handle": context.customer_handle},
            )
        )
    return PersonalCheck(tuple(findings), personal, wanted, tuple(covered), tuple(ignored), named)


def _named(text: str, words: Sequence[str], context: ReplyContext) -> bool:
    """The customer's first name (any inflection) or handle appears in the reply."""
    handle = context.customer_handle.lstrip("@").casefold()
    if handle and handle in text.casefold():
        return True
    first = fold(context.customer_name).split()[:1]
    return bool(first) and any(shares_stem(first[0], w) for w in words)


def _listing(items: Sequence[Specific], limit: int = 6) -> str:
    shown = ", ".join(f"“{s.span.text}”" for s in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "") if items else "nothing specific"
