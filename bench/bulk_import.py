"""Bulk import: ``otklik import FILE`` as a subprocess over a generated JSONL file.

Then, in-process, where the time goes: the reader's work (orjson + pydantic + flattening,
done in a second process during an import) versus storing (``services.ingest.store_prepared``,
this process), how many SQL statements each item costs, and a cProfile breakdown of the store
step by library.
"""

from __future__ import annotations

import cProfile
import itertools
import secrets
import sqlite3
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, LargeBinary, create_engine, event, func, select

from bench import corpus
from bench.profiles import summarise
from bench.report import BenchResult
from bench.server import otklik, server_env
from otklik.bootstrap import build_services
from otklik.channels.files import read_items
from otklik.config import Settings
from otklik.domain.items import ItemDraft
from otklik.services.importer import FileReader
from otklik.services.ingest import ITEM_COLUMNS, PreparedItem, prepare, store_prepared
from otklik.store import tables as t

SOURCE = "imp"
TARGET_ITEMS_PER_S = 15_000
CLI_BATCH = 20_000  # the CLI's default --batch


def write_jsonl(path: Path, count: int, *, seed: int = 3) -> tuple[int, float]:
    """Write ``count`` items as JSON lines; returns (bytes, share of threaded items)."""
    threaded = 0
    with path.open("wb") as out:
        for obj in corpus.items(count, prefix="imp", seed=seed):
            threaded += "parent_external_id" in obj
            out.write(orjson.dumps(obj) + b"\n")
    return path.stat().st_size, threaded / count


