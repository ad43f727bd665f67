"""Reading the SLA configuration: a YAML file of targets and team hours, and iCal holidays.

The file is named by ``OTKLIK_SLA_FILE``; ``default_sla.yaml`` ships beside this module and
documents the format. Reading checks every field and reports each problem with its line,
as the response schema does; what reads cleanly becomes an immutable
:class:`~otklik.domain.sla.SlaConfig`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from importlib import resources
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from otklik.domain.conversations import Priority
from otklik.domain.sla import BusinessCalendar, ClockKind, OpenRange, SlaConfig, SlaPolicy, TeamHours
from otklik.errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class SlaConfigError(ConfigError):
    """An SLA file that cannot be used; ``problems`` are ``(line, message)`` pairs."""

    def __init__(self, problems: Sequence[tuple[int, str]], *, source: str = "sla"):
        self.problems = sorted(problems)
        self.source = source
        super().__init__("\n".join(f"{source}:{line}: {message}" for line, message in self.problems))


def parse_duration(text: str) -> timedelta | None:
    """``15m``, ``2h``, ``1h30m``, ``1d`` (24 hours) as a duration; None when unreadable."""
    match = _DURATION.match(text)
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def parse_ical_holidays(text: str, *, source: str = "calendar.ics") -> frozenset[date]:
    """The days covered by the VEVENTs of an iCalendar (RFC 5545) text.

    All-day events (``DTSTART;VALUE=DATE``) cover their start day up to, not including,
    ``DTEND`` (one day when there is no end); events with a time cover the days they touch,
    read in their own ``TZID`` or UTC. Recurrence rules are not expanded: export the year's
    holidays as single events.
    """
    # Line unfolding: a line starting with a space or tab continues the previous one.
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    problems: list[tuple[int, str]] = []
    days: set[date] = set()
    event: dict[str, tuple[dict[str, str], str]] | None = None
    began = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name, params, value = _content_line(line)
        if name == "BEGIN" and value.upper() == "VEVENT":
            event, began = {}, number
        elif name == "END" and value.upper() == "VEVENT" and event is not None:
            try:
                days |= _event_days(event)
            except ValueError as exc:
                problems.append((began, f"event: {exc}"))
            event = None
        elif event is not None and name in ("DTSTART", "DTEND"):
            event[name] = (params, value)
    if problems:
        raise SlaConfigError(problems, source=source)
    return frozenset(days)


def _content_line(line: str) -> tuple[str, dict[str, str], str]:
    head, _, value = line.partition(":")
    name, *parts = head.split(";")
    params = {}
    for part in parts:
        key, _, param = part.partition("=")
        params[key.upper()] = param.strip('"')
    return name.strip().upper(), params, value.strip()


def _moment(params: dict[str, str], value: str) -> date | datetime:
    if params.get("VALUE", "").upper() == "DATE" or len(value) == 8:
        return datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 - only the date is kept
    utc = value.endswith("Z")
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")  # noqa: DTZ007 - the zone is attached below
    zone = ZoneInfo("UTC" if utc or "TZID" not in params else params["TZID"])
    return moment.replace(tzinfo=zone)


def _event_days(event: dict[str, tuple[dict[str, str], str]]) -> set[date]:
    if "DTSTART" not in event:
        raise ValueError("a VEVENT without DTSTART")
    try:
        start = _moment(*event["DTSTART"])
        end = _moment(*event["DTEND"]) if "DTEND" in event else None
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise ValueError(f"unreadable date: {exc}") from None
    if isinstance(start, datetime):
        first = start.date()
        # A timed event ending exactly at midnight does not touch the next day.
        last = first if not isinstance(end, datetime) else (end.astimezone(start.tzinfo) - timedelta(microseconds=1)).date()
    else:
        first = start
        last = first if end is None else (end if not isinstance(end, datetime) else end.date()) - timedelta(days=1)
    last = max(last, first)
    if (last - first).days > 366:
        raise ValueError("an event longer than a year is not a holiday")
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


class _Reader:
    def __init__(self, source: str, base: Path | None):
        self.source = source
        self.base = base
        self.problems: list[tuple[int, str]] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append((node.start_mark.line + 1, message))

    def mapping(self, node: yaml.Node, what: str, known: Sequence[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
            return {}
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in out:
                self.fail(key, f"{what}: {name!r} is given twice")
            elif known and name not in known:
                self.fail(key, f"{what}: unknown field {name!r} (known: {', '.join(known)})")
            else:
                out[name] = (key, value)
        return out

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.value in ("", "~", "null"):
            self.fail(node, f"{what} must be a single value")
            return None
        return str(node.value)

    def duration(self, node: yaml.Node, what: str) -> timedelta | None:
        text = self.scalar(node, what)
        if text is None:
            return None
        value = parse_duration(text)
        if value is None or value <= timedelta(0):
            self.fail(node, f"{what}: {text!r} is not a duration like 15m, 2h, 1h30m or 1d")
            return None
        return value

    def targets(self, node: yaml.Node, what: str, defaults: dict[Priority, timedelta]) -> dict[Priority, timedelta]:
        out = dict(defaults)
        for name, (_, value) in self.mapping(node, what, [p.value for p in Priority]).items():
            target = self.duration(value, f"{what}.{name}")
            if target is not None:
                out[Priority(name)] = target
        return out

    def classes(self, node: yaml.Node, acceptable: timedelta) -> dict[str, dict[ClockKind, timedelta]]:
        """``targets.classes``: per SLA class of the response schema, its own first- and next-response targets."""
        out: dict[str, dict[ClockKind, timedelta]] = {}
        for name, (key, value) in self.mapping(node, "targets.classes", []).items():
            what = f"targets.classes.{name}"
            given = self.mapping(value, what, _CLASS_TARGETS)
            if isinstance(value, yaml.MappingNode) and not value.value:
                self.fail(key, f"{what} gives no target (first_response, next_response)")
            targets: dict[ClockKind, timedelta] = {}
            for field_name, (_, field_value) in given.items():
                target = self.duration(field_value, f"{what}.{field_name}")
                if target is None:
                    continue
                if target > acceptable:
                    self.fail(field_value, f"{what}.{field_name} is longer than targets.acceptable")
                targets[ClockKind(field_name)] = target
            # Unless given, answering again is held to the class's first-response target.
            if ClockKind.FIRST_RESPONSE in targets:
                targets.setdefault(ClockKind.NEXT_RESPONSE, targets[ClockKind.FIRST_RESPONSE])
            out[name] = targets
        return out

    def flag(self, node: yaml.Node, what: str) -> bool:
        text = self.scalar(node, what)
        if text not in ("true", "false", "yes", "no"):
            self.fail(node, f"{what} must be true or false")
            return False
        return text in ("true", "yes")

    def days(self, key: yaml.Node, what: str) -> list[int]:
        out: list[int] = []
        for part in str(key.value).lower().replace(" ", "").split(","):
            if part in ("daily", "every_day", "mon-sun"):
                out.extend(range(7))
            elif "-" in part and all(p in DAYS for p in part.split("-", 1)):
                first, last = (DAYS.index(p) for p in part.split("-", 1))
                if last < first:
                    self.fail(key, f"{what}: {part!r} runs backwards")
                out.extend(range(first, last + 1))
            elif part in DAYS:
                out.append(DAYS.index(part))
            else:
                self.fail(key, f"{what}: {part!r} is not a day (mon … sun, a range like mon-fri, or daily)")
        return out

    def week(self, node: yaml.Node, what: str) -> dict[int, tuple[OpenRange, ...]]:
        week: dict[int, list[OpenRange]] = {}
        for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
            days = self.days(key, what)
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            ranges = []
            for item in items:
                text = self.scalar(item, f"{what}.{key.value}")
                if text is None:
                    continue
                if text.lower() in ("closed", "none"):
                    continue
                read = self.range(item, text, f"{what}.{key.value}")
                if read is not None:
                    ranges.append(read)
            ranges.sort(key=lambda r: r.start)
            if any(before.end == time(0) or after.start < before.end for before, after in pairwise(ranges)):
                self.fail(key, f"{what}.{key.value}: the ranges overlap")
            for day in days:
                if day in week:
                    self.fail(key, f"{what}: {DAYS[day]} is given twice")
                week[day] = ranges
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must map days to time ranges, e.g. mon-fri: [09:00-17:00]")
        out: dict[int, tuple[OpenRange, ...]] = {}
        for day, ranges in week.items():
            out[day] = tuple(ranges)
        return out

    def range(self, node: yaml.Node, text: str, what: str) -> OpenRange | None:
        match = _RANGE.match(text)
        if match is None:
            self.fail(node, f"{what}: {text!r} is not a time range like 09:00-17:00")
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h2 == 24 and m2 == 0:
            h2 = 0
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            self.fail(node, f"{what}: {text!r} is not a time of day")
            return None
        try:
            return OpenRange(time(h1, m1), time(h2, m2))
        except ValueError as exc:
            self.fail(node, f"{what}: {exc}")
            return None

    def holidays(self, node: yaml.Node, what: str) -> set[date]:
        out = set()
        for item in node.value if isinstance(node, yaml.SequenceNode) else [node]:
            text = self.scalar(item, what)
            if text is None:
                continue
            try:
                out.add(date.fromisoformat(text))
            except ValueError:
                self.fail(item, f"{what}: {text!r} is not a date like 2026-12-25")
        return out

    def ical(self, node: yaml.Node, what: str) -> set[date]:
        name = self.scalar(node, what)
        if name is None:
            return set()
        path = Path(name) if self.base is None else self.base / name
        try:
            return set(parse_ical_holidays(path.read_text(encoding="utf-8"), source=str(path)))
        except (OSError, UnicodeDecodeError) as exc:
            self.fail(node, f"{what}: cannot read {path}: {exc}")
        except SlaConfigError as exc:
            self.fail(node, f"{what}: {exc}")
        return set()

    def team(self, node: yaml.Node, where: str) -> TeamHours | None:
        known = ["timezone", "always_open", "hours", "holidays", "holidays_ical", "care_windows"]
        fields = self.mapping(node, where, known)
        zone = "UTC"
        if "timezone" in fields:
            zone = self.scalar(fields["timezone"][1], f"{where}.timezone") or "UTC"
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.fail(fields["timezone"][1], f"{where}.timezone: {zone!r} is not a known time zone (e.g. Europe/Warsaw)")
                zone = "UTC"
        always = self.flag(fields["always_open"][1], f"{where}.always_open") if "always_open" in fields else False
        weekly = self.week(fields["hours"][1], f"{where}.hours") if "hours" in fields else {}
        if always and "hours" in fields:
            self.fail(fields["hours"][0], f"{where}: a team that is always open has no hours")
        if not always and not any(weekly.values()):
            self.fail(node, f"{where}: give the hours (e.g. mon-fri: [09:00-17:00]) or always_open: true")
            return None
        holidays = self.holidays(fields["holidays"][1], f"{where}.holidays") if "holidays" in fields else set()
        if "holidays_ical" in fields:
            holidays |= self.ical(fields["holidays_ical"][1], f"{where}.holidays_ical")
        windows = self.week(fields["care_windows"][1], f"{where}.care_windows") if "care_windows" in fields else None
        try:
            return TeamHours(BusinessCalendar(zone, weekly, frozenset(holidays), always_open=always), windows)
        except ValueError:
            self.fail(fields["care_windows"][1], f"{where}.care_windows: no window falls within the team's hours")
            return None


_TOP = ["targets", "teams", "default_team"]
_TARGETS = ["first_response", "next_response", "acceptable", "classes"]
_CLASS_TARGETS = ["first_response", "next_response"]


def parse_sla_config(text: str, *, source: str = "sla", base: Path | None = None) -> SlaConfig:
    """Read and check an SLA file; raises :class:`SlaConfigError` listing every problem with its line.

    ``base`` is the directory ``holidays_ical`` paths are read from.
    """
    reader = _Reader(source, base)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SlaConfigError([(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc}")], source=source) from exc
    if root is None:
        raise SlaConfigError([(1, "the file is empty")], source=source)
    top = reader.mapping(root, "the SLA file", _TOP)
    policy = SlaPolicy()
    first, following, acceptable = dict(policy.first_response), dict(policy.next_response), policy.acceptable
    classes: dict[str, dict[ClockKind, timedelta]] = {}
    if "targets" in top:
        targets = reader.mapping(top["targets"][1], "targets", _TARGETS)
        if "first_response" in targets:
            first = reader.targets(targets["first_response"][1], "targets.first_response", first)
        # Unless given, answering again is held to the first-response targets.
        following = dict(first)
        if "next_response" in targets:
            following = reader.targets(targets["next_response"][1], "targets.next_response", following)
        if "acceptable" in targets:
            acceptable = reader.duration(targets["acceptable"][1], "targets.acceptable") or acceptable
            for priority, target in first.items():
                if target > acceptable:
                    reader.fail(targets["acceptable"][1], f"targets.acceptable is shorter than the {priority.value} first-response target")
        if "classes" in targets:
            classes = reader.classes(targets["classes"][1], acceptable)
    teams: dict[str, TeamHours] = {}
    if "teams" not in top:
        reader.fail(root, "the SLA file names no teams")
    else:
        for key, value in top["teams"][1].value if isinstance(top["teams"][1], yaml.MappingNode) else []:
            name = str(key.value)
            if name in teams:
                reader.fail(key, f"teams: {name!r} is given twice")
            hours = reader.team(value, f"team {name!r}")
            if hours is not None:
                teams[name] = hours
        if not isinstance(top["teams"][1], yaml.MappingNode):
            reader.fail(top["teams"][1], "teams must map team names to their hours")
    default = reader.scalar(top["default_team"][1], "default_team") if "default_team" in top else None
    if default is None:
        default = next(iter(teams), "care")
    elif default not in teams and "teams" in top:
        reader.fail(top["default_team"][1], f"default_team: {default!r} is not one of the teams")
    if reader.problems:
        raise SlaConfigError(reader.problems, source=source)
    return SlaConfig(SlaPolicy(first_response=first, acceptable=acceptable, next_response=following, classes=classes), teams, default)


def default_sla_text() -> str:
    """The SLA file otklik ships with."""
    return (resources.files("otklik.services") / "default_sla.yaml").read_text(encoding="utf-8")


def load_sla_config(path: Path | None) -> SlaConfig:
    """Read an SLA file (the shipped default when ``path`` is None)."""
    if path is None:
        return parse_sla_config(default_sla_text(), source="default_sla.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SlaConfigError([(1, f"cannot read the file: {exc}")], source=str(path)) from exc
    return parse_sla_config(text, source=str(path), base=path.parent)
