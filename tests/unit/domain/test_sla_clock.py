"""The SLA clock: due times in business time (properties across DST), care windows, holidays, iCal, the file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otklik.domain.conversations import Priority
from otklik.domain.sla import (
    BusinessCalendar,
    ClockKind,
    ClockState,
    OpenRange,
    SlaPolicy,
    TeamHours,
    WarningKind,
    business_time_between,
    due_at,
    within_care_windows,
)
from otklik.services.sla_config import SlaConfigError, load_sla_config, parse_ical_holidays, parse_sla_config

ZONES = ("Europe/Warsaw", "America/New_York", "Europe/Moscow")
OFFICE = {d: (OpenRange(time(9), time(13)), OpenRange(time(14), time(18))) for d in range(5)} | {5: (OpenRange(time(10), time(14)),)}
# Around both DST changes of 2026 in Europe and America, and a stretch of holidays.
moments = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC))  # noqa: DTZ001
targets = st.integers(min_value=1, max_value=60 * 40).map(lambda m: timedelta(minutes=m))
HOLIDAYS = frozenset({date(2026, 3, 30), date(2026, 11, 2), date(2026, 12, 24), date(2026, 12, 25)})


def calendars() -> st.SearchStrategy[BusinessCalendar]:
    return st.sampled_from(ZONES).map(lambda zone: BusinessCalendar(zone, OFFICE, HOLIDAYS))


def _open_just_before(moment: datetime, calendar: BusinessCalendar) -> bool:
    # A microsecond, the clock's resolution: a target may end a microsecond after opening.
    return calendar.is_open(moment - timedelta(microseconds=1))


@settings(max_examples=300, deadline=None)
@given(calendars(), moments, targets)
def test_due_time_falls_in_open_hours_and_counts_the_target_exactly(
    calendar: BusinessCalendar, received: datetime, target: timedelta
) -> None:
    due = due_at(received, target, calendar)
    assert _open_just_before(due, calendar)  # the last moment of the target is worked, never a closed one
    local = (due - timedelta(microseconds=1)).astimezone(ZoneInfo(calendar.timezone))
    assert local.date() not in HOLIDAYS
    assert business_time_between(received, due, calendar) == target


@settings(max_examples=300, deadline=None)
@given(calendars(), moments, moments, targets)
def test_due_time_is_monotonic_in_arrival(calendar: BusinessCalendar, a: datetime, b: datetime, target: timedelta) -> None:
    early, late = sorted((a, b))
    assert due_at(early, target, calendar) <= due_at(late, target, calendar)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ZONES), moments, targets)
def test_care_windows_hold_the_clock_inside_them_and_inside_open_hours(zone: str, received: datetime, target: timedelta) -> None:
    hours = BusinessCalendar(zone, OFFICE, HOLIDAYS)
    windows = {d: (OpenRange(time(8), time(10)), OpenRange(time(15), time(16))) for d in range(7)}
    clock_calendar = TeamHours(hours, windows).clock_calendar
    due = due_at(received, target, clock_calendar)
    # The microsecond before: a target may end less than a second into a window.
    assert hours.is_open(due - timedelta(microseconds=1))
    local = (due - timedelta(microseconds=1)).astimezone(ZoneInfo(zone))
    assert time(9) <= local.time() < time(10) or time(15) <= local.time() < time(16)
    assert due >= due_at(received, target, hours)  # working less of the day never makes an answer due sooner


def test_care_windows_worked_example_and_windows_outside_hours() -> None:
    hours = BusinessCalendar("Europe/Warsaw", {d: (OpenRange(time(9), time(17)),) for d in range(5)})
    care = within_care_windows(hours, {d: (OpenRange(time(9), time(10)), OpenRange(time(16), time(18))) for d in range(7)})
    assert care.weekly[0] == (OpenRange(time(9), time(10)), OpenRange(time(16), time(17)))
    assert care.weekly[5] == ()
    friday = datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    # 30 min in the morning window, 60 min 16–17, and the last 30 on Monday at 09:30.
    assert due_at(friday, timedelta(hours=2), care) == datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    with pytest.raises(ValueError, match="open hours"):
        within_care_windows(hours, {5: (OpenRange(time(9), time(10)),)})


def test_dst_days_in_each_zone() -> None:
    # New York springs forward on Sunday 8 March 2026; open Sunday 00:00–06:00 is 5 real hours.
    ny = BusinessCalendar("America/New_York", {6: (OpenRange(time(0), time(6)),)})
    start = datetime(2026, 3, 8, 0, 0, tzinfo=ZoneInfo("America/New_York"))
    assert due_at(start, timedelta(hours=5), ny) == datetime(2026, 3, 8, 6, 0, tzinfo=ZoneInfo("America/New_York"))
    # Warsaw falls back on 25 October 2026: the same range is 7 real hours.
    warsaw = BusinessCalendar("Europe/Warsaw", {6: (OpenRange(time(0), time(6)),)})
    start = datetime(2026, 10, 25, 0, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert due_at(start, timedelta(hours=7), warsaw) == datetime(2026, 10, 25, 6, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    # Moscow keeps +03 all year: 09:00 local is 06:00 UTC in summer and winter.
    moscow = BusinessCalendar("Europe/Moscow", {d: (OpenRange(time(9), time(18)),) for d in range(7)})
    for day in (date(2026, 1, 15), date(2026, 7, 15)):
        midnight = datetime.combine(day, time(0), tzinfo=UTC)
        assert due_at(midnight, timedelta(minutes=1), moscow) == datetime.combine(day, time(6, 1), tzinfo=UTC)


def test_clock_thresholds_and_states() -> None:
    policy = SlaPolicy()
    received = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    clock = policy.start_clock(ClockKind.FIRST_RESPONSE, received, Priority.URGENT, BusinessCalendar.round_the_clock())
    assert (clock.at_risk_50_at, clock.at_risk_80_at, clock.due_at) == (
        received + timedelta(minutes=7, seconds=30),
        received + timedelta(minutes=12),
        received + timedelta(minutes=15),
    )
    assert clock.state(received) is ClockState.ON_TIME
    assert clock.state(received + timedelta(minutes=8)) is ClockState.AT_RISK_50
    assert clock.state(received + timedelta(minutes=13)) is ClockState.AT_RISK_80
    assert clock.state(received + timedelta(hours=2)) is ClockState.BREACHED
    assert clock.state(received + timedelta(hours=24)) is ClockState.PAST_LIMIT
    assert clock.crossed(received + timedelta(minutes=1)) is None
    assert clock.crossed(received + timedelta(days=3)) is WarningKind.PAST_LIMIT
    assert clock.next_threshold(received + timedelta(minutes=13)) == clock.due_at
    assert clock.next_threshold(received + timedelta(days=3)) is None
    # A low-priority item on Friday evening in office hours is due after the 24 h limit:
    # the limit is calendar time, so it passes first.
    office = BusinessCalendar("Europe/Warsaw", {d: (OpenRange(time(9), time(17)),) for d in range(5)})
    friday = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    low = policy.start_clock(ClockKind.FIRST_RESPONSE, friday, Priority.LOW, office)
    assert low.acceptable_until < low.due_at
    assert low.state(friday + timedelta(hours=25)) is ClockState.PAST_LIMIT


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n"
    "SUMMARY:Christmas, a long summary that is folded onto\r\n  a second line\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:3\r\nDTSTART;TZID=Europe/Warsaw:20270106T000000\r\nDTEND;TZID=Europe/Warsaw:20270107T000000\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:4\r\nDTSTART:20270501T220000Z\r\nDTEND:20270502T\r\n 010000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_ical_import_unfolds_lines_and_reads_all_day_and_timed_events() -> None:
    days = parse_ical_holidays(ICS)
    assert days == {
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),  # DTEND of an all-day event is exclusive
        date(2027, 1, 1),  # no DTEND: one day
        date(2027, 1, 6),  # a timed event ending at midnight does not touch the next day
        date(2027, 5, 1),
        date(2027, 5, 2),  # the folded DTEND was unfolded
    }
    with pytest.raises(SlaConfigError, match=r"calendar.ics:1: event: unreadable date"):
        parse_ical_holidays("BEGIN:VEVENT\nDTSTART:2026-12-24\nEND:VEVENT\n")


def test_the_file_reads_teams_hours_care_windows_and_ical(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pl.ics").write_text(ICS, encoding="utf-8")
    path = tmp_path / "sla.yaml"
    path.write_text(
        "targets:\n"
        "  first_response: {urgent: 10m, normal: 1h30m}\n"
        "  next_response: {normal: 4h}\n"
        "  acceptable: 1d\n"
        "default_team: night\n"
        "teams:\n"
        "  night:\n    always_open: true\n"
        "  Care PL:\n"
        "    timezone: Europe/Warsaw\n"
        "    hours:\n      mon-fri: [09:00-13:00, 14:00-18:00]\n      sat,sun: [closed]\n"
        "    holidays: [2026-11-11]\n"
        "    holidays_ical: pl.ics\n"
        "    care_windows:\n      daily: [09:00-10:00, 16:00-24:00]\n",
        encoding="utf-8",
    )
    config = load_sla_config(path)
    assert config.policy.first_response[Priority.URGENT] == timedelta(minutes=10)
    assert config.policy.first_response[Priority.NORMAL] == timedelta(minutes=90)
    assert config.policy.next_response[Priority.NORMAL] == timedelta(hours=4)
    assert config.policy.next_response[Priority.URGENT] == timedelta(minutes=10)  # falls back to first response
    care = config.hours("Care PL")
    assert care.calendar.holidays >= {date(2026, 11, 11), date(2026, 12, 25)}
    assert config.calendar("Care PL").weekly[0] == (OpenRange(time(9), time(10)), OpenRange(time(16), time(18)))
    assert config.calendar(None).always_open
    assert config.calendar("unknown").always_open
    shipped = load_sla_config(None)
    assert shipped.default_team == "care" and shipped.calendar("care").always_open
    assert not shipped.calendar("office").always_open


def test_problems_are_reported_with_their_lines() -> None:
    text = (
        "targets:\n"  # 1
        "  first_response: {urgent: soon, critical: 5m}\n"  # 2
        "teams:\n"  # 3
        "  a:\n"  # 4
        "    timezone: Mars/Olympus\n"  # 5
        "    hours:\n"  # 6
        "      mon-fri: [09:00-17:00, 16:00-18:00]\n"  # 7
        "      funday: [10:00-11:00]\n"  # 8
        "    holidays: [2026-13-01]\n"  # 9
        "default_team: b\n"  # 10
    )
    with pytest.raises(SlaConfigError) as caught:
        parse_sla_config(text, source="sla.yaml")
    lines = [line for line, _ in caught.value.problems]
    assert lines == [2, 2, 5, 7, 8, 9, 10]
    message = str(caught.value)
    assert "sla.yaml:2: targets.first_response.urgent: 'soon' is not a duration" in message
    assert "sla.yaml:2: targets.first_response: unknown field 'critical'" in message
    assert "sla.yaml:5: team 'a'.timezone: 'Mars/Olympus' is not a known time zone" in message
    assert "sla.yaml:7: team 'a'.hours.mon-fri: the ranges overlap" in message
    assert "sla.yaml:10: default_team: 'b' is not one of the teams" in message
    with pytest.raises(SlaConfigError, match="sla:1: not valid YAML"):
        parse_sla_config("teams: [")


def test_sla_classes_of_the_response_schema_get_their_own_targets() -> None:
    config = parse_sla_config(
        "targets:\n"
        "  first_response: {normal: 2h, low: 8h}\n"
        "  classes:\n"
        "    proactive: {first_response: 4h}\n"
        "    vip: {first_response: 10m, next_response: 20m}\n"
        "teams:\n  care:\n    always_open: true\n"
    )
    policy = config.policy
    assert policy.target(ClockKind.FIRST_RESPONSE, Priority.NORMAL, "proactive") == timedelta(hours=4)
    assert policy.target(ClockKind.NEXT_RESPONSE, Priority.NORMAL, "proactive") == timedelta(hours=4)  # the class's first
    assert policy.target(ClockKind.NEXT_RESPONSE, Priority.LOW, "vip") == timedelta(minutes=20)
    # A class the file does not name, or none, runs on the priority's targets.
    assert policy.target(ClockKind.FIRST_RESPONSE, Priority.LOW, "standard") == timedelta(hours=8)
    assert policy.target(ClockKind.FIRST_RESPONSE, Priority.NORMAL, None) == timedelta(hours=2)
    started = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    clock = config.start_clock(ClockKind.FIRST_RESPONSE, started, Priority.NORMAL, None, "proactive")
    assert (clock.due_at, clock.at_risk_50_at) == (started + timedelta(hours=4), started + timedelta(hours=2))
    assert load_sla_config(None).policy.target(ClockKind.FIRST_RESPONSE, Priority.NORMAL, "proactive") == timedelta(hours=4)


def test_sla_class_problems_are_reported_with_their_lines() -> None:
    text = (
        "targets:\n"  # 1
        "  acceptable: 24h\n"  # 2
        "  classes:\n"  # 3
        "    slow: {first_response: 2d}\n"  # 4
        "    odd: {first_respons: 1h}\n"  # 5
        "    bad: {first_response: soon}\n"  # 6
        "    empty: {}\n"  # 7
        "teams:\n  care:\n    always_open: true\n"
    )
    with pytest.raises(SlaConfigError) as caught:
        parse_sla_config(text, source="sla.yaml")
    message = str(caught.value)
    assert [line for line, _ in caught.value.problems] == [4, 5, 6, 7]
    assert "sla.yaml:4: targets.classes.slow.first_response is longer than targets.acceptable" in message
    assert "sla.yaml:5: targets.classes.odd: unknown field 'first_respons'" in message
    assert "sla.yaml:6: targets.classes.bad.first_response: 'soon' is not a duration" in message
    assert "sla.yaml:7: targets.classes.empty gives no target" in message
