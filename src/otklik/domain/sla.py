"""Business time: calendars with opening hours, holidays and time zones, and due times.

Pure functions that take the current time as an argument. A calendar's hours are local wall
times in its time zone; durations are real elapsed time, so an hour of business time is an
hour on the clock even on the day the clocks change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from otklik.domain.conversations import Priority

#: How far ahead a calendar is searched for open hours before it is declared never open.
HORIZON_DAYS = 3 * 366
_ONE_DAY = timedelta(days=1)
#: Days whose intervals a calendar keeps (some ten years): bounded memory for a long-lived process.
_DAYS_CACHED = 4000


@dataclass(frozen=True, slots=True)
class OpenRange:
    """Open from ``start`` to ``end`` local time on one day; ``end`` of 00:00 means midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end != time(0) and self.end <= self.start:
            raise ValueError(f"an open range must end after it starts: {self.start}–{self.end}")


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When a team answers: weekly hours (Monday = 0) in a time zone, minus holidays; or 24/7."""

    timezone: str = "UTC"
    weekly: Mapping[int, tuple[OpenRange, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    always_open: bool = False
    # Each day's open intervals in UTC, worked out once: a calendar answers many due times.
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fail fast on an unknown zone
        if not self.always_open and not any(self.weekly.get(day) for day in range(7)):
            raise ValueError("a calendar needs open hours on at least one weekday, or always_open")

    @classmethod
    def round_the_clock(cls) -> BusinessCalendar:
        """Open 24/7."""
        return cls(always_open=True)

    def open_intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals in UTC, in order, from the one containing ``since`` on."""
        if self.always_open:
            yield since.astimezone(UTC), datetime.max.replace(tzinfo=UTC)
            return
        zone = ZoneInfo(self.timezone)
        since_utc = since.astimezone(UTC)
        day = since.astimezone(zone).date() - _ONE_DAY  # a range may span midnight UTC
        for _ in range(HORIZON_DAYS):
            for start, end in self._intervals_on(day, zone):
                if end > since_utc:
                    yield (start if start > since_utc else since_utc), end
            day += _ONE_DAY

    def _intervals_on(self, day: date, zone: ZoneInfo) -> tuple[tuple[datetime, datetime], ...]:
        found = self._days.get(day)
        if found is None:
            found = ()
            if day not in self.holidays:
                found = tuple(
                    (_utc(day, span.start, zone), _utc(day + _ONE_DAY, time(0), zone) if span.end == time(0) else _utc(day, span.end, zone))
                    for span in self.weekly.get(day.weekday(), ())
                )
            if len(self._days) < _DAYS_CACHED:
                self._days[day] = found
        return found

    def is_open(self, moment: datetime) -> bool:
        """True when ``moment`` falls in open hours (start inclusive, end exclusive)."""
        for start, end in self.open_intervals(moment):
            return start <= moment < end
        return False


