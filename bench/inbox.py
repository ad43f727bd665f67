"""Inbox page latency at 100k and 1M items (SQLite), and at 100k on PostgreSQL when reachable.

The desk is generated straight into a freshly migrated database (see :mod:`bench.dataset`),
then :func:`otklik.services.inbox.list_inbox` is called the way the API calls it, ~300 times
per variant, and ``EXPLAIN QUERY PLAN`` shows which index each variant's query uses.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, Select, create_engine, event, func, select, text, tuple_
from sqlalchemy.engine import make_url

from bench import corpus, dataset
from bench.report import BenchResult, Section, latency_summary_ms
from otklik.bootstrap import Services, build_services
from otklik.channels import generic
from otklik.config import Settings
from otklik.domain.conversations import Status
from otklik.services.inbox import InboxFilters, InboxPage, apply_filters, list_inbox
from otklik.services.ingest import ingest_items
from otklik.store import tables as t
from otklik.store.migrate import upgrade_database

POSTGRES_ENV = "OTKLIK_BENCH_POSTGRES_URL"
TARGET_P99_MS = 20.0
PAGE = 50


@dataclass(frozen=True, slots=True)
class Variant:
    """One inbox request: filters, and where the page starts.

    ``after`` is None for page 1, ``"page 2"`` for the cursor page 1 returns, or a share of the
    matching rows (0.8 = a cursor 80 % of the way down, as after paging far).
    """

    name: str
    filters: InboxFilters
    after: str | float | None = None


DEEP = 0.8
DEEP_CALLS = 60


def variants(shape: dataset.DeskShape) -> list[Variant]:
    """The requests measured: the open inbox, each filter alone, a second page and deep pages."""
    team = next(iter(shape.teams.values()))
    resolved = InboxFilters(status=[Status.RESOLVED])
    return [
        Variant("open inbox", InboxFilters()),
        Variant(f"team={team}", InboxFilters(team=team)),
        Variant("assignee=none", InboxFilters(assignee="none")),
        Variant("channel=x", InboxFilters(channel="x")),
        Variant("language=pl", InboxFilters(language="pl")),
        Variant("status=resolved", resolved),
        Variant("open inbox, page 2", InboxFilters(), after="page 2"),
        Variant("status=resolved, page 2", resolved, after="page 2"),
        Variant(f"open inbox, cursor at {DEEP:.0%}", InboxFilters(), after=DEEP),
        Variant(f"status=resolved, cursor at {DEEP:.0%}", resolved, after=DEEP),
    ]


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(environment="test", data_dir=data_dir, database_url=url, secret_key=secrets.token_urlsafe(32))


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect (statement, parameters) of everything executed on ``engine`` meanwhile."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The query plan of one captured statement, as lines."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [str(r[3]) for r in rows]
        return [str(r[0]) for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()]


_INDEX = re.compile(r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using) (\w+)")


def plan_summary(lines: list[str]) -> str:
    """A plan in a few words: the indexes used, and whether it sorts or scans the table."""
    indexes = sorted({m.group(1) for line in lines for m in _INDEX.finditer(line)})
    flags = []
    if any("TEMP B-TREE" in line or line.strip().startswith("Sort") for line in lines):
        flags.append("SORTS")
    if any(re.match(r"\s*(SCAN|->\s*Seq Scan|Seq Scan)\s+\w+\s*$", line) or "Seq Scan" in line for line in lines):
        flags.append("FULL SCAN")
    return ", ".join(indexes) + (f" [{' '.join(flags)}]" if flags else "")


def _filtered(query: Select[Any], filters: InboxFilters) -> Select[Any]:
    """``query`` with the WHERE clauses list_inbox applies for ``filters``."""
    return apply_filters(query, filters)


def _matching(services: Services, filters: InboxFilters) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(_filtered(select(func.count()).select_from(t.conversations), filters)).scalar_one())


def encode_cursor(rank: int, due: datetime, conv_id: int) -> str:
    """A cursor in list_inbox's format (checked against a real one by :func:`cursor_format_matches`)."""
    return base64.urlsafe_b64encode(orjson.dumps([rank, due.isoformat(), conv_id])).decode()


def _sort_key_at(services: Services, filters: InboxFilters, position: int) -> tuple[int, datetime, int] | None:
    c = t.conversations.c
    query = _filtered(select(c.clock_rank, c.due_at, c.id), filters).order_by(c.clock_rank, c.due_at, c.id).offset(position).limit(1)
    with services.engine.connect() as conn:
        row = conn.execute(query).first()
    return (int(row[0]), row[1], int(row[2])) if row else None


