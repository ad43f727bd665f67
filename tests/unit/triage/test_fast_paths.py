"""The fast paths of triage give what the plain algorithms they replaced give, to the bit.

Each test keeps the straightforward version (as triage had it) as the reference and compares
on made-up and random inputs: tokens and their spans, lexicon hits and their order, the
per-class evidence weights, the evidence picked, rounding, the stacked weight rows, and the
model features of a text.
"""

from __future__ import annotations

import dataclasses
import random
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otklik.triage import classify, features, language, lexicon
from otklik.triage import model as models
from otklik.triage.cache import BoundedCache
from otklik.triage.result import LANGUAGES, OTHER, Evidence, Kind, Sentiment, Span, Triage
from otklik.triage.text import Token, TokenType, _norm_word, fold, tokenize

# The token pattern as one regular expression, tried at every position (the reference).
_PLAIN_TOKEN = re.compile(
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


def _plain_tokens(text: str) -> list[tuple[str, str, int, int, bool]]:
    out = []
    for match in _PLAIN_TOKEN.finditer(text):
        kind, raw = match.lastgroup or "punct", match.group()
        if kind == "word":
            norm, caps = _norm_word(raw)
        elif kind in ("number", "emoji"):
            norm, caps = raw, False
        elif kind == "punct":
            norm, caps = (raw[0] if raw[0] in "?!" else "…"), False
        else:
            norm, caps = raw.lower(), False
        out.append((kind, norm, match.start(), match.end(), caps))
    return out


_PIECES = [*"aZжЁłq xXD-'’*@#№019/.,:;()?!…_\t\n", "😡", "👍", "\u200d", "www.", "http://", ".com/", "  ", "ąę", ":-)", "))", "Ї"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Заказ не пришёл, где он??? 😡",
        "see shop.ru/x and www.a.b and https://t.co/x ok",
        "#123 №45 1 200,50 12:00 - 14:00",
        "xD :-) ))) ((( ... … ?!",
        "бл*ть, кто-то_знает? e-mail -dash- it's",
        " " * 5000 + ",",  # a long run of spaces before no token stays one pass
    ],
)
def test_tokens_are_those_of_the_plain_pattern(text: str) -> None:
    assert [(t.type.value, t.norm, t.start, t.end, t.caps) for t in tokenize(text)] == _plain_tokens(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_tokens_of_random_text_are_those_of_the_plain_pattern(text: str) -> None:
    assert [(t.type.value, t.norm, t.start, t.end, t.caps) for t in tokenize(text)] == _plain_tokens(text)


def _plain_match_words(words: list[str], lang: str) -> list[tuple[str, str, int, int]]:
    """Every entry tried at every word, as lexicon matching was first written."""
    categories = dict(lexicon.LEXICON[lang])
    categories.update(lexicon.POLARITY.get(lang, {}))
    exact: dict[str, list[tuple[list[tuple[str, bool]], str, str]]] = {}
    prefix: dict[str, list[tuple[list[tuple[str, bool]], str, str]]] = {}
    for category, patterns in categories.items():
        for pattern in patterns.split():
            steps = [lexicon._norm_pattern_token(p, lang) for p in pattern.split("_") if p]
            (prefix if steps[0][1] else exact).setdefault(steps[0][0], []).append((steps, category, pattern.replace("_", " ")))
    longest = max(map(len, prefix))
    found = []
    for i, word in enumerate(words):
        candidates = list(exact.get(word, ()))
        for length in range(min(len(word), longest), 1, -1):
            candidates.extend(prefix.get(word[:length], ()))
        for steps, category, pattern in candidates:
            if i + len(steps) > len(words):
                continue
            if all(words[i + k].startswith(t) if p else words[i + k] == t for k, (t, p) in enumerate(steps[1:], start=1)):
                found.append((category, pattern, i, i + len(steps) - 1))
    return found


@pytest.mark.parametrize("lang", ["ru", "uk", "pl", "en"])
def test_lexicon_matches_and_their_order_are_those_of_a_plain_scan(lang: str) -> None:
    # Words from the lexicon itself (and stems of them), so that phrases and stems meet often.
    vocabulary = sorted({w.rstrip("*") for ps in lexicon.LEXICON[lang].values() for p in ps.split() for w in p.split("_")})
    vocabulary = [lexicon._norm_pattern_token(w, lang)[0] for w in vocabulary]
    vocabulary += [w + "ый" for w in vocabulary[:50]] + ["x", "", "?"]
    rng = random.Random(lang)
    for _ in range(300):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(0, 12))]
        assert lexicon.match_words(words, lang) == _plain_match_words(words, lang)


