"""SLA benchmarks: due-time computation, and the worker's warning scan over many open conversations.

Targets: at least 100,000 due times a second (office hours with holidays, Europe/Warsaw), and
a scan of 1,000,000 open conversations under a second. The scan reads only the rows whose
``warn_at`` has passed, through ``ix_conv_warn_at``, so its cost follows the number of
conversations crossing a threshold, not the size of the inbox.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bench.report import BenchResult
from otklik.clock import FixedClock
from otklik.domain.conversations import Priority
from otklik.domain.sla import BusinessCalendar, ClockKind, OpenRange, SlaPolicy, due_at
from otklik.services.sla_warnings import scan_sla_clocks
from otklik.store import tables as t
from otklik.store.bulk import insert_rows
from otklik.store.engine import make_engine
from otklik.store.migrate import upgrade_database
from otklik.store.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OFFICE = BusinessCalendar(
    "Europe/Warsaw",
    {d: (OpenRange(wall(9), wall(13)), OpenRange(wall(14), wall(18))) for d in range(5)} | {5: (OpenRange(wall(10), wall(14)),)},
    frozenset({date(2026, 11, 11), date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1), date(2027, 1, 6)}),
)
CROSSING = 0.005  # share of open conversations whose clock crosses a threshold between two scans


def _due_rate(n: int) -> tuple[float, float]:
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(n)]
    target = timedelta(hours=2)
    began = time.perf_counter()
    for moment in moments:
        due_at(moment, target, OFFICE)
    plain = n / (time.perf_counter() - began)
    policy = SlaPolicy()
    began = time.perf_counter()
    for moment in moments[: n // 4]:
        policy.start_clock(ClockKind.FIRST_RESPONSE, moment, Priority.NORMAL, OFFICE)
    clocks = (n // 4) / (time.perf_counter() - began)
    return plain, clocks


def _rows(count: int, first_id: int, rng: random.Random) -> list[dict[str, Any]]:
    targets = {p: SlaPolicy().first_response[p] for p in Priority}
    priorities = list(Priority)
    rows = []
    for n in range(count):
        priority = priorities[n % 4]
        target = targets[priority]
        if rng.random() < CROSSING:
            warn = NOW - timedelta(seconds=rng.randrange(1, 30))  # crossed since the last scan
            started = warn - target / 2
        else:
            started = NOW - timedelta(seconds=rng.randrange(0, int(target.total_seconds() / 2) - 60))
            warn = started + target / 2
        rows.append(
            {
                "id": first_id + n,
                "source": "generic",
                "account": "@brand",
                "author_external_id": f"u{first_id + n}",
                "author_name": "",
                "author_handle": "",
                "thread_key": "",
                "status": "open",
                "active": 1,
                "priority": priority.value,
                "priority_rank": priority.rank,
                "due_at": started + target,
                "waiting_since": started,
                "last_inbound_at": started,
                "created_at": started,
                "updated_at": started,
                "signals": "",
                "clock_rank": 0,
                "clock_kind": "first_response",
                "clock_started_at": started,
                "at_risk_50_at": started + target / 2,
                "at_risk_80_at": started + target * 4 / 5,
                "acceptable_until": started + timedelta(hours=24),
                "warn_at": warn,
            }
        )
    return rows


def _scan(size: int, workdir: Path) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'sla.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    rng = random.Random(11)
    began = time.perf_counter()
    with engine.begin() as conn:
        for first in range(1, size + 1, 50_000):
            insert_rows(conn, t.conversations, _rows(min(50_000, size + 1 - first), first, rng))
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    fill = time.perf_counter() - began

    def uow(write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=write)

    clock = FixedClock(NOW)
    began = time.perf_counter()
    raised = scan_sla_clocks(uow_factory=uow, clock=clock, email=True, webhook=True, limit=size)
    first_scan = time.perf_counter() - began
    began = time.perf_counter()
    again = scan_sla_clocks(uow_factory=uow, clock=clock, email=True, webhook=True, limit=size)
    idle_scan = time.perf_counter() - began
    with engine.connect() as conn:
        plan = " ".join(
            str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE warn_at <= '2026-11-20 12:00:00'"))
        )
        stored = conn.execute(select(func.count()).select_from(t.sla_warnings)).scalar_one()
    engine.dispose()
    assert again == 0 and stored == raised, "a warning fired twice"
    assert "ix_conv_warn_at" in plan, f"the scan does not use its index: {plan}"
    return {"fill_s": fill, "scan_s": first_scan, "idle_scan_s": idle_scan, "raised": raised, "plan": plan}


def run(*, quick: bool = False) -> BenchResult:
    """Due times per second, and the warning scan over 1M (quick: 200k) open conversations."""
    result = BenchResult("sla")
    began = time.perf_counter()
    n = 40_000 if quick else 200_000
    plain, clocks = _due_rate(n)
    due = result.section("due times (office hours with holidays, Europe/Warsaw, 2 h target)", ["per second"])
    due.add("due_at()", **{"per second": round(plain)})
    due.add("start_clock() (3 due times)", **{"per second": round(clocks)})
    due.notes.append(f"target ≥ 100,000/s: {'met' if plain >= 100_000 else 'NOT met'}")
    size = 200_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as workdir:
        scan = _scan(size, Path(workdir))
    section = result.section(f"SLA warning scan over {size:,} open conversations (SQLite)", ["seconds", "warnings"])
    section.add("first scan (≈0.5 % crossing)", seconds=round(scan["scan_s"], 3), warnings=int(scan["raised"]))
    section.add("next scan (nothing new)", seconds=round(scan["idle_scan_s"], 4), warnings=0)
    section.notes.append(f"filled in {scan['fill_s']:.0f} s; plan: {scan['plan']}")
    section.notes.append(f"target < 1 s: {'met' if scan['scan_s'] < 1 else 'NOT met'}")
    result.figures = {
        "due_per_s": plain,
        "start_clock_per_s": clocks,
        "scan_s": scan["scan_s"],
        "idle_scan_s": scan["idle_scan_s"],
        "size": size,
    }
    result.seconds = time.perf_counter() - began
    return result
