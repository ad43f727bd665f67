"""Tokens with spans, folding, light stems, and the masked view the scripted guard hashes."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from otklik.guards import GuardConfig, ReplyIndex
from otklik.guards.index import mask
from otklik.guards.signatures import signature
from otklik.guards.text import TokenKind, fold, masked_words, name_prefixes, shares_stem, tokenize
from tests.unit.guards.support import NOW


def test_fold_case_yo_and_polish_letters() -> None:
    assert fold("ЁЛКА Żółć Łódź") == "елка zolc lodz"


def test_tokens_keep_their_spans_and_kinds() -> None:
    text = "Заказ №48213, 14:30 @volna https://x.co/a anna@mail.pl AB-123 don’t Wi-Fi"
    tokens = tokenize(text)
    assert [(t.kind, text[t.start : t.end]) for t in tokens] == [
        (TokenKind.WORD, "Заказ"),
        (TokenKind.NUMBER, "№48213"),
        (TokenKind.NUMBER, "14:30"),
        (TokenKind.HANDLE, "@volna"),
        (TokenKind.URL, "https://x.co/a"),
        (TokenKind.EMAIL, "anna@mail.pl"),
        (TokenKind.NUMBER, "AB-123"),
        (TokenKind.WORD, "don’t"),
        (TokenKind.WORD, "Wi"),
        (TokenKind.WORD, "Fi"),
    ]
    assert tokens[1].digits == "48213"
    assert [t.raw for t in tokenize("ОЧЕНЬ плохо SMS") if t.shouted] == ["ОЧЕНЬ"]


def test_shared_stems_in_three_languages() -> None:
    assert shares_stem("заказ", "заказу")
    assert shares_stem("линию", "линия")
    assert shares_stem("paczka", "paczke")
    assert shares_stem("delivery", "delivered")
    assert not shares_stem("кот", "код")
    assert not shares_stem("order", "ordinary")


def test_masks_numbers_dates_handles_links_and_names() -> None:
    words = masked_words("Здравствуйте, Анна! Заказ №48213 приедет 15 марта с 10:00 до 14:00, сумма 1 200,50 ₽.")
    assert words == ["здравствуйте", "$", "заказ", "0", "приедет", "0", "с", "0", "до", "0", "сумма", "0"]
    assert masked_words("Hi @jane_doe, DM us at help@shop.com or https://shop.com/help ^AG") == [
        "hi",
        "@",
        "dm",
        "us",
        "at",
        "@",
        "or",
        "/",
    ]
    assert masked_words("Dzień dobry Pani Anno Nowak, paczka dotrze w piątek. -KC") == [
        "dzien",
        "dobry",
        "pani",
        "$",
        "paczka",
        "dotrze",
        "w",
        "0",
    ]
    # A name opening the reply before a greeting, and a name given by the desk in any case form.
    assert masked_words("Анна Сергеевна, добрый день!") == ["$", "добрый", "день"]
    assert masked_words("Передали Ольге ваш вопрос", ["Ольга"]) == ["передали", "$", "ваш", "вопрос"]
    assert name_prefixes(["Paweł Nowak", "@tomasz_k"]) == ("now", "paw", "toma")
    # Words after a greeting that are not capitalised are not names.
    assert masked_words("Hi there, thanks") == ["hi", "there", "thanks"]


TEMPLATE = (
    "Здравствуйте, {name}! Нам очень жаль, что заказ №{n} задерживается. Мы передали вопрос в службу доставки, курьер привезёт его {day}."
)
NAMES = ["Анна", "Ольга", "Игорь", "Пётр"]
DAYS = ["15 марта", "в пятницу", "2 апреля", "завтра в 10:30", "01.04.2026", "в понедельник с 9 до 18"]


@given(a=st.integers(min_value=0, max_value=10**12), b=st.integers(min_value=0, max_value=10**12), names=st.permutations(NAMES))
def test_changing_a_number_or_a_name_never_changes_the_masked_text(a: int, b: int, names: list[str]) -> None:
    first = mask(TEMPLATE.format(name=names[0], n=a, day="15 марта"))
    second = mask(TEMPLATE.format(name=names[1], n=b, day="15 марта"))
    assert first.words == second.words
    assert signature(first.shingled).tolist() == signature(second.shingled).tolist()


@given(
    a=st.integers(min_value=0, max_value=10**12),
    b=st.integers(min_value=0, max_value=10**12),
    day=st.sampled_from(DAYS),
    other=st.sampled_from(DAYS),
)
def test_changing_numbers_and_dates_never_changes_the_near_duplicate_verdict(a: int, b: int, day: str, other: str) -> None:
    index = ReplyIndex()
    index.add(1, TEMPLATE.format(name="Анна", n=a, day=day), NOW - timedelta(days=1))
    result = index.query(TEMPLATE.format(name="Ольга", n=b, day=other), NOW)
    assert result.best >= GuardConfig().scripted_threshold
    assert result.recent == {7: 1, 30: 1}
