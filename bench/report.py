"""Figures: percentiles, a result model, a plain-text table and the JSON file."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).parent / "out"

Value = float | int | str | None


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``samples``, nearest-rank on the sorted values."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def latency_summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    """p50, p99, max and mean of latencies given in seconds, in milliseconds."""
    if not samples_s:
        return {"p50_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan"), "mean_ms": float("nan")}
    return {
        "p50_ms": percentile(samples_s, 50) * 1000,
        "p99_ms": percentile(samples_s, 99) * 1000,
        "max_ms": max(samples_s) * 1000,
        "mean_ms": statistics.fmean(samples_s) * 1000,
    }


@dataclass
class Row:
    """One line of a table: a label and its figures by column name."""

    label: str
    values: dict[str, Value]


@dataclass
class Section:
    """A titled table with notes (targets, verdicts, findings) printed under it."""

    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, **values: Value) -> Row:
        """Append a row and return it."""
        row = Row(label, dict(values))
        self.rows.append(row)
        return row


@dataclass
class BenchResult:
    """What one benchmark measured: tables for people, ``figures`` for machines."""

    name: str
    sections: list[Section] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def section(self, title: str, columns: list[str]) -> Section:
        """Start a new table."""
        section = Section(title, columns)
        self.sections.append(section)
        return section


def fmt(value: Value) -> str:
    """A figure as the tables print it: thousands separated, about three significant digits."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float) and not math.isnan(value):
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
        text = f"{value:,.{digits}f}"
    elif isinstance(value, str):
        text = value
    else:
        text = "-"
    return text


def render_section(section: Section) -> str:
    """A section as an aligned plain-text table followed by its notes."""
    header = ["", *section.columns]
    body = [[row.label, *(fmt(row.values.get(c)) for c in section.columns)] for row in section.rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    out = [f"## {section.title}"]
    if section.rows:
        out += [line(header), "  ".join("-" * w for w in widths)]
        out += [line(cells) for cells in body]
    out += [f"  * {note}" for note in section.notes]
    return "\n".join(out)


def render(result: BenchResult) -> str:
    """A whole benchmark's tables."""
    title = f"# {result.name} ({result.seconds:.0f} s)"
    return "\n\n".join([title, *(render_section(s) for s in result.sections)])


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_files": len((_git("status", "--porcelain") or "").splitlines()),
        "http_stack": ", ".join(m for m in ("httptools", "uvloop") if importlib.util.find_spec(m)) or "h11 + asyncio",
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": load,
    }


def _git(*args: str) -> str | None:
    """A read-only git query about this checkout, or None outside one."""
    try:
        done = subprocess.run(["git", *args], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def write_json(results: list[BenchResult], *, quick: bool, info: dict[str, Any] | None = None, path: Path | None = None) -> Path:
    """Record ``results`` in ``bench/out/results.json`` (or ``path``) and return the path.

    Benchmarks not run this time keep their earlier entry, so ``python -m bench inbox`` does
    not erase the ingest figures; each entry says when, how (quick or not) and on what commit.
    ``info`` is :func:`machine` as taken when the run started (the checkout may move meanwhile).
    """
    target = path or OUT_DIR / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    benchmarks: dict[str, Any] = {}
    if target.exists():
        try:
            benchmarks = dict(json.loads(target.read_text(encoding="utf-8")).get("benchmarks", {}))
        except (ValueError, AttributeError):
            benchmarks = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    info = info or machine()
    for r in results:
        benchmarks[r.name] = {
            "measured_at": now,
            "quick": quick,
            "commit": info["commit"],
            "seconds": round(r.seconds, 1),
            "figures": r.figures,
            "sections": [asdict(s) for s in r.sections],
        }
    document = {"written_at": now, "machine": info, "benchmarks": benchmarks}
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return target
