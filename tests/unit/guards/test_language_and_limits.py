"""The reply's language, and the channel's length limit."""

from __future__ import annotations

from otklik.guards.language import check_language
from otklik.guards.limits import check_length, length_on
from tests.unit.guards.support import make_context, stub_detect


def test_a_reply_in_another_language() -> None:
    context = make_context(language="ru")
    (finding,) = check_language("Hello Yulia! Sorry to hear that, please restart the phone.", context, detect=stub_detect)
    assert (finding.code, finding.details["detected"]) == ("wrong_language", "en")
    assert check_language("Юлия, простите! Перезагрузите, пожалуйста, телефон.", context, detect=stub_detect) == ()
    (finding,) = check_language(
        "Dzień dobry, tak — paczki na Ukrainę można nadać w każdym paczkomacie.", make_context(language="en"), detect=stub_detect
    )
    assert finding.details == {"expected": "en", "detected": "pl"}


def test_a_canned_sentence_in_another_language() -> None:
    draft = "Pani Ewo, przepraszamy, paczka dotrze jutro. Thanks for your patience and have a great day!"
    (finding,) = check_language(draft, make_context(language="pl"), detect=lambda text: "pl" if "paczka" in text else stub_detect(text))
    assert finding.code == "mixed_language"
    assert [s.text for s in finding.spans] == ["Thanks for your patience and have a great day!"]


def test_nothing_to_tell_by() -> None:
    assert check_language("👍🙂", make_context(language="pl"), detect=stub_detect) == ()
    assert check_language("Hello there, how can we help?", make_context(language="other"), detect=stub_detect) == ()


def test_the_real_detector_tells_our_languages() -> None:
    from otklik.guards.language import default_detector

    detect = default_detector()
    assert check_language("Здравствуйте! Заказ приедет завтра, курьер позвонит за час.", make_context(language="ru"), detect=detect) == ()
    (finding,) = check_language(
        "Hi! Your order arrives tomorrow, the courier will call an hour before.", make_context(language="ru"), detect=detect
    )
    assert finding.details["detected"] == "en"


def test_channel_limits() -> None:
    link = "https://example.com/" + "a" * 60
    assert length_on("x", f"See {link} now") == 4 + 23 + 4
    assert length_on("telegram", f"See {link} now") == 4 + len(link) + 4
    assert check_length("x" * 280, make_context(channel="x", length_limit=280)) == ()
    (finding,) = check_length("x" * 290, make_context(channel="x", length_limit=280))
    assert finding.code == "too_long"
    assert finding.details == {"length": 290, "limit": 280}
    assert (finding.spans[0].start, finding.spans[0].end) == (280, 290)
    assert check_length("x" * 10_000, make_context(length_limit=None)) == ()
