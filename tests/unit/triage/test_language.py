"""Language of short, messy social posts: script, frequent words, transliteration."""

from __future__ import annotations

import pytest

from otklik.triage import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Заказ не пришёл, где он??? 😡", "ru"),
        ("iPhone не включается после апдейта", "ru"),
        ("privet, gde moj zakaz?? uzhe nedelyu zhdu", "ru"),
        ("Дякую за швидку доставку, все прийшло ціле!", "uk"),
        ("Добрий день, коли буде світло на Оболоні?", "uk"),
        ("nie dziala aplikacja od rana, co jest grane", "pl"),
        ("Zamówienie nie dotarło, a kasę pobraliście", "pl"),
        ("zajebista obsluga, polecam", "pl"),
        ("dzięki", "pl"),
        ("thanks for nothing @Skyrail", "en"),
        ("lol same", "en"),
        ("WHERE IS MY REFUND", "en"),
        ("Das ist wirklich nicht gut, ich warte seit Tagen", "other"),
        ("Bonjour, ma commande n'est pas arrivée", "other"),
        ("Hola, mi pedido no llegó", "other"),
        # A letter only Ukrainian has outweighs words both languages share.
        ("ваш директор — жаба в краватці", "uk"),
        ("в ролах з Жару була скалка скла", "uk"),
        # Ukrainian and Russian in Latin letters; Polish without diacritics.
        ("dyakuyu, shcho tak shvydko, duzhe vdiachnyi", "uk"),
        ("shcho treba shchob pidkliuchyty internet u pryvatnyi budynok?", "uk"),
        ("chto nuzhno chtoby oformit kartu dlya rebenka 14 let?", "ru"),
        ("zachem vy podnyali cenu na tarif bez preduprezhdeniya?", "ru"),
        ("wszyscy w tym PolFonie to banda nieudacznikow a prezes to zlodziej", "pl"),
        ("Off to Dunkin tomorrow with @user", "en"),
    ],
)
def test_detects_the_language_of_real_posts(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_a_post_without_words_takes_the_conversations_language() -> None:
    assert detect_language("😡😡😡") == "other"
    assert detect_language("😡😡😡", hint="pl") == "pl"
    assert detect_language("👍", hint="xx") == "other"
