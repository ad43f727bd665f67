"""Empathy and thanks: complaints acknowledged, compliments thanked; late answers apologise and offer a gesture."""

from __future__ import annotations

import pytest

from otklik.guards.empathy import check_empathy
from otklik.guards.lateness import check_late
from tests.unit.guards.support import make_context

ACKNOWLEDGED = [
    ("ru", "Ольга, простите за это, отключили услугу."),
    ("ru", "Понимаем, месяц ожидания — очень долго."),
    ("pl", "Pani Halino, bardzo nam przykro, infolinia jest przeciążona."),
    ("pl", "Przepraszamy za kłopot, karta wróciła do nas."),
    ("en", "That's not acceptable and I'm sorry — three cards in a week is on us."),
    ("en", "We hate to hear that, let's fix it."),
]
NOT_ACKNOWLEDGED = [
    ("ru", "Виктор, мастер приходил в 11:40, новую дату выберите в кабинете."),
    ("pl", "Pani Iwono, konto zablokowano z powodu nietypowej transakcji."),
    ("en", "Missing a flight due to queues is not our fault, you should have arrived earlier."),
]


@pytest.mark.parametrize(("lang", "draft"), ACKNOWLEDGED)
def test_a_complaint_acknowledged(lang: str, draft: str) -> None:
    assert check_empathy(draft, make_context(language=lang, kind="complaint")) == ()


@pytest.mark.parametrize(("lang", "draft"), NOT_ACKNOWLEDGED)
def test_a_complaint_not_acknowledged(lang: str, draft: str) -> None:
    (finding,) = check_empathy(draft, make_context(language=lang, kind="complaint"))
    assert finding.code == "no_acknowledgement"


def test_compliments_are_thanked_and_questions_need_neither() -> None:
    compliment = make_context(kind="compliment", language="pl")
    assert check_empathy("Pani Olu, dziękujemy! Przekażemy Pawłowi.", compliment) == ()
    assert check_empathy("Dzięki, Kasia!", compliment) == ()
    (finding,) = check_empathy("Ula, super, że Ci się u nas dobrze pracuje!", compliment)
    assert finding.code == "no_thanks"
    (finding,) = check_empathy("Glad you like it.", make_context(kind="compliment", language="en"))
    assert finding.code == "no_thanks"
    assert check_empathy("Статический IP стоит 150 ₽ в месяц.", make_context(kind="question")) == ()


def test_a_late_answer_needs_an_apology_and_the_gesture() -> None:
    late = make_context(late=True, gesture="промокод на 500 ₽")
    assert check_late("Ольга, извините за долгий ответ. Дарим промокод на 500 ₽, курьер привезёт диван завтра.", late) == ()
    codes = [f.code for f in check_late("Ольга, курьер привезёт диван завтра.", late)]
    assert codes == ["no_apology", "no_gesture"]
    # Another gesture than the policy's is not the policy's.
    assert [f.code for f in check_late("Извините за ожидание! Вернём 300 ₽ на карту.", late)] == ["no_gesture"]
    # Without a policy, any recognisable gesture will do; on time, nothing is asked.
    any_gesture = make_context(late=True, language="en")
    assert check_late("Sorry for the slow reply — here's a 20% discount code for your next box.", any_gesture) == ()
    assert check_late("Ольга, курьер привезёт диван завтра.", make_context()) == ()


def test_negated_acknowledgements_do_not_count() -> None:
    (finding,) = check_empathy("It is not our fault and we are not sorry.", make_context(kind="complaint", language="en"))
    assert finding.code == "no_acknowledgement"
