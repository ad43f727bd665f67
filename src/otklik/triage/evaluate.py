"""Measuring triage: the split, the lines it reads, the metrics and their tables.

Standard library only, so a script or a test can import it without the models. The metrics
follow the common conventions (scikit-learn's with ``zero_division=0``): a class never
predicted has precision 0, a class absent from the gold labels has recall 0, and an
average runs over the labels asked for, or over every label seen in either list.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

#: The kinds, in the order of ``docs/concepts/triage.md`` (the first that fits wins).
KINDS = ("spam", "insult", "complaint", "question", "compliment", "comment")
SENTIMENTS = ("negative", "neutral", "positive")
#: Short sentiment labels some public sets use.
_SENTIMENT_ALIASES = {"neg": "negative", "neu": "neutral", "pos": "positive"}
#: How a yes/no signal is written as a label.
YES, NO = "yes", "no"


def split_of(example_id: str) -> str:
    """``"test"`` for about 30 % of ids, ``"train"`` for the rest, by a hash of the id.

    The same function decides what training may see and what evaluation holds out, so the
    two can never overlap; it is the rule the public sets' READMEs use for theirs.
    """
    bucket = int(hashlib.sha1(example_id.encode(), usedforsecurity=False).hexdigest()[:8], 16) % 10
    return "test" if bucket < 3 else "train"


# --- metrics -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassScores:
    """Precision, recall and F1 of one label; ``support`` counts it in the gold labels."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True, slots=True)
class Confusion:
    """Counts of (gold, predicted) pairs; rows are gold labels, columns predicted ones."""

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def count(self, gold: str, predicted: str) -> int:
        """How many items labelled ``gold`` were predicted ``predicted``."""
        return self.counts[self.labels.index(gold)][self.labels.index(predicted)]


