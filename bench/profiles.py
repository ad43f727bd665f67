"""cProfile output boiled down: where the time goes, by library, and the hottest functions."""

from __future__ import annotations

import pstats
from dataclasses import dataclass
from pathlib import Path

# (bucket, substrings of the code path or function name), first match wins.
IDLE = "idle: event loop waiting (uvloop/epoll)"
_BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (IDLE, ("asyncio/runners.py", "run_forever", "run_until_complete", "select.epoll", "'poll'", "uvloop")),
    ("sqlite3 (C: execute, commit)", ("sqlite3.",)),
    ("SQLAlchemy: statement build + cache key + compile", ("sqlalchemy/sql/",)),
    (
        "SQLAlchemy: execute, bind + result processing",
        ("sqlalchemy/engine/", "sqlalchemy/dialects/", "sqlalchemy/event/", "sqlalchemy/pool/"),
    ),
    ("SQLAlchemy: other", ("sqlalchemy/",)),
    ("pydantic (validation)", ("pydantic", "model_validate")),
    ("h11 (HTTP/1.1 parsing)", ("h11/",)),
    ("uvicorn", ("uvicorn/",)),
    ("starlette + FastAPI", ("starlette/", "fastapi/")),
    ("anyio (threadpool hops)", ("anyio/",)),
    ("asyncio + selectors + sockets", ("asyncio/", "selectors", "socket")),
    ("threading, queue, futures (incl. waits)", ("threading.py", "queue.py", "concurrent/futures", "acquire", "_thread.lock")),
    ("JSON (orjson / json)", ("orjson", "json/")),
    ("hmac / hashlib", ("hmac", "hashlib", "_hashlib")),
    ("otklik code", ("otklik/",)),
    ("dataclasses / datetime / enum", ("dataclasses.py", "datetime", "enum.py")),
)


@dataclass(frozen=True, slots=True)
class Hot:
    """One function and its time in a profile."""

    name: str
    calls: int
    own_s: float
    cumulative_s: float


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A profile summarised: total, share per bucket, hottest functions by own and cumulative time."""

    total_s: float
    buckets: list[tuple[str, float]]
    by_own: list[Hot]
    by_cumulative: list[Hot]


def _label(key: tuple[str, int, str]) -> str:
    path, line, func = key
    if path == "~":
        return func
    short = path.split("site-packages/")[-1].split("/src/")[-1]
    return f"{short}:{line}({func})"


def _bucket(key: tuple[str, int, str]) -> str:
    path, _, func = key
    where = f"{path} {func}"
    for name, needles in _BUCKETS:
        if any(n in where for n in needles):
            return name
    return "other Python"


def summarise(stats: pstats.Stats, *, top: int = 12, focus: str = "otklik/") -> Breakdown:
    """Bucketed own time, the ``top`` functions by own time, and ``focus`` functions by cumulative time."""
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(own for (_, _, own, _, _) in raw.values())
    buckets: dict[str, float] = {}
    hot: list[Hot] = []
    for key, (_, calls, own, cumulative, _) in raw.items():
        buckets[_bucket(key)] = buckets.get(_bucket(key), 0.0) + own
        hot.append(Hot(_label(key), int(calls), float(own), float(cumulative)))
    by_own = sorted(hot, key=lambda h: h.own_s, reverse=True)[:top]
    focused = [h for h in hot if focus in h.name or h.name.startswith(focus.rstrip("/"))]
    by_cumulative = sorted(focused, key=lambda h: h.cumulative_s, reverse=True)[:top]
    return Breakdown(total, sorted(buckets.items(), key=lambda kv: kv[1], reverse=True), by_own, by_cumulative)


def load(path: Path) -> pstats.Stats:
    """A profile written by ``cProfile.Profile.dump_stats``."""
    return pstats.Stats(str(path))