def _utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # Wall times that happen twice (autumn) mean the first; ones that never happen (the
    # spring-forward gap) are read with the offset before the change. Opening hours rarely
    # sit between 02:00 and 03:00, where this matters.
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def due_at(received: datetime, target: timedelta, calendar: BusinessCalendar) -> datetime:
    """When ``target`` of business time has passed since ``received``."""
    if target < timedelta(0):
        raise ValueError("a response target cannot be negative")
    if calendar.always_open:  # 24/7: business time is clock time
        return received.astimezone(UTC) + target
    left = target
    for start, end in calendar.open_intervals(received):
        if end - start >= left:
            return start + left
        left -= end - start
    raise ValueError(f"the calendar has no open hours within {HORIZON_DAYS} days")


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time elapsed from ``start`` to ``end`` (zero when ``end`` is not later)."""
    total = timedelta(0)
    if end <= start:
        return total
    for open_start, open_end in calendar.open_intervals(start):
        if open_start >= end:
            break
        total += min(open_end, end) - open_start
    return total


def _minutes(wall: time, *, end: bool = False) -> int:
    return 24 * 60 if end and wall == time(0) else wall.hour * 60 + wall.minute


def _wall(minutes: int) -> time:
    return time(0) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def intersect_ranges(a: tuple[OpenRange, ...], b: tuple[OpenRange, ...]) -> tuple[OpenRange, ...]:
    """The parts of one day covered by both ``a`` and ``b``, in order."""
    out = []
    for x in a:
        for y in b:
            start = max(_minutes(x.start), _minutes(y.start))
            end = min(_minutes(x.end, end=True), _minutes(y.end, end=True))
            if end > start:
                out.append(OpenRange(_wall(start), _wall(end)))
    return tuple(sorted(out, key=lambda r: _minutes(r.start)))


def within_care_windows(calendar: BusinessCalendar, windows: Mapping[int, tuple[OpenRange, ...]]) -> BusinessCalendar:
    """The calendar a team's clock runs on when it answers only in care windows (P20).

    Care windows are wall times in the calendar's zone; the result is open only where the
    calendar is open *and* a window is, and keeps the calendar's holidays.
    """
    if calendar.always_open:
        weekly = {day: tuple(windows.get(day, ())) for day in range(7)}
    else:
        weekly = {day: intersect_ranges(tuple(calendar.weekly.get(day, ())), tuple(windows.get(day, ()))) for day in range(7)}
    return BusinessCalendar(timezone=calendar.timezone, weekly=weekly, holidays=calendar.holidays)


class ClockKind(StrEnum):
    """Which answer a running SLA clock waits for."""

    FIRST_RESPONSE = "first_response"  # nobody has answered the conversation yet
    NEXT_RESPONSE = "next_response"  # the customer wrote again after an answer


class ClockState(StrEnum):
    """How a conversation stands against its clock."""

    STOPPED = "stopped"  # no answer is owed
    ON_TIME = "on_time"
    AT_RISK_50 = "at_risk_50"  # half of the target used
    AT_RISK_80 = "at_risk_80"  # 80 % of the target used
    BREACHED = "breached"  # the target passed
    PAST_LIMIT = "past_limit"  # the acceptable limit passed: the answer is late (P4)


class WarningKind(StrEnum):
    """A threshold whose crossing raises a warning."""

    AT_RISK_50 = "at_risk_50"
    AT_RISK_80 = "at_risk_80"
    BREACHED = "breached"
    PAST_LIMIT = "past_limit"


#: Severity order, mildest first.
WARNING_ORDER = (WarningKind.AT_RISK_50, WarningKind.AT_RISK_80, WarningKind.BREACHED, WarningKind.PAST_LIMIT)


@dataclass(frozen=True, slots=True)
class SlaClock:
    """A running response clock: when it started and when each threshold falls."""

    kind: ClockKind
    started_at: datetime
    at_risk_50_at: datetime
    at_risk_80_at: datetime
    due_at: datetime
    acceptable_until: datetime

    def thresholds(self) -> tuple[tuple[WarningKind, datetime], ...]:
        """Each warning threshold and its moment, mildest first."""
        return (
            (WarningKind.AT_RISK_50, self.at_risk_50_at),
            (WarningKind.AT_RISK_80, self.at_risk_80_at),
            (WarningKind.BREACHED, self.due_at),
            (WarningKind.PAST_LIMIT, self.acceptable_until),
        )

    def crossed(self, now: datetime) -> WarningKind | None:
        """The most severe threshold reached by ``now``, if any."""
        reached = [kind for kind, at in self.thresholds() if at <= now]
        return max(reached, key=WARNING_ORDER.index) if reached else None

    def next_threshold(self, now: datetime) -> datetime | None:
        """The next threshold moment after ``now`` (None when all have passed)."""
        later = [at for _, at in self.thresholds() if at > now]
        return min(later) if later else None

    def state(self, now: datetime) -> ClockState:
        """Where the clock stands at ``now``."""
        crossed = self.crossed(now)
        return ClockState.ON_TIME if crossed is None else ClockState(crossed.value)


def clock_state(
    now: datetime,
    *,
    at_risk_50_at: datetime | None,
    at_risk_80_at: datetime | None,
    due_at: datetime | None,
    acceptable_until: datetime | None,
) -> ClockState:
    """Where a stored clock stands at ``now``; ``STOPPED`` when no clock runs."""
    if at_risk_50_at is None or at_risk_80_at is None or due_at is None or acceptable_until is None:
        return ClockState.STOPPED
    if now >= acceptable_until:
        return ClockState.PAST_LIMIT
    if now >= due_at:
        return ClockState.BREACHED
    if now >= at_risk_80_at:
        return ClockState.AT_RISK_80
    if now >= at_risk_50_at:
        return ClockState.AT_RISK_50
    return ClockState.ON_TIME


def _default_targets() -> dict[Priority, timedelta]:
    return {
        Priority.URGENT: timedelta(minutes=15),
        Priority.HIGH: timedelta(minutes=30),
        Priority.NORMAL: timedelta(hours=2),
        Priority.LOW: timedelta(hours=8),
    }


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Response targets per priority, and the acceptable limit after which a reply is late (P2, P4)."""

    first_response: Mapping[Priority, timedelta] = field(default_factory=_default_targets)
    acceptable: timedelta = timedelta(hours=24)
    #: Targets when the customer writes again on a conversation already answered.
    next_response: Mapping[Priority, timedelta] = field(default_factory=_default_targets)
    #: Targets of the response schema's SLA classes, by class and clock; they replace the
    #: priority's target. A class not named here runs on its priority's targets.
    classes: Mapping[str, Mapping[ClockKind, timedelta]] = field(default_factory=dict)

    def target(self, kind: ClockKind, priority: Priority, sla_class: str | None = None) -> timedelta:
        """The response target of a clock of ``kind`` at ``priority`` (or of ``sla_class``, when it has one)."""
        by_class = self.classes.get(sla_class) if sla_class else None
        if by_class is not None and kind in by_class:
            return by_class[kind]
        return (self.first_response if kind is ClockKind.FIRST_RESPONSE else self.next_response)[priority]

    def start_clock(
        self, kind: ClockKind, started_at: datetime, priority: Priority, calendar: BusinessCalendar, sla_class: str | None = None
    ) -> SlaClock:
        """A clock started by a customer item at ``started_at``, its thresholds in business time."""
        target = self.target(kind, priority, sla_class)
        return SlaClock(
            kind=kind,
            started_at=started_at,
            at_risk_50_at=due_at(started_at, target / 2, calendar),
            at_risk_80_at=due_at(started_at, target * 4 / 5, calendar),
            due_at=due_at(started_at, target, calendar),
            acceptable_until=self.late_after(started_at),
        )

    def first_response_due(self, received: datetime, priority: Priority, calendar: BusinessCalendar) -> datetime:
        """When the first answer to an item received at ``received`` is due."""
        return due_at(received, self.first_response[priority], calendar)

    def late_after(self, received: datetime) -> datetime:
        """After this moment an answer is late and owes an apology and a gesture (P4).

        Calendar time, not business time: the customer's clock does not stop at closing.
        """
        return received + self.acceptable


