"""Triage of one text: language, kind, sentiment and signals, each with its evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from otklik.triage import model as models
from otklik.triage.features import Features, extract
from otklik.triage.language import detect_with_evidence
from otklik.triage.lexicon import Hit, find
from otklik.triage.result import Evidence, Kind, Sentiment, Span, Triage
from otklik.triage.text import Token, TokenType, tokenize

#: What each lexicon category argues for.
SUPPORTS = {
    "ask": "kind:question",
    "request": "kind:question",
    "failure": "kind:complaint",
    "criticism": "kind:complaint",
    "sarcasm": "kind:complaint",
    "thanks": "kind:compliment",
    "praise": "kind:compliment",
    "insult": "kind:insult",
    "spam": "kind:spam",
    "urgent_safety": "signal:urgent",
    "urgent_legal": "signal:urgent",
    "urgent_money": "signal:urgent",
    "urgent_travel": "signal:urgent",
    "urgent_data": "signal:urgent",
    "outage": "signal:outage",
    "profanity": "signal:abusive",
}
_SENTIMENT_CUES = {
    "failure": Sentiment.NEGATIVE,
    "criticism": Sentiment.NEGATIVE,
    "insult": Sentiment.NEGATIVE,
    "sarcasm": Sentiment.NEGATIVE,
    "thanks": Sentiment.POSITIVE,
    "praise": Sentiment.POSITIVE,
}
# Without a trained model the cues alone decide, with these weights.
_RULE_WEIGHTS = {
    Kind.SPAM: {"spam": 1.5},
    Kind.INSULT: {"insult": 2.0},
    Kind.COMPLAINT: {"failure": 1.5, "criticism": 1.2, "sarcasm": 1.5},
    Kind.QUESTION: {"ask": 1.0, "request": 1.2},
    Kind.COMPLIMENT: {"thanks": 1.5, "praise": 1.2},
    Kind.COMMENT: {},
}
_URGENT_KINDS = frozenset({Kind.COMPLAINT, Kind.QUESTION})


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text read once: tokens, language, lexicon hits and model features."""

    text: str
    tokens: list[Token]
    language: str
    language_evidence: Evidence | None
    hits: list[Hit]
    features: Features

    @property
    def groups(self) -> npt.NDArray[np.intp]:
        """The features' groups as an array (see :class:`Features`)."""
        return np.asarray(self.features.groups, dtype=np.intp)


def prepare(text: str, *, language: str | None = None, addressing: str | None = None, hint: str | None = None) -> Prepared:
    """Tokenise, tell the language (unless given), find lexicon cues, extract features."""
    tokens = tokenize(text)
    evidence: Evidence | None = None
    if language is None:
        language, evidence = detect_with_evidence(tokens, text, hint=hint)
    hits = find(tokens, text, language)
    features = extract(tokens, text, lang=language, hits=hits, addressing=addressing)
    return Prepared(text, tokens, language, evidence, hits, features)


def _rule_scores(hits: list[Hit], prepared: Prepared) -> dict[Kind, float]:
    counts: dict[str, int] = defaultdict(int)
    for hit in hits:
        counts[hit.category] += 1
    scores = {kind: sum(w * counts[c] for c, w in weights.items()) for kind, weights in _RULE_WEIGHTS.items()}
    if any(t.type is TokenType.PUNCT and t.norm == "?" for t in prepared.tokens):
        scores[Kind.QUESTION] += 1.0
    if any(t.type is TokenType.URL for t in prepared.tokens) and counts["spam"]:
        scores[Kind.SPAM] += 1.0
    scores[Kind.COMMENT] = 0.5
    return scores


def _model_evidence(
    model: models.LinearModel, prepared: Prepared, rows: npt.NDArray[np.float32], cls: str, supports: str, *, top: int = 4
) -> list[Evidence]:
    """The words that pushed the model towards ``cls`` most, one evidence per stretch of text."""
    features = prepared.features
    contributions = model.contributions_of(rows, cls)
    if not len(contributions):
        return []
    groups = prepared.groups
    local = groups >= 0
    per_span = np.bincount(groups[local], weights=contributions[local], minlength=len(features.spans))
    per_global = np.bincount(-1 - groups[~local], weights=contributions[~local], minlength=len(features.names))
    # Word pairs and lexicon phrases overlap single words: keep the strongest of overlapping stretches.
    chosen: list[tuple[Span, float]] = []
    for index in np.argsort(-per_span)[: top * 4]:
        value = float(per_span[index])
        if value <= 0.05 or len(chosen) >= top:
            break
        span = features.spans[index]
        if any(not (span.end <= s.start or span.start >= s.end) for s, _ in chosen):
            continue
        chosen.append((span, value))
    evidence = [Evidence(supports, f"model:{model.name}", (span,), value) for span, value in chosen]
    for index in np.flatnonzero(per_global > 0.3):
        name = features.names[index]
        if name.startswith(("shape:", "len:", "addr:")):
            evidence.append(Evidence(supports, f"model:{model.name}:{name}", (), float(per_global[index])))
    return evidence


