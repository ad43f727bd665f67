"""Durable webhook ingest over real HTTP: ``otklik serve`` in its own process, driven from here.

Two modes: one item per request and batches of 50 items per request. Every acknowledged item
must be in the database afterwards; the server is killed with SIGKILL before counting, so
only what was committed before the answer can be there.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, func, select

from bench import corpus
from bench.httpload import LoadResult, Request, run_load
from bench.profiles import IDLE, load, summarise
from bench.report import BenchResult, Section, latency_summary_ms, machine
from bench.server import CpuSample, ServerProcess, otklik, server_env
from otklik.channels.generic import SIGNATURE_HEADER, sign
from otklik.store import tables as t

SOURCE = "bench"
SECRET = secrets.token_urlsafe(24)  # the bench source's signing secret, new each run
TARGET_ITEMS_PER_S = 2000


@dataclass(frozen=True, slots=True)
class Mode:
    """One way of sending: how many items per request, over how many connections."""

    name: str
    prefix: str
    items: int
    per_request: int
    concurrency: int


def _single_ack(status: int, body: Any) -> int:
    return 1 if status == 200 and isinstance(body, dict) and body.get("status") == "stored" else 0


def _single_ids(body: Any) -> list[int]:
    return [int(body["item_id"])]


def _batch_ack(status: int, body: Any) -> int:
    if status not in (200, 207) or not isinstance(body, dict):
        return 0
    return int(body.get("stored", 0))


def _batch_ids(body: Any) -> list[int]:
    return [int(r["item_id"]) for r in body["results"] if r["status"] == "stored"]


def build_requests(mode: Mode, *, seed: int) -> list[Request]:
    """The signed requests of a mode, built before the clock starts."""
    objects = list(corpus.items(mode.items, prefix=mode.prefix, seed=seed))
    path = f"/hooks/generic/{SOURCE}"
    requests: list[Request] = []
    for start in range(0, len(objects), mode.per_request):
        chunk = objects[start : start + mode.per_request]
        body = orjson.dumps(chunk[0] if mode.per_request == 1 else {"items": chunk})
        requests.append(Request(path, body, ((SIGNATURE_HEADER, sign(body, SECRET)),), len(chunk)))
    return requests


@dataclass
class ModeRun:
    """One mode's load, with the CPU both sides used while it ran."""

    mode: Mode
    load: LoadResult
    server_cpu: CpuSample
    body_bytes: int


def _cpu(servers: list[ServerProcess]) -> CpuSample:
    samples = [s.cpu() for s in servers]
    return CpuSample(sum(c.total for c in samples), sum(c.main_thread for c in samples), sum(c.other_threads for c in samples))


def drive(servers: list[ServerProcess], mode: Mode, *, client: str, seed: int) -> ModeRun:
    """Send one mode's items to running servers (connections spread over them) and measure."""
    requests = build_requests(mode, seed=seed)
    ack: Callable[[int, Any], int] = _single_ack if mode.per_request == 1 else _batch_ack
    ids: Callable[[Any], Any] = _single_ids if mode.per_request == 1 else _batch_ids
    before = _cpu(servers)
    load = run_load(
        "127.0.0.1", [s.port for s in servers], requests, concurrency=mode.concurrency, client=client, acknowledge=ack, collect=ids
    )
    return ModeRun(mode, load, _cpu(servers) - before, sum(len(r.body) for r in requests))


@dataclass(frozen=True, slots=True)
class Stored:
    """What the database holds for one mode after the server was killed."""

    items: int
    commits: int
    conversations: int
    missing_ids: int


def count_stored(db: Path, runs: list[ModeRun]) -> dict[str, Stored]:
    """Per mode: stored rows, distinct commit times (one per group commit), lost acknowledged ids."""
    engine = create_engine(f"sqlite:///{db}")
    out: dict[str, Stored] = {}
    with engine.connect() as conn:
        for run in runs:
            where = t.items.c.external_id.like(f"{run.mode.prefix}-%")
            items, commits, conversations = conn.execute(
                select(func.count(), func.count(t.items.c.received_at.distinct()), func.count(t.items.c.conversation_id.distinct())).where(
                    t.items.c.source == SOURCE, where
                )
            ).one()
            stored_ids = set(conn.execute(select(t.items.c.id).where(t.items.c.source == SOURCE, where)).scalars())
            acked = {i for ids in run.load.acknowledged_ids for i in ids}
            out[run.mode.name] = Stored(int(items), int(commits), int(conversations), len(acked - stored_ids))
    engine.dispose()
    return out


