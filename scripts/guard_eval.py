"""How well the reply guards do (`make guard-eval`).

1. Precision and recall per guard on the labelled pairs in ``data/guards/pairs.jsonl``
   (see ``data/guards/README.md``): each pair's ``history`` is indexed as the brand's
   earlier replies, then the reply is checked the way the desk checks a draft.
2. When ``<repo>/../shared/datasets`` exists: real brand replies (``twcs_sample_en``,
   ``ibm_twitter_customer_care_en``) replayed in time order through one index per brand —
   the share each brand's replies the scripted guard flags against that brand's earlier
   replies, and five flagged examples.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from otklik.guards import Draft, GuardConfig, ReplyContext, ReplyIndex, check_reply
from otklik.guards.index import Match
from otklik.guards.scripted import check_scripted

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "data" / "guards" / "pairs.jsonl"
DATASETS = ROOT.parent / "shared" / "datasets"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TONE_CODES = ("blame", "argue", "sarcasm", "personal", "shouting", "address")


@dataclass
class Score:
    """Counts for one guard: flagged by the guard vs labelled as a problem."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, predicted: bool, expected: bool, example: str) -> None:
        """Count one pair."""
        if predicted and expected:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.errors.append(f"false alarm  {example}")
        elif expected:
            self.fn += 1
            self.errors.append(f"missed       {example}")
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        """Share of the guard's flags that were right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        """Share of the labelled problems the guard flagged."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise SystemExit(f"{path}:{number}: {exc}") from exc