def cursor_format_matches(services: Services) -> bool:
    """True when :func:`encode_cursor` writes what list_inbox itself returns as next_cursor."""
    page = list_inbox(InboxFilters(), uow_factory=services.uow, limit=PAGE)
    key = _sort_key_at(services, InboxFilters(), PAGE - 1)
    return page.next_cursor is not None and key is not None and encode_cursor(*key) == page.next_cursor


def _row_value_page(services: Services, filters: InboxFilters, key: tuple[int, datetime, int]) -> int:
    """What-if: the page after ``key`` with a row-value comparison, which an index can seek to."""
    c = t.conversations.c
    query = (
        _filtered(select(t.conversations, t.agents.c.name.label("assignee_name")), filters)
        .outerjoin(t.agents, t.agents.c.id == c.assignee_id)
        .where(tuple_(c.clock_rank, c.due_at, c.id) > tuple_(*key))
        .order_by(c.clock_rank, c.due_at, c.id)
        .limit(PAGE + 1)
    )
    with services.uow(write=False) as uow:
        return len(list(uow.connection.execute(query).mappings()))


def _timed_calls(call: Callable[[], Any], calls: int) -> list[float]:
    for _ in range(min(20, calls)):
        call()
    samples: list[float] = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _timed_sql(engine: Engine, statement: str, parameters: Any, *, calls: int) -> list[float]:
    """Latencies of one captured statement run as is (no ORM or mapping around it)."""
    with engine.connect() as conn:
        return _timed_calls(lambda: conn.exec_driver_sql(statement, parameters).fetchall(), calls)


def measure(services: Services, variant: Variant, *, calls: int, matching: int, cursors_ok: bool) -> dict[str, Any]:
    """Latency of list_inbox for one variant (after a warm-up), its plans, and the row-value what-if."""
    cursor: str | None = None
    key: tuple[int, datetime, int] | None = None
    if variant.after == "page 2":
        cursor = list_inbox(variant.filters, uow_factory=services.uow, limit=PAGE).next_cursor
        key = _sort_key_at(services, variant.filters, PAGE - 1)
    elif isinstance(variant.after, float):
        if not cursors_ok:
            return {"skipped": "list_inbox's cursor format changed; deep cursors cannot be built"}
        key = _sort_key_at(services, variant.filters, int(matching * variant.after))
        cursor = encode_cursor(*key) if key else None
        calls = min(calls, DEEP_CALLS)

    def call() -> InboxPage:
        # As GET /api/v1/conversations does: with the time, so each row carries its SLA clock.
        return list_inbox(variant.filters, uow_factory=services.uow, limit=PAGE, cursor=cursor, now=services.clock.now())

    samples = _timed_calls(call, calls)
    rows = len(call().rows)
    with captured_sql(services.engine) as statements:
        call()
    plans = [explain(services.engine, s, p) for s, p in statements]
    figures: dict[str, Any] = {
        "rows": rows,
        "calls": calls,
        **latency_summary_ms(samples),
        "plan_main": plans[0] if plans else [],
        "plan_main_summary": plan_summary(plans[0]) if plans else "",
        "plan_preview": plans[1] if len(plans) > 1 else [],
        "plan_preview_summary": plan_summary(plans[1]) if len(plans) > 1 else "",
        "sql_main": statements[0][0] if statements else "",
    }
    if key is not None and statements:
        with captured_sql(services.engine) as captured:
            _row_value_page(services, variant.filters, key)
        figures["row_value_plan"] = explain(services.engine, *captured[0])
        figures["main_query_today"] = latency_summary_ms(_timed_sql(services.engine, *statements[0], calls=calls))
        figures["main_query_row_value"] = latency_summary_ms(_timed_sql(services.engine, *captured[0], calls=calls))
    return figures


def measure_desk(services: Services, shape: dataset.DeskShape, *, calls: int) -> dict[str, dict[str, Any]]:
    """Every variant on one desk."""
    out: dict[str, dict[str, Any]] = {}
    cursors_ok = cursor_format_matches(services)
    for variant in variants(shape):
        matching = _matching(services, variant.filters)
        out[variant.name] = {"matching": matching, **measure(services, variant, calls=calls, matching=matching, cursors_ok=cursors_ok)}
    return out


