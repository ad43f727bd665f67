"""The scripted guard: templates with only the name or number changed are caught, own words are not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from otklik.guards import Guard, GuardConfig, ReplyIndex
from otklik.guards.scripted import check_scripted, shared_spans
from tests.unit.guards.support import NOW, make_context

PAST = {
    "ru": "Здравствуйте, Игорь! Приносим извинения за неудобства. Пожалуйста, напишите нам в личные сообщения номер договора и адрес подключения, мы всё проверим.",
    "pl": "Dzień dobry, przepraszamy za utrudnienia. Prosimy o przesłanie numeru przesyłki 6200 1234 w wiadomości prywatnej, a sprawdzimy, co się dzieje.",
    "en": "Hi Dave, we're sorry to hear about this. Please send us a DM with your account number and full address so we can look into it for you.",
}
RESENT = {
    "ru": "Здравствуйте, Алексей! Приносим извинения за неудобства. Пожалуйста, напишите нам в личные сообщения номер договора и адрес подключения, мы всё проверим.",
    "pl": "Dzień dobry, przepraszamy za utrudnienia. Prosimy o przesłanie numeru przesyłki 6200 9876 5544 w wiadomości prywatnej, a sprawdzimy, co się dzieje!",
    "en": "Hi @tom_w, we're so sorry to hear about this. Please send us a DM with your account number and full address so we can look into it for you.",
}
OWN_WORDS = {
    "ru": "Алексей, простите за это. Проверили договор 55-10233: «Кинозал» подключился после нажатия кнопки на пульте приставки 3 марта. Мы отключили услугу и вернём 199 ₽.",
    "pl": "Panie Marku, przepraszamy za ten tydzień czekania. Paczka utknęła w sortowni w Strykowie, bo naklejka się oderwała — jutro trafi do kuriera.",
    "en": "Tom, that's a huge jump and I'm sorry it arrived without a word from us. Your last two readings were estimated, which pushed the bill up.",
}
# A saved reply used to start, finished in the agent's own words: below the threshold.
STARTED_FROM_TEMPLATE = {
    "ru": "Здравствуйте, Алексей! Приносим извинения за неудобства. Услугу «Антивирус» подключили по ошибке при смене тарифа 3 марта: мы её отключили и вернём 300 ₽ на баланс до вечера.",
    "pl": "Dzień dobry, przepraszamy za utrudnienia. Pani paczka utknęła w Strykowie, bo oderwała się naklejka; dziś ją oznaczyliśmy na nowo, jutro będzie u kuriera, a w piątek w paczkomacie.",
    "en": "Hi Tom, we're sorry to hear about this. Elm Road lost power after a cable fault at 6am; engineers are on site and expect it back by 4pm, and we'll credit you for the freezer food.",
}


def _index(lang: str) -> ReplyIndex:
    index = ReplyIndex()
    index.add(1, PAST[lang], NOW - timedelta(days=2), agent_id=3)
    index.add(2, OWN_WORDS["en" if lang != "en" else "ru"], NOW - timedelta(days=1))
    return index


@pytest.mark.parametrize("lang", ["ru", "pl", "en"])
def test_a_resent_template_is_flagged_with_its_evidence(lang: str) -> None:
    context = make_context(language=lang)
    check = check_scripted(RESENT[lang], context, index=_index(lang), config=GuardConfig())
    assert check.scripted is True
    (finding,) = check.findings
    assert finding.guard is Guard.SCRIPTED
    assert finding.code == "near_duplicate"
    assert finding.details["reply_id"] == 1
    assert finding.details["recent"] == {7: 1, 30: 1}
    assert float(str(finding.details["similarity"])) >= 0.8
    # The evidence is the stretch the draft shares with the past reply.
    assert finding.spans
    longest = max(finding.spans, key=lambda s: s.end - s.start)
    assert RESENT[lang][longest.start : longest.end] == longest.text
    assert longest.end - longest.start > 40


@pytest.mark.parametrize("lang", ["ru", "pl", "en"])
def test_own_words_and_a_template_finished_personally_pass(lang: str) -> None:
    context = make_context(language=lang)
    for text in (OWN_WORDS[lang], STARTED_FROM_TEMPLATE[lang]):
        check = check_scripted(text, context, index=_index(lang), config=GuardConfig())
        assert check.informative is True
        assert check.findings == ()
        assert check.result is not None
        assert check.result.best < GuardConfig().scripted_threshold


def test_short_thank_yous_are_not_judged() -> None:
    index = ReplyIndex()
    for i, text in enumerate(["Спасибо за отзыв! 💚", "Dziękujemy za miłe słowa!", "Thanks so much, we'll pass it on to the team!"]):
        index.add(i, text, NOW - timedelta(days=1))
    for text in ["Спасибо за отзыв! 💚", "Dziękujemy za miłe słowa!", "Thanks so much, we'll pass it on to the team!"]:
        check = check_scripted(text, make_context(), index=index, config=GuardConfig())
        assert (check.informative, check.findings, check.result) == (False, (), None)
    # A brand may judge shorter replies too.
    config = GuardConfig(min_informative_words=3, min_informative_chars=10)
    assert check_scripted("Thanks so much, we'll pass it on to the team!", make_context(), index=index, config=config).scripted is True


def test_without_an_index_nothing_is_found() -> None:
    check = check_scripted(RESENT["ru"], make_context(), index=None, config=GuardConfig())
    assert (check.informative, check.scripted, check.result) == (True, False, None)


def test_the_customer_name_given_by_the_desk_is_masked() -> None:
    index = ReplyIndex()
    index.add(
        1,
        "Ольга, ваш диван уже на складе в Химках, курьер позвонит вам завтра утром и договорится о времени.",
        NOW - timedelta(days=1),
        names=["Ольга"],
    )
    context = make_context(customer_name="Кристина")
    check = check_scripted(
        "Кристина, ваш диван уже на складе в Химках, курьер позвонит вам завтра утром и договорится о времени.",
        context,
        index=index,
        config=GuardConfig(),
    )
    assert check.scripted is True


def test_shared_spans_keep_positions_of_the_draft() -> None:
    spans = shared_spans("ÇA Hello there, how are you doing today?", "hello there, how are you doing today? bye")
    assert [(s.start, s.text) for s in spans] == [(3, "Hello there, how are you doing today?")]