def test_against_others_is_the_one_class_at_a_time_arithmetic() -> None:
    rng = np.random.default_rng(7)
    columns = {"kind": slice(0, 6), "sentiment": slice(6, 9), "abusive": slice(9, 10), "urgent": slice(10, 11)}
    for n in (1, 2, 7, 40, 600):
        rows = (rng.standard_normal((n, 11)) * rng.choice([1e-3, 1.0, 30.0], size=(n, 11))).astype(np.float32)
        table = models.against_others(rows, columns)
        for cols in columns.values():
            block = rows[:, cols]
            if block.shape[1] == 1:  # a binary head keeps its weight
                assert np.array_equal(table[:, cols], block)
                continue
            for k in range(block.shape[1]):
                expected = block[:, k] - (block.sum(axis=1) - block[:, k]) / (block.shape[1] - 1)
                assert np.array_equal(table[:, cols][:, k], expected)


def test_a_texts_rows_are_the_stack_of_its_word_rows_and_feature_rows() -> None:
    bundle = models.bundle()
    prepared = classify.prepare("Заказ не пришёл, где он??? 😡 @shop #fail", addressing="direct")
    words = prepared.features.words
    text_rows = bundle.text_rows(words, prepared.features.ids)
    stacked = np.vstack([*(bundle.word_row(w) for w in words), bundle.rows(prepared.features.ids)])
    assert np.array_equal(text_rows.rows, stacked)
    assert np.array_equal(text_rows.rows.sum(axis=0), stacked.sum(axis=0))
    against = models.against_others(stacked, bundle.columns)
    for column in range(stacked.shape[1]):
        assert text_rows.against(column) == against[:, column].tolist()


def test_totals_are_the_bias_plus_the_rows_summed() -> None:
    rng = np.random.default_rng(11)
    bias = rng.standard_normal(12).astype(np.float32)
    for n in (0, 1, 2, 9, 60):
        both = (rng.standard_normal((n, 24)) * rng.choice([1e-3, 1.0, 30.0], size=(n, 24))).astype(np.float32)
        text_rows = models.TextRows(both.tobytes(), 12)
        expected = (bias + text_rows.rows.sum(axis=0)).tolist() if n else bias.tolist()
        assert text_rows.totals(bias) == expected
    bundle = models.bundle()
    for text in ("Заказ не пришёл, где он??? 😡 @shop #fail", "😡", "", "thanks, not great: the app crashed again"):
        features = classify.prepare(text).features
        text_rows = bundle.text_rows(features.words, features.ids)
        expected = (bundle.bias + text_rows.rows.sum(axis=0)).tolist() if len(text_rows) else bundle.bias.tolist()
        assert text_rows.totals(bundle.bias) == expected


def _plain_evidence(scored: classify._Scored, contributions: list[float], top: int) -> list[Evidence]:
    """Add up per span and global feature, rank every span, keep the strongest that do not overlap."""
    groups = list(range(scored.words)) + [g + scored.words if g >= 0 else g for g in scored.groups]
    per_span = [0.0] * len(scored.spans)
    per_global = [0.0] * len(scored.names)
    for group, value in zip(groups, contributions, strict=True):
        if group >= 0:
            per_span[group] += value
        else:
            per_global[-1 - group] += value
    chosen: list[tuple[Span, float]] = []
    for index in sorted(range(len(per_span)), key=per_span.__getitem__, reverse=True):
        value = per_span[index]
        if value <= 0.05 or len(chosen) >= top:
            break
        span = scored.spans[index]
        if not any(not (span.end <= s.start or span.start >= s.end) for s, _ in chosen):
            chosen.append((span, value))
    evidence = [Evidence("x", "r", (span,), value) for span, value in chosen]
    evidence += [
        Evidence("x", f"r:{name}", (), value)
        for name, value in zip(scored.names, per_global, strict=True)
        if value > 0.3 and name.startswith(("shape:", "len:", "addr:"))
    ]
    return evidence


