"""The published promise (P3, P17): how long an answer takes, when the team is there, other ways to reach it.

The text is written from the *measured* first-response times (median and 90th percentile)
and the team's configured hours, never from a wish; when the brand also configured a promised
response time and the measured p90 is above it, the promise is flagged as not kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from otklik.domain.sla import BusinessCalendar
from otklik.domain.wording import LANGUAGES, clock_time, duration, weekday_span

#: Ways to reach the brand besides the channel itself, in the order the text names them.
CONTACT_KINDS = ("faq", "email", "phone", "dm")


def median(values: Sequence[timedelta]) -> timedelta | None:
    """The middle value (the mean of the two middle ones for an even count); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[timedelta], share: float) -> timedelta | None:
    """The nearest-rank percentile: the smallest value at least ``share`` of the values do not exceed."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Measured:
    """First-response times measured on one channel: how many, the median and the 90th percentile."""

    answered: int
    median: timedelta | None
    p90: timedelta | None

    @classmethod
    def of(cls, times: Sequence[timedelta]) -> Measured:
        """The figures of ``times``."""
        return cls(len(times), median(times), percentile(times, 0.9))


_HOURS = {
    "ru": ("Мы на связи: {hours}.", "Мы на связи круглосуточно, без выходных."),
    "pl": ("Jesteśmy dostępni: {hours}.", "Jesteśmy dostępni całą dobę, 7 dni w tygodniu."),
    "en": ("We're here {hours}.", "We're here round the clock, 7 days a week."),
}
_HOLIDAYS = {"ru": "кроме праздничных дней", "pl": "poza świętami", "en": "except public holidays"}
_MEASURED = {
    "ru": "Обычно отвечаем за {median}, почти всегда — не дольше чем за {p90}.",
    "pl": "Czas odpowiedzi: zwykle {median}, prawie zawsze nie więcej niż {p90}.",
    "en": "We usually answer within {median}, and almost always within {p90}.",
}
_PROMISED = {
    "ru": "Стараемся отвечать за {promise}.",
    "pl": "Staramy się odpowiadać w czasie: {promise}.",
    "en": "We aim to answer within {promise}.",
}
_CONTACTS_LEAD = {"ru": "Другие способы связи", "pl": "Inne sposoby kontaktu", "en": "Other ways to reach us"}
_CONTACT_NAMES: Mapping[str, Mapping[str, str]] = {
    "ru": {"faq": "ответы на частые вопросы", "email": "e-mail", "phone": "телефон", "dm": "личные сообщения"},
    "pl": {"faq": "najczęstsze pytania", "email": "e-mail", "phone": "telefon", "dm": "wiadomość prywatna"},
    "en": {"faq": "FAQ", "email": "e-mail", "phone": "phone", "dm": "direct message"},
}


def describe_hours(calendar: BusinessCalendar, language: str) -> str:
    """The weekly hours as one phrase: "пн–пт 9:00–18:00, сб 10:00–14:00 (Europe/Moscow)".

    Consecutive days with the same hours are joined into a span.
    """
    groups: list[tuple[int, int, str]] = []
    for day in range(7):
        ranges = calendar.weekly.get(day, ())
        if not ranges:
            continue
        text = ", ".join(f"{clock_time(r.start)}–{clock_time(r.end) if r.end.hour or r.end.minute else '24:00'}" for r in ranges)
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == text:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    spans = "; ".join(f"{weekday_span(first, last, language)} {text}" for first, last, text in groups)
    return f"{spans} ({calendar.timezone})"


def hours_sentence(calendar: BusinessCalendar, language: str) -> str:
    """When the team answers, as a sentence in ``language``."""
    pattern, always = _HOURS[language]
    if calendar.always_open:
        return always
    sentence = pattern.format(hours=describe_hours(calendar, language))
    if calendar.holidays:
        sentence = sentence[:-1] + f", {_HOLIDAYS[language]}."
    return sentence


def contacts_sentence(contacts: Mapping[str, str], language: str) -> str | None:
    """The other ways to reach the brand, as a sentence (None when none is configured)."""
    names = _CONTACT_NAMES[language]
    parts = [f"{names[kind]}: {contacts[kind]}" for kind in CONTACT_KINDS if contacts.get(kind)]
    if not parts:
        return None
    return f"{_CONTACTS_LEAD[language]} — {'; '.join(parts)}."


def promise_text(
    language: str,
    *,
    calendar: BusinessCalendar,
    measured: Measured | None,
    promised: timedelta | None = None,
    contacts: Mapping[str, str] | None = None,
) -> str:
    """The "About"/bio text in ``language``: hours, measured answer times (else the promise), contacts."""
    if language not in LANGUAGES:
        raise ValueError(f"the promise is written in {', '.join(LANGUAGES)}, not {language!r}")
    sentences = [hours_sentence(calendar, language)]
    if measured is not None and measured.median is not None and measured.p90 is not None:
        sentences.append(_MEASURED[language].format(median=duration(measured.median, language), p90=duration(measured.p90, language)))
    elif promised is not None:
        sentences.append(_PROMISED[language].format(promise=duration(promised, language)))
    contact = contacts_sentence(contacts or {}, language)
    if contact:
        sentences.append(contact)
    return " ".join(sentences)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Why the configured promise and reality disagree, for the people who own the promise."""

    code: str  # promise_not_kept | office_hours_expected_24_7
    message: str
    details: Mapping[str, object] = field(default_factory=dict)


def check_promise(*, channel: str, measured: Measured, promised: timedelta | None) -> Disagreement | None:
    """A disagreement when the measured p90 is above the promised response time."""
    if promised is None or measured.p90 is None or measured.p90 <= promised:
        return None
    return Disagreement(
        "promise_not_kept",
        f"{channel}: 9 in 10 first answers take up to {duration(measured.p90, 'en')}, "
        f"but the published promise is {duration(promised, 'en')}.",
        {"channel": channel, "p90_s": int(measured.p90.total_seconds()), "promised_s": int(promised.total_seconds())},
    )


def check_round_the_clock(calendar: BusinessCalendar, *, expected: bool) -> Disagreement | None:
    """P15: a brand people expect round the clock should not publish office hours."""
    if not expected or calendar.always_open:
        return None
    return Disagreement(
        "office_hours_expected_24_7",
        "People expect this brand round the clock: publishing office hours or an off-hours notice "
        "draws backlash. Staff the evenings and weekends instead, or set the brand as not expected 24/7.",
    )
