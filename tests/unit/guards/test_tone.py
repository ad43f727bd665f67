"""The tone guard in Russian, Polish and English: each rule fires on its words and only there."""

from __future__ import annotations

import pytest

from otklik.guards import GuardConfig
from otklik.guards.tone import check_tone
from tests.unit.guards.support import make_context

FLAGGED = [
    ("ru", "blame", "Виктор, вам следовало быть дома в указанный интервал.", "вам следовало"),
    ("ru", "blame", "Вы сами виноваты, надо было читать условия акции.", "сами виноваты"),
    ("pl", "blame", "Niestety, to Pana wina, trzeba było sprawdzić adres.", "to Pana wina"),
    ("en", "blame", "Our records show the engineer knocked. You should have been available.", "You should have"),
    ("ru", "argue", "Это не так: скорость на вашей линии соответствует тарифу.", "Это не так"),
    ("ru", "argue", "Это совсем не так, мы всё сделали правильно.", "Это совсем не так"),
    ("pl", "argue", "Nie mamy sobie nic do zarzucenia, przesyłka wyszła na czas.", "Nie mamy sobie nic do zarzucenia"),
    ("en", "argue", "We did nothing wrong, the payment left on time.", "We did nothing wrong"),
    ("ru", "sarcasm", "Ну конечно, во всём виноваты мы.", "Ну конечно"),
    ("pl", "sarcasm", "Gratulujemy wyrafinowanego podniebienia.", "Gratulujemy"),
    ("en", "sarcasm", "Good luck with that.", "Good luck with that"),
    ("en", "sarcasm", "Sure thing 🙄", "🙄"),
    ("ru", "personal", "Успокойтесь, пожалуйста, и напишите номер заказа.", "Успокойтесь"),
    ("pl", "personal", "Niech się Pan uspokoi, reklamację przyjmiemy.", "Niech się Pan uspokoi"),
    ("en", "personal", "Calm down, everyone has to wait their turn.", "Calm down"),
    ("ru", "shouting", "ЛЕНА, У НАС СЕЙЧАС ОЧЕНЬ МНОГО ЗАКАЗОВ.", "ЛЕНА"),
    ("en", "shouting", "We are doing our best!!! Please wait.", "!!!"),
    ("ru", "shouting", "Георгий, ПОВТОРЯЕМ ЕЩЁ РАЗ: это не к нам.", "ПОВТОРЯЕМ ЕЩЁ РАЗ"),
]


@pytest.mark.parametrize(("lang", "code", "draft", "evidence"), FLAGGED)
def test_each_rule_and_its_evidence(lang: str, code: str, draft: str, evidence: str) -> None:
    findings = check_tone(draft, make_context(language=lang, address=None), config=GuardConfig())
    found = {f.code: f for f in findings}
    assert code in found
    assert evidence in [s.text for s in found[code].spans]
    for span in found[code].spans:
        assert draft[span.start : span.end] == span.text


CLEAN = [
    ("ru", "Вера, нам очень жаль, что так вышло. Мы нашли курьера по заказу 91577 и разбираемся с ним."),
    ("ru", "Вы сами можете проверить статус заказа в приложении, а мы пришлём номер курьера."),
    ("pl", "Pani Ewo, bardzo przepraszamy. Paczkomat KRA44R ma awarię zamka, technik jest w drodze."),
    ("pl", "Sprawdziliśmy: wszystko działa po naszej stronie od 10:15, płatności BLIK przechodzą."),
    ("en", "Sarah, that's a huge jump and I'm sorry. Please check the meter on your end and send us a photo."),
    ("en", "Our SMS and PIN reset via HTTPS is back, and BLIK too. Thanks for waiting!"),
]


@pytest.mark.parametrize(("lang", "draft"), CLEAN)
def test_polite_replies_pass(lang: str, draft: str) -> None:
    assert check_tone(draft, make_context(language=lang, address=None), config=GuardConfig()) == ()


def test_russian_address_vy_and_ty() -> None:
    vy = make_context(language="ru", address="vy")
    (finding,) = check_tone("Зарина, извини, пока можешь оплатить картой — ты ничего не теряешь.", vy, config=GuardConfig())
    assert finding.code == "address"
    assert [s.text for s in finding.spans] == ["можешь", "ты"]
    assert check_tone("Зарина, извините, пока можете оплатить картой.", vy, config=GuardConfig()) == ()
    ty = make_context(language="ru", address="ty")
    (finding,) = check_tone("Мария, приносим Вам извинения. Сообщите номер заказа.", ty, config=GuardConfig())
    assert [s.text for s in finding.spans] == ["Вам"]
    # "вашего офиса" speaks to a group: lower-case possessives pass under ты.
    assert check_tone("Юра, спасибо! Пятничный заказ вашего офиса мы уже узнаём по адресу.", ty, config=GuardConfig()) == ()


def test_polish_address_pan_and_ty() -> None:
    pan = make_context(language="pl", address="pan")
    (finding,) = check_tone("Wojtek, spróbuj przeinstalować aplikację. Czy zamówiłeś kartę?", pan, config=GuardConfig())
    assert finding.code == "address"
    assert [s.text for s in finding.spans] == ["spróbuj", "zamówiłeś"]
    assert check_tone("Panie Wojciechu, proszę przeinstalować aplikację.", pan, config=GuardConfig()) == ()
    ty = make_context(language="pl", address="ty")
    (finding,) = check_tone("Ewelino, czy mogłaby Pani sprecyzować, o który pakiet chodzi?", ty, config=GuardConfig())
    assert [s.text for s in finding.spans] == ["Pani"]
    assert check_tone("Ewelina, napisz, o który pakiet chodzi?", ty, config=GuardConfig()) == ()


def test_shouting_threshold_is_configurable() -> None:
    draft = "Your order is ABSOLUTELY on its way."
    assert check_tone(draft, make_context(language="en", address=None), config=GuardConfig()) == ()
    (finding,) = check_tone(draft, make_context(language="en", address=None), config=GuardConfig(shouting_min_words=1))
    assert finding.code == "shouting"