@pytest.mark.parametrize("layout", ["in order", "interleaved", "shuffled", "shared"])
def test_evidence_picked_is_that_of_the_plain_ranking(layout: str) -> None:
    rng = random.Random(layout)
    for _ in range(300):
        words = rng.randint(0, 8)
        feature_spans = rng.randint(0, 8)
        names = [rng.choice(["shape:?", "len:1-3", "addr:direct", "lang:ru", "first:x"]) for _ in range(rng.randint(0, 4))]
        spans_first = list(range(feature_spans))
        globals_first = [-1 - j for j in range(len(names))]
        groups = spans_first + globals_first
        if layout == "interleaved":  # one row each, spans and globals each in order (as extract makes them)
            groups = [
                (spans_first if not globals_first or (spans_first and rng.random() < 0.5) else globals_first).pop(0)
                for _ in range(len(groups))
            ]
        if layout == "shared" and groups:  # features sharing a span or a global: rows add up
            groups += [rng.choice(groups) for _ in range(3)]
        if layout in ("shuffled", "shared"):  # one row each or not, out of order: rows add up per group first
            rng.shuffle(groups)
        starts = [rng.randint(0, 30) for _ in range(words + feature_spans)]
        spans = [Span(s, s + rng.randint(1, 6), "t") for s in starts]
        # Few distinct values, so that ties (kept in text order) happen.
        values = [rng.choice([0.0, 0.04, 0.06, 0.2, 0.2, 0.31, 0.5, 0.9, -0.3]) for _ in range(words + len(groups))]
        rows = models.TextRows(bytes(8 * 12 * (words + len(groups))), 12)  # what evidence does not read
        scored = classify._score_of(rows, words, groups, spans, names)
        for top in (3, 4):
            assert classify._evidence_from(scored, values, "x", "r", top=top) == _plain_evidence(scored, values, top)


@settings(max_examples=2000, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0)
    | st.integers(0, 20000).map(lambda k: (k + 0.5) / 10000)
    | st.floats(min_value=-1e20, max_value=1e20)
)
def test_round4_is_round_to_four_digits(p: float) -> None:
    assert classify._round4(p) == round(p, 4)


def test_word_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from otklik.triage import language, text

    bundle = models.bundle()
    caches: list[BoundedCache[str, Any]] = [text._NORMS, language._SEEN, features._WORD_KEYS, lexicon._compiled("pl").first, bundle._words]
    for cache in caches:
        monkeypatch.setattr(cache, "limit", len(cache))
    before = [len(cache) for cache in caches]
    for i in range(50):
        classify.analyse(f"słowo{i}xyz nowe{i}abc", language="pl" if i % 2 else None)
    assert [len(cache) for cache in caches] == before
    assert tokenize("Słowo")[0].type is TokenType.WORD


_PlainFeatures = tuple[list[str], list[Span], list[int], list[int], list[Span], list[str]]


