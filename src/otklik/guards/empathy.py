"""Empathy and thanks: a complaint is acknowledged, a compliment is thanked (P5, P8)."""

from __future__ import annotations

from otklik.guards.context import ReplyContext
from otklik.guards.findings import Finding, Guard, Span
from otklik.guards.lexicon import EMPATHY
from otklik.guards.phrases import PhraseBook
from otklik.guards.text import TokenKind, tokenize

_BOOK = PhraseBook(EMPATHY)


#: Words that turn an acknowledgement around: "not our fault", "nie przepraszamy", "не жаль".
_NEGATIONS = frozenset({"not", "no", "never", "isn't", "wasn't", "не", "ни", "nie"})


def acknowledgements(text: str) -> dict[str, list[Span]]:
    """Where ``text`` apologises, empathises, thanks or offers a gesture, by kind (negated ones aside)."""
    words = [t for t in tokenize(text) if t.kind is TokenKind.WORD]
    found: dict[str, list[Span]] = {}
    for hit in _BOOK.find([t.norm for t in words]):
        if hit.first > 0 and words[hit.first - 1].norm in _NEGATIONS:
            continue
        first, last = words[hit.first], words[hit.last]
        found.setdefault(hit.phrase.code, []).append(Span(first.start, last.end, text[first.start : last.end]))
    return found


def check_empathy(text: str, context: ReplyContext) -> tuple[Finding, ...]:
    """A reply to a complaint must apologise or empathise; a reply to a compliment must thank."""
    if context.kind == "complaint":
        found = acknowledgements(text)
        if not found.get("apology") and not found.get("empathy"):
            return (
                Finding(
                    Guard.EMPATHY,
                    "no_acknowledgement",
                    "A complaint gets an acknowledgement first: say you are sorry or that you understand.",
                ),
            )
    elif context.kind == "compliment" and not acknowledgements(text).get("thanks"):
        return (Finding(Guard.EMPATHY, "no_thanks", "Thank the person for their kind words."),)
    return ()