@dataclass(frozen=True, slots=True)
class Report:
    """Every figure of one labelling task, over ``n`` items."""

    n: int
    correct: int
    classes: tuple[ClassScores, ...]
    confusion: Confusion

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels reported on, in order."""
        return tuple(c.label for c in self.classes)

    @property
    def accuracy(self) -> float:
        """Share of items whose prediction equals the gold label."""
        return self.correct / self.n if self.n else 0.0

    @property
    def macro_f1(self) -> float:
        """Unweighted mean of the per-class F1."""
        return _mean([c.f1 for c in self.classes])

    @property
    def macro_recall(self) -> float:
        """Unweighted mean of the per-class recall (TweetEval's sentiment measure)."""
        return _mean([c.recall for c in self.classes])

    @property
    def weighted_f1(self) -> float:
        """Per-class F1 weighted by how often each class is in the gold labels."""
        total = sum(c.support for c in self.classes)
        return sum(c.f1 * c.support for c in self.classes) / total if total else 0.0

    def of(self, label: str) -> ClassScores:
        """The scores of one label."""
        for scores in self.classes:
            if scores.label == label:
                return scores
        raise KeyError(label)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _pairs(gold: Sequence[str], predicted: Sequence[str]) -> Counter[tuple[str, str]]:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    return Counter(zip(gold, predicted, strict=True))


def _labels(pairs: Counter[tuple[str, str]], labels: Sequence[str] | None) -> tuple[str, ...]:
    if labels is not None:
        return tuple(labels)
    return tuple(sorted({g for g, _ in pairs} | {p for _, p in pairs}))


def report(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> Report:
    """Per-class scores and the confusion matrix of ``predicted`` against ``gold``.

    ``labels`` fixes which classes are reported and averaged, in that order; by default it
    is every label in either list, sorted. An item whose gold label is outside ``labels``
    still counts against a listed class it was predicted as (a false positive).
    """
    pairs = _pairs(gold, predicted)
    chosen = _labels(pairs, labels)
    gold_count: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter()
    for (g, p), count in pairs.items():
        gold_count[g] += count
        predicted_count[p] += count
    classes = []
    for label in chosen:
        hits = pairs[(label, label)]
        precision = hits / predicted_count[label] if predicted_count[label] else 0.0
        recall = hits / gold_count[label] if gold_count[label] else 0.0
        classes.append(ClassScores(label, precision, recall, _f1(precision, recall), gold_count[label], predicted_count[label]))
    matrix = tuple(tuple(pairs[(g, p)] for p in chosen) for g in chosen)
    correct = sum(count for (g, p), count in pairs.items() if g == p)
    return Report(len(gold), correct, tuple(classes), Confusion(chosen, matrix))


def per_class(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> tuple[ClassScores, ...]:
    """Precision, recall and F1 of each label."""
    return report(gold, predicted, labels).classes


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """Mean F1 over the labels, each class counting the same."""
    return report(gold, predicted, labels).macro_f1


def macro_recall(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """Mean recall over the labels, each class counting the same."""
    return report(gold, predicted, labels).macro_recall


def weighted_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """F1 averaged over the labels, weighted by their gold counts."""
    return report(gold, predicted, labels).weighted_f1


def f1_of(gold: Sequence[str], predicted: Sequence[str], positive: str) -> float:
    """F1 of one class (the usual figure of a yes/no task, with ``positive`` as "yes")."""
    return report(gold, predicted, [positive]).classes[0].f1


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> Confusion:
    """Counts of (gold, predicted) pairs over ``labels``."""
    return report(gold, predicted, labels).confusion


def yes_no(value: bool) -> str:
    """A yes/no signal as a label."""
    return YES if value else NO


# --- tables --------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, indent: str = "  ") -> list[str]:
    body = [list(header), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in body) for i in range(len(header))]
    lines = []
    for row in body:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def render_classes(result: Report, *, indent: str = "  ") -> str:
    """The per-class precision, recall and F1 as a plain-text table."""
    rows = [(c.label, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support), str(c.predicted)) for c in result.classes]
    return "\n".join(_table(("class", "precision", "recall", "F1", "gold", "predicted"), rows, indent=indent))


def render_confusion(confusion: Confusion, *, indent: str = "  ") -> str:
    """The confusion matrix as a plain-text table (rows gold, columns predicted)."""
    header = ("gold \\ predicted", *confusion.labels)
    rows = [(label, *(str(n) for n in row)) for label, row in zip(confusion.labels, confusion.counts, strict=True)]
    return "\n".join(_table(header, rows, indent=indent))


def render_report(title: str, result: Report, *, confusion: bool = True, indent: str = "  ") -> str:
    """A headline (n, accuracy, macro-F1, macro-recall, weighted F1), the classes, the matrix."""
    head = (
        f"{title}: n={result.n}  accuracy {result.accuracy:.3f}  macro-F1 {result.macro_f1:.3f}  "
        f"macro-recall {result.macro_recall:.3f}  weighted F1 {result.weighted_f1:.3f}"
    )
    parts = [head, render_classes(result, indent=indent)]
    if confusion:
        parts.append(render_confusion(result.confusion, indent=indent))
    return "\n".join(parts)


def render_signal(title: str, result: Report) -> str:
    """One line for a yes/no signal: precision, recall and F1 of "yes"."""
    yes = result.of(YES)
    return f"{title}: n={result.n}  precision {yes.precision:.3f}  recall {yes.recall:.3f}  F1 {yes.f1:.3f}  (gold {yes.support}, predicted {yes.predicted})"


# --- the lines it reads --------------------------------------------------------------


class LineError(ValueError):
    """A line that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Item:
    """One line of ``otklik triage`` input; ``id`` is kept as given (a string or a number)."""

    id: str | int
    text: str
    lang: str | None = None
    addressing: str | None = None
    channel: str | None = None
    author_followers: int | None = None


@dataclass(frozen=True, slots=True)
class Gold:
    """One labelled line; a label left out (or null) is not scored for this line."""

    item: Item
    kind: str | None = None
    sentiment: str | None = None
    urgent: bool | None = None
    outage: bool | None = None


def read_lines(lines: Iterable[bytes]) -> Iterator[tuple[int, dict[str, object] | None, str | None]]:
    """Each non-blank line as ``(line number, JSON object, None)``, or ``(line number, None, reason)``."""
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(value, dict):
            yield number, None, f"not a JSON object but {type(value).__name__}"
            continue
        yield number, value, None


def _optional_str(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LineError(f"{key}: must be a string")
    return value


def parse_item(record: dict[str, object]) -> Item:
    """An item from a JSON object: ``id`` and ``text`` required, the rest optional."""
    raw_id = record.get("id")
    # bool is an int to Python, but never an id
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise LineError("id: missing" if raw_id is None else "id: must be a string or a number")
    text = record.get("text")
    if not isinstance(text, str):
        raise LineError("text: missing" if text is None else "text: must be a string")
    followers = record.get("author_followers")
    if followers is not None and (isinstance(followers, bool) or not isinstance(followers, int) or followers < 0):
        raise LineError("author_followers: must be a whole number ≥ 0")
    return Item(
        id=raw_id,
        text=text,
        lang=_optional_str(record, "lang"),
        addressing=_optional_str(record, "addressing"),
        channel=_optional_str(record, "channel"),
        author_followers=followers,
    )


def parse_gold(record: dict[str, object]) -> Gold:
    """A labelled line: an item plus any of ``kind``, ``sentiment``, ``urgent``, ``outage``."""
    item = parse_item(record)
    kind = _optional_str(record, "kind")
    if kind is not None and kind not in KINDS:
        raise LineError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    sentiment = _optional_str(record, "sentiment")
    if sentiment is not None:
        sentiment = _SENTIMENT_ALIASES.get(sentiment, sentiment)
        if sentiment not in SENTIMENTS:
            raise LineError(f"sentiment: {sentiment!r} is not one of {', '.join(SENTIMENTS)}")
    flags: dict[str, bool | None] = {}
    for key in ("urgent", "outage"):
        value = record.get(key)
        if value is not None and not isinstance(value, bool):
            raise LineError(f"{key}: must be true or false")
        flags[key] = value
    return Gold(item, kind, sentiment, flags["urgent"], flags["outage"])


# --- scoring many lines --------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Gold and predicted labels of one task, gathered line by line."""

    gold: list[str]
    predicted: list[str]

    def add(self, gold: str, predicted: str) -> None:
        """Count one line."""
        self.gold.append(gold)
        self.predicted.append(predicted)

    def report(self, order: Sequence[str] = ()) -> Report:
        """The report over every label seen, those in ``order`` first and in that order."""
        seen = set(self.gold) | set(self.predicted)
        labels = [label for label in order if label in seen] + sorted(seen - set(order))
        return report(self.gold, self.predicted, labels)


def _tally() -> Tally:
    return Tally([], [])


#: Tasks a scoreboard reports, with the label order of their tables.
TASKS: dict[str, tuple[str, ...]] = {"kind": KINDS, "sentiment": SENTIMENTS, "urgent": (YES, NO), "outage": (YES, NO)}


class Scoreboard:
    """Every task of ``otklik eval``, per language and overall."""

    def __init__(self, *, score_language: bool = False) -> None:
        """``score_language``: the language was detected, so its accuracy is reported too."""
        self.score_language = score_language
        self._tallies: dict[str, dict[str, Tally]] = {}
        self._language = _tally()

    def _group(self, lang: str) -> dict[str, Tally]:
        return self._tallies.setdefault(lang, {task: _tally() for task in TASKS})

    def add(self, gold: Gold, *, lang: str, kind: str, sentiment: str, urgent: bool, outage: bool) -> None:
        """Count one line: ``gold`` against the predictions; ``lang`` is the predicted language."""
        group = gold.item.lang or lang
        predicted = {"kind": kind, "sentiment": sentiment, "urgent": yes_no(urgent), "outage": yes_no(outage)}
        expected = {
            "kind": gold.kind,
            "sentiment": gold.sentiment,
            "urgent": None if gold.urgent is None else yes_no(gold.urgent),
            "outage": None if gold.outage is None else yes_no(gold.outage),
        }
        for name in (group, "all"):
            tallies = self._group(name)
            for task, value in expected.items():
                if value is not None:
                    tallies[task].add(value, predicted[task])
        if gold.item.lang is not None:
            self._language.add(gold.item.lang, lang)

    @property
    def languages(self) -> list[str]:
        """The languages seen, in the order ru, pl, en, uk, then the others sorted."""
        known = ("ru", "pl", "en", "uk")
        seen = [lang for lang in self._tallies if lang != "all"]
        return [lang for lang in known if lang in seen] + sorted(lang for lang in seen if lang not in known)

    def report(self, lang: str, task: str) -> Report | None:
        """One task's report for one language (or ``all``); None when nothing was labelled."""
        tally = self._tallies.get(lang, {}).get(task)
        if tally is None or not tally.gold:
            return None
        if task in ("urgent", "outage"):  # "yes" is reported even where no line has it
            return report(tally.gold, tally.predicted, [YES, NO])
        return tally.report(TASKS[task])

    def render(self) -> str:
        """Every table: each language, then all of them together."""
        blocks = []
        groups = self.languages
        for lang in [*groups, "all"] if len(groups) > 1 else groups:
            title = "all languages" if lang == "all" else f"language {lang}"
            lines = [f"== {title} =="]
            for task in ("kind", "sentiment"):
                result = self.report(lang, task)
                lines.append(render_report(task, result) if result else f"{task}: no labelled lines")
            for task in ("urgent", "outage"):
                result = self.report(lang, task)
                lines.append(render_signal(task, result) if result else f"{task}: no labelled lines")
            blocks.append("\n".join(lines))
        if self.score_language and self._language.gold:
            blocks.append(self.render_language())
        return "\n\n".join(blocks)

    def render_language(self) -> str:
        """Language detection against the labelled language, with the mistakes counted."""
        result = self._language.report()
        wrong = Counter((g, p) for g, p in zip(self._language.gold, self._language.predicted, strict=True) if g != p)
        mistakes = ", ".join(f"{g}→{p} {n}" for (g, p), n in sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0])))
        return f"language detection: n={result.n}  accuracy {result.accuracy:.3f}" + (f"  (mistakes: {mistakes})" if mistakes else "")