def _table(result: BenchResult, title: str, desk: dict[str, dict[str, Any]]) -> Section:
    section = result.section(
        title, ["matching", "p50 ms", "p99 ms", "max ms", "index used (main query)", "main SQL p99", "row-value SQL p99"]
    )
    for name, f in desk.items():
        if "skipped" in f:
            section.add(name, **{"index used (main query)": f["skipped"]})
            continue
        section.add(
            name,
            **{
                "matching": f["matching"],
                "p50 ms": f["p50_ms"],
                "p99 ms": f["p99_ms"],
                "max ms": f["max_ms"],
                "index used (main query)": f["plan_main_summary"],
                "main SQL p99": f.get("main_query_today", {}).get("p99_ms"),
                "row-value SQL p99": f.get("main_query_row_value", {}).get("p99_ms"),
            },
        )
    measured = [f for f in desk.values() if "p99_ms" in f]
    worst = max(measured, key=lambda f: f["p99_ms"])
    verdict = "meets" if worst["p99_ms"] < TARGET_P99_MS else "MISSES"
    section.notes.append(
        f"worst p99 {worst['p99_ms']:.2f} ms {verdict} the target p99 < {TARGET_P99_MS:.0f} ms; {PAGE} rows a page, {next(iter(desk.values()))['calls']} calls each"
    )
    return section


