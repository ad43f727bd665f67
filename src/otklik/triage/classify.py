"""Triage of one text: language, kind, sentiment and signals, each with its evidence."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from otklik.triage import model as models
from otklik.triage.features import Features, TextSpans, extract
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
_SIGNALS = frozenset(("signal:urgent", "signal:outage"))
# ``tuple.__new__(Evidence, fields)`` builds the same named tuple without the Python-level
# ``Evidence.__new__`` frame (every field given): a triage makes a dozen evidence.
_new = tuple.__new__


class Prepared(NamedTuple):
    """A text read once: tokens, language, lexicon hits and model features."""

    # A named tuple: one per text, and a frozen dataclass costs several times as much to build.

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
    return _new(Prepared, (text, tokens, language, evidence, hits, features))


# Adding 1.5·2⁵² to a float below 2⁵¹ and taking it away again rounds it to an integer, half
# to even, as ``round(x)`` does, without making an int.
_TO_INTEGER = 6755399441055744.0


def _round4(p: float) -> float:
    """``round(p, 4)`` for a probability, faster.

    ``round`` with digits goes through a decimal string (slow); scaling, rounding to an
    integer and scaling back gives the same float, except within a hair of a tie, where
    the product may have rounded across it: that is left to ``round``, and so is anything
    that is not a probability.
    """
    scaled = p * 10000.0
    whole = (scaled + _TO_INTEGER) - _TO_INTEGER
    if not 0.0 <= p <= 1.0 or abs(abs(scaled - whole) - 0.5) < 1e-6:
        return round(p, 4)
    return whole / 10000.0


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def _with_kind(sentiment_p: list[float], kind_p: list[float], given_kind: tuple[tuple[float, ...], ...]) -> list[float]:
    """The sentiment head's probabilities weighed by what the kind head expects.

    The kind decides the sentiment in most of the own set (a compliment is positive, a
    complaint or an insult negative), and the kind head is the surer of the two: each
    sentiment's probability is multiplied by its expected share under the kind head's
    probabilities, then all are scaled to sum to one.
    """
    joint = [p * sum(map(operator.mul, kind_p, row)) for p, row in zip(sentiment_p, given_kind, strict=True)]
    total = sum(joint)
    return [p / total for p in joint]


class _Scored(NamedTuple):
    """A text's weight rows, one per word or other feature, and what each row stands for.

    Rows ``0 … words - 1`` are the words, and row ``i`` stands for ``spans[i]``; row
    ``words + j`` is the feature ``features.ids[j]``, whose ``groups[j]`` is an index into
    the feature spans (after the words') or ``-1 - m`` for ``names[m]``. ``against(c)`` is
    column ``c`` of :func:`models.against_others` of the rows: how much each row argues for
    that class over the head's others.
    """

    text_rows: models.TextRows
    against: Callable[[int], list[float]]
    words: int
    groups: list[int]
    spans: Sequence[Span]
    names: list[str]
    # Whether every span and global feature has exactly one row, in their order (as extract
    # makes them): then evidence ranks the rows themselves, else it adds them up per group
    # first. ``shown`` are the rows of the global features evidence may name, with their names.
    in_order: bool
    shown: list[tuple[int, str]]


def _score(prepared: Prepared, bundle: models.Bundle) -> _Scored:
    features = prepared.features
    words = features.words
    text_rows = bundle.text_rows(words, features.ids)
    spans = TextSpans(features)  # evidence makes the few spans it shows
    # extract gives every span and global feature one row, in order: no need to check.
    return _score_of(text_rows, len(words), features.groups, spans, features.names, in_order=True)


_SHOWN_GLOBALS = ("shape:", "len:", "addr:")


def _score_of(
    text_rows: models.TextRows, words: int, groups: list[int], spans: Sequence[Span], names: list[str], *, in_order: bool | None = None
) -> _Scored:
    """A text's rows and what they stand for; ``in_order`` says (when known) whether every
    span and global feature has one row, in their order."""
    if in_order is None:
        in_order = _one_row_each_in_order(groups, len(spans) - words, len(names))
    shown: list[tuple[int, str]] = []
    if in_order:
        # A global feature's row is found by its group (a C search): only those shown are looked for.
        shown = [(words + groups.index(-1 - j), name) for j, name in enumerate(names) if name.startswith(_SHOWN_GLOBALS)]
    return _new(_Scored, (text_rows, text_rows.against, words, groups, spans, names, in_order, shown))


def _one_row_each_in_order(groups: list[int], spans: int, names: int) -> bool:
    """Whether ``groups`` counts the spans up from 0 and the global features down from -1."""
    span = 0
    name = -1
    for group in groups:
        if group == span:
            span += 1
        elif group == name:
            name -= 1
        else:
            return False
    return span == spans and name == -1 - names


def _per_place(scored: _Scored, contributions: list[float]) -> tuple[list[float], list[tuple[int, str]]]:
    """The contributions added up per span, then per global feature, as if each had one row;
    and the places of the global features evidence may name, with their names."""
    words = scored.words
    spans = len(scored.spans)
    # Each word row is its own span; the other features add up per span or global feature.
    values = contributions[:words]
    values.extend([0.0] * (spans - words + len(scored.names)))
    for group, value in zip(scored.groups, contributions[words:], strict=True):
        values[words + group if group >= 0 else spans - 1 - group] += value
    shown = [(spans + index, name) for index, name in enumerate(scored.names) if name.startswith(_SHOWN_GLOBALS)]
    return values, shown


def _evidence_from(scored: _Scored, contributions: list[float], supports: str, rule: str, *, top: int = 4) -> list[Evidence]:
    """The stretches of text that pushed a head towards its answer most, strongest first."""
    spans = scored.spans
    if scored.in_order:
        # Row ``i`` below ``words`` is span ``i``; above, its group tells its span or that it is global.
        values, shown, words, groups = contributions, scored.shown, scored.words, scored.groups
    else:
        # One value per span, then per global feature (every group negative: global).
        values, shown = _per_place(scored, contributions)
        words, groups = len(spans), [-1] * len(scored.names)
    # Strongest first, equal ones in text order (a sort is stable, reversed too), global
    # features passed over. Word pairs and lexicon phrases overlap single words: of
    # overlapping stretches, only the strongest is kept.
    evidence: list[Evidence] = []
    taken: list[Span] = []
    for row in sorted(range(len(values)), key=values.__getitem__, reverse=True):
        value = values[row]
        if value <= 0.05 or len(taken) >= top:
            break
        if row < words:
            span = spans[row]
        elif (group := groups[row - words]) >= 0:
            span = spans[words + group]
        else:
            continue
        for other in taken:
            if not (span.end <= other.start or span.start >= other.end):
                break
        else:
            taken.append(span)
            evidence.append(_new(Evidence, (supports, rule, (span,), value)))
    for index, name in shown:
        value = values[index]
        if value > 0.3:
            evidence.append(_new(Evidence, (supports, f"{rule}:{name}", (), value)))
    return evidence


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
    failures = sum(1 for h in prepared.hits if h.category == "failure")
    if not failures and kind is not Kind.INSULT:  # every rule needs a reported failure or an insult to question
        return kind
    why: str | None = None
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


# Enum look-ups are slow on Python 3.11 (the enum metaclass hooks attribute access), and a
# triage makes dozens: the members and the strings made of them, looked up once.
_COMPLAINT, _INSULT = Kind.COMPLAINT, Kind.INSULT
_POSITIVE, _NEUTRAL, _NEGATIVE = Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE
_SENTIMENT_SUPPORTS = {sentiment: f"sentiment:{sentiment.value}" for sentiment in Sentiment}


class _Plan(NamedTuple):
    """What analyse reads of the models for every text, worked out once per bundle: where
    each head's columns are, and its classes as members and as the evidence they support."""

    kinds: slice
    kind_classes: tuple[str, ...]
    kind_members: tuple[Kind, ...]
    kind_supports: tuple[str, ...]
    sentiments: slice
    sentiment_members: tuple[Sentiment, ...]
    positive: int
    negative: int
    # Per sentiment, P(sentiment | kind) for each kind in the kind head's order (none when
    # the sentiment model carries no such table).
    given_kind: tuple[tuple[float, ...], ...] | None
    abusive: int
    thresholds: dict[str, float]  # the abuse model's threshold per language (else 0)
    urgent: int
    outage: int


_plan_of: tuple[models.Bundle, _Plan] | None = None


def _plan(bundle: models.Bundle) -> _Plan:
    """The plan of ``bundle`` (one bundle per process: the last one is kept)."""
    global _plan_of  # noqa: PLW0603 - a value worked out once from the immutable bundle
    known = _plan_of
    if known is not None and known[0] is bundle:
        return known[1]
    columns, heads = bundle.columns, bundle.heads
    kind_classes = heads["kind"].classes
    sentiment_classes = heads["sentiment"].classes
    prefix = "threshold:"
    sentiment_meta = heads["sentiment"].meta
    given_kind: tuple[tuple[float, ...], ...] | None = None
    if all(f"given_kind:{k}" in sentiment_meta for k in kind_classes):
        by_kind = [[float(v) for v in sentiment_meta[f"given_kind:{k}"].split(",")] for k in kind_classes]
        given_kind = tuple(tuple(row[s] for row in by_kind) for s in range(len(sentiment_classes)))
    plan = _Plan(
        kinds=columns["kind"],
        kind_classes=kind_classes,
        kind_members=tuple(Kind(c) for c in kind_classes),
        kind_supports=tuple(f"kind:{c}" for c in kind_classes),
        sentiments=columns["sentiment"],
        sentiment_members=tuple(Sentiment(c) for c in sentiment_classes),
        positive=sentiment_classes.index(_POSITIVE),
        negative=sentiment_classes.index(_NEGATIVE),
        given_kind=given_kind,
        abusive=columns["abusive"].start,
        thresholds={k[len(prefix) :]: float(v) for k, v in heads["abusive"].meta.items() if k.startswith(prefix)},
        urgent=columns["urgent"].start,
        outage=columns["outage"].start,
    )
    _plan_of = (bundle, plan)
    return plan


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
    bundle = models.bundle()
    plan = _plan(bundle)
    scored = _score(prepared, bundle)
    text_rows = scored.text_rows
    totals = text_rows.totals(bundle.bias)
    has_rows = len(text_rows) > 0
    language = prepared.language

    evidence: list[Evidence] = []
    if prepared.language_evidence is not None:
        evidence.append(prepared.language_evidence)
    hits = prepared.hits
    categories: set[str] = set()
    rules: list[str] = []
    # Lexicon cues of a signal, which count only if the signal is raised.
    signal_cues = False
    if hits:  # most posts have none
        categories.update([hit.category for hit in hits])
        rules = [f"lexicon:{language}:{hit.category}:{hit.pattern}" for hit in hits]
        for hit, rule in zip(hits, rules, strict=True):
            supports = SUPPORTS.get(hit.category)
            if supports:
                evidence.append(_new(Evidence, (supports, rule, (hit.span,), 1.0)))
                signal_cues = signal_cues or supports in _SIGNALS

    kinds = plan.kinds
    kind_p = _softmax(totals[kinds])
    k = kind_p.index(max(kind_p))  # the first of equals, as max(range(), key=) would give
    kind = plan.kind_members[k]
    kind_scores = dict(zip(plan.kind_classes, map(_round4, kind_p), strict=True))
    if has_rows:
        evidence.extend(_evidence_from(scored, scored.against(kinds.start + k), plan.kind_supports[k], "model:kind"))

    abusive = totals[plan.abusive] >= plan.thresholds.get(language, 0.0)
    if hits or kind is _INSULT:  # every rule needs a reported failure (a hit) or an insult to question
        kind = _principles(kind, kind_scores, categories, prepared, evidence, abusive=abusive)

    sentiments = plan.sentiments
    sentiment_p = _softmax(totals[sentiments])
    if plan.given_kind is not None:
        sentiment_p = _with_kind(sentiment_p, kind_p, plan.given_kind)
    s = sentiment_p.index(max(sentiment_p))  # the first of equals, as max(classes, key=) would give
    sentiment = plan.sentiment_members[s]
    score = sentiment_p[plan.positive] - sentiment_p[plan.negative]
    if sentiment is not _NEUTRAL and has_rows:
        evidence.extend(
            _evidence_from(scored, scored.against(sentiments.start + s), _SENTIMENT_SUPPORTS[sentiment], "model:sentiment", top=3)
        )
    if kind is _COMPLAINT and sentiment is _POSITIVE:
        sentiment, score = _NEGATIVE, min(score, -0.2)  # sarcasm: the kind knows better
    if hits:
        supports = _SENTIMENT_SUPPORTS[sentiment]
        evidence.extend(
            _new(Evidence, (supports, rule, (hit.span,), 1.0))
            for hit, rule in zip(hits, rules, strict=True)
            if _SENTIMENT_CUES.get(hit.category) is sentiment
        )

    # A signal is raised by its cue words (explainable at a glance) or by its model (which
    # catches the ways of saying it no list has); either way the evidence says which.
    urgent = outage = False
    if totals[plan.urgent] >= _SIGNAL_LOGIT:
        urgent = True
        if has_rows:
            evidence.extend(_evidence_from(scored, scored.against(plan.urgent), "signal:urgent", "model:urgent", top=3))
    elif categories:
        urgent = bool(categories & _URGENT_CATEGORIES) and kind in _URGENT_KINDS
    if totals[plan.outage] >= _SIGNAL_LOGIT:
        outage = True
        if has_rows:
            evidence.extend(_evidence_from(scored, scored.against(plan.outage), "signal:outage", "model:outage", top=3))
    elif categories:
        outage = "outage" in categories and (kind in _URGENT_KINDS or "failure" in categories)
    if signal_cues and not (urgent and outage):
        # Cues for a signal that was not raised are no evidence of anything.
        dropped = {name for name, raised in (("signal:urgent", urgent), ("signal:outage", outage)) if not raised}
        evidence = [e for e in evidence if e.supports not in dropped]
    return Triage(
        language,
        kind,
        kind_p[k],
        sentiment,
        max(-1.0, min(1.0, score)),
        urgent,
        outage,
        abusive,
        followers,
        tuple(evidence),
        kind_scores,
    )
