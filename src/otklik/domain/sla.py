"""Business time: calendars with opening hours, holidays and time zones, and due times.

Pure functions that take the current time as an argument. A calendar's hours are local wall
times in its time zone; durations are real elapsed time, so an hour of business time is an
hour on the clock even on the day the clocks change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from otklik.domain.conversations import Priority

#: How far ahead a calendar is searched for open hours before it is declared never open.
HORIZON_DAYS = 3 * 366


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
        day = since.astimezone(zone).date() - timedelta(days=1)  # a range may span midnight UTC
        for _ in range(HORIZON_DAYS):
            if day not in self.holidays:
                for span in self.weekly.get(day.weekday(), ()):
                    start = _utc(day, span.start, zone)
                    end = _utc(day + timedelta(days=1), time(0), zone) if span.end == time(0) else _utc(day, span.end, zone)
                    if end > since:
                        yield max(start, since.astimezone(UTC)), end
            day += timedelta(days=1)

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


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Response targets per priority, and the acceptable limit after which a reply is late (P2, P4)."""

    first_response: Mapping[Priority, timedelta] = field(
        default_factory=lambda: {
            Priority.URGENT: timedelta(minutes=15),
            Priority.HIGH: timedelta(minutes=30),
            Priority.NORMAL: timedelta(hours=2),
            Priority.LOW: timedelta(hours=8),
        }
    )
    acceptable: timedelta = timedelta(hours=24)

    def first_response_due(self, received: datetime, priority: Priority, calendar: BusinessCalendar) -> datetime:
        """When the first answer to an item received at ``received`` is due."""
        return due_at(received, self.first_response[priority], calendar)

    def late_after(self, received: datetime) -> datetime:
        """After this moment an answer is late and owes an apology and a gesture (P4).

        Calendar time, not business time: the customer's clock does not stop at closing.
        """
        return received + self.acceptable
