"""The published promise (P3, P17) and the off-hours check (P15): read side.

For each channel, the "About"/bio text in ru, pl and en, written from the configured hours
and the first-response times measured over the last ``window_days`` days; with the
disagreements between what is configured and what is measured or expected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from otklik.domain.promise import Disagreement, Measured, check_promise, check_round_the_clock, promise_text
from otklik.domain.sla import BusinessCalendar
from otklik.domain.wording import LANGUAGES
from otklik.services.ports import UowFactory
from otklik.services.response_times import first_responses


@dataclass(frozen=True, slots=True)
class ChannelPromise:
    """One channel's promise: the measured figures and the text in each language."""

    channel: str
    measured: Measured
    texts: Mapping[str, str]
    disagreement: Disagreement | None


@dataclass(frozen=True, slots=True)
class Promise:
    """The promise of every channel with first responses in the window, plus one for the desk as a whole."""

    since: datetime
    until: datetime
    calendar: BusinessCalendar
    promised: timedelta | None
    desk: ChannelPromise
    channels: tuple[ChannelPromise, ...]
    warnings: tuple[Disagreement, ...]


def build_promise(
    *,
    uow_factory: UowFactory,
    now: datetime,
    calendar: BusinessCalendar,
    window_days: int = 28,
    promised: timedelta | None = None,
    contacts: Mapping[str, str] | None = None,
    round_the_clock_expected: bool = False,
) -> Promise:
    """The promise measured over the ``window_days`` days before ``now``."""
    since = now - timedelta(days=window_days)
    with uow_factory(write=False) as uow:
        found = first_responses(uow.connection, since=since, until=now)
    by_channel: dict[str, list[timedelta]] = defaultdict(list)
    everything: list[timedelta] = []
    for response in found:
        if response.elapsed is not None:
            by_channel[response.source].append(response.elapsed)
            everything.append(response.elapsed)

    def one(channel: str, times: list[timedelta]) -> ChannelPromise:
        measured = Measured.of(times)
        texts = {
            lang: promise_text(lang, calendar=calendar, measured=measured if times else None, promised=promised, contacts=contacts)
            for lang in LANGUAGES
        }
        return ChannelPromise(channel, measured, texts, check_promise(channel=channel, measured=measured, promised=promised))

    channels = tuple(one(name, times) for name, times in sorted(by_channel.items()))
    desk = one("all channels", everything)
    warnings = [c.disagreement for c in channels if c.disagreement is not None]
    office = check_round_the_clock(calendar, expected=round_the_clock_expected)
    if office is not None:
        warnings.insert(0, office)
    return Promise(since, now, calendar, promised, desk, channels, tuple(warnings))