def checkpoint(engine: Engine) -> None:
    """Fold the WAL into the database file, outside any transaction (as a quiet desk would)."""
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def run_sqlite(result: BenchResult, sizes: list[int], *, calls: int) -> dict[str, Any]:
    """Grow one SQLite desk through ``sizes`` and measure at each size."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="otklik-bench-inbox-") as tmp:
        path = Path(tmp) / "otklik.db"
        url = f"sqlite:///{path}"
        upgrade_database(url)
        services = build_services(_settings(url, Path(tmp)), migrate=False)
        try:
            shape = dataset.seed_directory(services.engine)
            for size in sorted(sizes):
                added = size - shape.items
                started = time.perf_counter()
                dataset.grow(services.engine, shape, added, seed=size)
                grow_s = time.perf_counter() - started
                with services.engine.connect() as conn:
                    broken = dataset.check_consistency(conn)
                checkpoint(services.engine)
                desk = measure_desk(services, shape, calls=calls)
                commits = group_commits(services, seed=size)
                label = f"{size:,}".replace(",", "_")
                figures[label] = {
                    "items": shape.items,
                    "conversations": shape.conversations,
                    "active": shape.active,
                    "generate_s": grow_s,
                    "db_mb": path.stat().st_size / 1e6,
                    "inconsistent_rows": broken,
                    "variants": desk,
                    "group_commits": commits,
                }
                section = _table(
                    result, f"SQLite inbox at {shape.items:,} items / {shape.conversations:,} conversations ({shape.active:,} open)", desk
                )
                section.notes.append(
                    f"generated in {grow_s:.0f} s ({added / grow_s:,.0f} items/s), "
                    f"DB {path.stat().st_size / 1e6:,.0f} MB; rows breaking the repository invariants: {broken}"
                )
                _commits_table(result, shape, commits)
        finally:
            services.close()
    return figures


COMMIT_SIZES = ((32, 25), (256, 5))  # (items per group commit, commits)


def group_commits(services: Services, *, seed: int) -> dict[str, Any]:
    """What a webhook group commit costs on this desk: store_drafts + commit, in this process.

    The writer of ``otklik serve`` does exactly this per group; 32 is what 32-64 concurrent
    single-item senders give it, 256 its maximum. Also the plan of each SELECT it runs, so a
    statement that scans a table (and so slows down as the desk grows) shows up.
    """
    total = sum(size * count for size, count in COMMIT_SIZES)
    drafts = [generic.parse_object("x", obj) for obj in corpus.items(total + 32, prefix=f"hook{seed}", seed=seed)]
    out: dict[str, Any] = {}
    start = 0
    for size, count in COMMIT_SIZES:
        samples = []
        for _ in range(count):
            batch = drafts[start : start + size]
            start += size
            began = time.perf_counter()
            ingest_items(batch, uow=services.uow(), clock=services.clock)
            samples.append(time.perf_counter() - began)
        summary = latency_summary_ms(samples)
        out[str(size)] = {**summary, "us_per_item": 1000 * summary["mean_ms"] / size, "commits": count}
    with captured_sql(services.engine) as statements:
        ingest_items(drafts[start : start + 32], uow=services.uow(), clock=services.clock)
    plans = []
    for statement, parameters in statements:
        lines = explain(services.engine, statement, parameters)
        plans.append(
            {
                "sql": " ".join(statement.split())[:160],
                "plan": lines,
                "scans": any(line.startswith("SCAN") or "Seq Scan" in line for line in lines),
            }
        )
    out["plans"] = plans
    return out


def _commits_table(result: BenchResult, shape: dataset.DeskShape, commits: dict[str, Any]) -> None:
    section = result.section(
        f"Webhook group commits into this desk ({shape.conversations:,} conversations): store_drafts + commit, in-process",
        ["commits", "p50 ms", "p99 ms", "µs/item", "items/s"],
    )
    for size, _ in COMMIT_SIZES:
        f = commits[str(size)]
        section.add(
            f"{size} items per commit",
            **{
                "commits": f["commits"],
                "p50 ms": f["p50_ms"],
                "p99 ms": f["p99_ms"],
                "µs/item": f["us_per_item"],
                "items/s": 1e6 / f["us_per_item"],
            },
        )
    for plan in commits["plans"]:
        if plan["scans"]:
            section.notes.append(f"FULL SCAN in the group commit: {plan['sql']}… → {' / '.join(plan['plan'])}")
    if not any(p["scans"] for p in commits["plans"]):
        section.notes.append("every SELECT of the group commit uses an index")


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database on the server of ``admin_url``, dropped afterwards."""
    name = f"otklik_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_postgres(result: BenchResult, size: int, *, calls: int) -> dict[str, Any]:
    """The same at ``size`` items on PostgreSQL, or a printed reason why not."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        reason = f"skipped: set {POSTGRES_ENV} (e.g. postgresql+psycopg://user@127.0.0.1:5432/postgres) to measure PostgreSQL"
        result.section("PostgreSQL inbox", []).notes.append(reason)
        return {"skipped": reason}
    try:
        with postgres_database(admin_url) as url, tempfile.TemporaryDirectory(prefix="otklik-bench-pg-") as tmp:
            upgrade_database(url)
            services = build_services(_settings(url, Path(tmp)), migrate=False)
            try:
                shape = dataset.seed_directory(services.engine)
                started = time.perf_counter()
                dataset.grow(services.engine, shape, size, seed=size)
                grow_s = time.perf_counter() - started
                with services.engine.connect() as conn:
                    broken = dataset.check_consistency(conn)
                    conn.execute(text("ANALYZE"))
                    conn.commit()
                desk = measure_desk(services, shape, calls=calls)
                commits = group_commits(services, seed=size)
            finally:
                services.close()
    except Exception as exc:  # an unreachable or refusing server is reported, not fatal
        reason = f"skipped: PostgreSQL at {POSTGRES_ENV} failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
        result.section("PostgreSQL inbox", []).notes.append(reason)
        return {"skipped": reason}
    section = _table(result, f"PostgreSQL inbox at {shape.items:,} items / {shape.conversations:,} conversations", desk)
    section.notes.append(f"generated in {grow_s:.0f} s; ANALYZE run after loading; rows breaking invariants: {broken}")
    _commits_table(result, shape, commits)
    return {
        "items": shape.items,
        "conversations": shape.conversations,
        "generate_s": grow_s,
        "inconsistent_rows": broken,
        "variants": desk,
        "group_commits": commits,
    }


def run(*, quick: bool, sizes: list[int] | None = None) -> BenchResult:
    """The inbox benchmark."""
    started = time.perf_counter()
    result = BenchResult("inbox")
    sqlite_sizes = sizes or ([20_000, 100_000] if quick else [100_000, 1_000_000])
    calls = 100 if quick else 300
    result.figures["sqlite"] = run_sqlite(result, sqlite_sizes, calls=calls)
    largest = result.figures["sqlite"][f"{max(sqlite_sizes):,}".replace(",", "_")]
    plan = result.section(f"SQLite query plans (EXPLAIN QUERY PLAN) at {largest['items']:,} items", [])
    top = largest["variants"]
    plan.notes.extend(f"main: {line}" for line in top["open inbox"]["plan_main"])
    plan.notes.extend(f"preview (newest item per row): {line}" for line in top["open inbox"]["plan_preview"])
    deep = top.get(f"status=resolved, cursor at {DEEP:.0%}", {})
    plan.notes.extend(f"cursor page today: {line}" for line in deep.get("plan_main", []))
    plan.notes.extend(f"cursor page with a row value (what-if): {line}" for line in deep.get("row_value_plan", []))
    result.figures["postgresql"] = run_postgres(result, 20_000 if quick else 100_000, calls=calls)
    result.seconds = time.perf_counter() - started
    return result
