"""Triage of one text: language, kind, sentiment and signals, each with its evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from otklik.triage import model as models
from otklik.triage.features import Features, extract
from otklik.triage.language import detect_with_evidence
from otklik.triage.lexicon import Hit, find
from otklik.triage.result import Evidence, Kind, Sentiment, Span, Triage
from otklik.triage.text import Token, tokenize

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
    "positive": Sentiment.POSITIVE,
    "negative": Sentiment.NEGATIVE,
    "failure": Sentiment.NEGATIVE,
    "criticism": Sentiment.NEGATIVE,
    "insult": Sentiment.NEGATIVE,
    "sarcasm": Sentiment.NEGATIVE,
    "thanks": Sentiment.POSITIVE,
    "praise": Sentiment.POSITIVE,
}
_URGENT_KINDS = frozenset({Kind.COMPLAINT, Kind.QUESTION})
# A signal escalates to the top of the desk, so its model must be fairly sure (p ≥ 0.62).
_SIGNAL_LOGIT = 0.5
_URGENT_CATEGORIES = frozenset(c for c, s in SUPPORTS.items() if s == "signal:urgent")


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


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


@dataclass(frozen=True, slots=True)
class _Scored:
    """A text's weight rows, one per word or other feature, and what each row stands for."""

    rows: npt.NDArray[np.float32]
    groups: list[int]  # index into spans, or -1 - j for names[j]
    spans: list[Span]
    names: list[str]


def _score(prepared: Prepared, bundle: models.Bundle) -> _Scored:
    features = prepared.features
    offset = len(features.words)
    parts = [bundle.word_row(word) for word, _ in features.words]
    if features.ids:
        parts.append(bundle.rows(features.ids))
    rows = np.vstack(parts) if parts else np.zeros((0, bundle.bias.shape[0]), dtype=np.float32)
    groups = list(range(offset))
    groups.extend(g + offset if g >= 0 else g for g in features.groups)
    spans = [span for _, span in features.words]
    spans.extend(features.spans)
    return _Scored(rows, groups, spans, features.names)


def _evidence_from(scored: _Scored, contributions: list[float], supports: str, rule: str, *, top: int = 4) -> list[Evidence]:
    """The stretches of text that pushed a head towards its answer most, strongest first."""
    per_span = [0.0] * len(scored.spans)
    per_global = [0.0] * len(scored.names)
    for group, value in zip(scored.groups, contributions, strict=True):
        if group >= 0:
            per_span[group] += value
        else:
            per_global[-1 - group] += value
    ranked = sorted(range(len(per_span)), key=per_span.__getitem__, reverse=True)
    # Word pairs and lexicon phrases overlap single words: keep the strongest of overlapping stretches.
    chosen: list[tuple[Span, float]] = []
    for index in ranked:
        value = per_span[index]
        if value <= 0.05 or len(chosen) >= top:
            break
        span = scored.spans[index]
        if any(not (span.end <= s.start or span.start >= s.end) for s, _ in chosen):
            continue
        chosen.append((span, value))
    evidence = [Evidence(supports, rule, (span,), value) for span, value in chosen]
    for index, value in enumerate(per_global):
        name = scored.names[index]
        if value > 0.3 and name.startswith(("shape:", "len:", "addr:")):
            evidence.append(Evidence(supports, f"{rule}:{name}", (), value))
    return evidence


def _against_others(rows: npt.NDArray[np.float32], k: int) -> list[float]:
    """Each feature's weight for class ``k`` minus its mean weight for the other classes."""
    width = rows.shape[1]
    if width == 1:
        column: list[float] = rows[:, 0].tolist()
        return column if k == 1 else [-v for v in column]
    others = (rows.sum(axis=1) - rows[:, k]) / (width - 1)
    result: list[float] = (rows[:, k] - others).tolist()
    return result


