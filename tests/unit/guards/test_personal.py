"""The personal guard: a reply takes up what this person said, or could be sent to anyone."""

from __future__ import annotations

import pytest

from otklik.guards import Guard, GuardConfig
from otklik.guards.personal import check_personal, specifics
from tests.unit.guards.support import make_context

CASES = {
    "ru": (
        "@volna второй день нет интернета в Новых Черёмушках, дом 14, роутер мигает красным. Договор 55-10233",
        "Марина, очень сожалеем! В Новых Черёмушках повреждён кабель на магистрали, бригада закончит к 18:00. За дни без интернета сделаем перерасчёт.",
        "Здравствуйте! Приносим извинения за неудобства. Пожалуйста, напишите нам в личные сообщения, мы всё проверим.",
    ),
    "pl": (
        "Paczka 6200 4455 1200 od tygodnia w statusie „w drodze”, sortownia w Strykowie. Co się dzieje?",
        "Panie Marku, przepraszamy. Paczka utknęła w sortowni w Strykowie, bo naklejka się oderwała — jutro trafi do kuriera.",
        "Dzień dobry, przepraszamy za utrudnienia. Prosimy o kontakt w wiadomości prywatnej, a sprawdzimy, co się dzieje.",
    ),
    "en": (
        "My bag didn't arrive in Dublin, tag SH340022. I have a wedding tomorrow and my suit is in it",
        "We're so sorry. Bag SH340022 was left in Manchester and is on tonight's flight to Dublin; it'll be at your hotel by 10am, in time for the wedding.",
        "We're sorry to hear about your experience. Please fill in the form on our website and Customer Relations will get back to you.",
    ),
}


@pytest.mark.parametrize("lang", ["ru", "pl", "en"])
def test_personal_and_generic_replies(lang: str) -> None:
    customer, personal, generic = CASES[lang]
    context = make_context(customer, language=lang, channel="x", brand_names=("Volna", "@volna"))
    good = check_personal(personal, context, config=GuardConfig())
    assert good.personal is True
    assert not [f for f in good.findings if f.code == "not_personal"]
    bad = check_personal(generic, context, config=GuardConfig())
    assert bad.personal is False
    (finding,) = bad.findings
    assert (finding.guard, finding.code) == (Guard.PERSONAL, "not_personal")
    # Every ignored specific points at the customer's own words.
    assert finding.spans
    for span in finding.spans:
        assert span.source == "customer"
        assert customer[span.start : span.end] == span.text


def test_what_the_customer_named_and_how_it_weighs() -> None:
    found = specifics(["@volna Заказ 48213 не приехал в Казань, курьер Ахмед не позвонил. Что с моим диваном?"], brand_names=["@volna"])
    by_kind = {(s.kind, s.span.text) for s in found}
    assert ("number", "48213") in by_kind
    assert ("name", "Казань") in by_kind
    assert ("name", "Ахмед") in by_kind
    assert ("word", "диваном") in by_kind
    assert ("word", "курьер") in by_kind
    # "Заказ" after the handle starts the sentence (no name); it is a template word anyway.
    assert not any(s.span.text == "Заказ" for s in found)
    assert [s.weight for s in found] == sorted((s.weight for s in found), reverse=True)


def test_numbers_are_covered_by_their_digits_or_the_word_they_belong_to() -> None:
    context = make_context("Рейс 2431 Сочи–Москва задержан на 5 часов", channel="x")
    assert check_personal("Рейс 2431 вылетит в 19:40, простите за ожидание.", context, config=GuardConfig()).personal is True
    assert check_personal("Ваш рейс вылетит в 19:40, простите за ожидание.", context, config=GuardConfig()).personal is True
    assert check_personal("Простите за ожидание, мы скоро ответим.", context, config=GuardConfig()).personal is False


def test_a_personal_reply_still_hears_about_ignored_names_and_numbers() -> None:
    context = make_context("Заказ 55120 должен был приехать вчера в Казань, курьер так и не появился. Где мой диван?", channel="x")
    check = check_personal("Простите! Курьер привезёт диван сегодня до 18:00.", context, config=GuardConfig())
    assert check.personal is True
    (finding,) = check.findings
    assert finding.code == "ignored_specifics"
    assert [s.text for s in finding.spans] == ["55120", "Казань"]


def test_words_shared_with_a_template_are_no_sign_of_attention() -> None:
    context = make_context("Багаж прилетел с оторванной ручкой, рейс 2209", channel="x")
    template = "Здравствуйте! Багаж по квитанции NA-40567 найден и будет доставлен вам домой завтра до 14:00."
    draft = "Здравствуйте! Багаж по квитанции NA-51234 найден и будет доставлен вам домой завтра до 14:00."
    assert check_personal(draft, context, config=GuardConfig()).personal is True
    assert check_personal(draft, context, config=GuardConfig(), template=template).personal is False


def test_the_name_where_the_channel_expects_it() -> None:
    customer = "Приложение не открывается после обновления, висит на заставке"
    draft = "Сбой приложения после обновления уже чиним, исправление выйдет вечером."
    on_vk = check_personal(draft, make_context(customer, channel="vk", customer_name="Кирилл Петров"), config=GuardConfig())
    assert [f.code for f in on_vk.findings] == ["no_name"]
    assert on_vk.named is False
    named = check_personal("Кирилле, " + draft, make_context(customer, channel="vk", customer_name="Кирилл Петров"), config=GuardConfig())
    assert named.named is True
    by_handle = check_personal(
        "@kirill_p " + draft,
        make_context(customer, channel="telegram", customer_handle="@kirill_p", customer_name=""),
        config=GuardConfig(),
    )
    assert by_handle.named is True
    on_x = check_personal(draft, make_context(customer, channel="x", customer_name="Кирилл"), config=GuardConfig())
    assert (on_x.findings, on_x.named) == ((), None)


def test_nothing_specific_to_take_up() -> None:
    context = make_context("Супер! 👍", kind="compliment", channel="x")
    check = check_personal("Спасибо!", context, config=GuardConfig())
    assert (check.personal, check.specifics, check.findings) == (True, (), ())


def test_a_brand_can_ask_for_more() -> None:
    context = make_context("Заказ 55120 должен был приехать вчера в Казань, курьер так и не появился. Где мой диван?", channel="x")
    draft = "Простите! Курьер привезёт диван сегодня до 18:00."
    assert check_personal(draft, context, config=GuardConfig(personal_min_weight=4)).personal is False