@dataclass(frozen=True, slots=True)
class TeamHours:
    """A team's calendar and, optionally, the care windows it answers in (P20)."""

    calendar: BusinessCalendar
    care_windows: Mapping[int, tuple[OpenRange, ...]] | None = None
    #: The calendar the team's SLA clocks run on: the care windows within open hours, if any.
    clock_calendar: BusinessCalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        clock = self.calendar if self.care_windows is None else within_care_windows(self.calendar, self.care_windows)
        object.__setattr__(self, "clock_calendar", clock)  # built once, so its day cache lasts


@dataclass(frozen=True, slots=True)
class SlaConfig:
    """The brand's SLA: one policy, and hours per team (by team name)."""

    policy: SlaPolicy = field(default_factory=SlaPolicy)
    teams: Mapping[str, TeamHours] = field(default_factory=lambda: {"care": TeamHours(BusinessCalendar.round_the_clock())})
    default_team: str = "care"

    def __post_init__(self) -> None:
        if self.default_team not in self.teams:
            raise ValueError(f"the default team {self.default_team!r} has no hours")

    def hours(self, team: str | None) -> TeamHours:
        """The hours of ``team``; the default team's when it is None or has none of its own."""
        return self.teams.get(team or self.default_team) or self.teams[self.default_team]

    def calendar(self, team: str | None) -> BusinessCalendar:
        """The calendar ``team``'s clocks run on (care windows applied)."""
        return self.hours(team).clock_calendar

    def start_clock(
        self, kind: ClockKind, started_at: datetime, priority: Priority, team: str | None, sla_class: str | None = None
    ) -> SlaClock:
        """A clock for ``team`` at ``priority`` (or ``sla_class``), started at ``started_at``."""
        return self.policy.start_clock(kind, started_at, priority, self.calendar(team), sla_class)


def conversation_clock(
    config: SlaConfig,
    *,
    active: bool,
    waiting_since: datetime | None,
    answered_before: bool,
    priority: Priority,
    team: str | None,
    sla_class: str | None = None,
) -> SlaClock | None:
    """The clock a conversation runs on, or None when no answer is owed.

    A clock runs while the conversation is in the open inbox and a customer item waits: the
    first-response clock until the conversation is first answered, the next-response clock
    when the customer writes again after an answer. It starts at the oldest unanswered item.
    """
    if not active or waiting_since is None:
        return None
    kind = ClockKind.NEXT_RESPONSE if answered_before else ClockKind.FIRST_RESPONSE
    return config.start_clock(kind, waiting_since, priority, team, sla_class)