def _principles(
    kind: Kind, scores: dict[str, float], categories: set[str], prepared: Prepared, evidence: list[Evidence], *, abusive: bool
) -> Kind:
    """Rules of the definitions the model may miss on short or swearing posts.

    Criticism after a bad experience is a complaint, not an insult (P12): when the post
    reports failures, or the model hesitates between the two and it reports one, it is a
    complaint. Thanks next to a sarcasm cue and a failure ("ну спасибо, опять без света") is
    a complaint, and so is a reported failure with an urgent cue that the model took for a
    remark. An insult is abuse: a post the kind model is not sure of, and that neither the
    abuse model nor an insult word finds abusive, is criticism or a remark.
    """
    why: str | None = None
    failures = sum(1 for h in prepared.hits if h.category == "failure")
    if kind is Kind.INSULT and failures and (failures >= 2 or scores[Kind.COMPLAINT.value] >= 0.2):
        kind, why = Kind.COMPLAINT, "rule:criticism-after-a-bad-experience"
    elif kind is Kind.INSULT and not abusive and "insult" not in categories and scores[Kind.INSULT.value] < 0.7:
        # Without abuse, a hostile remark is criticism or a mere remark, whichever the model rates higher.
        kind = max((Kind.COMPLAINT, Kind.COMMENT), key=lambda k: scores[k.value])
        why = "rule:insult-needs-abuse"
    elif kind is Kind.COMPLIMENT and "sarcasm" in categories and failures:
        kind, why = Kind.COMPLAINT, "rule:sarcastic-thanks"
    elif kind is Kind.COMMENT and failures and categories & _URGENT_CATEGORIES:
        # "my flight got cancelled and I'm stranded": a failure that puts someone at risk is never small talk.
        kind, why = Kind.COMPLAINT, "rule:urgent-failure-reported"
    if why is not None:
        spans = tuple(h.span for h in prepared.hits if h.category in ("failure", "criticism", "sarcasm"))
        evidence.append(Evidence(f"kind:{kind.value}", why, spans[:4]))
    return kind


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
    models_ = models.bundle()
    scored = _score(prepared, models_)
    rows = scored.rows
    totals = (models_.bias + rows.sum(axis=0)).tolist() if len(rows) else models_.bias.tolist()

    evidence: list[Evidence] = []
    if prepared.language_evidence is not None:
        evidence.append(prepared.language_evidence)
    categories = {hit.category for hit in prepared.hits}
    for hit in prepared.hits:
        supports = SUPPORTS.get(hit.category)
        if supports:
            evidence.append(Evidence(supports, f"lexicon:{prepared.language}:{hit.category}:{hit.pattern}", (hit.span,)))

    kind_head = models_.heads["kind"]
    kind_cols = models_.columns["kind"]
    kind_p = _softmax(totals[kind_cols])
    k = max(range(len(kind_p)), key=kind_p.__getitem__)
    kind = Kind(kind_head.classes[k])
    kind_scores = {c: round(p, 4) for c, p in zip(kind_head.classes, kind_p, strict=True)}
    if len(rows):
        evidence.extend(_evidence_from(scored, _against_others(rows[:, kind_cols], k), f"kind:{kind.value}", "model:kind"))

    abusive_logit = totals[models_.columns["abusive"]][0]
    abusive = abusive_logit >= float(models_.heads["abusive"].meta.get(f"threshold:{prepared.language}", 0.0))
    kind = _principles(kind, kind_scores, categories, prepared, evidence, abusive=abusive)

    sentiment_head = models_.heads["sentiment"]
    sentiment_cols = models_.columns["sentiment"]
    sentiment_p = dict(zip(sentiment_head.classes, _softmax(totals[sentiment_cols]), strict=True))
    sentiment = Sentiment(max(sentiment_p, key=sentiment_p.__getitem__))
    score = sentiment_p[Sentiment.POSITIVE.value] - sentiment_p[Sentiment.NEGATIVE.value]
    if sentiment is not Sentiment.NEUTRAL and len(rows):
        s = sentiment_head.classes.index(sentiment.value)
        evidence.extend(
            _evidence_from(scored, _against_others(rows[:, sentiment_cols], s), f"sentiment:{sentiment.value}", "model:sentiment", top=3)
        )
    if kind is Kind.COMPLAINT and sentiment is Sentiment.POSITIVE:
        sentiment, score = Sentiment.NEGATIVE, min(score, -0.2)  # sarcasm: the kind knows better
    evidence.extend(
        Evidence(f"sentiment:{sentiment.value}", f"lexicon:{prepared.language}:{hit.category}:{hit.pattern}", (hit.span,))
        for hit in prepared.hits
        if _SENTIMENT_CUES.get(hit.category) is sentiment
    )

    # A signal is raised by its cue words (explainable at a glance) or by its model (which
    # catches the ways of saying it no list has); either way the evidence says which.
    signals: dict[str, bool] = {}
    for signal, cued in (
        ("urgent", bool(categories & _URGENT_CATEGORIES) and kind in _URGENT_KINDS),
        ("outage", "outage" in categories and (kind in _URGENT_KINDS or "failure" in categories)),
    ):
        columns = models_.columns[signal]
        by_model = totals[columns][0] >= _SIGNAL_LOGIT
        if by_model and len(rows):
            evidence.extend(_evidence_from(scored, _against_others(rows[:, columns], 1), f"signal:{signal}", f"model:{signal}", top=3))
        signals[signal] = cued or by_model
    urgent, outage = signals["urgent"], signals["outage"]
    if not urgent:
        evidence = [e for e in evidence if e.supports != "signal:urgent"]
    if not outage:
        evidence = [e for e in evidence if e.supports != "signal:outage"]
    return Triage(
        language=prepared.language,
        kind=kind,
        kind_confidence=kind_p[k],
        sentiment=sentiment,
        sentiment_score=max(-1.0, min(1.0, score)),
        urgent=urgent,
        outage=outage,
        abusive=abusive,
        followers=followers,
        evidence=tuple(evidence),
        kind_scores=kind_scores,
    )