def analyse(
    text: str,
    *,
    language: str | None = None,
    addressing: str | None = None,
    followers: int | None = None,
    hint: str | None = None,
) -> Triage:
    """Triage ``text``.

    ``language`` skips detection (when the caller knows it); ``hint`` only helps it (the
    conversation's language). ``addressing`` and ``followers`` come from the item.
    """
    prepared = prepare(text, language=language, addressing=addressing, hint=hint)
    evidence: list[Evidence] = []
    if prepared.language_evidence is not None:
        evidence.append(prepared.language_evidence)
    categories = {hit.category for hit in prepared.hits}
    for hit in prepared.hits:
        supports = SUPPORTS.get(hit.category)
        if supports:
            evidence.append(Evidence(supports, f"lexicon:{prepared.language}:{hit.category}:{hit.pattern}", (hit.span,)))

    kind_model = models.shipped("kind")
    if kind_model is not None:
        kind_rows = kind_model.rows(prepared.features.ids)
        probabilities = kind_model.probabilities_of(kind_rows)
        kind_scores = {Kind(k): v for k, v in probabilities.items()}
    else:
        raw = _rule_scores(prepared.hits, prepared)
        total = sum(raw.values()) or 1.0
        kind_scores = {k: v / total for k, v in raw.items()}
    kind = max(kind_scores, key=lambda k: kind_scores[k])
    if kind_model is not None:
        evidence.extend(_model_evidence(kind_model, prepared, kind_rows, kind.value, f"kind:{kind.value}"))

    sentiment, score = _sentiment(prepared, categories, evidence)
    if kind is Kind.COMPLAINT and sentiment is Sentiment.POSITIVE:
        sentiment, score = Sentiment.NEGATIVE, min(score, -0.2)  # sarcasm: the kind knows better
    urgent = bool(categories & {c for c, s in SUPPORTS.items() if s == "signal:urgent"}) and kind in _URGENT_KINDS
    outage = "outage" in categories and (kind in _URGENT_KINDS or "failure" in categories)
    abusive_model = models.shipped("abusive")
    if abusive_model is not None:
        abusive = abusive_model.probabilities(prepared.features.ids)["1"] >= 0.5
    else:
        abusive = bool(categories & {"insult", "profanity"})
    if not urgent:
        evidence = [e for e in evidence if e.supports != "signal:urgent"]
    if not outage:
        evidence = [e for e in evidence if e.supports != "signal:outage"]
    return Triage(
        language=prepared.language,
        kind=kind,
        kind_confidence=kind_scores[kind],
        sentiment=sentiment,
        sentiment_score=score,
        urgent=urgent,
        outage=outage,
        abusive=abusive,
        followers=followers,
        evidence=tuple(evidence),
        kind_scores={k.value: round(v, 4) for k, v in kind_scores.items()},
    )


def _sentiment(prepared: Prepared, categories: set[str], evidence: list[Evidence]) -> tuple[Sentiment, float]:
    sentiment_model = models.shipped("sentiment")
    if sentiment_model is not None:
        rows = sentiment_model.rows(prepared.features.ids)
        p = sentiment_model.probabilities_of(rows)
        label = Sentiment(max(p, key=lambda k: p[k]))
        score = p[Sentiment.POSITIVE.value] - p[Sentiment.NEGATIVE.value]
        if label is not Sentiment.NEUTRAL:
            evidence.extend(_model_evidence(sentiment_model, prepared, rows, label.value, f"sentiment:{label.value}", top=3))
    else:
        pos = sum(1 for c in categories if _SENTIMENT_CUES.get(c) is Sentiment.POSITIVE)
        neg = sum(1 for c in categories if _SENTIMENT_CUES.get(c) is Sentiment.NEGATIVE)
        score = (pos - neg) / max(pos + neg, 1)
        label = Sentiment.POSITIVE if score > 0 else Sentiment.NEGATIVE if score < 0 else Sentiment.NEUTRAL
    for hit in prepared.hits:
        cue = _SENTIMENT_CUES.get(hit.category)
        if cue is label and cue is not Sentiment.NEUTRAL:
            evidence.append(Evidence(f"sentiment:{label.value}", f"lexicon:{prepared.language}:{hit.category}:{hit.pattern}", (hit.span,)))
    return label, max(-1.0, min(1.0, score))