def _mode_figures(run: ModeRun, stored: Stored) -> dict[str, Any]:
    load = run.load
    wall = load.wall_s
    return {
        "items": load.items_acknowledged,
        "requests": load.requests,
        "concurrency": run.mode.concurrency,
        "items_per_s": load.items_acknowledged / wall,
        "requests_per_s": load.requests / wall,
        **latency_summary_ms(load.latencies_s),
        "errors": load.errors,
        "wall_s": wall,
        "client_cpu_pct": 100 * load.client_cpu_s / wall,
        "client_cpu_us_per_request": 1e6 * load.client_cpu_s / max(1, load.requests),
        "server_cpu_pct": 100 * run.server_cpu.total / wall,
        "server_event_loop_cpu_pct": 100 * run.server_cpu.main_thread / wall,
        "server_other_threads_cpu_pct": 100 * run.server_cpu.other_threads / wall,
        "server_cpu_us_per_item": 1e6 * run.server_cpu.total / max(1, load.items_acknowledged),
        "server_cpu_us_per_request": 1e6 * run.server_cpu.total / max(1, load.requests),
        "avg_body_bytes": run.body_bytes / max(1, load.requests),
        "commits": stored.commits,
        "commits_per_s": stored.commits / wall,
        "items_per_commit": stored.items / max(1, stored.commits),
        "rows_in_db": stored.items,
        "conversations": stored.conversations,
        "acknowledged_missing_from_db": stored.missing_ids,
        "durable": stored.items == load.items_acknowledged and stored.missing_ids == 0,
    }


def add_source(data_dir: Path) -> None:
    """``otklik source add`` for the bench source, in a fresh data dir."""
    done = subprocess.run(
        otklik("source", "add", SOURCE, "--secret", SECRET, "--data-dir", str(data_dir)),
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"otklik source add failed ({done.returncode}): {(done.stderr or done.stdout)[-2000:]}")


@dataclass
class ServerRun:
    """One fresh server's load: the modes driven against it and what the database held after."""

    runs: list[ModeRun]
    stored: dict[str, Stored]
    figures: dict[str, dict[str, Any]]


def serve_and_drive(
    modes: list[Mode],
    *,
    client: str,
    launcher: tuple[str, ...] = ("-m", "otklik"),
    processes: int = 1,
    profile_dir: Path | None = None,
    after_warm_up: Callable[[list[ServerProcess]], None] | None = None,
) -> ServerRun:
    """Start fresh server(s) on a new data dir, warm up, drive ``modes``, SIGKILL, count rows.

    ``processes`` > 1 starts that many ``serve`` processes on the same database (as uvicorn
    ``--workers`` would) and spreads the client's connections over them. With ``profile_dir``
    the server is stopped with SIGINT instead, so that its profiles are written.
    """
    with tempfile.TemporaryDirectory(prefix="otklik-bench-ingest-") as tmp:
        data = Path(tmp)
        add_source(data)
        servers: list[ServerProcess] = []
        try:
            # extend() keeps the servers started before one that fails, so they are killed below.
            servers.extend(ServerProcess(data, launcher=launcher, name=f"server{n}").start() for n in range(processes))
            drive(servers, Mode("warm-up", "warm", 300, 1, modes[0].concurrency), client=client, seed=1)
            if after_warm_up is not None:
                after_warm_up(servers)
            runs = [drive(servers, mode, client=client, seed=11 + i) for i, mode in enumerate(modes)]
            if profile_dir is not None:
                for server in servers:
                    server.stop()
        finally:
            for server in servers:
                server.kill()  # SIGKILL: only what was committed before each answer may be counted
        stored = count_stored(data / "otklik.db", runs)
    return ServerRun(runs, stored, {r.mode.prefix: _mode_figures(r, stored[r.mode.name]) for r in runs})


