"""What triage says of a text, and the evidence behind each part of it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
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


class Evidence(NamedTuple):
    """One reason for a part of the result.

    ``supports`` names what it argues for (``kind:complaint``, ``sentiment:negative``,
    ``signal:urgent``, ``lang:ru``); ``rule`` names the lexicon entry, pattern or model
    feature; ``spans`` point at the words in the text; ``weight`` is how much it counted.
    """

    # A named tuple, like Span: a triage makes a dozen of these, and a frozen dataclass
    # (which sets each field through object.__setattr__) costs several times as much.

    supports: str
    rule: str
    spans: tuple[Span, ...] = ()
    weight: float = 1.0

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "supports": self.supports,
            "rule": self.rule,
            "spans": [{"start": s.start, "end": s.end, "text": s.text} for s in self.spans],
            "weight": round(self.weight, 3),
        }


@dataclass(frozen=True, slots=True, init=False)
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

    def __init__(
        self,
        language: str,
        kind: Kind,
        kind_confidence: float,
        sentiment: Sentiment,
        sentiment_score: float,
        urgent: bool,
        outage: bool,
        abusive: bool = False,
        followers: int | None = None,
        evidence: tuple[Evidence, ...] = (),
        kind_scores: dict[str, float] | None = None,
    ) -> None:
        # What the frozen dataclass's own __init__ does (it calls object.__setattr__ per
        # field), through the slots' setters: half the cost, and there is one per text.
        _set_language(self, language)
        _set_kind(self, kind)
        _set_kind_confidence(self, kind_confidence)
        _set_sentiment(self, sentiment)
        _set_sentiment_score(self, sentiment_score)
        _set_urgent(self, urgent)
        _set_outage(self, outage)
        _set_abusive(self, abusive)
        _set_followers(self, followers)
        _set_evidence(self, evidence)
        _set_kind_scores(self, {} if kind_scores is None else kind_scores)

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


(
    _set_language,
    _set_kind,
    _set_kind_confidence,
    _set_sentiment,
    _set_sentiment_score,
    _set_urgent,
    _set_outage,
    _set_abusive,
    _set_followers,
    _set_evidence,
    _set_kind_scores,
) = [Triage.__dict__[f.name].__set__ for f in fields(Triage)]
