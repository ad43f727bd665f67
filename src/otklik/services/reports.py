"""Read side for reports: what the reply guards saw in the replies sent over a period.

Scriptedness is the share of sent replies the scripted guard found to be near-duplicates of
the account's earlier replies, per week (ISO weeks, Monday to Sunday, UTC), for the whole
desk, per agent and per team (the agent's team when the reply was sent). Hit counts are how
many sent replies tripped each guard rule, and how many of those the agent acknowledged.
Only replies checked by the guards count; blocked drafts are never sent, so never counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select

from otklik.errors import InvalidPayload
from otklik.services.ports import UowFactory
from otklik.store import tables as t

#: The longest period one report covers, in days.
MAX_DAYS = 366
#: The period shown when none is asked for: the last eight weeks.
DEFAULT_DAYS = 56


@dataclass(frozen=True, slots=True)
class WeekFigure:
    """Replies sent in one week, and how many of them were near-duplicates."""

    week: date  # its Monday
    sent: int
    near_duplicates: int

    @property
    def share(self) -> float | None:
        """The near-duplicates' share of the replies (None when none were sent)."""
        return self.near_duplicates / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class ScriptedRow:
    """Scriptedness of the desk, one agent or one team: a figure for every week of the period."""

    id: int | None
    name: str
    weeks: tuple[WeekFigure, ...]

    @property
    def sent(self) -> int:
        """Replies sent in the period."""
        return sum(w.sent for w in self.weeks)

    @property
    def near_duplicates(self) -> int:
        """Near-duplicates among them."""
        return sum(w.near_duplicates for w in self.weeks)

    @property
    def share(self) -> float | None:
        """The near-duplicates' share over the whole period (None when nothing was sent)."""
        return self.near_duplicates / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class GuardHit:
    """How many sent replies tripped one rule at one severity, and how many were sent over it knowingly."""

    code: str  # guard.code
    severity: str
    replies: int
    acknowledged: int

    @property
    def guard(self) -> str:
        """The guard the rule belongs to."""
        return self.code.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class GuardsReport:
    """The guards' figures over ``start``–``end`` (both days included, UTC)."""

    start: date
    end: date
    weeks: tuple[date, ...]
    checked: int  # replies sent with a guard check
    near_duplicates: int
    acknowledged: int  # replies sent over warnings
    desk: ScriptedRow
    agents: tuple[ScriptedRow, ...]
    teams: tuple[ScriptedRow, ...]
    hits: tuple[GuardHit, ...]

    @property
    def share(self) -> float | None:
        """The desk's scriptedness over the period."""
        return self.desk.share


def default_period(today: date) -> tuple[date, date]:
    """The period a report covers when none is given: the last :data:`DEFAULT_DAYS` days up to ``today``."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _rows(
    counts: dict[tuple[int | None, date], list[int]], names: dict[int, str], weeks: Iterable[date], *, unnamed: str
) -> tuple[ScriptedRow, ...]:
    """One row per id with a figure for every week, the most scripted first."""
    weeks = tuple(weeks)
    ids = sorted({key for key, _week in counts}, key=lambda k: (k is None, names.get(k, "") if k is not None else "", k or 0))
    rows = [
        ScriptedRow(
            key,
            names.get(key, f"#{key}") if key is not None else unnamed,
            tuple(WeekFigure(w, *counts.get((key, w), [0, 0])) for w in weeks),
        )
        for key in ids
    ]
    return tuple(sorted(rows, key=lambda r: -(r.share or 0.0)))


def guards_report(start: date, end: date, *, uow_factory: UowFactory) -> GuardsReport:
    """Scriptedness per week (desk, agents, teams) and the guards' hit counts for replies sent from ``start`` to ``end``."""
    if end < start:
        raise InvalidPayload(f"the period starts ({start}) after it ends ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidPayload(f"a report covers at most {MAX_DAYS} days; this period has {(end - start).days + 1}")
    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    r, rc, f = t.replies.c, t.reply_checks.c, t.reply_findings.c
    with uow_factory(write=False) as uow:
        connection = uow.connection
        sent = list(
            connection.execute(
                select(r.created_at, r.agent_id, rc.team_id, rc.near_duplicate, rc.acknowledged_by)
                .join(t.reply_checks, rc.reply_id == r.id)
                .where(r.created_at >= since, r.created_at < until)
            )
        )
        acknowledged_sum = func.sum(case((f.acknowledged, 1), else_=0))
        hits = [
            GuardHit(row.code, row.severity, int(row.replies), int(row.acknowledged or 0))
            for row in connection.execute(
                select(f.code, f.severity, func.count().label("replies"), acknowledged_sum.label("acknowledged"))
                .join(t.replies, r.id == f.reply_id)
                .where(r.created_at >= since, r.created_at < until)
                .group_by(f.code, f.severity)
            )
        ]
        agent_names = {a.id: a.name for a in uow.agents.all()}
        team_names = {team.id: team.name for team in uow.teams.all()}
    weeks = []
    week = _monday(start)
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    desk: dict[tuple[int | None, date], list[int]] = defaultdict(lambda: [0, 0])
    by_agent: dict[tuple[int | None, date], list[int]] = defaultdict(lambda: [0, 0])
    by_team: dict[tuple[int | None, date], list[int]] = defaultdict(lambda: [0, 0])
    for row in sent:
        week = _monday(row.created_at.astimezone(UTC).date())
        for counts, key in ((desk, None), (by_agent, row.agent_id), (by_team, row.team_id)):
            figure = counts[(key, week)]
            figure[0] += 1
            figure[1] += 1 if row.near_duplicate else 0
    return GuardsReport(
        start=start,
        end=end,
        weeks=tuple(weeks),
        checked=len(sent),
        near_duplicates=sum(1 for row in sent if row.near_duplicate),
        acknowledged=sum(1 for row in sent if row.acknowledged_by),
        desk=ScriptedRow(None, "whole desk", tuple(WeekFigure(w, *desk.get((None, w), [0, 0])) for w in weeks)),
        agents=_rows(by_agent, agent_names, weeks, unnamed="no agent"),
        teams=_rows(by_team, team_names, weeks, unnamed="no team"),
        hits=tuple(sorted(hits, key=lambda h: (-h.replies, h.code, h.severity))),
    )
