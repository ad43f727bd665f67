"""Triage figures on the public test sets, each measured the way its paper does (`make eval`).

The sets are read at run time from ``../shared/datasets`` beside the repository (or
``--datasets DIR``); nothing of them is copied into the project. Each set is triaged with
the language detected (the set's language is only a hint, as a conversation's would be),
and its test split is scored against the set's own labels through the mapping printed
with it. The summary ends with the project's own labelled set (its hash ``test`` split).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from otklik.triage import Triage, analyse
from otklik.triage.evaluate import Report, Scoreboard, parse_gold, read_lines, render_report, report, split_of

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
OWN_SET = ROOT / "data" / "triage"

Record = dict[str, object]
_SHORT = {"negative": "neg", "neutral": "neu", "positive": "pos"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline number (0–1) and the target the project set for it (in %), if any."""

    name: str
    value: float
    target: float | None = None

    def line(self) -> str:
        """``name 61.2  target ≥ 68 (below)``, in percent as the papers print them."""
        shown = round(100 * self.value, 1)
        text = f"{self.name} {shown:.1f}"
        if self.target is not None:
            verdict = "met" if shown >= self.target else "below"  # judged on the number shown
            text += f"  target ≥ {self.target:g} ({verdict})"
        return text


@dataclass(slots=True)
class Outcome:
    """What one benchmark printed: its figures and the tables behind them."""

    figures: list[Figure] = field(default_factory=list)
    tables: list[tuple[str, Report, bool]] = field(default_factory=list)


def _flag(record: Record, key: str) -> str:
    return "yes" if record.get(key) == 1 else "no"


def _offensive(result: Triage) -> str:
    return "yes" if result.kind.value == "insult" or result.abusive else "no"


def _kind_is(kind: str) -> Callable[[Triage], str]:
    return lambda result: "yes" if result.kind.value == kind else "no"


def _sentiment(result: Triage) -> str:
    return _SHORT[result.sentiment.value]


def _yes_no(records: Sequence[Record], results: Sequence[Triage], key: str, predict: Callable[[Triage], str]) -> Report:
    return report([_flag(r, key) for r in records], [predict(t) for t in results], ["yes", "no"])


def _sentiment_report(records: Sequence[Record], results: Sequence[Triage]) -> Report:
    return report([str(r["sentiment"]) for r in records], [_sentiment(t) for t in results], ["neg", "neu", "pos"])


# --- the benchmarks --------------------------------------------------------------------