def run_cli_import(path: Path, data_dir: Path) -> tuple[float, str]:
    """Time ``python -m otklik import`` end to end; returns (seconds, last line of its output)."""
    started = time.perf_counter()
    done = subprocess.run(
        otklik("import", str(path), "--source", SOURCE, "--data-dir", str(data_dir)),
        env=server_env(COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"otklik import failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return elapsed, lines[-1] if lines else ""


def count_db(db: Path) -> dict[str, Any]:
    """Items, conversations and events in an imported database, and bytes per item by language."""
    engine = create_engine(f"sqlite:///{db}")
    tables = (("items", t.items), ("conversations", t.conversations), ("events", t.events))
    with engine.connect() as conn:
        counts: dict[str, Any] = {name: int(conn.execute(select(func.count()).select_from(table)).scalar_one()) for name, table in tables}
        sizes = conn.execute(
            select(
                t.items.c.language,
                func.avg(func.length(func.cast(t.items.c.text, LargeBinary))),
                func.avg(func.length(func.cast(t.items.c.raw, LargeBinary))),
            ).group_by(t.items.c.language)
        )
        counts["bytes_per_item"] = {
            str(lang): {"text": round(float(text_b)), "raw_json": round(float(raw_b))} for lang, text_b, raw_b in sizes
        }
    engine.dispose()
    wal = db.with_name(db.name + "-wal")
    counts["db_mb"] = (db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6
    return counts


@contextmanager
def statement_counter(engine: Engine) -> Iterator[Counter[str]]:
    """Count statements executed on ``engine`` by their first word (SELECT, INSERT, …)."""
    counts: Counter[str] = Counter()

    def listener(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, many: bool) -> None:
        counts[statement.lstrip().split(None, 1)[0].upper() + (" (executemany)" if many else "")] += 1

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _settings(data_dir: Path) -> Settings:
    return Settings(environment="test", data_dir=data_dir, secret_key=secrets.token_urlsafe(32))


def time_reader(path: Path) -> float:
    """Seconds the import's reader process takes for the whole file, its chunks taken as they come."""
    started = time.perf_counter()
    reader = FileReader(path, source=SOURCE)
    try:
        while reader.next_message() is not None:
            pass
    finally:
        reader.close()
    return time.perf_counter() - started


def profile_in_process(path: Path, work: Path, *, sample: int) -> dict[str, Any]:
    """Where an import spends its time, measured in this process on the first ``sample`` lines."""
    started = time.perf_counter()
    parsed = list(itertools.islice(read_items(path, source=SOURCE), sample))
    drafts: list[ItemDraft] = [line.draft for line in parsed if line.draft is not None]
    parse_s = time.perf_counter() - started
    prepare_started = time.perf_counter()
    prepared = [prepare(draft) for draft in drafts]
    prepare_s = time.perf_counter() - prepare_started

    json_started = time.perf_counter()
    with path.open("rb") as handle:
        for line in itertools.islice(handle, sample):
            orjson.loads(line)
    json_s = time.perf_counter() - json_started

    def store(
        data_dir: Path, items: list[PreparedItem], *, profile: cProfile.Profile | None = None, count: bool = False
    ) -> tuple[float, Counter[str]]:
        services = build_services(_settings(data_dir))
        counts: Counter[str] = Counter()
        try:
            # Counting statements puts a listener on the engine, which sends the fast path's
            # statements through SQLAlchemy: counted runs are not timed.
            with statement_counter(services.engine) if count else nullcontext(counts) as counts:
                began = time.perf_counter()
                if profile is not None:
                    profile.enable()
                for start in range(0, len(items), CLI_BATCH):
                    with services.uow(write=True) as uow:
                        store_prepared(items[start : start + CLI_BATCH], uow=uow, now=services.clock.now())
                        uow.commit()
                if profile is not None:
                    profile.disable()
                return time.perf_counter() - began, counts
        finally:
            services.close()

    store_s, _ = store(work / "plain", prepared)
    floor_s = sqlite_floor(work / "plain" / "otklik.db", prepared, work / "floor")
    profiled_n = min(len(prepared), 5_000)
    _, counts = store(work / "counted", prepared[:profiled_n], count=True)
    profiler = cProfile.Profile()
    store(work / "profiled", prepared[:profiled_n], profile=profiler)
    breakdown = summarise(profiler_stats(profiler))
    n = len(drafts)
    return {
        "sample_items": n,
        "parse_us_per_item": 1e6 * parse_s / n,
        "orjson_us_per_item": 1e6 * json_s / n,
        "pydantic_and_draft_us_per_item": 1e6 * (parse_s - json_s) / n,
        "prepare_us_per_item": 1e6 * prepare_s / n,
        "store_us_per_item": 1e6 * store_s / n,
        "store_items_per_s": n / store_s,
        "sqlite_floor_us_per_item": 1e6 * floor_s / n,
        "statements_per_item": sum(counts.values()) / profiled_n,
        "statements": dict(counts),
        "profile_items": profiled_n,
        "profile_total_s": breakdown.total_s,
        "profile_buckets": [(name, round(100 * s / breakdown.total_s, 1)) for name, s in breakdown.buckets],
        "profile_by_own": [(h.name, h.calls, round(h.own_s, 3)) for h in breakdown.by_own],
        "profile_otklik_by_cumulative": [(h.name, h.calls, round(h.cumulative_s, 3)) for h in breakdown.by_cumulative],
    }


def sqlite_floor(stored: Path, prepared: list[PreparedItem], data_dir: Path) -> float:
    """Seconds SQLite alone takes to insert these items' rows: the least any import could cost.

    The rows go into the real schema (its indexes, pragmas and page size) with the conversation
    ids the store gave them, through the driver, in the largest multi-row INSERTs and the
    import's transactions; no look-ups, no conversations, no events, no Python work per item.
    """
    with closing(sqlite3.connect(stored)) as db:
        placed = [int(c) for (c,) in db.execute("SELECT conversation_id FROM items ORDER BY id")]
    services = build_services(_settings(data_dir))
    database = services.engine.url.database
    services.close()
    received = "2026-01-01 00:00:00.000000"
    rows = [(i, c, *p.row, received) for i, (p, c) in enumerate(zip(prepared, placed, strict=True), start=1)]
    columns = ("id", "conversation_id", *ITEM_COLUMNS, "received_at")
    per_statement = 1024
    head = f"INSERT INTO items ({', '.join(columns)}) VALUES "  # noqa: S608 - our own column names
    one_row = "(" + ", ".join("?" * len(columns)) + ")"

    def insert_sql(count: int) -> str:
        return head + ", ".join([one_row] * count)

    full = insert_sql(per_statement)
    with closing(sqlite3.connect(str(database), isolation_level=None)) as db:
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-32768")
        db.execute("PRAGMA foreign_keys=OFF")  # the conversations are not there
        began = time.perf_counter()
        for start in range(0, len(rows), CLI_BATCH):
            batch = rows[start : start + CLI_BATCH]
            db.execute("BEGIN IMMEDIATE")
            for at in range(0, len(batch), per_statement):
                chunk = batch[at : at + per_statement]
                db.execute(full if len(chunk) == per_statement else insert_sql(len(chunk)), tuple(itertools.chain.from_iterable(chunk)))
            db.execute("COMMIT")
        return time.perf_counter() - began


def profiler_stats(profiler: cProfile.Profile) -> Any:
    """The pstats of a profiler."""
    import pstats

    return pstats.Stats(profiler)


def run(*, quick: bool, profile: bool = True) -> BenchResult:
    """Generate the file, import it through the CLI, then explain the figure."""
    started = time.perf_counter()
    count = 20_000 if quick else 200_000
    result = BenchResult("import")
    with tempfile.TemporaryDirectory(prefix="otklik-bench-import-") as tmp:
        work = Path(tmp)
        path = work / "items.jsonl"
        gen_started = time.perf_counter()
        size, threaded = write_jsonl(path, count)
        gen_s = time.perf_counter() - gen_started
        tiny = work / "one.jsonl"
        tiny.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")
        startup_s, _ = run_cli_import(tiny, work / "startup")
        wall_s, summary = run_cli_import(path, work / "data")
        reader_s = time_reader(path)
        counts = count_db(work / "data" / "otklik.db")
        figures: dict[str, Any] = {
            "items": count,
            "file_mb": size / 1e6,
            "threaded_share": threaded,
            "generate_s": gen_s,
            "wall_s": wall_s,
            "startup_s": startup_s,
            "reader_s": reader_s,
            "items_per_s": count / wall_s,
            "items_per_s_excluding_startup": count / max(1e-9, wall_s - startup_s),
            "cli_summary": summary,
            **{f"db_{k}": v for k, v in counts.items()},
        }
        if profile:
            figures["in_process"] = profile_in_process(path, work, sample=5_000 if quick else 10_000)
    result.figures = figures
    _tables(result, figures)
    result.seconds = time.perf_counter() - started
    return result


def _tables(result: BenchResult, f: dict[str, Any]) -> None:
    main = result.section(
        "Bulk import: python -m otklik import FILE (subprocess)",
        ["items", "file MB", "wall s", "items/s", "items/s w/o startup", "rows in DB"],
    )
    main.add(
        "JSONL, ru/pl/en",
        **{
            "items": f["items"],
            "file MB": f["file_mb"],
            "wall s": f["wall_s"],
            "items/s": f["items_per_s"],
            "items/s w/o startup": f["items_per_s_excluding_startup"],
            "rows in DB": f["db_items"],
        },
    )
    verdict = "meets" if f["items_per_s"] >= TARGET_ITEMS_PER_S else "MISSES"
    main.notes.append(
        f"{f['items_per_s']:,.0f} items/s {verdict} the target of {TARGET_ITEMS_PER_S:,}/s; CLI start-up alone {f['startup_s']:.1f} s"
    )
    main.notes.append(
        f"the reader process alone (spawn, read, validate, flatten, pickle; nothing stored): {f['reader_s']:.1f} s, "
        f"{f['items'] / f['reader_s']:,.0f} items/s"
    )
    main.notes.append(
        f"{f['threaded_share']:.0%} of items carry parent_external_id; {f['db_conversations']:,} conversations, {f['db_events']:,} events; CLI said: {f['cli_summary']}"
    )
    p = f.get("in_process")
    if not p:
        return
    stages = result.section(
        f"Where an import's time goes (in-process, first {p['sample_items']:,} items, batches of {CLI_BATCH:,}; "
        "the reader's three rows run in a second process during an import)",
        ["µs/item", "items/s"],
    )
    stages.add("parse: orjson.loads", **{"µs/item": p["orjson_us_per_item"], "items/s": 1e6 / p["orjson_us_per_item"]})
    stages.add(
        "parse: pydantic + ItemDraft",
        **{"µs/item": p["pydantic_and_draft_us_per_item"], "items/s": 1e6 / p["pydantic_and_draft_us_per_item"]},
    )
    stages.add("reader: flatten (prepare)", **{"µs/item": p["prepare_us_per_item"], "items/s": 1e6 / p["prepare_us_per_item"]})
    stages.add("store: store_prepared + commit", **{"µs/item": p["store_us_per_item"], "items/s": p["store_items_per_s"]})
    floor = p["sqlite_floor_us_per_item"]
    stages.add("  of which at least: SQLite inserting the item rows alone", **{"µs/item": floor, "items/s": 1e6 / floor})
    cli_us = 1e6 * (f["wall_s"] - f["startup_s"]) / f["items"]
    stages.add(f"the CLI end to end, all {f['items']:,} items (start-up excluded)", **{"µs/item": cli_us, "items/s": 1e6 / cli_us})
    statements = ", ".join(f"{k} {v / p['sample_items']:.2f}" for k, v in sorted(p["statements"].items()))
    stages.notes.append(f"SQL statements per item: {p['statements_per_item']:.2f} ({statements})")
    buckets = result.section(f"cProfile of the store step ({p['profile_items']:,} items, own time by library)", ["share %"])
    for name, share in p["profile_buckets"][:9]:
        buckets.add(name, **{"share %": share})
    buckets.notes.append(
        "hottest otklik functions (cumulative s): " + "; ".join(f"{n} ×{c:,} {s:.2f}" for n, c, s in p["profile_otklik_by_cumulative"][:8])
    )