def _two_processes(result: BenchResult, n: int, *, client: str, single_concurrency: int, batch_concurrency: int) -> dict[str, Any]:
    """What-if: two ``otklik serve`` processes on one database, as ``uvicorn --workers 2`` would run."""
    modes = [Mode("1 item/request", "single", n, 1, single_concurrency), Mode("50 items/request", "batch", n, 50, batch_concurrency)]
    served = serve_and_drive(modes, client=client, processes=2)
    section = result.section(
        "What-if: 2 server processes on one database (as uvicorn --workers 2), connections split between them",
        ["items", "items/s", "req/s", "p50 ms", "p99 ms", "server CPU %", "server µs/item", "client CPU %", "commits/s", "durable"],
    )
    for run in served.runs:
        f = served.figures[run.mode.prefix]
        section.add(
            run.mode.name,
            **{
                "items": f["items"],
                "items/s": f["items_per_s"],
                "req/s": f["requests_per_s"],
                "p50 ms": f["p50_ms"],
                "p99 ms": f["p99_ms"],
                "server CPU %": f["server_cpu_pct"],
                "server µs/item": f["server_cpu_us_per_item"],
                "client CPU %": f["client_cpu_pct"],
                "commits/s": f["commits_per_s"],
                "durable": f["durable"],
            },
        )
    section.notes.append("`otklik serve` has no --workers option; this starts two serve processes, each with its own group-commit writer")
    return served.figures


def _start_profiles(servers: list[ServerProcess]) -> None:
    """Tell profiled servers to start profiling their event loop (see bench.profiled_server)."""
    for server in servers:
        os.kill(server.pid, signal.SIGUSR1)


def _profile_server(result: BenchResult, n: int, *, client: str, concurrency: int) -> dict[str, Any]:
    """cProfile of the server's event loop and writer threads under the single-item load."""
    with tempfile.TemporaryDirectory(prefix="otklik-bench-profile-") as tmp:
        directory = Path(tmp)
        serve_and_drive(
            [Mode("1 item/request", "single", n, 1, concurrency)],
            client=client,
            launcher=("-m", "bench.profiled_server", "--profile", str(directory)),
            profile_dir=directory,
            after_warm_up=_start_profiles,
        )
        out: dict[str, Any] = {}
        for thread in ("event_loop", "writer"):
            path = directory / f"{thread}.prof"
            if not path.exists():
                out[thread] = "no profile written"
                continue
            summary = summarise(load(path), top=10)
            busy = [(name, s) for name, s in summary.buckets if name != IDLE]
            busy_s = sum(s for _, s in busy)
            out[thread] = {
                "total_s": summary.total_s,
                "busy_s": busy_s,
                "buckets": [(name, round(100 * s / busy_s, 1)) for name, s in busy],
                "by_own": [(h.name, h.calls, round(h.own_s, 3)) for h in summary.by_own],
                "otklik_by_cumulative": [(h.name, h.calls, round(h.cumulative_s, 3)) for h in summary.by_cumulative],
            }
    section = result.section(
        f"cProfile of the server under the 1-item load ({n:,} requests), own time by library", ["event loop %", "writer %"]
    )
    names: list[str] = []
    for thread in ("event_loop", "writer"):
        if isinstance(out[thread], dict):
            names += [name for name, _ in out[thread]["buckets"][:7] if name not in names]
    for name in names:
        values = {}
        for thread, column in (("event_loop", "event loop %"), ("writer", "writer %")):
            data = out[thread]
            values[column] = dict(data["buckets"]).get(name) if isinstance(data, dict) else None
        section.add(name, **values)
    for thread in ("event_loop", "writer"):
        data = out[thread]
        if isinstance(data, dict):
            section.notes.append(
                f"{thread}: hottest otklik functions (cumulative s of {data['total_s']:.1f}): "
                + "; ".join(f"{n} ×{c:,} {s:.2f}" for n, c, s in data["otklik_by_cumulative"][:5])
            )
    section.notes.append(
        "shares of busy time: the event loop's idle wait is left out; profiling slows everything, so read shares, not absolute times"
    )
    return out


