"""Numbers, durations, weekdays and hours in natural Russian, Polish and English.

Russian and Polish choose among three plural forms (1 час / 2 часа / 5 часов; 1 godzina /
2 godziny / 5 godzin), English between two. The forms here are the ones the desk's
sentences need: Russian after «за» (accusative: за 1 минуту), Polish and English as
nominatives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import time, timedelta
from enum import StrEnum

#: Languages the desk writes published texts in.
LANGUAGES = ("ru", "pl", "en")


class Unit(StrEnum):
    """A unit a duration is said in."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"


#: Forms per language and unit: (one, few, many) for ru/pl, (one, other, other) for en.
_FORMS: Mapping[str, Mapping[Unit, tuple[str, str, str]]] = {
    "ru": {Unit.MINUTE: ("минуту", "минуты", "минут"), Unit.HOUR: ("час", "часа", "часов"), Unit.DAY: ("день", "дня", "дней")},
    "pl": {Unit.MINUTE: ("minuta", "minuty", "minut"), Unit.HOUR: ("godzina", "godziny", "godzin"), Unit.DAY: ("dzień", "dni", "dni")},
    "en": {Unit.MINUTE: ("minute", "minutes", "minutes"), Unit.HOUR: ("hour", "hours", "hours"), Unit.DAY: ("day", "days", "days")},
}


def plural_form(n: int, language: str) -> int:
    """Which form ``n`` takes: 0 one, 1 few, 2 many (English: 0 one, 1 other)."""
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
    if language == "pl":
        if n == 1:
            return 0
        return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
    return 0 if n == 1 else 1


def quantity(n: int, unit: Unit, language: str) -> str:
    """``n`` with the unit in the right form: "5 часов", "2 godziny", "1 hour"."""
    forms = _FORMS.get(language, _FORMS["en"])[unit]
    return f"{n} {forms[plural_form(n, language if language in _FORMS else 'en')]}"


def round_up(duration: timedelta) -> tuple[int, Unit]:
    """A duration rounded up to what people say: 5-minute steps under an hour, hours under two days, else days.

    Rounding up keeps a published promise honest: "within 2 hours" is never shorter than measured.
    """
    minutes = max(duration.total_seconds() / 60, 0.0)
    if minutes <= 55:
        return max(5, 5 * math.ceil(minutes / 5)), Unit.MINUTE
    hours = math.ceil(minutes / 60)
    if hours < 48:
        return hours, Unit.HOUR
    return math.ceil(hours / 24), Unit.DAY


def duration(value: timedelta, language: str) -> str:
    """A duration as people say it, rounded up: "40 минут", "2 godziny", "3 days"."""
    n, unit = round_up(value)
    return quantity(n, unit, language)


WEEKDAYS: Mapping[str, tuple[str, ...]] = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "pl": ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

#: "On <weekday>": в понедельник, we wtorek, on Monday.
ON_WEEKDAY: Mapping[str, tuple[str, ...]] = {
    "ru": ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"),
    "pl": ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę"),
    "en": ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"),
}


def clock_time(value: time) -> str:
    """A wall time as 9:00 / 18:30 (24-hour, as all three languages write it on a sign)."""
    return f"{value.hour}:{value.minute:02d}"


def weekday_span(first: int, last: int, language: str) -> str:
    """Days ``first``–``last`` (Monday = 0) as "пн–пт", "pon.–pt.", "Mon–Fri"; one day alone when equal."""
    names = WEEKDAYS.get(language, WEEKDAYS["en"])
    return names[first] if first == last else f"{names[first]}–{names[last]}"