def _short(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def evaluate_pairs(path: Path, *, show_errors: bool) -> dict[str, Score]:
    """Run every guard over every labelled pair and count hits against the labels."""
    config = GuardConfig()
    scores: dict[str, Score] = defaultdict(Score)
    started = time.perf_counter()
    rows = list(_read_jsonl(path))
    for row in rows:
        history: list[str] = row["history"]
        index = ReplyIndex(threshold=config.scripted_threshold)
        for i, text in enumerate(history):
            index.add(i, text, NOW - timedelta(days=len(history) - i))
        context = ReplyContext(
            messages=(row["customer"],),
            language=row["lang"],
            kind=row["kind"],
            channel=row["channel"],
            now=NOW,
            customer_name=row.get("customer_name") or "",
            address=row.get("address"),
            brand_names=(row["brand"], row.get("brand_handle") or ""),
        )
        report = check_reply(Draft(row["reply"]), context, index=index, config=config)
        codes = report.codes()
        tone = {c.split(".", 1)[1] for c in codes if c.startswith("tone.")}
        example = f"{row['id']}: {_short(row['reply'])}"
        scores["scripted"].add("scripted.near_duplicate" in codes, row["scripted"], example)
        if report.scripted is not None and report.scripted.informative:
            scores["scripted (informative)"].add("scripted.near_duplicate" in codes, row["scripted"], example)
        scores["personal"].add("personal.not_personal" in codes, not row["personal"], example)
        scores["tone (any)"].add(bool(tone), bool(row["tone"]), f"{example} {sorted(tone)} vs {row['tone']}")
        for code in TONE_CODES:
            scores[f"tone.{code}"].add(code in tone, code in row["tone"], example)
        empathy = bool(codes & {"empathy.no_acknowledgement", "empathy.no_thanks"})
        scores["empathy"].add(empathy, not row["empathy_ok"], example)
        scores["language"].add("language.wrong_language" in codes, not row["language_ok"], example)
    elapsed = time.perf_counter() - started
    langs = Counter(r["lang"] for r in rows)
    print(f"## Labelled pairs: {path.relative_to(ROOT)} ({len(rows)} pairs: {', '.join(f'{k} {v}' for k, v in sorted(langs.items()))})")
    print(f"{'guard':<24}{'labelled':>9}{'flagged':>9}{'precision':>11}{'recall':>8}")
    for name, s in scores.items():
        print(f"{name:<24}{s.tp + s.fn:>9}{s.tp + s.fp:>9}{s.precision:>11.2f}{s.recall:>8.2f}")
    print(f"  * a guard's positive class is 'this reply has the problem'; {elapsed * 1000 / max(len(rows), 1):.1f} ms per pair")
    print("  * scripted (informative): the pairs whose reply is long enough to be judged (short thank-yous are not, by design)")
    if show_errors:
        for name, s in scores.items():
            if s.errors:
                print(f"\n### {name}")
                for line in s.errors:
                    print("  " + line)
    print()
    return scores


@dataclass(frozen=True, slots=True)
class Sent:
    """One brand reply from a public data set."""

    brand: str
    reply: str
    at: datetime
    customer: str


def _twcs(folder: Path) -> Iterator[Sent]:
    for row in _read_jsonl(folder / "pairs.jsonl"):
        at = datetime.strptime(row["reply_created_at"], "%a %b %d %H:%M:%S %z %Y")
        yield Sent(row["brand"], row["reply_text"], at.astimezone(UTC), row["customer_text"])


def _duration(text: str) -> timedelta:
    """ "01:26:53.0" or "6-01:26:53.0" (days-hours…); zero when unreadable."""
    days, _, clock = text.rpartition("-")
    try:
        hours, minutes, seconds = clock.split(":")
        return timedelta(days=int(days or 0), hours=int(hours), minutes=int(minutes), seconds=float(seconds))
    except ValueError:
        return timedelta(0)


def _ibm(folder: Path) -> Iterator[Sent]:
    """IBM pairs carry no times: take them from the raw dialogues (agent turns; the closing link at the end)."""
    times: dict[tuple[str, str], datetime] = {}
    ends: dict[str, datetime] = {}
    for split in ("dev", "test"):
        raw = folder / "raw" / f"{split}.json"
        if not raw.exists():
            continue
        for dialog in json.loads(raw.read_text(encoding="utf-8")):
            header = dialog["dialogHeader"]
            start = datetime.fromisoformat(header["conversationDateTime"].replace("Z", "+00:00"))
            ends[header["sessionID"]] = start + _duration(header.get("duration", ""))
            for turn in dialog["dialogContent"]:
                if "agent" in turn:
                    times[(header["sessionID"], turn["message"])] = datetime.fromisoformat(turn["datetime"].replace("Z", "+00:00"))
    for row in _read_jsonl(folder / "pairs.jsonl"):
        session = row["session"]
        at = times.get((session, row["reply_text"])) or ends.get(session) or NOW
        yield Sent(row["company"], row["reply_text"], at, row["customer_text"])


@dataclass
class BrandReplay:
    """One brand's replay: how many replies, how many judged and flagged."""

    replies: int = 0
    judged: int = 0
    flagged: int = 0
    examples: list[tuple[Sent, Match]] = field(default_factory=list)


def replay(sent: Iterable[Sent], config: GuardConfig) -> dict[str, BrandReplay]:
    """Check each reply against its brand's earlier replies, in time order, then index it."""
    by_brand: dict[str, BrandReplay] = defaultdict(BrandReplay)
    indexes: dict[str, ReplyIndex] = {}
    for n, item in enumerate(sorted(sent, key=lambda s: s.at)):
        index = indexes.setdefault(item.brand, ReplyIndex(threshold=config.scripted_threshold))
        context = ReplyContext(messages=(item.customer,), language="en", kind="question", channel="x", now=item.at)
        check = check_scripted(item.reply, context, index=index, config=config)
        stats = by_brand[item.brand]
        stats.replies += 1
        stats.judged += check.informative
        if check.scripted and check.result is not None:
            stats.flagged += 1
            stats.examples.append((item, check.result.closest[0]))
        index.add(n, item.reply, item.at)
    return by_brand


def print_replay(title: str, by_brand: dict[str, BrandReplay], *, min_replies: int, examples: int) -> None:
    """The per-brand table and a few flagged examples from different brands."""
    total = sum(b.replies for b in by_brand.values())
    flagged = sum(b.flagged for b in by_brand.values())
    print(f"## {title}: {total} replies, {len(by_brand)} brands, {flagged} flagged ({flagged / max(total, 1):.1%})")
    print(f"{'brand':<22}{'replies':>8}{'judged':>8}{'flagged':>8}{'share':>8}{'of judged':>11}")
    shown = sorted(
        ((k, v) for k, v in by_brand.items() if v.replies >= min_replies), key=lambda kv: (-kv[1].flagged / kv[1].replies, kv[0])
    )
    for brand, b in shown:
        print(f"{brand:<22}{b.replies:>8}{b.judged:>8}{b.flagged:>8}{b.flagged / b.replies:>8.1%}{b.flagged / max(b.judged, 1):>11.1%}")
    rest = [b for b in by_brand.values() if b.replies < min_replies]
    if rest:
        r_total, r_flagged = sum(b.replies for b in rest), sum(b.flagged for b in rest)
        print(
            f"{f'({len(rest)} brands < {min_replies})':<22}{r_total:>8}{sum(b.judged for b in rest):>8}{r_flagged:>8}{r_flagged / max(r_total, 1):>8.1%}"
        )
    print("  * judged: long enough to be judged; share: flagged of all replies; of judged: flagged of judged replies")
    picked: list[tuple[str, Sent, Match]] = []
    for brand, b in sorted(by_brand.items(), key=lambda kv: -kv[1].flagged):
        if b.examples and len(picked) < examples:
            item, match = b.examples[len(b.examples) // 2]
            picked.append((brand, item, match))
    for brand, item, match in picked:
        print(f"  - {brand} {item.at:%Y-%m-%d %H:%M}, similarity {match.similarity:.2f} to a reply of {match.sent_at:%Y-%m-%d %H:%M}")
        print(f"      reply:   {_short(item.reply, 150)}")
        print(f"      earlier: {_short(match.text, 150)}")
    print()


def main(argv: list[str] | None = None) -> int:
    """Print the figures; ``--errors`` also lists every pair a guard got wrong."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.guard_eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=Path, default=PAIRS, help="labelled pairs (JSON lines)")
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="folder of the public data sets")
    parser.add_argument("--errors", action="store_true", help="list the pairs each guard got wrong")
    parser.add_argument("--min-replies", type=int, default=10, help="brands with fewer replies are summed in one line")
    args = parser.parse_args(argv)
    evaluate_pairs(args.pairs.resolve(), show_errors=args.errors)
    config = GuardConfig()
    sources = {"twcs_sample_en": _twcs, "ibm_twitter_customer_care_en": _ibm}
    if not args.datasets.is_dir():
        print(f"(no {args.datasets}: real brand replies skipped)")
        return 0
    for name, read in sources.items():
        folder = args.datasets / name
        if not (folder / "pairs.jsonl").exists():
            print(f"({folder / 'pairs.jsonl'} missing: skipped)")
            continue
        started = time.perf_counter()
        by_brand = replay(read(folder), config)
        print_replay(f"{name} (replayed in {time.perf_counter() - started:.1f} s)", by_brand, min_replies=args.min_replies, examples=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
