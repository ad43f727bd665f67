"""Business-time due dates: worked examples and properties across time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otklik.domain.conversations import Priority
from otklik.domain.sla import BusinessCalendar, OpenRange, SlaPolicy, business_time_between, due_at

NINE_TO_FIVE = {day: (OpenRange(time(9), time(17)),) for day in range(5)}
WARSAW = BusinessCalendar("Europe/Warsaw", NINE_TO_FIVE, holidays=frozenset({date(2026, 12, 25)}))


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def test_worked_examples_in_warsaw() -> None:
    # Friday 16:30: 30 minutes left today, the other 90 on Monday from 09:00.
    friday = local("Europe/Warsaw", 2026, 11, 20, 16, 30)
    assert due_at(friday, timedelta(hours=2), WARSAW) == local("Europe/Warsaw", 2026, 11, 23, 10, 30)
    # Arriving at night counts from the next opening.
    night = local("Europe/Warsaw", 2026, 11, 24, 23, 0)
    assert due_at(night, timedelta(minutes=15), WARSAW) == local("Europe/Warsaw", 2026, 11, 25, 9, 15)
    # Christmas Day (a Friday) is closed.
    christmas_eve = local("Europe/Warsaw", 2026, 12, 24, 16, 0)
    assert due_at(christmas_eve, timedelta(hours=2), WARSAW) == local("Europe/Warsaw", 2026, 12, 28, 10, 0)
    assert business_time_between(friday, local("Europe/Warsaw", 2026, 11, 23, 10, 30), WARSAW) == timedelta(hours=2)


def test_round_the_clock_and_split_days() -> None:
    anytime = BusinessCalendar.round_the_clock()
    moment = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert due_at(moment, timedelta(minutes=15), anytime) == moment + timedelta(minutes=15)
    # A small team's care windows (P20): 09–10 and 15–16, every day, in Moscow (no DST).
    windows = BusinessCalendar("Europe/Moscow", {d: (OpenRange(time(9), time(10)), OpenRange(time(15), time(16))) for d in range(7)})
    start = local("Europe/Moscow", 2026, 11, 21, 9, 30)
    assert due_at(start, timedelta(hours=1), windows) == local("Europe/Moscow", 2026, 11, 21, 15, 30)
    late_night = BusinessCalendar("America/New_York", {d: (OpenRange(time(20), time(0)),) for d in range(7)})
    assert due_at(local("America/New_York", 2026, 11, 21, 23, 0), timedelta(hours=2), late_night) == local(
        "America/New_York", 2026, 11, 22, 21, 0
    )


def test_dst_days_have_real_hours() -> None:
    # 29 March 2026: Warsaw moves from +01 to +02 at 02:00. A 00:00–06:00 range is 5 real hours.
    night = BusinessCalendar("Europe/Warsaw", {6: (OpenRange(time(0), time(6)),)})
    sunday = local("Europe/Warsaw", 2026, 3, 29, 0, 0)
    assert business_time_between(sunday, local("Europe/Warsaw", 2026, 3, 29, 6, 0), night) == timedelta(hours=5)
    # 1 November 2026: New York falls back at 02:00; 00:00–06:00 is 7 real hours.
    ny = BusinessCalendar("America/New_York", {6: (OpenRange(time(0), time(6)),)})
    assert business_time_between(
        local("America/New_York", 2026, 11, 1, 0, 0), local("America/New_York", 2026, 11, 1, 6, 0), ny
    ) == timedelta(hours=7)


def test_bad_calendars_and_targets_fail_fast() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        OpenRange(time(17), time(9))
    with pytest.raises(ValueError, match="at least one weekday"):
        BusinessCalendar("Europe/Warsaw", {})
    with pytest.raises(KeyError):
        BusinessCalendar("Mars/Olympus", NINE_TO_FIVE)
    with pytest.raises(ValueError, match="negative"):
        due_at(datetime(2026, 1, 1, tzinfo=UTC), timedelta(minutes=-1), WARSAW)
    all_holidays = BusinessCalendar(
        "UTC", {0: (OpenRange(time(9), time(10)),)}, holidays=frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(1200))
    )
    with pytest.raises(ValueError, match="no open hours"):
        due_at(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=1), all_holidays)


def test_policy_defaults_follow_the_seeds() -> None:
    policy = SlaPolicy()
    received = local("Europe/Warsaw", 2026, 11, 20, 10, 0)
    assert policy.first_response_due(received, Priority.URGENT, WARSAW) == received + timedelta(minutes=15)
    assert policy.first_response_due(received, Priority.LOW, WARSAW) == local("Europe/Warsaw", 2026, 11, 20, 18, 0) + timedelta(
        days=3
    ) - timedelta(hours=8) + timedelta(hours=1) - timedelta(hours=1)
    assert policy.late_after(received) == received + timedelta(hours=24)


# --- properties ------------------------------------------------------------------------
ZONES = st.sampled_from(["Europe/Warsaw", "America/New_York", "Europe/Moscow"])
HOURS = st.integers(min_value=5, max_value=22)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    zone = draw(ZONES)
    weekly: dict[int, tuple[OpenRange, ...]] = {}
    for day in draw(st.sets(st.integers(0, 6), min_size=1)):
        start = draw(HOURS)
        length = draw(st.integers(1, 23 - start))
        weekly[day] = (OpenRange(time(start), time(start + length) if start + length < 24 else time(0)),)
    return BusinessCalendar(zone, weekly)


# Around the 2026 clock changes in Europe (29 Mar, 25 Oct) and the USA (8 Mar, 1 Nov).
# hypothesis takes naive bounds and attaches the zone itself.
MOMENTS = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2026, 11, 10), timezones=st.just(UTC))  # noqa: DTZ001
TARGETS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=30))


def _inside_wall_hours(moment: datetime, calendar: BusinessCalendar) -> bool:
    """Checked from the wall clock, independently of how due_at walks the intervals."""
    wall = moment.astimezone(ZoneInfo(calendar.timezone))
    for day_offset in (0, -1):
        day = wall.date() + timedelta(days=day_offset)
        for span in calendar.weekly.get(day.weekday(), ()):
            opens = datetime.combine(day, span.start, tzinfo=wall.tzinfo)
            closes = datetime.combine(day + timedelta(days=1) if span.end == time(0) else day, span.end, tzinfo=wall.tzinfo)
            if opens.astimezone(UTC) <= moment <= closes.astimezone(UTC):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), received=MOMENTS, target=TARGETS)
def test_due_is_never_in_closed_hours_and_spends_exactly_the_target(
    calendar: BusinessCalendar, received: datetime, target: timedelta
) -> None:
    due = due_at(received, target, calendar)
    assert due >= received
    if target > timedelta(0):
        assert _inside_wall_hours(due, calendar)
    assert business_time_between(received, due, calendar) == target


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), first=MOMENTS, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)), target=TARGETS)
def test_due_is_monotonic_in_arrival(calendar: BusinessCalendar, first: datetime, gap: timedelta, target: timedelta) -> None:
    assert due_at(first, target, calendar) <= due_at(first + gap, target, calendar)
