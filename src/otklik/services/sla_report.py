"""Read side for the SLA report: first-response times and attainment per channel, team and agent.

For the conversations whose first customer item falls in the period: the time to the first
reply in calendar hours (what the customer lived) and in business hours (the team's
calendar, care windows included, as the SLA clock counts), median and 90th percentile;
attainment is the share answered within the first-response target of its priority (or of its
SLA class, when the SLA file gives the class one); a breach is an answer after the target, or
no answer while the target has passed.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from otklik.domain.promise import median, percentile
from otklik.domain.sla import BusinessCalendar, ClockKind, SlaConfig, business_time_between, due_at
from otklik.errors import InvalidPayload
from otklik.services.ports import UowFactory
from otklik.services.reports import MAX_DAYS
from otklik.services.response_times import FirstResponse, first_responses


@dataclass(frozen=True, slots=True)
class SlaRow:
    """The figures of the desk, one channel, one team or one agent."""

    dimension: str  # desk | channel | team | agent
    key: str
    name: str
    conversations: int
    answered: int
    within_target: int
    breaches: int
    median_calendar: timedelta | None
    p90_calendar: timedelta | None
    median_business: timedelta | None
    p90_business: timedelta | None

    @property
    def measured(self) -> int:
        """Conversations the target could be judged on: answered, or unanswered past their target."""
        return self.within_target + self.breaches

    @property
    def attainment(self) -> float | None:
        """The share answered within the target (None when nothing can be judged yet)."""
        return self.within_target / self.measured if self.measured else None


@dataclass(frozen=True, slots=True)
class SlaReport:
    """The SLA figures over ``start``–``end`` (both days included, UTC)."""

    start: date
    end: date
    desk: SlaRow
    channels: tuple[SlaRow, ...]
    teams: tuple[SlaRow, ...]
    agents: tuple[SlaRow, ...]

    def rows(self) -> tuple[SlaRow, ...]:
        """Every row: the desk first, then channels, teams and agents."""
        return (self.desk, *self.channels, *self.teams, *self.agents)


@dataclass(frozen=True, slots=True)
class _Judged:
    response: FirstResponse
    business: timedelta | None
    within: bool | None  # None: unanswered and not yet due


def _judge(response: FirstResponse, calendar: BusinessCalendar, target: timedelta, now: datetime) -> _Judged:
    if response.first_out is None:
        due = due_at(response.first_in, target, calendar)
        return _Judged(response, None, False if now > due else None)
    business = business_time_between(response.first_in, response.first_out, calendar)
    return _Judged(response, business, business <= target)


def _row(dimension: str, key: str, name: str, judged: list[_Judged]) -> SlaRow:
    calendar_times = [j.response.elapsed for j in judged if j.response.elapsed is not None]
    business_times = [j.business for j in judged if j.business is not None]
    return SlaRow(
        dimension=dimension,
        key=key,
        name=name,
        conversations=len(judged),
        answered=len(calendar_times),
        within_target=sum(1 for j in judged if j.within is True),
        breaches=sum(1 for j in judged if j.within is False),
        median_calendar=median(calendar_times),
        p90_calendar=percentile(calendar_times, 0.9),
        median_business=median(business_times),
        p90_business=percentile(business_times, 0.9),
    )


def _group(
    dimension: str, judged: list[_Judged], key: Callable[[FirstResponse], int | str | None], names: dict[object, str], unnamed: str
) -> tuple[SlaRow, ...]:
    groups: dict[int | str | None, list[_Judged]] = defaultdict(list)
    for j in judged:
        groups[key(j.response)].append(j)
    rows = [
        _row(dimension, "" if k is None else str(k), names.get(k, str(k)) if k is not None else unnamed, js) for k, js in groups.items()
    ]
    return tuple(sorted(rows, key=lambda r: (r.attainment if r.attainment is not None else 2.0, r.name)))


def sla_report(start: date, end: date, *, uow_factory: UowFactory, sla: SlaConfig, now: datetime) -> SlaReport:
    """First-response figures for conversations that started from ``start`` to ``end``, judged at ``now``."""
    if end < start:
        raise InvalidPayload(f"the period starts ({start}) after it ends ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidPayload(f"a report covers at most {MAX_DAYS} days; this period has {(end - start).days + 1}")
    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    with uow_factory(write=False) as uow:
        found = first_responses(uow.connection, since=since, until=until)
        team_names: dict[object, str] = {team.id: team.name for team in uow.teams.all()}
        agent_names: dict[object, str] = {agent.id: agent.name for agent in uow.agents.all()}
    judged = []
    for response in found:
        team = team_names.get(response.team_id) if response.team_id is not None else None
        target = sla.policy.target(ClockKind.FIRST_RESPONSE, response.priority, response.sla_class)
        judged.append(_judge(response, sla.calendar(team), target, now))
    return SlaReport(
        start=start,
        end=end,
        desk=_row("desk", "", "whole desk", judged),
        channels=_group("channel", judged, lambda r: r.source, {}, "no channel"),
        teams=_group("team", judged, lambda r: r.team_id, team_names, "no team"),
        agents=_group("agent", judged, lambda r: r.agent_id, agent_names, "not answered yet"),
    )


def _minutes(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 60:.1f}"


CSV_HEADER = (
    "dimension",
    "key",
    "name",
    "conversations",
    "answered",
    "within_target",
    "breaches",
    "attainment_pct",
    "median_calendar_min",
    "p90_calendar_min",
    "median_business_min",
    "p90_business_min",
)


def report_csv(rows: Iterable[SlaRow]) -> str:
    """The rows as CSV (minutes with one decimal; empty where there is no figure)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            (
                row.dimension,
                row.key,
                row.name,
                row.conversations,
                row.answered,
                row.within_target,
                row.breaches,
                "" if row.attainment is None else f"{row.attainment * 100:.1f}",
                _minutes(row.median_calendar),
                _minutes(row.p90_calendar),
                _minutes(row.median_business),
                _minutes(row.p90_business),
            )
        )
    return out.getvalue()