def run(
    *, quick: bool, client: str = "raw", diagnose: bool = True, single_concurrency: int = 64, batch_concurrency: int = 32
) -> BenchResult:
    """The ingest benchmark: both modes against one fresh server, the durability check, diagnostics."""
    started = time.perf_counter()
    n = 4_000 if quick else 20_000
    modes = [
        Mode("1 item/request", "single", n, 1, single_concurrency),
        Mode("50 items/request", "batch", n, 50, batch_concurrency),
    ]
    result = BenchResult("ingest")
    served = serve_and_drive(modes, client=client)
    figures: dict[str, Any] = dict(served.figures)
    figures["client"] = client
    _tables(result, served.runs, figures)
    if diagnose:
        figures["profile"] = _profile_server(result, 1_000 if quick else 3_000, client=client, concurrency=single_concurrency)
        figures["two_processes"] = _two_processes(
            result, 2_000 if quick else 10_000, client=client, single_concurrency=single_concurrency, batch_concurrency=batch_concurrency
        )
    result.figures = figures
    result.seconds = time.perf_counter() - started
    return result


def _tables(result: BenchResult, runs: list[ModeRun], figures: dict[str, Any]) -> None:
    cols = ["items", "conns", "items/s", "req/s", "p50 ms", "p99 ms", "max ms", "commits/s", "items/commit", "durable"]
    table: Section = result.section(
        f"Webhook ingest over HTTP: otklik serve (1 uvicorn worker, {machine()['http_stack']}), SQLite, {figures['client']} client", cols
    )
    for run in runs:
        f = figures[run.mode.prefix]
        table.add(
            run.mode.name,
            **{
                "items": f["items"],
                "conns": f["concurrency"],
                "items/s": f["items_per_s"],
                "req/s": f["requests_per_s"],
                "p50 ms": f["p50_ms"],
                "p99 ms": f["p99_ms"],
                "max ms": f["max_ms"],
                "commits/s": f["commits_per_s"],
                "items/commit": f["items_per_commit"],
                "durable": "yes" if f["durable"] else f"NO ({f['rows_in_db']} rows)",
            },
        )
    for run in runs:
        f = figures[run.mode.prefix]
        verdict = "meets" if f["items_per_s"] >= TARGET_ITEMS_PER_S else "MISSES"
        errors = f", errors {f['errors']}" if f["errors"] else ""
        table.notes.append(f"{run.mode.name}: {f['items_per_s']:,.0f} items/s {verdict} the target of {TARGET_ITEMS_PER_S:,}/s{errors}")
    table.notes.append(
        "durable = after SIGKILL of the server, rows in the DB == acknowledged items and every acknowledged item_id is there"
    )
    cpu_cols = ["server CPU %", "event loop %", "other threads %", "server µs/item", "server µs/req", "client CPU %", "client µs/req"]
    cpu = result.section(f"Where the CPU goes ({os.cpu_count()} cores = {100 * (os.cpu_count() or 1)} %)", cpu_cols)
    for run in runs:
        f = figures[run.mode.prefix]
        cpu.add(
            run.mode.name,
            **{
                "server CPU %": f["server_cpu_pct"],
                "event loop %": f["server_event_loop_cpu_pct"],
                "other threads %": f["server_other_threads_cpu_pct"],
                "server µs/item": f["server_cpu_us_per_item"],
                "server µs/req": f["server_cpu_us_per_request"],
                "client CPU %": f["client_cpu_pct"],
                "client µs/req": f["client_cpu_us_per_request"],
            },
        )
    cpu.notes.append(
        "event loop = the server's main thread (HTTP, FastAPI, HMAC, pydantic); other threads = group-commit writer + threadpool"
    )
    cpu.notes.append(f"machine: {os.cpu_count()} CPUs; the client is one asyncio process on the same machine")
    for run in runs:
        f = figures[run.mode.prefix]
        server, client = f["server_cpu_pct"], f["client_cpu_pct"]
        if server >= 85 and client < 50:
            cpu.notes.append(
                f"{run.mode.name}: the server is the bottleneck ({server:.0f} % ≈ one core: one Python process runs Python on one core "
                f"at a time), the client is not ({client:.0f} %); {100 * (os.cpu_count() or 1) - server - client:.0f} % of the machine stays idle"
            )
        elif client >= 80:
            cpu.notes.append(f"{run.mode.name}: the CLIENT is saturated ({client:.0f} %); these figures understate the server")
