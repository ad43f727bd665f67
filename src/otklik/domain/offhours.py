"""The off-hours notice (P15): "we are back at 9:00; write to … meanwhile", pinned while the team is away.

Pure: when the team is closed, when it opens again, and the notice's text in the team's
languages. A closed period is named by the moment it ends (``opens_at``), so the desk
publishes one notice per closing and takes it down at opening, whatever restarts between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from otklik.domain.sla import BusinessCalendar
from otklik.domain.wording import LANGUAGES, ON_WEEKDAY, clock_time

#: Open ranges closer together than this are one stretch (a range ending at midnight and the next day's starting at 0:00).
_JOIN = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ClosedPeriod:
    """The team is away from ``since`` (None: not known within a fortnight) until ``opens_at``."""

    since: datetime | None
    opens_at: datetime


def closed_period(calendar: BusinessCalendar, now: datetime) -> ClosedPeriod | None:
    """The closed period ``now`` falls in, or None while the team is open (or always open)."""
    if calendar.always_open:
        return None
    since: datetime | None = None
    for start, end in calendar.open_intervals(now - timedelta(days=14)):
        if start <= now < end:
            return None
        if start > now:
            return ClosedPeriod(since=since, opens_at=start)
        since = end
    raise ValueError("the calendar has no open hours ahead")  # pragma: no cover - BusinessCalendar requires some


def open_until(calendar: BusinessCalendar, now: datetime) -> datetime | None:
    """When the open stretch ``now`` falls in ends (adjacent ranges joined); None when closed."""
    if calendar.always_open:
        return None
    end: datetime | None = None
    for start, stop in calendar.open_intervals(now):
        if end is None:
            if start > now:
                return None
            end = stop
        elif start - end <= _JOIN:
            end = stop
        else:
            break
    return end


_NOTICE = {
    "ru": "Сейчас мы не на связи и вернёмся {when} в {time}.",
    "pl": "Jesteśmy teraz poza godzinami pracy i wracamy {when} o {time}.",
    "en": "We're away right now and back {when} at {time}.",
}
_TODAY = {"ru": ("сегодня", "завтра"), "pl": ("dziś", "jutro"), "en": ("today", "tomorrow")}
_MEANWHILE = {
    "ru": "Пока нас нет, можно {ways}.",
    "pl": "W międzyczasie można {ways}.",
    "en": "Meanwhile, you can {ways}.",
}
_WAYS: Mapping[str, Mapping[str, str]] = {
    "ru": {"email": "написать на {v}", "phone": "позвонить по номеру {v}", "faq": "найти ответ в разделе частых вопросов: {v}"},
    "pl": {"email": "napisać na {v}", "phone": "zadzwonić pod numer {v}", "faq": "poszukać odpowiedzi w najczęstszych pytaniach: {v}"},
    "en": {"email": "write to {v}", "phone": "call {v}", "faq": "find answers in our FAQ: {v}"},
}
_OR = {"ru": " или ", "pl": " albo ", "en": " or "}
_READ_LATER = {
    "ru": "Все сообщения прочитаем и ответим каждому.",
    "pl": "Przeczytamy wszystkie wiadomości i odpowiemy każdemu.",
    "en": "We'll read every message and answer each of you.",
}


def _when(opens_at: datetime, now: datetime, zone: ZoneInfo, language: str) -> str:
    today, tomorrow = _TODAY[language]
    days = (opens_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return today
    if days == 1:
        return tomorrow
    return ON_WEEKDAY[language][opens_at.astimezone(zone).weekday()]


def notice_text(
    period: ClosedPeriod,
    *,
    now: datetime,
    timezone: str,
    languages: Sequence[str],
    contacts: Mapping[str, str],
) -> str:
    """The notice in each of ``languages`` (a paragraph each): when the team is back, and how to reach it meanwhile."""
    zone = ZoneInfo(timezone)
    paragraphs = []
    for language in languages:
        if language not in LANGUAGES:
            raise ValueError(f"the off-hours notice is written in {', '.join(LANGUAGES)}, not {language!r}")
        wall = period.opens_at.astimezone(zone).time()
        sentences = [_NOTICE[language].format(when=_when(period.opens_at, now, zone, language), time=clock_time(wall))]
        ways = [_WAYS[language][kind].format(v=contacts[kind]) for kind in ("email", "phone", "faq") if contacts.get(kind)]
        if ways:
            sentences.append(_MEANWHILE[language].format(ways=_OR[language].join(ways)))
        sentences.append(_READ_LATER[language])
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)
