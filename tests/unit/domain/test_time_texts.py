"""Published texts about time in ru, pl and en: plural forms, the promise, the off-hours notice, percentiles."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from otklik.domain.compensation import parse_policy
from otklik.domain.followups import followup_due
from otklik.domain.offhours import closed_period, notice_text, open_until
from otklik.domain.promise import Measured, check_promise, check_round_the_clock, median, percentile, promise_text
from otklik.domain.sla import BusinessCalendar, OpenRange
from otklik.domain.wording import Unit, duration, quantity

WEEKDAYS_9_18 = {day: (OpenRange(time(9), time(18)),) for day in range(5)}
WARSAW = BusinessCalendar(timezone="Europe/Warsaw", weekly=WEEKDAYS_9_18)
CONTACTS = {"faq": "https://volna.test/faq", "email": "care@volna.test", "phone": "+48 22 123 45 67"}


@pytest.mark.parametrize(
    ("n", "ru", "pl", "en"),
    [
        (1, "1 час", "1 godzina", "1 hour"),
        (2, "2 часа", "2 godziny", "2 hours"),
        (4, "4 часа", "4 godziny", "4 hours"),
        (5, "5 часов", "5 godzin", "5 hours"),
        (11, "11 часов", "11 godzin", "11 hours"),
        (12, "12 часов", "12 godzin", "12 hours"),
        (21, "21 час", "21 godzin", "21 hours"),
        (22, "22 часа", "22 godziny", "22 hours"),
    ],
)
def test_hours_take_the_plural_form_each_language_needs(n: int, ru: str, pl: str, en: str) -> None:
    assert quantity(n, Unit.HOUR, "ru") == ru
    assert quantity(n, Unit.HOUR, "pl") == pl
    assert quantity(n, Unit.HOUR, "en") == en


def test_durations_round_up_to_what_people_say() -> None:
    assert duration(timedelta(minutes=1), "ru") == "5 минут"
    assert duration(timedelta(minutes=21), "ru") == "25 минут"
    assert duration(timedelta(minutes=41), "pl") == "45 minut"
    assert duration(timedelta(minutes=61), "en") == "2 hours"
    assert duration(timedelta(hours=1), "ru") == "1 час"
    assert duration(timedelta(hours=50), "pl") == "3 dni"
    assert duration(timedelta(days=1, hours=23), "ru") == "47 часов"
    assert quantity(1, Unit.MINUTE, "ru") == "1 минуту"  # after «за»: за 1 минуту
    assert quantity(2, Unit.DAY, "pl") == "2 dni"


def test_median_and_nearest_rank_p90() -> None:
    minutes = [timedelta(minutes=m) for m in (10, 20, 30, 40, 50, 60, 70, 80, 90, 300)]
    assert median(minutes) == timedelta(minutes=55)
    assert percentile(minutes, 0.9) == timedelta(minutes=90)
    assert median(minutes[:3]) == timedelta(minutes=20)
    assert median([]) is None
    assert percentile([], 0.9) is None


def test_the_promise_reads_naturally_in_all_three_languages() -> None:
    measured = Measured(12, timedelta(minutes=38), timedelta(hours=4, minutes=10))
    ru = promise_text("ru", calendar=WARSAW, measured=measured, contacts=CONTACTS)
    pl = promise_text("pl", calendar=WARSAW, measured=measured, contacts=CONTACTS)
    en = promise_text("en", calendar=WARSAW, measured=measured, contacts=CONTACTS)
    assert ru == (
        "Мы на связи: пн–пт 9:00–18:00 (Europe/Warsaw). Обычно отвечаем за 40 минут, почти всегда — не дольше чем за 5 часов. "
        "Другие способы связи — ответы на частые вопросы: https://volna.test/faq; e-mail: care@volna.test; телефон: +48 22 123 45 67."
    )
    assert pl == (
        "Jesteśmy dostępni: pon.–pt. 9:00–18:00 (Europe/Warsaw). Czas odpowiedzi: zwykle 40 minut, prawie zawsze nie więcej niż 5 godzin. "
        "Inne sposoby kontaktu — najczęstsze pytania: https://volna.test/faq; e-mail: care@volna.test; telefon: +48 22 123 45 67."
    )
    assert en == (
        "We're here Mon–Fri 9:00–18:00 (Europe/Warsaw). We usually answer within 40 minutes, and almost always within 5 hours. "
        "Other ways to reach us — FAQ: https://volna.test/faq; e-mail: care@volna.test; phone: +48 22 123 45 67."
    )


def test_without_measurements_the_promise_falls_back_to_the_configured_one_and_names_holidays_and_24_7() -> None:
    with_holidays = BusinessCalendar(
        timezone="Europe/Moscow",
        weekly={**WEEKDAYS_9_18, 5: (OpenRange(time(10), time(14)),)},
        holidays=frozenset({date(2026, 12, 31)}),
    )
    assert promise_text("ru", calendar=with_holidays, measured=None, promised=timedelta(hours=2)) == (
        "Мы на связи: пн–пт 9:00–18:00; сб 10:00–14:00 (Europe/Moscow), кроме праздничных дней. Стараемся отвечать за 2 часа."
    )
    assert promise_text("pl", calendar=BusinessCalendar.round_the_clock(), measured=None, promised=timedelta(hours=1)) == (
        "Jesteśmy dostępni całą dobę, 7 dni w tygodniu. Staramy się odpowiadać w czasie: 1 godzina."
    )
    assert promise_text("en", calendar=BusinessCalendar.round_the_clock(), measured=None) == "We're here round the clock, 7 days a week."
    with pytest.raises(ValueError, match="not 'de'"):
        promise_text("de", calendar=WARSAW, measured=None)


def test_a_promise_the_p90_breaks_and_office_hours_for_a_24_7_brand_are_flagged() -> None:
    late = Measured(10, timedelta(minutes=30), timedelta(hours=3))
    flagged = check_promise(channel="telegram", measured=late, promised=timedelta(hours=2))
    assert flagged is not None
    assert flagged.code == "promise_not_kept"
    assert flagged.message == "telegram: 9 in 10 first answers take up to 3 hours, but the published promise is 2 hours."
    assert check_promise(channel="telegram", measured=late, promised=timedelta(hours=3)) is None
    assert check_promise(channel="telegram", measured=late, promised=None) is None
    office = check_round_the_clock(WARSAW, expected=True)
    assert office is not None and office.code == "office_hours_expected_24_7"
    assert check_round_the_clock(WARSAW, expected=False) is None
    assert check_round_the_clock(BusinessCalendar.round_the_clock(), expected=True) is None


def test_the_closed_period_runs_from_closing_to_the_next_opening_over_a_weekend() -> None:
    friday_evening = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)  # 19:30 in Warsaw
    period = closed_period(WARSAW, friday_evening)
    assert period is not None
    assert period.since == datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    assert period.opens_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 9:00 in Warsaw
    assert closed_period(WARSAW, datetime(2026, 11, 20, 10, 0, tzinfo=UTC)) is None
    assert open_until(WARSAW, datetime(2026, 11, 20, 10, 0, tzinfo=UTC)) == datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    assert open_until(WARSAW, friday_evening) is None
    assert closed_period(BusinessCalendar.round_the_clock(), friday_evening) is None


def test_the_off_hours_notice_says_when_the_team_is_back_in_each_language() -> None:
    friday_evening = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
    period = closed_period(WARSAW, friday_evening)
    assert period is not None
    text = notice_text(period, now=friday_evening, timezone="Europe/Warsaw", languages=("ru", "pl", "en"), contacts=CONTACTS)
    ru, pl, en = text.split("\n\n")
    assert ru == (
        "Сейчас мы не на связи и вернёмся в понедельник в 9:00. Пока нас нет, можно написать на care@volna.test или позвонить "
        "по номеру +48 22 123 45 67 или найти ответ в разделе частых вопросов: https://volna.test/faq. Все сообщения прочитаем и ответим каждому."
    )
    assert pl.startswith(
        "Jesteśmy teraz poza godzinami pracy i wracamy w poniedziałek o 9:00. W międzyczasie można napisać na care@volna.test"
    )
    assert en.startswith("We're away right now and back on Monday at 9:00. Meanwhile, you can write to care@volna.test or call")
    tuesday_night = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
    night = closed_period(WARSAW, tuesday_night)
    assert night is not None
    assert notice_text(night, now=tuesday_night, timezone="Europe/Warsaw", languages=("pl",), contacts={}) == (
        "Jesteśmy teraz poza godzinami pracy i wracamy jutro o 9:00. Przeczytamy wszystkie wiadomości i odpowiemy każdemu."
    )
    early = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # 6:00 in Warsaw, the same day
    assert notice_text(night, now=early, timezone="Europe/Warsaw", languages=("en",), contacts={}).startswith(
        "We're away right now and back today at 9:00."
    )


def test_a_compensation_policy_needs_every_label_and_unique_codes() -> None:
    policy = parse_policy(
        {"gestures": [{"code": "voucher", "value": 500, "labels": {"ru": "Промокод на 500 ₽", "pl": "Kod na 20 zł", "en": "A voucher"}}]}
    )
    [voucher] = policy.gestures
    assert voucher.value == "500"
    assert voucher.label("ru") == "Промокод на 500 ₽"
    assert voucher.label("uk") == "A voucher"
    assert policy.choices("pl") == (("voucher", "Kod na 20 zł"),)
    with pytest.raises(ValueError, match=r"gestures\[0\] \(voucher\): a label is missing for pl"):
        parse_policy({"gestures": [{"code": "voucher", "labels": {"ru": "Промокод", "en": "A voucher"}}]})
    with pytest.raises(ValueError, match="used twice"):
        label = {"ru": "а", "pl": "b", "en": "c"}
        parse_policy({"gestures": [{"code": "x", "labels": label}, {"code": "x", "labels": label}]})
    with pytest.raises(ValueError, match="code must be"):
        parse_policy({"gestures": [{"code": "Big Voucher", "labels": {}}]})


def test_follow_ups_fall_due_by_kind() -> None:
    resolved = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    days = {"complaint": 3}
    assert followup_due("complaint", resolved, days) == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert followup_due("compliment", resolved, days) is None
    assert followup_due(None, resolved, days) is None