def _plain_extract(tokens: list[Token], text: str, *, lang: str, hits: list[lexicon.Hit], addressing: str | None) -> _PlainFeatures:
    """Features as extract first made them, every span made: a feature at a time, word pairs
    in a second pass (words, word spans, ids, groups, spans, global names)."""
    ids: list[int] = []
    groups: list[int] = []
    spans: list[Span] = []
    names: list[str] = []

    def add_global(name: str) -> None:
        ids.append(features._bucket(name))
        groups.append(-1 - len(names))
        names.append(name)

    def add_span(name: str, span: Span) -> None:
        ids.append(features._bucket(name))
        groups.append(len(spans))
        spans.append(span)

    words: list[tuple[str, Token]] = []
    question_marks = exclamations = caps = 0
    emoji_pos = emoji_neg = 0
    for token in tokens:
        if token.type is TokenType.WORD:
            words.append((fold(token.norm), token))
            caps += token.caps
        elif token.type is TokenType.PUNCT:
            if token.norm == "?":
                question_marks += 1
            elif token.norm == "!":
                exclamations += 1
        elif token.type is TokenType.EMOJI:
            raw = text[token.start : token.end]
            pos = any(c in features._POSITIVE_EMOJI for c in raw) or (raw[-1:] in (")", "D") and ":(" not in raw)
            neg = any(c in features._NEGATIVE_EMOJI for c in raw) or "(" in raw
            emoji_pos += pos
            emoji_neg += neg
            add_span("emoji:+" if pos else "emoji:-" if neg else "emoji:?", Span(token.start, token.end, raw))
        elif token.type is TokenType.URL:
            add_global("shape:url")
        elif token.type is TokenType.HANDLE:
            add_global("shape:handle")
        elif token.type is TokenType.HASHTAG:
            add_global("shape:hashtag")
        elif token.type is TokenType.NUMBER:
            add_global("shape:number")
            if len(token.norm) >= 5 or token.norm[:1] in "#№":
                add_global("shape:reference")

    word_spans = [(word, Span(token.start, token.end, text[token.start : token.end])) for word, token in words]
    for i, (word, token) in enumerate(words):
        if i + 1 < len(words):
            nxt, ntoken = words[i + 1]
            add_span(f"b:{word} {nxt}", Span(token.start, ntoken.end, text[token.start : ntoken.end]))
    if words:
        add_global(f"first:{words[0][0]}")
    for hit in hits:
        add_span(f"lex:{hit.category}", hit.span)
        add_span(f"lex:{lang}:{hit.pattern}", hit.span)
    categories = {hit.category for hit in hits}
    if "negation" in categories and ("praise" in categories or "thanks" in categories):
        add_global("lex:negated_positive")
    if ("thanks" in categories or "praise" in categories) and ("failure" in categories or "criticism" in categories):
        add_global("lex:mixed")
    if question_marks:
        add_global("shape:?")
        if question_marks > 1:
            add_global("shape:??")
    if exclamations:
        add_global("shape:!")
        if exclamations > 2:
            add_global("shape:!!!")
    if caps >= 2:
        add_global("shape:caps")
    if emoji_pos and not words:
        add_global("shape:emoji_only+")
    if emoji_neg and not words:
        add_global("shape:emoji_only-")
    if not words and not emoji_pos and not emoji_neg:
        add_global("shape:no_words")
    n = len(words)
    add_global("len:1-3" if n <= 3 else "len:4-10" if n <= 10 else "len:11-30" if n <= 30 else "len:31+")
    if addressing:
        add_global(f"addr:{addressing}")
    add_global(f"lang:{lang}")
    return [word for word, _ in word_spans], [span for _, span in word_spans], ids, groups, spans, names


def _assert_same_features(text: str, lang: str, addressing: str | None) -> None:
    tokens = tokenize(text)
    hits = lexicon.find(tokens, text, lang)
    fast = features.extract(tokens, text, lang=lang, hits=hits, addressing=addressing)
    plain = _plain_extract(tokens, text, lang=lang, hits=hits, addressing=addressing)
    # The spans of words and word pairs are made when read (see Features).
    assert (fast.words, fast.word_spans, fast.ids, fast.groups, fast.spans, fast.names) == plain
    spans = features.TextSpans(fast)
    assert len(spans) == len(plain[1]) + len(plain[4])
    assert [spans[i] for i in range(len(spans))] == plain[1] + plain[4]
    # What evidence counts on without checking (see classify._score): one row per span and global feature, in order.
    assert classify._one_row_each_in_order(fast.groups, len(fast.spans), len(fast.names))
    assert all(type(span) is Span for span in fast.word_spans)
    assert all(type(span) is Span for span in fast.spans)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😡",
        ":-) ))",
        "👍 :(",
        "Заказ не пришёл, где он??? 😡 @shop #fail 12345 №7",
        "НЕ РАБОТАЕТ ВООБЩЕ!!! уже третий день, спасибо за такой сервис 🙄",
        "nie działa, nie dziala, dzięki za nic!!",
        "thanks, not great: the app crashed again https://x.io/a 👏",
    ],
)
@pytest.mark.parametrize("lang", ["ru", "pl", "en", "uk", "other"])
def test_features_are_those_of_the_plain_extraction(text: str, lang: str) -> None:
    _assert_same_features(text, lang, "direct")
    _assert_same_features(text, lang, None)


# Lexicon words next to the token pieces, so that hits (and their mixed categories) happen.
_FEATURE_PIECES = [*_PIECES, " не ", " работает ", " спасибо ", " nie ", " dzięki ", " thanks ", " not ", " great ", "😍", "🙄", "Ё"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_FEATURE_PIECES), max_size=30).map("".join),
    st.sampled_from(["ru", "pl", "en", "uk", "other"]),
    st.sampled_from([None, "", "direct", "dm"]),
)
def test_features_of_random_text_are_those_of_the_plain_extraction(text: str, lang: str, addressing: str | None) -> None:
    _assert_same_features(text, lang, addressing)


