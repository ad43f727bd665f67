"""What triage says of a text, and the evidence behind each part of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

#: Languages triage tells apart; anything else is ``other``.
LANGUAGES = ("ru", "pl", "en", "uk")
OTHER = "other"


class Kind(StrEnum):
    """What an item is, by the definitions in ``docs/concepts/triage.md``."""

    QUESTION = "question"
    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    INSULT = "insult"
    COMMENT = "comment"
    SPAM = "spam"


class Sentiment(StrEnum):
    """The writer's attitude."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Span(NamedTuple):
    """A stretch of the original text: ``text[start:end]``."""

    # A named tuple: features make dozens of these per message, and it is the cheapest to build.

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, init=False)
class Evidence:
    """One reason for a part of the result.

    ``supports`` names what it argues for (``kind:complaint``, ``sentiment:negative``,
    ``signal:urgent``, ``lang:ru``); ``rule`` names the lexicon entry, pattern or model
    feature; ``spans`` point at the words in the text; ``weight`` is how much it counted.
    """

    supports: str
    rule: str
    spans: tuple[Span, ...] = ()
    weight: float = 1.0

    def __init__(self, supports: str, rule: str, spans: tuple[Span, ...] = (), weight: float = 1.0) -> None:
        # What the frozen dataclass's own __init__ does (it calls object.__setattr__ per
        # field), through the slots' setters: half the cost, and a triage makes a dozen.
        _set_supports(self, supports)
        _set_rule(self, rule)
        _set_spans(self, spans)
        _set_weight(self, weight)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "supports": self.supports,
            "rule": self.rule,
            "spans": [{"start": s.start, "end": s.end, "text": s.text} for s in self.spans],
            "weight": round(self.weight, 3),
        }


_set_supports = Evidence.__dict__["supports"].__set__
_set_rule = Evidence.__dict__["rule"].__set__
_set_spans = Evidence.__dict__["spans"].__set__
_set_weight = Evidence.__dict__["weight"].__set__


@dataclass(frozen=True, slots=True)
class Triage:
    """The triage of one text."""

    language: str
    kind: Kind
    kind_confidence: float
    sentiment: Sentiment
    sentiment_score: float  # -1 … +1
    urgent: bool
    outage: bool
    abusive: bool = False  # abusive or offensive language, whatever the kind
    followers: int | None = None
    evidence: tuple[Evidence, ...] = field(default=())
    kind_scores: dict[str, float] = field(default_factory=dict)

    def for_(self, supports: str) -> tuple[Evidence, ...]:
        """The evidence for one part of the result, e.g. ``kind:complaint``."""
        return tuple(e for e in self.evidence if e.supports == supports)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form (what ``otklik triage`` prints and the desk stores)."""
        return {
            "lang": self.language,
            "kind": self.kind.value,
            "kind_confidence": round(self.kind_confidence, 3),
            "sentiment": self.sentiment.value,
            "sentiment_score": round(self.sentiment_score, 3),
            "urgent": self.urgent,
            "outage": self.outage,
            "abusive": self.abusive,
            "followers": self.followers,
            "evidence": [e.as_dict() for e in self.evidence],
        }