def tweeteval_sentiment(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """SemEval-2017 4A as TweetEval scores it: recall averaged over the three classes."""
    result = _sentiment_report(records, results)
    return Outcome([Figure("macro-recall (neg/neu/pos)", result.macro_recall, 68)], [("sentiment", result, True)])


def tweeteval_offensive(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """OffensEval 2019 as TweetEval scores it: F1 averaged over offensive and not."""
    result = _yes_no(records, results, "insult", _offensive)
    return Outcome([Figure("macro-F1 (offensive/not)", result.macro_f1, 75)], [("offensive (yes = offensive)", result, True)])


def complaints(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """Preoţiuc-Pietro et al. 2019: F1 of the complaint class."""
    result = _yes_no(records, results, "complaint", _kind_is("complaint"))
    addressed = [(r, t) for r, t in zip(records, results, strict=True) if not str(r.get("domain", "")).startswith("random_")]
    harder = _yes_no([r for r, _ in addressed], [t for _, t in addressed], "complaint", _kind_is("complaint"))
    return Outcome(
        [
            Figure("F1 of complaint", result.of("yes").f1, 80),
            Figure(f"F1 of complaint without the random tweets (n={harder.n})", harder.of("yes").f1),
        ],
        [("complaint (yes = complaint)", result, True)],
    )


def rusentiment(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """RuSentiment: F1 weighted by class size, over the classes that carry a sentiment."""
    result = _sentiment_report(records, results)
    return Outcome([Figure("weighted F1 (neg/neu/pos)", result.weighted_f1, 72)], [("sentiment", result, True)])


def poleval_harmful(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """PolEval 2019 task 6.1: F1 of the harmful class."""
    result = _yes_no(records, results, "insult", _offensive)
    return Outcome([Figure("F1 of harmful", result.of("yes").f1, 60)], [("harmful (yes = harmful)", result, True)])


def airline(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """Airline tweets: complaint and compliment F1, sentiment macro-F1 (no paper)."""
    complaint = _yes_no(records, results, "complaint", _kind_is("complaint"))
    compliment = _yes_no(records, results, "compliment", _kind_is("compliment"))
    sentiment = _sentiment_report(records, results)
    return Outcome(
        [
            Figure("F1 of complaint", complaint.of("yes").f1),
            Figure("F1 of compliment", compliment.of("yes").f1),
            Figure("sentiment macro-F1 (neg/neu/pos)", sentiment.macro_f1),
        ],
        [
            ("complaint (yes = complaint)", complaint, False),
            ("compliment (yes = compliment)", compliment, False),
            ("sentiment", sentiment, True),
        ],
    )


def tweet_acts(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """Tweet acts: F1 of question (QUE and REQ)."""
    result = _yes_no(records, results, "question", _kind_is("question"))
    return Outcome([Figure("F1 of question", result.of("yes").f1)], [("question (yes = QUE or REQ)", result, True)])


def toxicity(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """Russian distorted toxicity: F1 of toxic."""
    result = _yes_no(records, results, "insult", _offensive)
    return Outcome([Figure("F1 of toxic", result.of("yes").f1)], [("toxic (yes = toxic)", result, True)])


def sentirueval(records: Sequence[Record], results: Sequence[Triage]) -> Outcome:
    """SentiRuEval-2016: macro-F1 over three classes, and the task's own mean of F1(pos), F1(neg)."""
    result = _sentiment_report(records, results)
    pos_neg = (result.of("pos").f1 + result.of("neg").f1) / 2
    return Outcome(
        [Figure("sentiment macro-F1 (neg/neu/pos)", result.macro_f1), Figure("mean F1 of pos and neg (the task's own measure)", pos_neg)],
        [("sentiment", result, True)],
    )


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One public test set, the records it scores and how."""

    name: str
    title: str
    folder: str
    lang: str
    mapping: str
    select: Callable[[Record], bool]
    measure: Callable[[Sequence[Record], Sequence[Triage]], Outcome]


def _test(task: str | None = None, *, needs: str | None = None) -> Callable[[Record], bool]:
    def select(record: Record) -> bool:
        return (
            record.get("split") == "test"
            and (task is None or record.get("task") == task)
            and (needs is None or record.get(needs) is not None)
        )

    return select


OFFENSIVE = "predicted offensive = kind insult, or abusive language whatever the kind"
BENCHMARKS = (
    Benchmark(
        "tweeteval-sentiment",
        "TweetEval sentiment (SemEval-2017 4A), official test",
        "tweeteval_en",
        "en",
        "gold negative/neutral/positive; predicted = our sentiment",
        _test("sentiment"),
        tweeteval_sentiment,
    ),
    Benchmark(
        "tweeteval-offensive",
        "TweetEval offensive (OffensEval 2019), official test",
        "tweeteval_en",
        "en",
        f"gold offensive/not; {OFFENSIVE}",
        _test("offensive"),
        tweeteval_offensive,
    ),
    Benchmark(
        "complaints",
        "Complaints on social media (Preoţiuc-Pietro et al. 2019), hash test split",
        "complaints_twitter_en",
        "en",
        "gold complaint 1/0; predicted complaint = kind complaint",
        _test("complaint"),
        complaints,
    ),
    Benchmark(
        "rusentiment",
        "RuSentiment, official test",
        "rusentiment_ru",
        "ru",
        "gold positive/negative/neutral; speech (greetings, thanks) and skip carry no sentiment and are left out; "
        "the paper's 72.8 is weighted over all five classes",
        _test("sentiment", needs="sentiment"),
        rusentiment,
    ),
    Benchmark(
        "poleval",
        "PolEval 2019 task 6.1 (harmful tweets), official test",
        "poleval2019_cyberbullying_pl",
        "pl",
        "gold harmful (cyberbullying or hate) / not; predicted harmful = kind insult, or abusive language whatever the kind",
        _test("harmful"),
        poleval_harmful,
    ),
    Benchmark(
        "airline",
        "Twitter US airline sentiment, hash test split",
        "twitter_airline_sentiment_en",
        "en",
        "gold negative → complaint, positive → compliment (the README's mapping); predicted = kind complaint / kind compliment, and our sentiment",
        _test("airline_sentiment"),
        airline,
    ),
    Benchmark(
        "tweet-acts",
        "Tweet acts (Saha et al. 2019), hash test split",
        "tweet_acts_en",
        "en",
        "gold question = QUE or REQ; predicted question = kind question",
        _test("tweet_act"),
        tweet_acts,
    ),
    Benchmark(
        "toxicity-ru",
        "Russian distorted toxicity (VK comments), hash test split",
        "russian_distorted_toxicity_ru",
        "ru",
        "gold toxic 1/0; predicted toxic = kind insult, or abusive language whatever the kind",
        _test("toxicity"),
        toxicity,
    ),
    Benchmark(
        "sentirueval",
        "SentiRuEval-2016 (banks and telecoms), official gold test",
        "sentirueval2016_ru",
        "ru",
        "gold sentiment towards the company (tweets with mixed sentiment left out); predicted = our sentiment",
        _test("entity_sentiment", needs="sentiment"),
        sentirueval,
    ),
)


# --- running them --------------------------------------------------------------------


def _records(path: Path, select: Callable[[Record], bool]) -> Iterator[Record]:
    with path.open("rb") as handle:
        for _number, record, reason in read_lines(handle):
            if record is None:
                raise SystemExit(f"{path}: {reason}")
            if select(record):
                yield record


def _subsample(records: list[Record], limit: int | None) -> list[Record]:
    """The ``limit`` records with the lowest sha1 of their id: the same ones every run."""
    if limit is None or len(records) <= limit:
        return records
    return sorted(records, key=lambda r: hashlib.sha1(str(r["id"]).encode(), usedforsecurity=False).hexdigest())[:limit]


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the closing summary."""

    label: str
    n: int
    figure: Figure


def run_benchmark(bench: Benchmark, datasets: Path, limit: int | None) -> list[Row]:
    """Triage one set's test split, print its figures and tables, return its summary rows."""
    path = datasets / bench.folder / "normalized.jsonl"
    print(f"== {bench.title} [{bench.name}] ==")
    if not path.is_file():
        print(f"  skipped: {path} not found\n")
        return []
    every = list(_records(path, bench.select))
    records = _subsample(every, limit)
    if len(records) < len(every):
        print(f"  subsample: {len(records)} of {len(every)} test records (the lowest sha1 of their id, the same every run)")
    print(f"  {bench.folder}, {bench.lang}; mapping: {bench.mapping}")
    started = time.perf_counter()
    # the set's language is a hint, as a conversation's would be; the text decides
    results = [analyse(str(r["text"]), hint=bench.lang) for r in records]
    elapsed = time.perf_counter() - started
    outcome = bench.measure(records, results)
    print(f"  n={len(records)}")
    for figure in outcome.figures:
        print(f"  {figure.line()}")
    for title, table, confusion in outcome.tables:
        print(_indent(render_report(title, table, confusion=confusion), "    "))
    detected = Counter(t.language for t in results)
    share = detected[bench.lang] / len(results) if results else 0.0
    others = ", ".join(f"{lang} {n}" for lang, n in detected.most_common() if lang != bench.lang)
    print(f"  language: {100 * share:.1f} % detected as {bench.lang}" + (f" (else: {others})" if others else ""))
    rate = len(records) / elapsed if elapsed > 0 else 0.0
    print(f"  time: {len(records)} items in {elapsed:.1f} s, {rate:,.0f} items/s (one process)\n")
    return [Row(bench.name, len(records), figure) for figure in outcome.figures]


def own_set(directory: Path) -> list[Row]:
    """Kind macro-F1 per language on the project's labelled set, hash ``test`` split, language detected."""
    board = Scoreboard()
    for path in sorted(directory.glob("*.jsonl")):
        with path.open("rb") as handle:
            for _number, record, _reason in read_lines(handle):
                if record is None:
                    continue  # `otklik eval` names bad lines; the summary only counts good ones
                gold = parse_gold(record)
                if split_of(str(gold.item.id)) != "test":
                    continue
                result = analyse(gold.item.text, addressing=gold.item.addressing, followers=gold.item.author_followers)
                board.add(
                    gold,
                    lang=result.language,
                    kind=result.kind.value,
                    sentiment=result.sentiment.value,
                    urgent=result.urgent,
                    outage=result.outage,
                )
    rows = []
    for lang in board.languages:
        kind = board.report(lang, "kind")
        if kind is not None:
            rows.append(Row(f"own set, {lang}", kind.n, Figure("kind macro-F1", kind.macro_f1, 85)))
    return rows


def _summary(rows: Sequence[Row]) -> str:
    width = max(len(r.label) for r in rows)
    lines = [f"  {row.label.ljust(width)}  n={str(row.n).rjust(5)}  {row.figure.line()}" for row in rows]
    return "\n".join(["== summary (figures in %) ==", *lines])


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark whose data is present, then print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="the folder of public sets (default: ../shared/datasets)")
    parser.add_argument("--only", action="append", choices=[b.name for b in BENCHMARKS], help="run only this benchmark (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="score at most this many records per set (a fixed subsample)")
    parser.add_argument("--own-set", type=Path, default=OWN_SET, help="the project's labelled set (default: data/triage)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    started = time.perf_counter()
    if args.datasets.is_dir():
        print(
            f"public test sets from {args.datasets}; figures in % as their papers print them; language detected, the set's language used only as a hint\n"
        )
        for bench in BENCHMARKS:
            if args.only is None or bench.name in args.only:
                rows.extend(run_benchmark(bench, args.datasets, args.limit))
    else:
        print(f"public sets skipped: {args.datasets} not found")
    if args.own_set.is_dir():
        rows.extend(own_set(args.own_set))
    if rows:
        print(_summary(rows))
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
