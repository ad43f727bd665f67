"""Realistic customer messages in Russian, Polish and English, as generic-format items.

Texts are ~150 characters, assembled from fragments a care desk really sees (greetings,
order numbers, complaints, questions, emoji), so parsing and storage handle the same
byte sizes and scripts as in production. Everything is seeded: the same arguments give the
same items.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

LANGUAGES = ("ru", "pl", "en")
LANGUAGE_WEIGHTS = (0.45, 0.3, 0.25)
ADDRESSING = ("direct", "dm", "comment", "review", "brand_mention")
ADDRESSING_WEIGHTS = (0.4, 0.25, 0.2, 0.05, 0.1)
ACCOUNTS = ("@volna_shop", "@volna_help", "volna.pl")
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

_OPENERS = {
    "ru": ["Здравствуйте!", "Добрый день.", "Алло, поддержка?", "Привет.", "Слушайте,", "Уважаемая Волна,"],
    "pl": ["Dzień dobry,", "Cześć!", "Halo, obsługa?", "Witam.", "Słuchajcie,", "Szanowni Państwo,"],
    "en": ["Hi there,", "Hello!", "Hey @volna_shop", "Good morning.", "Listen,", "Dear support,"],
}
_BODIES = {
    "ru": [
        "где мой заказ #{n}? уже неделю жду, а трекинг не обновляется",
        "курьер не пришёл в назначенное время, заказ {n} так и висит на складе",
        "пришли наушники с трещиной на корпусе, номер заказа {n}",
        "деньги за возврат по заказу {n} так и не вернулись на карту",
        "в приложении не проходит оплата картой, пишет ошибку {n}",
        "можно поменять адрес доставки для заказа {n}? переехала",
        "промокод {n} не применяется к корзине, хотя срок ещё не истёк",
    ],
    "pl": [
        "paczka {n} nie dotarła do paczkomatu w Krakowie, co jest grane",
        "kurier zostawił awizo, a byłam cały dzień w domu, zamówienie {n}",
        "słuchawki przyszły uszkodzone, numer zamówienia {n}",
        "zwrot pieniędzy za zamówienie {n} wciąż nie wpłynął na konto",
        "płatność BLIK w aplikacji nie działa, kod błędu {n}",
        "czy mogę zmienić adres dostawy dla zamówienia {n}?",
        "kod rabatowy {n} nie działa w koszyku, a jest jeszcze ważny",
    ],
    "en": [
        "where is my order #{n}? tracking has not moved for a week",
        "the courier never showed up, order {n} is still at the depot",
        "my headphones arrived with a cracked case, order {n}",
        "the refund for order {n} still has not reached my card",
        "card payment fails in the app with error {n}",
        "can I change the delivery address for order {n}? I moved",
        "promo code {n} is not applied at checkout although it is still valid",
    ],
}
_CLOSERS = {
    "ru": ["Спасибо.", "Жду ответа!!", "Это уже третий раз 😡", "Помогите пожалуйста 🙏", "Очень неприятно.", "Ответьте в личку."],
    "pl": [
        "Dzięki.",
        "Czekam na odpowiedź!!",
        "To już trzeci raz 😡",
        "Pomóżcie proszę 🙏",
        "Bardzo nieładnie.",
        "Proszę o odpowiedź na priv.",
    ],
    "en": ["Thanks.", "Waiting for an answer!!", "Third time now 😤", "Please help 🙏", "Not cool.", "DM me please."],
}
_FIRST = {
    "ru": ["Анна", "Дмитрий", "Ольга", "Сергей", "Мария", "Иван", "Екатерина", "Алексей"],
    "pl": ["Agnieszka", "Piotr", "Małgorzata", "Krzysztof", "Zofia", "Łukasz", "Joanna", "Paweł"],
    "en": ["Emma", "James", "Olivia", "Noah", "Sophie", "Liam", "Grace", "Oliver"],
}
_LAST = {
    "ru": ["Смирнова", "Кузнецов", "Попова", "Волков", "Соколова", "Морозов"],
    "pl": ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski"],
    "en": ["Smith", "Brown", "Taylor", "Wilson", "Evans", "Walker"],
}


def message(rng: random.Random, language: str) -> str:
    """One message of about 150 characters in ``language``."""
    text = f"{rng.choice(_OPENERS[language])} {rng.choice(_BODIES[language]).format(n=rng.randint(10_000, 99_999))}."
    while len(text) < 130:
        text += " " + rng.choice(_CLOSERS[language])
    return text


@dataclass(frozen=True, slots=True)
class Person:
    """A customer who writes to the brand."""

    id: str
    name: str
    handle: str
    language: str
    account: str
    followers: int


def person(rng: random.Random, index: int) -> Person:
    """The ``index``-th customer of a run (a fixed language and account per person)."""
    language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
    first, last = rng.choice(_FIRST[language]), rng.choice(_LAST[language])
    return Person(
        id=f"u{index}",
        name=f"{first} {last}",
        handle=f"@{first.lower()}_{index}",
        language=language,
        account=rng.choice(ACCOUNTS),
        followers=int(rng.paretovariate(1.2) * 50),
    )


def items(count: int, *, prefix: str, seed: int = 7, threaded: float = 0.25, items_per_person: float = 3.0) -> Iterator[dict[str, Any]]:
    """``count`` generic-format item objects with unique ``<prefix>-<n>`` external ids.

    About ``threaded`` of them answer an earlier item of the same person
    (``parent_external_id``); there are ``count / items_per_person`` people.
    """
    rng = random.Random(seed)
    people = [person(rng, i) for i in range(max(1, int(count / items_per_person)))]
    last_of: dict[str, str] = {}
    for n in range(count):
        who = rng.choice(people)
        external_id = f"{prefix}-{n}"
        obj: dict[str, Any] = {
            "external_id": external_id,
            "author": {"id": who.id, "name": who.name, "handle": who.handle},
            "text": message(rng, who.language),
            "created_at": (T0 + timedelta(seconds=n * 3)).isoformat(),
            "addressing": rng.choices(ADDRESSING, ADDRESSING_WEIGHTS)[0],
            "account": who.account,
            "language": who.language,
            "author_followers": who.followers,
            "url": f"https://social.example/{who.handle[1:]}/status/{external_id}",
        }
        parent = last_of.get(who.id)
        if parent is not None and rng.random() < threaded / max(threaded, 1 - 1 / items_per_person):
            obj["parent_external_id"] = parent
        last_of[who.id] = external_id
        yield obj
