"""Presenting time figures: durations for people, and attainment as CSS bars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from otklik.services.sla_report import SlaRow


def duration(value: timedelta | None) -> str:
    """A duration as "2 h 05 min", "35 min" or "—"."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min"


def percent(share: float | None) -> str:
    """A share as "87.5 %" or "—"."""
    return "—" if share is None else f"{share * 100:.1f} %"


@dataclass(frozen=True, slots=True)
class Bar:
    """One CSS bar: a row's attainment as a width in percent."""

    name: str
    width: float
    label: str
    breaches: int
    tone: str  # good | fair | poor | none


def attainment_bars(rows: Sequence[SlaRow]) -> list[Bar]:
    """A bar per row: width = attainment; tone from 90 % (good) and 70 % (fair)."""
    bars = []
    for row in rows:
        share = row.attainment
        tone = "none" if share is None else "good" if share >= 0.9 else "fair" if share >= 0.7 else "poor"
        bars.append(Bar(row.name, round((share or 0.0) * 100, 1), percent(share), row.breaches, tone))
    return bars