@dataclasses.dataclass(frozen=True, slots=True)
class _PlainTriage:
    """Triage as the dataclass's own __init__ builds it."""

    language: str
    kind: Kind
    kind_confidence: float
    sentiment: Sentiment
    sentiment_score: float
    urgent: bool
    outage: bool
    abusive: bool = False
    followers: int | None = None
    evidence: tuple[Evidence, ...] = dataclasses.field(default=())
    kind_scores: dict[str, float] = dataclasses.field(default_factory=dict)


def _fields(value: object) -> list[tuple[str, object]]:
    return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]  # type: ignore[arg-type]


def test_a_triage_is_built_as_the_frozen_dataclass_would_build_it() -> None:
    evidence = (Evidence("kind:complaint", "model:kind", (Span(0, 3, "abc"),), 0.5),)
    required = ("en", Kind.COMPLAINT, 0.9, Sentiment.NEGATIVE, -0.8, False, True)
    names = ("language", "kind", "kind_confidence", "sentiment", "sentiment_score", "urgent", "outage")
    cases: list[tuple[tuple[object, ...], dict[str, object]]] = [
        (required, {}),
        (required, {"abusive": True, "followers": 12}),
        ((*required, True, 7, evidence, {"complaint": 0.9}), {}),
        ((), dict(zip(names, required, strict=True))),
    ]
    for args, kwargs in cases:
        fast, plain = Triage(*args, **kwargs), _PlainTriage(*args, **kwargs)  # type: ignore[arg-type]
        assert _fields(fast) == _fields(plain)
        assert _fields(dataclasses.replace(fast, urgent=True)) == _fields(dataclasses.replace(plain, urgent=True))
    first, second = Triage(*required), Triage(*required)
    assert first.kind_scores == {} and first.kind_scores is not second.kind_scores  # a dict of its own
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.kind = Kind.SPAM  # type: ignore[misc]


# Lexicon and stop words of each language, Latin Russian, numbers and the token pieces.
_LEXICON_WORDS = ("не", "работает", "спасибо", "nie", "dziala", "działa", "dzięki", "thanks", "not", "great", "ne", "rabotaet")
_LEXICON_PIECES = [
    *_PIECES,
    *(
        f" {word} "
        for word in (*_LEXICON_WORDS, "spasibo", "privet", "gde", "zakaz", "вже", "дякую", "do", "a", "12", "#45", "№7", "1 200")
    ),
    ", ",
]


def _plain_lexicon_words(tokens: list[Token], lang: str, latin_russian: bool) -> tuple[list[str], list[Token]]:
    """Token by token: words folded for Polish or transliterated for Latin Russian, numbers as they are."""
    words: list[str] = []
    kept: list[Token] = []
    for token in tokens:
        if token.type is TokenType.WORD:
            word = token.norm
            if lang == "pl":
                word = fold(word)
            elif latin_russian and lang == "ru" and word.isascii():
                word = lexicon.to_cyrillic(word)
            words.append(word)
            kept.append(token)
        elif token.type is TokenType.NUMBER:
            words.append(token.norm)
            kept.append(token)
    return words, kept


def _plain_find(tokens: list[Token], text: str, lang: str) -> list[lexicon.Hit]:
    """The hits as find first chose them, from the words of the plain loop."""
    latin_russian = lang == "ru" and sum(t.type is TokenType.WORD and t.norm.isascii() for t in tokens) > len(tokens) / 2
    words, kept = _plain_lexicon_words(tokens, lang, latin_russian)
    matches = lexicon._matches(words, lang if lang in lexicon.LEXICON else "en")
    matches.sort(key=lambda m: (m[2], m[2] - m[3], m[1], m[4]))
    hits = []
    seen: set[tuple[str, int]] = set()
    for category, pattern, first, last, _ in matches:
        places = [(category, i) for i in range(first, last + 1)]
        if not seen.isdisjoint(places):
            continue
        seen.update(places)
        start, end = kept[first].start, kept[last].end
        hits.append(lexicon.Hit(category, pattern, first, last, Span(start, end, text[start:end])))
    return hits


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LEXICON_PIECES), max_size=30).map("".join), st.sampled_from(["ru", "pl", "en", "uk", "other"]))
def test_lexicon_words_and_hits_are_those_of_the_plain_loop(text: str, lang: str) -> None:
    tokens = tokenize(text)
    for latin_russian in (False, True):
        assert lexicon.lexicon_words(tokens, lang, latin_russian=latin_russian) == _plain_lexicon_words(tokens, lang, latin_russian)
    assert lexicon.find(tokens, text, lang) == _plain_find(tokens, text, lang)


