"""Triage figures: items/s on one core, the cost of each stage and of a schema decision, and
the worker's triage pass through the database (SQLite), end to end.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import BenchResult, latency_summary_ms
from otklik.bootstrap import build_services
from otklik.clock import FixedClock
from otklik.config import Settings
from otklik.domain.items import Addressing, Author, ItemDraft
from otklik.services.ingest import ingest_items
from otklik.services.triage import triage_pending
from otklik.triage import analyse
from otklik.triage.classify import prepare
from otklik.triage.language import detect_language
from otklik.triage.schema import load_schema
from otklik.triage.text import tokenize

DATA = Path(__file__).resolve().parent.parent / "data" / "triage"


def _texts() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend({"text": r["text"], "addressing": r["addressing"], "lang": r["lang"]} for r in map(json.loads, handle))
    return rows


def _rate(fn: object, texts: list[str]) -> tuple[float, list[float]]:
    """Items per CPU second (process time: other processes on the machine do not count)."""
    call = fn  # a callable taking one text
    samples: list[float] = []
    started = time.process_time()
    for text in texts:
        t0 = time.perf_counter()
        call(text)  # type: ignore[operator]
        samples.append(time.perf_counter() - t0)
    return len(texts) / (time.process_time() - started), samples


def run(*, quick: bool = False) -> BenchResult:
    """Run the triage benchmark."""
    result = BenchResult("triage")
    rows = _texts()
    texts = [r["text"] for r in rows]
    rounds = 1 if quick else 4
    corpus = texts * rounds
    analyse(texts[0])  # load the models and the language fallback once
    for text in texts:  # warm the per-word caches, as a running worker has them
        analyse(text)

    stages = result.section("triage on one core", ["items", "items_per_s", "us_per_item", "p50_ms", "p99_ms"])
    for label, fn in (
        ("tokenize", tokenize),
        ("language", detect_language),
        ("prepare (tokens, language, lexicons, features)", prepare),
        ("analyse (everything, with evidence)", analyse),
    ):
        rate, samples = _rate(fn, corpus)
        summary = latency_summary_ms(samples)
        stages.add(
            label,
            items=len(corpus),
            items_per_s=round(rate),
            us_per_item=round(1e6 / rate),
            p50_ms=summary["p50_ms"],
            p99_ms=summary["p99_ms"],
        )
        if label.startswith("analyse"):
            result.figures["triage_items_per_s"] = round(rate)
    stages.notes.append(
        f"{len(texts)} labelled posts (ru, pl, en, uk; mean {sum(map(len, texts)) / len(texts):.0f} characters), {rounds}x; CPU time of this process"
    )

    schema = load_schema(None)
    triaged = [(analyse(r["text"], addressing=r["addressing"]), r) for r in rows]
    facts = [schema.facts(t, addressing=r["addressing"], channel="x", text=r["text"]) for t, r in triaged]
    decide = result.section("response schema", ["decisions", "us_per_decision"])
    started = time.process_time()
    for _ in range(rounds * 5):
        for f in facts:
            schema.decide(f)
    elapsed = time.process_time() - started
    decide.add(
        "decide (11 rules, first match)",
        decisions=len(facts) * rounds * 5,
        us_per_decision=round(elapsed / (len(facts) * rounds * 5) * 1e6, 2),
    )
    started = time.process_time()
    for t, r in triaged:
        schema.facts(t, addressing=r["addressing"], channel="x", text=r["text"])
    decide.add(
        "facts (signals, words for keyword rules)",
        decisions=len(triaged),
        us_per_decision=round((time.process_time() - started) / len(triaged) * 1e6, 2),
    )
    result.figures["schema_decide_us"] = decide.rows[0].values["us_per_decision"]

    worker = result.section("worker triage pass (SQLite, one transaction per batch of 500)", ["items", "items_per_s", "seconds"])
    count = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(environment="test", data_dir=Path(tmp), secret_key=secrets.token_urlsafe(32))
        clock = FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
        services = build_services(settings, clock=clock)
        try:
            drafts = [
                ItemDraft(
                    source="bench",
                    external_id=f"b{i}",
                    author=Author(external_id=f"u{i % 3000}", name="Anna", handle="@anna"),
                    text=rows[i % len(rows)]["text"],
                    created_at=clock.now() - timedelta(minutes=i % 500),
                    addressing=Addressing(rows[i % len(rows)]["addressing"]),
                    account="@brand",
                )
                for i in range(count)
            ]
            for start in range(0, count, 1000):
                ingest_items(drafts[start : start + 1000], uow=services.uow(), clock=clock)
            active = services.schema
            wall = time.perf_counter()
            done = 0
            while n := triage_pending(uow_factory=services.uow, clock=clock, active=active, limit=500):
                done += n
            seconds = time.perf_counter() - wall
        finally:
            services.close()
    worker.add(
        "queued items triaged and decided, conversations updated", items=done, items_per_s=round(done / seconds), seconds=round(seconds, 2)
    )
    result.figures["worker_triage_items_per_s"] = round(done / seconds)
    return result