def _plain_fallback(text: str, candidates: tuple[str, ...]) -> str:
    """py3langid's best of ``candidates``, from the whole ranking."""
    import py3langid  # type: ignore[import-untyped]

    ranked = py3langid.rank(text)
    top_code, top_score = ranked[0]
    ours = [(code, score) for code, score in ranked if code in candidates]
    if not ours or top_score < -1e30:
        return OTHER
    code, score = ours[0]
    if code == top_code or (top_score - score) / max(len(text), 1) < 0.6:
        return str(code)
    return OTHER


def _plain_detect(tokens: list[Token], text: str, hint: str | None) -> tuple[str, Evidence | None]:
    """Language detection as first written: the votes of each word, then the rules."""
    scores = {"ru": 0.0, "uk": 0.0, "pl": 0.0, "en": 0.0, "ru_latin": 0.0, "uk_latin": 0.0}
    voters: dict[str, list[Token]] = {"ru": [], "uk": [], "pl": [], "en": [], "ru_latin": [], "uk_latin": []}
    cyrillic = latin = 0
    for token in tokens:
        if token.type is not TokenType.WORD:
            continue
        is_cyrillic, votes = language._votes(token.norm)
        if is_cyrillic:
            cyrillic += 1
        else:
            latin += 1
        for lang, weight in votes:
            scores[lang] += weight
            voters[lang].append(token)

    def spans(voted: list[Token]) -> tuple[Span, ...]:
        return tuple(Span(t.start, t.end, text[t.start : t.end]) for t in voted[:5])

    if cyrillic == 0 and latin == 0:
        return (hint if hint in LANGUAGES else OTHER), None
    if cyrillic >= latin:
        ru, uk = scores["ru"], scores["uk"]
        if ru == uk == 0:
            guess = _plain_fallback(text, ("ru", "uk")) if cyrillic >= 3 else (hint if hint in ("ru", "uk") else "ru")
            return guess, Evidence(f"lang:{guess}", "language:model" if cyrillic >= 3 else "language:script")
        lang = "uk" if uk > ru else "ru"
        return lang, Evidence(f"lang:{lang}", "language:words", spans(voters[lang]), max(ru, uk))
    latin_scores = {k: scores[k] for k in ("pl", "en", "ru_latin", "uk_latin")}
    best = max(latin_scores, key=lambda k: latin_scores[k])
    if latin_scores[best] == 0 or (latin >= 3 and latin_scores[best] <= 1):
        guess = _plain_fallback(text, ("pl", "en"))
        if guess == OTHER and hint in LANGUAGES and latin <= 2:
            guess = str(hint)
        return guess, Evidence(f"lang:{guess}", "language:model")
    lang = {"ru_latin": "ru", "uk_latin": "uk"}.get(best, best)
    rule = "language:transliterated" if best in ("ru_latin", "uk_latin") else "language:words"
    return lang, Evidence(f"lang:{lang}", rule, spans(voters[best]), latin_scores[best])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😡 12",
        "Заказ не пришёл, где он??? 😡",
        "Дякую за швидку доставку, все прийшло ціле!",
        "privet, gde moj zakaz?? uzhe nedelyu zhdu",
        "nie dziala aplikacja od rana, co jest grane",
        "thanks for nothing @Skyrail",
        "Das ist wirklich nicht gut, ich warte seit Tagen",
        "ok",
        "мама мыла раму долго",
        "ala ma kota, a kot ma ale",
        "do",  # Polish and English tie: the first of them wins
        "a no",  # English and Latin Russian tie
    ],
)
@pytest.mark.parametrize("hint", [None, "uk", "pl"])
def test_language_is_that_of_the_plain_detection(text: str, hint: str | None) -> None:
    tokens = tokenize(text)
    assert language.detect_with_evidence(tokens, text, hint=hint) == _plain_detect(tokens, text, hint)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LEXICON_PIECES), max_size=20).map("".join), st.sampled_from([None, "ru", "uk", "pl", "en"]))
def test_language_of_random_text_is_that_of_the_plain_detection(text: str, hint: str | None) -> None:
    tokens = tokenize(text)
    assert language.detect_with_evidence(tokens, text, hint=hint) == _plain_detect(tokens, text, hint)
