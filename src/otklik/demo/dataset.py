"""A deterministic, realistic demo data set for a fictional multi-country brand.

The brand is **Volna**: an online electronics shop with its own delivery, parcel lockers
("Volna Box") and a mobile app, answering customers in Russian (``@volna_shop``), Polish
(``@volna_pl``) and English (``@volna_help``), with a few Ukrainian-speaking customers in Poland.

:func:`generate_demo` returns a time-ordered list of :class:`DemoStep`: what customers wrote
(as generic-format webhook items) and what the demo agents did (personal replies, assignments,
resolutions). Everything comes from ``random.Random(seed)`` and ``now``: the same arguments
always give the same steps, and nothing happens after ``now``.

Every text was written for this module; texts are built from templates with varying slots
(products, order numbers, cities, lockers, names, emoji) plus the roughness of real social
media (lower case, missing diacritics, typos, CAPS), so no two customer items and no two
replies are the same.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final, Literal

__all__ = ["DEMO_AGENTS", "DemoStep", "generate_demo"]

StepKind = Literal["item", "reply", "resolve", "assign"]


@dataclass(frozen=True, slots=True)
class DemoStep:
    """One thing that happened on the demo desk, at ``at``.

    ``item`` steps carry a generic-format webhook item in ``payload``; ``reply``, ``assign``
    and ``resolve`` steps carry an empty payload, the acting agent and (for replies) the text.
    ``thread`` is the ``external_id`` of the first item of the conversation the step belongs to.
    """

    kind: StepKind
    at: datetime
    source: str
    payload: dict[str, object]
    thread: str
    agent_email: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class _Agent:
    email: str
    name: str
    role: str
    team: str
    sign: str  # how they sign replies
    gender: int  # 0 male, 1 female (Russian, Polish and Ukrainian verbs agree with it)
    langs: tuple[str, ...]
    weight: int


_AGENTS: Final[tuple[_Agent, ...]] = (
    _Agent("demo@otklik.local", "Alex Morgan", "admin", "Care EN", "Alex", 0, ("en",), 2),
    _Agent("marina.kotova@otklik.local", "Марина Котова", "agent", "Care RU", "Марина", 1, ("ru", "uk"), 3),
    _Agent("denis.orlov@otklik.local", "Денис Орлов", "agent", "Care RU", "Денис", 0, ("ru", "uk"), 2),
    _Agent("kasia.nowicka@otklik.local", "Kasia Nowicka", "agent", "Care PL", "Kasia", 1, ("pl",), 3),
    _Agent("tomasz.wrobel@otklik.local", "Tomasz Wróbel", "agent", "Care PL", "Tomek", 0, ("pl",), 2),
    _Agent("emma.clarke@otklik.local", "Emma Clarke", "agent", "Care EN", "Emma", 1, ("en",), 3),
)

DEMO_AGENTS: Final[tuple[tuple[str, str, str, str], ...]] = tuple((a.email, a.name, a.role, a.team) for a in _AGENTS)
"""The demo's agents: (e-mail, display name, role ``agent``/``admin``, team name)."""

# ---------------------------------------------------------------------------------------------
# Vocabulary: products, places, people.
# ---------------------------------------------------------------------------------------------

# Per product: Russian "nominative|accusative|genitive|gender", Polish the same, English
# "name|number", Ukrainian "nominative|gender", and the price in roubles (other currencies
# are derived). Genders: m, f, n, pl (English: sg, pl).
_PRODUCT_TABLE: Final[tuple[tuple[str, str, str, str, int], ...]] = (
    (
        "наушники AirPods Pro|наушники AirPods Pro|наушников AirPods Pro|pl",
        "słuchawki AirPods Pro|słuchawki AirPods Pro|słuchawek AirPods Pro|pl",
        "AirPods Pro|pl",
        "навушники AirPods Pro|pl",
        24990,
    ),
    ("айфон 15|айфон 15|айфона 15|m", "iPhone 15|iPhone'a 15|iPhone'a 15|m", "iPhone 15|sg", "айфон 15|m", 84990),
    (
        "робот-пылесос Roborock S8|робот-пылесос Roborock S8|робота-пылесоса Roborock S8|m",
        "odkurzacz Roborock S8|odkurzacz Roborock S8|odkurzacza Roborock S8|m",
        "Roborock S8 robot vacuum|sg",
        "робот-пилосос Roborock S8|m",
        59990,
    ),
    (
        "колонка JBL Flip 6|колонку JBL Flip 6|колонки JBL Flip 6|f",
        "głośnik JBL Flip 6|głośnik JBL Flip 6|głośnika JBL Flip 6|m",
        "JBL Flip 6 speaker|sg",
        "колонка JBL Flip 6|f",
        11990,
    ),
    (
        "кофемашина De'Longhi Magnifica|кофемашину De'Longhi Magnifica|кофемашины De'Longhi Magnifica|f",
        "ekspres De'Longhi Magnifica|ekspres De'Longhi Magnifica|ekspresu De'Longhi Magnifica|m",
        "De'Longhi Magnifica coffee machine|sg",
        "кавоварка De'Longhi Magnifica|f",
        45990,
    ),
    (
        "ноутбук Lenovo IdeaPad 5|ноутбук Lenovo IdeaPad 5|ноутбука Lenovo IdeaPad 5|m",
        "laptop Lenovo IdeaPad 5|laptopa Lenovo IdeaPad 5|laptopa Lenovo IdeaPad 5|m",
        "Lenovo IdeaPad 5 laptop|sg",
        "ноутбук Lenovo IdeaPad 5|m",
        69990,
    ),
    (
        'телевизор Samsung 55"|телевизор Samsung 55"|телевизора Samsung 55"|m',
        'telewizor Samsung 55"|telewizor Samsung 55"|telewizora Samsung 55"|m',
        'Samsung 55" TV|sg',
        'телевізор Samsung 55"|m',
        64990,
    ),
    (
        "часы Amazfit GTR 4|часы Amazfit GTR 4|часов Amazfit GTR 4|pl",
        "smartwatch Amazfit GTR 4|smartwatcha Amazfit GTR 4|smartwatcha Amazfit GTR 4|m",
        "Amazfit GTR 4 watch|sg",
        "смарт-годинник Amazfit GTR 4|m",
        16990,
    ),
    ("плойка PS5|плойку PS5|плойки PS5|f", "konsola PS5|konsolę PS5|konsoli PS5|f", "PS5|sg", "консоль PS5|f", 59990),
    (
        "планшет Xiaomi Pad 6|планшет Xiaomi Pad 6|планшета Xiaomi Pad 6|m",
        "tablet Xiaomi Pad 6|tablet Xiaomi Pad 6|tabletu Xiaomi Pad 6|m",
        "Xiaomi Pad 6 tablet|sg",
        "планшет Xiaomi Pad 6|m",
        32990,
    ),
    (
        "фен Dyson Supersonic|фен Dyson Supersonic|фена Dyson Supersonic|m",
        "suszarka Dyson Supersonic|suszarkę Dyson Supersonic|suszarki Dyson Supersonic|f",
        "Dyson Supersonic hair dryer|sg",
        "фен Dyson Supersonic|m",
        49990,
    ),
    (
        "электросамокат Ninebot Max|электросамокат Ninebot Max|электросамоката Ninebot Max|m",
        "hulajnoga Ninebot Max|hulajnogę Ninebot Max|hulajnogi Ninebot Max|f",
        "Ninebot Max scooter|sg",
        "електросамокат Ninebot Max|m",
        39990,
    ),
    (
        "зарядка Anker 65W|зарядку Anker 65W|зарядки Anker 65W|f",
        "ładowarka Anker 65W|ładowarkę Anker 65W|ładowarki Anker 65W|f",
        "Anker 65W charger|sg",
        "зарядка Anker 65W|f",
        3990,
    ),
    (
        "пауэрбанк Volna Power 20000|пауэрбанк Volna Power 20000|пауэрбанка Volna Power 20000|m",
        "powerbank Volna Power 20000|powerbank Volna Power 20000|powerbanka Volna Power 20000|m",
        "Volna Power 20000 power bank|sg",
        "павербанк Volna Power 20000|m",
        2490,
    ),
    (
        "наушники Volna Buds 2|наушники Volna Buds 2|наушников Volna Buds 2|pl",
        "słuchawki Volna Buds 2|słuchawki Volna Buds 2|słuchawek Volna Buds 2|pl",
        "Volna Buds 2|pl",
        "навушники Volna Buds 2|pl",
        3490,
    ),
    (
        "стиралка Bosch Serie 6|стиралку Bosch Serie 6|стиралки Bosch Serie 6|f",
        "pralka Bosch Serie 6|pralkę Bosch Serie 6|pralki Bosch Serie 6|f",
        "Bosch Serie 6 washing machine|sg",
        "пральна машина Bosch Serie 6|f",
        42990,
    ),
    (
        'монитор AOC 27"|монитор AOC 27"|монитора AOC 27"|m',
        'monitor AOC 27"|monitor AOC 27"|monitora AOC 27"|m',
        'AOC 27" monitor|sg',
        'монітор AOC 27"|m',
        18990,
    ),
    (
        "мышка Logitech G305|мышку Logitech G305|мышки Logitech G305|f",
        "myszka Logitech G305|myszkę Logitech G305|myszki Logitech G305|f",
        "Logitech G305 mouse|sg",
        "мишка Logitech G305|f",
        3990,
    ),
    (
        "клавиатура Keychron K2|клавиатуру Keychron K2|клавиатуры Keychron K2|f",
        "klawiatura Keychron K2|klawiaturę Keychron K2|klawiatury Keychron K2|f",
        "Keychron K2 keyboard|sg",
        "клавіатура Keychron K2|f",
        8990,
    ),
    (
        "роутер TP-Link Archer|роутер TP-Link Archer|роутера TP-Link Archer|m",
        "router TP-Link Archer|router TP-Link Archer|routera TP-Link Archer|m",
        "TP-Link Archer router|sg",
        "роутер TP-Link Archer|m",
        4990,
    ),
    (
        "читалка Kindle Paperwhite|читалку Kindle Paperwhite|читалки Kindle Paperwhite|f",
        "czytnik Kindle Paperwhite|czytnik Kindle Paperwhite|czytnika Kindle Paperwhite|m",
        "Kindle Paperwhite|sg",
        "рідер Kindle Paperwhite|m",
        15990,
    ),
    (
        "наушники Sony WH-1000XM5|наушники Sony WH-1000XM5|наушников Sony WH-1000XM5|pl",
        "słuchawki Sony WH-1000XM5|słuchawki Sony WH-1000XM5|słuchawek Sony WH-1000XM5|pl",
        "Sony WH-1000XM5 headphones|pl",
        "навушники Sony WH-1000XM5|pl",
        32990,
    ),
    (
        "Nintendo Switch|Nintendo Switch|Nintendo Switch|f",
        "Nintendo Switch|Nintendo Switch|Nintendo Switch|n",
        "Nintendo Switch|sg",
        "Nintendo Switch|f",
        29990,
    ),
    (
        "чехол для айфона|чехол для айфона|чехла для айфона|m",
        "etui na iPhone'a|etui na iPhone'a|etui na iPhone'a|n",
        "iPhone case|sg",
        "чохол для айфона|m",
        990,
    ),
    (
        "микроволновка LG|микроволновку LG|микроволновки LG|f",
        "mikrofalówka LG|mikrofalówkę LG|mikrofalówki LG|f",
        "LG microwave|sg",
        "мікрохвильовка LG|f",
        9990,
    ),
    (
        "смартфон Redmi Note 13|смартфон Redmi Note 13|смартфона Redmi Note 13|m",
        "smartfon Redmi Note 13|smartfon Redmi Note 13|smartfona Redmi Note 13|m",
        "Redmi Note 13|sg",
        "смартфон Redmi Note 13|m",
        21990,
    ),
)

# Cities by market. Russian market: (nominative, "in …", genitive).
_RU_CITIES: Final[tuple[tuple[str, str, str], ...]] = (
    ("Москва", "в Москве", "Москвы"),
    ("Питер", "в Питере", "Питера"),
    ("Казань", "в Казани", "Казани"),
    ("Екатеринбург", "в Екатеринбурге", "Екатеринбурга"),
    ("Новосибирск", "в Новосибирске", "Новосибирска"),
    ("Нижний Новгород", "в Нижнем Новгороде", "Нижнего Новгорода"),
    ("Самара", "в Самаре", "Самары"),
    ("Краснодар", "в Краснодаре", "Краснодара"),
    ("Воронеж", "в Воронеже", "Воронежа"),
    ("Пермь", "в Перми", "Перми"),
    ("Тюмень", "в Тюмени", "Тюмени"),
    ("Ростов", "в Ростове", "Ростова"),
    ("Уфа", "в Уфе", "Уфы"),
    ("Челябинск", "в Челябинске", "Челябинска"),
    ("Калининград", "в Калининграде", "Калининграда"),
    ("Алматы", "в Алматы", "Алматы"),
)
# Polish market: (nominative, "in …", genitive, locker code prefix, Ukrainian nominative, Ukrainian "in …").
_PL_CITIES: Final[tuple[tuple[str, str, str, str, str, str], ...]] = (
    ("Kraków", "w Krakowie", "Krakowa", "KRA", "Краків", "у Кракові"),
    ("Warszawa", "w Warszawie", "Warszawy", "WAW", "Варшава", "у Варшаві"),
    ("Wrocław", "we Wrocławiu", "Wrocławia", "WRO", "Вроцлав", "у Вроцлаві"),
    ("Gdańsk", "w Gdańsku", "Gdańska", "GDA", "Гданськ", "у Гданську"),
    ("Poznań", "w Poznaniu", "Poznania", "POZ", "Познань", "у Познані"),
    ("Łódź", "w Łodzi", "Łodzi", "LOD", "Лодзь", "у Лодзі"),
    ("Katowice", "w Katowicach", "Katowic", "KAT", "Катовіце", "у Катовіцах"),
    ("Lublin", "w Lublinie", "Lublina", "LUB", "Люблін", "у Любліні"),
    ("Szczecin", "w Szczecinie", "Szczecina", "SZC", "Щецін", "у Щеціні"),
    ("Białystok", "w Białymstoku", "Białegostoku", "BIA", "Білосток", "у Білостоці"),
    ("Rzeszów", "w Rzeszowie", "Rzeszowa", "RZE", "Жешув", "у Жешуві"),
    ("Toruń", "w Toruniu", "Torunia", "TOR", "Торунь", "у Торуні"),
    ("Gdynia", "w Gdyni", "Gdyni", "GDY", "Гдиня", "у Гдині"),
    ("Bydgoszcz", "w Bydgoszczy", "Bydgoszczy", "BYD", "Бидгощ", "у Бидгощі"),
)
_EN_CITIES: Final[tuple[str, ...]] = (
    "London",
    "Manchester",
    "Leeds",
    "Bristol",
    "Glasgow",
    "Dublin",
    "Birmingham",
    "Edinburgh",
    "Cardiff",
    "Liverpool",
    "Belfast",
    "Sheffield",
    "Nottingham",
    "Brighton",
)
_RU_STREETS: Final = ("Ленина", "Мира", "Гагарина", "Пушкина", "Кирова", "Чкалова", "Лермонтова", "Горького", "Маяковского", "Королёва")
_PL_STREETS: Final = (
    "Długiej",
    "Grunwaldzkiej",
    "Mickiewicza",
    "Piłsudskiego",
    "Kościuszki",
    "Słowackiego",
    "Reymonta",
    "Kolejowej",
    "Polnej",
    "Lipowej",
)
_EN_STREETS: Final = ("High Street", "Station Road", "Church Road", "Victoria Road", "Mill Lane", "King Street", "Park Road", "London Road")

_COURIERS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("Артур", "Сергей", "Рустам", "Олег", "Виктор", "Алишер", "Игорь", "Тимур", "Азамат"),
    "pl": ("Marek", "Darek", "Krzysiek", "Zbyszek", "Adrian", "Mirek", "Rafał", "Sebastian"),
    "en": ("Dave", "Steve", "Gary", "Kev", "Mo", "Tony", "Lee", "Dean"),
    "uk": ("Марек", "Павел", "Адріан", "Мирек"),
}
_OS: Final = (
    "Android 14",
    "iOS 17.5",
    "iPhone 13, iOS 18.1",
    "Samsung A54, Android 14",
    "Pixel 7",
    "Redmi Note 12, Android 13",
    "iPhone 11, iOS 17.6",
    "Honor X8",
)
_APP_VERSIONS: Final = ("5.12.1", "5.12.0", "5.11.4", "5.13.0")
_PROMOS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("VOLNA10", "BLACKWAVE", "OSEN15", "WELCOME500"),
    "pl": ("VOLNA10", "BLACKWAVE", "JESIEN15", "START50"),
    "en": ("VOLNA10", "BLACKWAVE", "WELCOME5", "STUDENT10"),
    "uk": ("VOLNA10", "BLACKWAVE"),
}
_OFFERS: Final = ("VOLNA10", "THANKYOU10", "WAVE10", "SORRY10")

_MONTHS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"),
    "pl": (
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "uk": ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"),
}
_WEEKDAYS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"),
    "pl": ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę"),
    "en": ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday"),
    "uk": ("у понеділок", "у вівторок", "у середу", "у четвер", "у п'ятницю", "у суботу", "у неділю"),
}
_DAY_WORDS: Final[Mapping[str, tuple[str, str]]] = {  # today, tomorrow
    "ru": ("сегодня", "завтра"),
    "pl": ("dziś", "jutro"),
    "en": ("today", "tomorrow"),
    "uk": ("сьогодні", "завтра"),
}
_SLOTS_OF_DAY: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("с 10:00 до 14:00", "с 14:00 до 18:00", "с 18:00 до 22:00", "с 12:00 до 16:00"),
    "pl": ("między 10:00 a 14:00", "między 14:00 a 18:00", "między 18:00 a 22:00", "między 12:00 a 16:00"),
    "en": ("between 10am and 2pm", "between 2pm and 6pm", "between 6pm and 10pm", "between 12 and 4pm"),
    "uk": ("з 10:00 до 14:00", "з 14:00 до 18:00", "з 18:00 до 22:00", "з 12:00 до 16:00"),
}
_BY_EVENING: Final[Mapping[str, str]] = {"ru": "до 21:00", "pl": "do 21:00", "en": "by 9pm", "uk": "до 21:00"}

# Names. Russian, Polish and Ukrainian: (full first name, short form or ""), by gender.
_RU_MALE: Final = (
    ("Алексей", "Лёша"),
    ("Дмитрий", "Дима"),
    ("Иван", "Ваня"),
    ("Сергей", ""),
    ("Андрей", ""),
    ("Максим", "Макс"),
    ("Артём", "Тёма"),
    ("Никита", ""),
    ("Егор", ""),
    ("Павел", "Паша"),
    ("Роман", "Рома"),
    ("Кирилл", ""),
    ("Олег", ""),
    ("Михаил", "Миша"),
    ("Владимир", "Вова"),
    ("Глеб", ""),
    ("Тимур", ""),
    ("Руслан", ""),
    ("Антон", ""),
    ("Евгений", "Женя"),
)
_RU_FEMALE: Final = (
    ("Анна", "Аня"),
    ("Мария", "Маша"),
    ("Екатерина", "Катя"),
    ("Ольга", "Оля"),
    ("Наталья", "Наташа"),
    ("Юлия", "Юля"),
    ("Дарья", "Даша"),
    ("Алина", ""),
    ("Ксения", "Ксюша"),
    ("Полина", ""),
    ("Виктория", "Вика"),
    ("Елена", "Лена"),
    ("Ирина", "Ира"),
    ("Светлана", "Света"),
    ("Татьяна", "Таня"),
    ("Софья", "Соня"),
    ("Вера", ""),
    ("Алёна", ""),
    ("Карина", ""),
    ("Яна", ""),
)
_RU_SURNAMES: Final = (
    "Иванов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Новиков",
    "Морозов",
    "Волков",
    "Соловьёв",
    "Васильев",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Тарасов",
    "Белов",
    "Комаров",
    "Киселёв",
    "Макаров",
    "Андреев",
    "Ковалёв",
    "Ильин",
    "Гусев",
    "Титов",
    "Баранов",
    "Куликов",
    "Степанов",
    "Сорокин",
    "Захаров",
    "Борисов",
    "Медведев",
    "Никитин",
    "Крылов",
    "Покровский",
    "Левицкий",
    "Громов",
)
_PL_MALE: Final = (
    ("Piotr", "Piotrek"),
    ("Krzysztof", "Krzysiek"),
    ("Andrzej", ""),
    ("Tomasz", ""),
    ("Paweł", ""),
    ("Michał", ""),
    ("Marcin", ""),
    ("Jakub", "Kuba"),
    ("Kamil", ""),
    ("Łukasz", ""),
    ("Mateusz", ""),
    ("Adam", ""),
    ("Bartosz", "Bartek"),
    ("Grzegorz", "Grzesiek"),
    ("Wojciech", "Wojtek"),
    ("Szymon", ""),
    ("Damian", ""),
    ("Karol", ""),
    ("Filip", ""),
    ("Maciej", "Maciek"),
)
_PL_FEMALE: Final = (
    ("Anna", "Ania"),
    ("Katarzyna", ""),
    ("Małgorzata", "Gosia"),
    ("Agnieszka", "Aga"),
    ("Magdalena", "Madzia"),
    ("Joanna", "Asia"),
    ("Aleksandra", "Ola"),
    ("Monika", ""),
    ("Natalia", ""),
    ("Karolina", ""),
    ("Zuzanna", "Zuzia"),
    ("Julia", ""),
    ("Ewa", ""),
    ("Paulina", ""),
    ("Weronika", ""),
    ("Marta", ""),
    ("Dominika", ""),
    ("Justyna", ""),
    ("Patrycja", ""),
    ("Klaudia", ""),
)
_PL_SURNAMES: Final = (
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Pawłowski",
    "Michalski",
    "Nowak",
    "Wieczorek",
    "Jabłoński",
    "Majewski",
    "Olszewski",
    "Stępień",
    "Malinowski",
    "Jaworski",
    "Adamczyk",
    "Dudek",
    "Pawlak",
    "Górski",
    "Witkowski",
    "Walczak",
    "Sikora",
    "Baran",
    "Zając",
    "Król",
    "Kaczmarek",
    "Czarnecki",
    "Sawicki",
    "Zalewski",
)
_EN_MALE: Final = (
    "James",
    "Oliver",
    "Harry",
    "Jack",
    "George",
    "Tom",
    "Daniel",
    "Liam",
    "Ethan",
    "Ryan",
    "Connor",
    "Callum",
    "Josh",
    "Sam",
    "Rhys",
    "Aaron",
    "Kieran",
    "Ben",
    "Luke",
    "Adam",
)
_EN_FEMALE: Final = (
    "Emily",
    "Sophie",
    "Olivia",
    "Chloe",
    "Megan",
    "Grace",
    "Hannah",
    "Amelia",
    "Lucy",
    "Jess",
    "Niamh",
    "Aoife",
    "Zara",
    "Priya",
    "Ellie",
    "Holly",
    "Laura",
    "Katie",
    "Rachel",
    "Amy",
)
_EN_SURNAMES: Final = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
    "Murphy",
    "O'Brien",
    "Patel",
    "Khan",
    "Campbell",
    "Stewart",
    "Kelly",
    "Davies",
    "Robinson",
    "Thompson",
    "Hall",
    "Green",
    "Harris",
    "Lewis",
    "Edwards",
    "Turner",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Baker",
    "Ahmed",
    "Byrne",
    "Doyle",
    "McCarthy",
    "Ali",
    "Nowak",
    "Fraser",
)
_UK_MALE: Final = (
    ("Андрій", ""),
    ("Тарас", ""),
    ("Богдан", ""),
    ("Олександр", "Сашко"),
    ("Дмитро", ""),
    ("Максим", ""),
    ("Василь", ""),
    ("Юрій", ""),
)
_UK_FEMALE: Final = (
    ("Олена", ""),
    ("Оксана", ""),
    ("Ірина", ""),
    ("Наталія", "Наталка"),
    ("Юлія", ""),
    ("Софія", ""),
    ("Марія", ""),
    ("Катерина", "Катя"),
)
_UK_SURNAMES: Final = (
    "Коваленко",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Мельник",
    "Кравчук",
    "Бойко",
    "Лисенко",
    "Савчук",
    "Олійник",
    "Шевчук",
    "Поліщук",
    "Марченко",
    "Романюк",
)
# Nicknames: (display name, gender).
_NICKS: Final[Mapping[str, tuple[tuple[str, int], ...]]] = {
    "ru": (
        ("kotik_93", 1),
        ("MAXIMUS", 0),
        ("Гоша Техно", 0),
        ("lisa.fox", 1),
        ("Сова ночная", 1),
        ("dark_knight_77", 0),
        ("мама двоих", 1),
        ("Shurik", 0),
        ("Тёма 🚀", 0),
        ("bubochka", 1),
        ("ne_spi", 0),
        ("Кот в сапогах", 0),
    ),
    "pl": (
        ("kasia_z_krakowa", 1),
        ("Gamer PL", 0),
        ("mroczny_rycerz", 0),
        ("Ola 🌸", 1),
        ("Bartas", 0),
        ("mama_w_biegu", 1),
        ("Piotrek_87", 0),
        ("Zuza.zu", 1),
        ("kierowca_tira", 0),
        ("Rowerzystka", 1),
    ),
    "en": (
        ("gadget_grumbler", 0),
        ("sophie.makes", 1),
        ("darkmode_dan", 0),
        ("tea & toast", 1),
        ("NotAnotherDave", 0),
        ("mumof3_mcr", 1),
        ("retro.rob", 0),
        ("ellie_reads", 1),
        ("pixelpete", 0),
        ("lady_lattes", 1),
    ),
    "uk": (("kotyk_lviv", 1), ("Тарас з Вроцлава", 0), ("olenka.pl", 1)),
}
_SPAMMERS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("Удалёнка 24/7", "Инвест Мастер", "Доход Онлайн", "Катя | заработок", "Накрутка PRO"),
    "pl": ("Praca Zdalna PL", "Ania Inwestuje", "Szybka Kasa 24", "Bonusy i Promki", "Followersy Tanio"),
    "en": ("Crypto Queen 💎", "Followers Boost", "Work From Home Jobs", "Giveaway Central", "Signals Pro"),
    "uk": ("Заробіток Онлайн",),
}
_MAIL_DOMAINS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"),
    "pl": ("gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl"),
    "en": ("gmail.com", "outlook.com", "hotmail.co.uk", "icloud.com", "yahoo.co.uk"),
}
_PUBLIC_CHATS: Final[Mapping[str, tuple[str, ...]]] = {
    "ru": ("gadgets_chat", "spb_tech_talk", "msk_electronics", "skidki_chat"),
    "pl": ("polska_tech", "okazje_pl"),
    "en": ("uk_deals_chat", "techtalk_uk"),
    "uk": ("ukraintsi_v_polshchi", "wroclaw_ua_chat"),
}

# ---------------------------------------------------------------------------------------------
# What customers write. Slots: {order} {p} (product) {pa} (accusative) {pg} (genitive)
# {city} {in_city} {city_gen} {locker} {locker_loc} {locker_at} {locker_code} {amount} {days}
# {date} {promised} {soon} {today} {courier} {os} {appver} {promo} {acct} {link} {elapsed}
# {agent}, emoji {ea} {eh} {es} {eq}; {g:…|…} agrees with the product's gender, {a:male|female}
# with the author's.
# ---------------------------------------------------------------------------------------------

_ITEMS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "ru": {
        "where": (
            "где мой заказ {order}??{ea}",
            "{acct} здравствуйте, заказ {order} от {date} до сих пор «в пути». Когда ждать?",
            "Подскажите, пожалуйста, когда привезут {pa}? Заказ {order}, я {in_city}",
            "трек не обновляется уже {days}, заказ {order}. что происходит?{eq}",
            "Добрый день! Заказ {order} висит в статусе «передан в доставку» с {date}. Можно узнать, где он физически?",
            "{a:заказал|заказала} {pa} {date}, в приложении всё ещё «собирается». это нормально столько собирать?",
            "ребят, а можно как-то ускорить заказ {order}? у сына днюха в субботу, {p} — подарок{es}",
            "privet, zakaz {order} eshe ne prishel, chto s nim? pishu s raboty, kirillicy net",
            "заказ {order} уже {in_city} или ещё нет? хочу забрать {a:сам|сама}",
        ),
        "late": (
            "Обещали доставить к {promised}, сегодня уже {today}. Заказ {order}. Это вообще нормально?{ea}",
            "ТРЕТИЙ РАЗ переносите доставку заказа {order}. Я специально {a:отпросился|отпросилась} с работы!!",
            "{acct} ну и где {g:мой|моя|моё|мои} {p}? обещали вчера, сегодня тишина",
            "Заказ {order} опаздывает уже на {days}. Деньги списали сразу, а товара нет. Верните либо заказ, либо деньги",
            "{a:ждал|ждала} {pa} к выходным, в итоге выходные прошли, а заказ {order} всё ещё «в пути»{es}",
            "доставка «завтра» длится уже {days} 🙃 заказ {order}, {city}",
        ),
        "broken": (
            "Пришёл заказ {order}, а {p} {g:разбит|разбита|разбито|разбиты}. Коробка вся мятая, видно что кидали{ea}",
            "{acct} {p} не {g:включается|включается|включается|включаются} прямо из коробки. заказ {order}. что делать?",
            "{a:купил|купила} у вас {pa} {date}, через неделю {g:сломался|сломалась|сломалось|сломались}. Это брак?",
            "Открываю посылку — {p} с царапиной на весь корпус. Заказ {order}. Хочу замену{es}",
            "{p} {g:пришёл|пришла|пришло|пришли} без зарядки и без документов, коробка вскрыта. это точно новый товар?",
        ),
        "wrong": (
            "{a:Заказывал|Заказывала} {pa}, а пришло вообще другое. Заказ {order}. Как так?{eq}",
            "в заказе {order} не хватает одной позиции — {pg} нет, а в чеке {g:он есть|она есть|оно есть|они есть}",
            "ребята, вы перепутали цвет: {a:заказывал|заказывала} чёрный, пришёл белый. {p}, заказ {order}",
            "Вместо {pg} в коробке лежал чехол 🤡 заказ {order}",
        ),
        "app": (
            "приложение вылетает при оформлении заказа, {os}, версия {appver}. уже 5 раз {a:пробовал|пробовала}{ea}",
            "{acct} после обновления не могу войти в приложение, крутится бесконечно. {os}",
            "В приложении корзина сама очищается: добавляю {pa} — через минуту пусто. Что за баг?",
            "Не приходят пуши о статусе заказа {order}, уведомления включены. {os}",
            "приложуха тормозит жесть, каталог грузится по минуте. {os}, версия {appver}",
        ),
        "double_charge": (
            "Списали деньги два раза за заказ {order}!! {amount} и ещё {amount}. Верните второй платёж{ea}",
            "{acct} у меня двойное списание за {pa}, {amount} ×2. заказ {order}. когда вернёте?",
            "Банк прислал два уведомления о списании {amount} за один заказ {order}. Это ошибка?",
        ),
        "payment_stuck": (
            "{a:Оплатил|Оплатила} картой, деньги ушли, а заказ {order} в статусе «не оплачен». Что делать?",
            "{a:Оформил|Оформила} рассрочку на {pa}, банк одобрил, а в заказе {order} до сих пор «ожидает оплаты»",
            "с карты списали {amount}, а чек так и не пришёл на почту. заказ {order}",
        ),
        "payment_fail": (
            "{acct} почему не проходит оплата через СБП? уже третий раз ошибка{ea}",
            "не могу оплатить {pa}: карта рабочая, а у вас «платёж отклонён». что не так?",
            "{a:пробовал|пробовала} две карты — обе «ошибка оплаты». {os}",
        ),
        "courier": (
            "Курьер {courier} нахамил и бросил коробку у двери, даже не позвонил. Заказ {order}{ea}",
            "Курьер написал «не дозвонился», хотя мне никто не звонил, я весь день {a:был|была} дома!! заказ {order}",
            "Ваш курьер требовал наличку сверху за подъём на этаж. Это что за новости?",
            "курьер опоздал на 3 часа и ещё наорал, что я долго {a:спускался|спускалась}. {order}",
        ),
        "locker": (
            "Заказ {order} лежит {locker_loc}, а ячейка не открывается. Код {a:вводил|вводила} 3 раза{ea}",
            "{locker} не работает уже второй день, экран чёрный. как забрать {pa}?",
            "пришло смс, что заказ {order} в постамате, прихожу — ячейка пустая 🤯",
            "{acct} постамат {locker_at} съел мой код, ячейка не открылась, а заказ {order} теперь «получен» 😳",
        ),
        "locker_extend": (
            "Срок хранения в постамате истекает, а я {a:уехал|уехала} в командировку. Заказ {order} можно продлить?",
            "можно продлить хранение заказа {order} {locker_loc}? заберу только в понедельник",
        ),
        "refund_wait": (
            "{a:Вернул|Вернула} {pa} ещё {date}, деньги так и не пришли. Сколько можно ждать?",
            "вы одобрили возврат по заказу {order} две недели назад, где деньги?{ea}",
            "Возврат {amount} по заказу {order} «в обработке» уже {days}. Это нормально?",
        ),
        "return_how": (
            "Как оформить возврат? {p} не {g:подошёл|подошла|подошло|подошли}, заказ {order}",
            "можно вернуть {pa}, если коробку уже {a:выкинул|выкинула}?{eq}",
            "{a:купил|купила} {pa} в подарок, не понравилось. вернуть можно через постамат?",
        ),
        "presale": (
            "Есть ли {p} в наличии {in_city}? Хочу забрать сегодня",
            "подскажите, {p} — это официальная поставка или параллельный импорт? гарантия будет?",
            "доставка {in_city} есть? и сколько по времени, хочу {pa}",
            "{acct} {p} норм вариант на подарок? или лучше доплатить за модель постарше{eq}",
        ),
        "deal": (
            "а будет скидка на {pa} к чёрной пятнице?{eq}",
            "{acct} {p} сейчас {amount}, а на прошлой неделе было дешевле. вернётся старая цена?",
            "почему у вас {p} дороже, чем на маркетплейсе? ценник {amount} это жёстко",
        ),
        "promo": (
            "Промокод {promo} не работает, пишет «недействителен». {a:Хотел|Хотела} взять {pa}",
            "скидка в корзине пропала при оплате, было {amount}, а списали больше{ea}",
            "почему промокод {promo} не срабатывает? в рассылке писали, что действует до конца недели",
        ),
        "bonus": (
            "где мои бонусы за заказ {order}? должны были начислить 500",
            "бонусы за {pa} так и не пришли, хотя заказ {order} {a:получил|получила} ещё {date}",
        ),
        "account": (
            "не приходит смс с кодом для входа, номер правильный{ea}",
            "{acct} не могу войти в аккаунт: смс с кодом приходит через 10 минут, когда он уже протух",
            "код из смс не подходит, пишет «неверный код». {os}",
        ),
        "delete": (
            "Как удалить аккаунт и все мои данные?",
            "хочу удалить профиль в Волне вместе с историей заказов. как это сделать?",
        ),
        "warranty": (
            "{p} {g:перестал|перестала|перестало|перестали} заряжаться через 4 месяца. Гарантия же год? Куда нести {in_city}?",
            "{a:Отдал|Отдала} {pa} в сервис по гарантии месяц назад, никаких новостей. Заказ {order}",
            "сервис отказал в гарантии, говорят «следы влаги». какая влага, {p} из дома не {g:выходил|выходила|выходило|выходили}{ea}",
        ),
        "thanks": (
            "Курьер {courier} — золото: привёз {pa} раньше времени и помог донести до квартиры 🙏",
            "Заказ {order} привезли за день, всё целое. Лучшие{eh}",
            "{acct} хочу поблагодарить поддержку — за 10 минут решили вопрос с возвратом. Редкость!",
            "Волна, вы лучшие! {p} просто пушка{eh}",
            "Вчера {a:заказал|заказала}, сегодня уже {a:забрал|забрала} {pa} {locker_loc}. Вот это скорость{eh}",
        ),
        "insult": (
            "Шарашкина контора. Воры и бездельники{ea}",
            "вы там все криворукие что ли? третий заказ подряд косяк",
            "{acct} позорище, а не магазин. чтоб вы разорились",
            "ДНО. ДНО ДНО ДНО. поддержка — тупые боты",
        ),
        "spam": (
            "Заработок от 7000₽ в день без вложений 💰 пиши в лс",
            "Накрутка подписчиков и лайков дёшево 👉 {link}",
            "🔥 Розыгрыш айфона! Переходи по ссылке {link} и забирай приз",
            "Сдам квартиру {in_city} посуточно, недорого, пишите в личку",
        ),
        "mention": (
            "{a:купил|купила} {pa} в Волне, посмотрим{eq}",
            "кто заказывал в Volna, нормально привозят? думаю брать {pa}",
            "{a:заказал|заказала} {pa} в волне, жду. обещают к {soon}",
            "где брать {pa} — в Волне или на маркетплейсе? 🤔",
            "сегодня {a:забирал|забирала} посылку из Volna Box, очередь из трёх человек к постамату 😄",
        ),
        "mention_pos": (
            "Волна реально быстро возит: {p} {g:приехал|приехала|приехало|приехали} на следующий день {in_city}{eh}",
            "оказывается, в Волне можно вернуть товар прямо через постамат. удобно",
            "распаковка {pg} из Volna — всё в плёнке, целое, кайф{eh}",
        ),
        "mention_neg": (
            "больше никогда не закажу в Волне. неделю жду {pa}{ea}",
            "Volna, конечно, мастера: {p} {g:приехал|приехала|приехало|приехали} в мятой коробке",
            "не советую Волну, возврат денег {a:ждал|ждала} месяц",
            "у кого тоже курьеры Волны не звонят, а просто пишут «не дозвонился»?",
        ),
        "review_pos": (
            "★★★★★ {p} — огонь. Доставили за день {in_city}, упаковано отлично.",
            "{a:Брал|Брала} {pa} на подарок, всё пришло вовремя, консультант в чате помог с выбором. Рекомендую",
            "5/5. Уже третий заказ здесь, ни одного косяка. {p} {g:работает|работает|работает|работают} отлично",
        ),
        "review_neg": (
            "★☆☆☆☆ {p} {g:пришёл|пришла|пришло|пришли} б/у, с отпечатками. Возврат оформляют уже неделю.",
            "Доставку сорвали дважды, поддержка отвечает шаблонами. Единица.",
            "2/5 — {p} норм, но курьер опоздал на 4 часа, а статус в приложении не менялся",
        ),
        "review_mixed": (
            "★★★☆☆ Цена на {pa} хорошая, но {a:ждал|ждала} 6 дней вместо обещанных 2.",
            "Товар хороший, приложение ужасное. Каждый раз заново вводить адрес — это пытка",
        ),
        "outage": (
            "{acct} приложение не открывается, у всех так?{eq}",
            "у вас оплата лежит? третий раз пытаюсь оплатить заказ {order} — «ошибка платежа»",
            "Волна упала? сайт белый экран, приложение тоже",
            "не могу оплатить ни картой, ни через СБП. что происходит{ea}",
            "приложение Volna пишет «сервис временно недоступен». это надолго?",
        ),
        "fu_detail": (
            "{a:забыл|забыла} написать — заказ {order}",
            "вот номер заказа: {order}. {a:оформлял|оформляла} на свой телефон",
            "дополню: я {in_city}, заказ {order}",
            "фото {a:скинул|скинула} в личку, заказ {order}",
        ),
        "fu_nudge": (
            "{acct} ау??",
            "есть кто живой? {order}",
            "жду ответа по заказу {order}",
            "ну что там?{ea}",
            "ответьте уже, пожалуйста",
        ),
        "fu_nudge_elapsed": (
            "уже {elapsed} жду ответа{ea}",
            "{elapsed} без ответа, это нормально?",
            "Напоминаю про заказ {order}. Уже {elapsed} без ответа",
        ),
        "fu_thanks": (
            "спасибо, {agent}! всё {a:получил|получила}{eh}",
            "о, статус поменялся, спасибо{eh}",
            "спасибо за быстрый ответ, не {a:ожидал|ожидала}",
            "всё получилось, спасибо 👍",
        ),
        "fu_still": (
            "статус так и не поменялся. что дальше?",
            "всё по-прежнему, ничего не изменилось{es}",
            "{acct} и? полдня прошло, а ничего не поменялось",
        ),
    },
    "pl": {
        "where": (
            "gdzie moje zamówienie {order}??{ea}",
            "{acct} dzień dobry, zamówienie {order} z {date} nadal „w drodze”. Kiedy mogę się go spodziewać?",
            "Kiedy {g:dotrze|dotrze|dotrze|dotrą} {p}? Zamówienie {order}, jestem {in_city}",
            "status przesyłki nie zmienia się od {days}, zamówienie {order}. co się dzieje?{eq}",
            "czy paczkomat {locker_code} {in_city} działa? zamówienie {order} miało tam dziś trafić",
            "{a:zamówiłem|zamówiłam} {pa} {date}, a w aplikacji ciągle „kompletowanie”. To normalne, że tyle to trwa?",
            "hej, da się przyspieszyć zamówienie {order}? syn ma urodziny w sobotę, {p} to prezent{es}",
            "zamówienie {order} jest już {in_city} czy jeszcze nie? chcę odebrać {a:sam|sama}",
            "Dzień dobry, kiedy wysyłka zamówienia {order}? Na stronie było „wysyłka w 24h”, a to już {days}",
        ),
        "late": (
            "Mieliście dostarczyć do {promised}, a dziś jest {today}. Zamówienie {order}. Serio?{ea}",
            "TRZECI RAZ przekładacie dostawę zamówienia {order}. {a:Wziąłem|Wzięłam} specjalnie wolne w pracy!!",
            "{acct} no i gdzie {g:mój|moja|moje|moje} {p}? miało być wczoraj, a dziś cisza",
            "Zamówienie {order} spóźnia się już {days}. Kasę pobraliście od razu, a towaru brak. Albo wysyłka, albo zwrot",
            "{a:czekałem|czekałam} na {pa} na weekend, weekend minął, a zamówienie {order} dalej „w drodze”{es}",
            "dostawa „jutro” trwa już {days} 🙃 zamówienie {order}, {city}",
        ),
        "broken": (
            "Przyszło zamówienie {order}, a {p} {g:rozbity|rozbita|rozbite|rozbite}. Karton cały zgnieciony, widać że rzucali{ea}",
            "{acct} {p} nie {g:włącza|włącza|włącza|włączają} się prosto z pudełka. zamówienie {order}. co robić?",
            "{a:kupiłem|kupiłam} u was {pa} {date}, po tygodniu {g:zepsuł|zepsuła|zepsuło|zepsuły} się. To wada fabryczna?",
            "Otwieram paczkę — {p} z rysą przez całą obudowę. Zamówienie {order}. Chcę wymiany{es}",
            "{p} {g:przyszedł|przyszła|przyszło|przyszły} bez ładowarki i bez dokumentów, pudełko otwarte. To na pewno nowy towar?",
        ),
        "wrong": (
            "{a:Zamawiałem|Zamawiałam} {pa}, a przyszło coś zupełnie innego. Zamówienie {order}. Jak to możliwe?{eq}",
            "w zamówieniu {order} brakuje jednej rzeczy — nie ma {pg}, a na paragonie jest",
            "pomyliliście kolor: {a:zamawiałem|zamawiałam} czarny, przyszedł biały. {p}, zamówienie {order}",
            "Zamiast {pg} w pudełku było etui 🤡 zamówienie {order}",
        ),
        "app": (
            "aplikacja wywala się przy składaniu zamówienia, {os}, wersja {appver}. {a:próbowałem|próbowałam} 5 razy{ea}",
            "{acct} po aktualizacji nie mogę się zalogować do apki, kręci się w nieskończoność. {os}",
            "W aplikacji koszyk sam się czyści: dodaję {pa} — po minucie pusto. Co to za bug?",
            "Nie dostaję powiadomień o statusie zamówienia {order}, a powiadomienia są włączone. {os}",
            "apka dziś strasznie muli, katalog ładuje się minutę. {os}, wersja {appver}",
        ),
        "double_charge": (
            "Pobraliście pieniądze DWA razy za zamówienie {order}!! {amount} i jeszcze raz {amount}. Oddajcie drugą płatność{ea}",
            "{acct} mam podwójne obciążenie za {pa}, {amount} x2. zamówienie {order}. kiedy zwrot?",
            "Bank przysłał dwa powiadomienia o płatności {amount} za jedno zamówienie {order}. To błąd?",
        ),
        "payment_stuck": (
            "{a:Zapłaciłem|Zapłaciłam} kartą, kasa zeszła z konta, a zamówienie {order} ma status „nieopłacone”. Co teraz?",
            "{a:Wziąłem|Wzięłam} {pa} na raty, bank zaakceptował, a w zamówieniu {order} dalej „oczekuje na płatność”",
            "z karty zeszło {amount}, a paragonu na maila brak. zamówienie {order}",
        ),
        "payment_fail": (
            "{acct} czemu nie działa BLIK? trzeci raz błąd płatności{ea}",
            "nie mogę zapłacić za {pa}: karta działa, a u was „płatność odrzucona”. o co chodzi?",
            "{a:próbowałem|próbowałam} dwiema kartami — obie „błąd płatności”. {os}",
        ),
        "courier": (
            "Kurier {courier} był chamski i rzucił paczkę pod drzwi, nawet nie zadzwonił. Zamówienie {order}{ea}",
            "Kurier wpisał „nieobecność odbiorcy”, a ja cały dzień {a:byłem|byłam} w domu!! zamówienie {order}",
            "Wasz kurier chciał dodatkowej kasy za wniesienie na piętro. Co to ma być?",
            "kurier spóźnił się 3 godziny, a potem jeszcze nakrzyczał, że długo schodzę. {order}",
        ),
        "locker": (
            "Zamówienie {order} jest {locker_loc}, a skrytka się nie otwiera. Kod {a:wpisywałem|wpisywałam} 3 razy{ea}",
            "czy paczkomat {locker_code} w ogóle działa? od dwóch dni czarny ekran, a tam {g:leży|leży|leży|leżą} {g:mój|moja|moje|moje} {p}",
            "sms, że paczka {order} w paczkomacie, przychodzę — skrytka pusta 🤯",
            "{acct} paczkomat {locker_at} nie otworzył skrytki, a zamówienie {order} ma teraz status „odebrane” 😳",
        ),
        "locker_extend": (
            "Mija czas odbioru z paczkomatu, a ja jestem w delegacji. Da się przedłużyć zamówienie {order}?",
            "można przedłużyć przechowanie zamówienia {order} {locker_loc}? odbiorę dopiero w poniedziałek",
        ),
        "refund_wait": (
            "{a:Oddałem|Oddałam} {pa} jeszcze {date}, a pieniędzy dalej nie ma. Ile można czekać?",
            "zaakceptowaliście zwrot zamówienia {order} dwa tygodnie temu, gdzie kasa?{ea}",
            "Zwrot {amount} za zamówienie {order} jest „w realizacji” już {days}. To normalne?",
        ),
        "return_how": (
            "Jak zrobić zwrot? {p} jednak mi nie {g:pasuje|pasuje|pasuje|pasują}, zamówienie {order}",
            "czy mogę zwrócić {pa}, jeśli {a:wyrzuciłem|wyrzuciłam} już pudełko?{eq}",
            "{a:kupiłem|kupiłam} {pa} na prezent, nie spodobało się. da się oddać przez paczkomat?",
        ),
        "presale": (
            "Czy macie {pa} na stanie {in_city}? Chcę odebrać dziś",
            "czy {p} to polska dystrybucja? gwarancja w PL?",
            "dowozicie do {city_gen}? i ile to trwa, chcę wziąć {pa}",
            "{acct} {p} to dobry pomysł na prezent? czy lepiej dopłacić do wyższego modelu{eq}",
        ),
        "deal": (
            "będzie jakaś promocja na {pa} na black friday?{eq}",
            "{acct} {p} kosztuje teraz {amount}, a w zeszłym tygodniu było taniej. wróci stara cena?",
            "czemu {p} u was {g:droższy|droższa|droższe|droższe} niż na Allegro? {amount} to przesada",
        ),
        "promo": (
            "Kod {promo} nie działa, pisze „nieprawidłowy”. {a:Chciałem|Chciałam} wziąć {pa}",
            "rabat zniknął przy płatności, w koszyku było {amount}, a zeszło więcej{ea}",
            "czemu kod {promo} nie działa? w newsletterze było, że jest ważny do końca tygodnia",
        ),
        "bonus": (
            "gdzie moje punkty za zamówienie {order}? miało być 500",
            "punkty za {pa} nie wpadły, chociaż zamówienie {order} {a:odebrałem|odebrałam} jeszcze {date}",
        ),
        "account": (
            "nie przychodzi sms z kodem do logowania, numer na pewno dobry{ea}",
            "{acct} nie mogę się zalogować: sms z kodem przychodzi po 10 minutach, jak już jest nieważny",
            "kod z sms-a nie pasuje, pisze „nieprawidłowy kod”. {os}",
        ),
        "delete": (
            "Jak usunąć konto i wszystkie moje dane? RODO",
            "chcę usunąć profil w Volnie razem z historią zamówień. jak to zrobić?",
        ),
        "warranty": (
            "{p} {g:przestał|przestała|przestało|przestały} ładować po 4 miesiącach. Gwarancja to chyba 2 lata? Gdzie to oddać {in_city}?",
            "{a:Oddałem|Oddałam} {pa} na gwarancję miesiąc temu i zero informacji. Zamówienie {order}",
            "serwis odrzucił gwarancję, bo „ślady zalania”. jakie zalanie, {p} nigdy nie {g:wyszedł|wyszła|wyszło|wyszły} z domu{ea}",
        ),
        "thanks": (
            "Kurier {courier} to złoty człowiek: przywiózł {pa} przed czasem i jeszcze wniósł na 4 piętro 🙏",
            "Zamówienie {order} dotarło w jeden dzień, wszystko całe. Jesteście super{eh}",
            "{acct} {a:chciałem|chciałam} podziękować supportowi — w 10 minut ogarnęli zwrot. Rzadkość!",
            "Volna, jesteście najlepsi! {p} to petarda{eh}",
            "Wczoraj {a:zamówiłem|zamówiłam}, dziś już {a:odebrałem|odebrałam} {pa} {locker_loc}. Ale szybko{eh}",
        ),
        "insult": (
            "Banda złodziei i nierobów{ea}",
            "czy wy tam wszyscy macie dwie lewe ręce? trzecie zamówienie z rzędu i znowu coś nie tak",
            "{acct} żenada, a nie sklep. oby was zamknęli",
            "DNO. DNO I WODOROSTY. support to tępe boty",
        ),
        "spam": (
            "Zarabiaj 500 zł dziennie z domu! Link w bio 💸",
            "Tanie followersy i lajki 👉 {link}",
            "🔥 Rozdajemy iPhone'y! Wejdź na {link} i odbierz nagrodę",
            "Wynajmę mieszkanie {in_city} na doby, tanio, pisz na priv",
        ),
        "mention": (
            "{a:kupiłem|kupiłam} {pa} w Volnie, zobaczymy{eq}",
            "ktoś zamawiał w Volnie? ogarniają dostawy? myślę, żeby wziąć {pa}",
            "{a:zamówiłem|zamówiłam} {pa} w Volnie, czekam. obiecują do {soon}",
            "gdzie brać {pa} — Volna czy Allegro? 🤔",
            "dziś {a:odbierałem|odbierałam} paczkę z Volna Boxa, kolejka trzech osób do paczkomatu 😄",
        ),
        "mention_pos": (
            "Volna serio szybko dowozi: {p} {g:był|była|było|były} u mnie następnego dnia{eh}",
            "okazuje się, że w Volnie można zwrócić towar prosto w paczkomacie. wygodne",
            "unboxing {pg} z Volny — wszystko w folii, całe, sztos{eh}",
        ),
        "mention_neg": (
            "nigdy więcej nie zamawiam w Volnie. tydzień czekam na {pa}{ea}",
            "Volna jak zwykle: {p} {g:przyjechał|przyjechała|przyjechało|przyjechały} w zgniecionym kartonie",
            "nie polecam Volny, na zwrot kasy {a:czekałem|czekałam} miesiąc",
            "czy tylko u mnie kurierzy Volny nie dzwonią, tylko wpisują „nieobecność odbiorcy”?",
        ),
        "review_pos": (
            "★★★★★ {p} — sztos. Dostawa w jeden dzień {in_city}, świetnie zapakowane.",
            "{a:Brałem|Brałam} {pa} na prezent, wszystko przyszło na czas, konsultant na czacie pomógł wybrać. Polecam",
            "5/5. To już moje trzecie zamówienie tutaj, zero problemów. {p} {g:działa|działa|działa|działają} świetnie",
        ),
        "review_neg": (
            "★☆☆☆☆ {p} {g:przyszedł używany|przyszła używana|przyszło używane|przyszły używane}, z odciskami palców. Zwrot ciągnie się już tydzień.",
            "Dostawa przełożona dwa razy, support odpisuje szablonami. Jedna gwiazdka.",
            "2/5 — {p} ok, ale kurier spóźnił się 4 godziny, a status w aplikacji się nie zmieniał",
        ),
        "review_mixed": (
            "★★★☆☆ Dobra cena za {pa}, ale {a:czekałem|czekałam} 6 dni zamiast obiecanych 2.",
            "Towar dobry, aplikacja tragiczna. Za każdym razem trzeba wpisywać adres od nowa",
        ),
        "outage": (
            "{acct} apka nie działa, u wszystkich tak?{eq}",
            "leżą wam płatności? trzeci raz próbuję opłacić zamówienie {order} — „błąd płatności”",
            "Volna padła? strona biały ekran, apka też",
            "nie da się zapłacić ani kartą, ani BLIKiem. co się dzieje{ea}",
            "aplikacja Volna pokazuje „usługa chwilowo niedostępna”. długo to potrwa?",
        ),
        "fu_detail": (
            "{a:zapomniałem|zapomniałam} dodać — zamówienie {order}",
            "numer zamówienia: {order}, na mój mail",
            "dodam, że jestem {in_city}, zamówienie {order}",
            "zdjęcia {a:wysłałem|wysłałam} na priv, zamówienie {order}",
        ),
        "fu_nudge": (
            "{acct} halo??",
            "jest tam ktoś? {order}",
            "dalej czekam na odpowiedź w sprawie {order}",
            "i co? jest jakaś informacja?{ea}",
            "może ktoś w końcu odpisze",
        ),
        "fu_nudge_elapsed": (
            "to już {elapsed} i cisza{ea}",
            "{elapsed} czekam na odpowiedź, to normalne?",
            "Przypominam się w sprawie zamówienia {order}. Już {elapsed} bez odpowiedzi",
        ),
        "fu_thanks": (
            "dzięki, {agent}! wszystko {a:dostałem|dostałam}{eh}",
            "o, status się zmienił, dzięki{eh}",
            "dzięki za szybką odpowiedź, nie {a:spodziewałem|spodziewałam} się",
            "wszystko działa, dzięki 👍",
        ),
        "fu_still": (
            "status dalej się nie zmienił. co dalej?",
            "nadal nic się nie zmieniło{es}",
            "{acct} i? minęło pół dnia, a dalej nic",
        ),
    },
    "en": {
        "where": (
            "{acct} where is my order {order}?? it's been {days}{ea}",
            "Hi, order {order} placed on {date} still says 'processing'. Any idea when it ships?",
            "hey when will my {p} arrive? order {order}, I'm {in_city}",
            "tracking for {order} hasn't updated since {date}{eq} is it lost?",
            "{acct} any update on {order}? need the {p} before the weekend",
            "Ordered the {p} on {date} and the app just says 'on its way'. On its way where exactly lol",
            "any way to speed up {order}? it's my son's birthday on Saturday and the {p} {g:is|are} his present{es}",
            "has order {order} reached {city} yet? happy to collect it myself",
        ),
        "late": (
            "You promised delivery by {promised}. It's {today}. Order {order}. Not impressed{ea}",
            "THIRD time you've rescheduled my delivery. I took a day off work for this!! {order}",
            "{acct} so where's my {p}? 'next day delivery' my foot",
            "Order {order} is {days} late. Money taken straight away, no parcel. Either send it or refund me.",
            "was meant to have the {p} for the weekend. weekend's gone, {order} still 'in transit'{es}",
            "'arriving tomorrow' for {days} now 🙃 order {order}, {city}",
        ),
        "broken": (
            "Just opened order {order} and the {p} {g:is|are} cracked. Box looked like it had been kicked down the street{ea}",
            "{acct} my {p} {g:doesn't|don't} turn on straight out of the box. order {order}. what now?",
            "bought the {p} from you on {date} and {g:it's|they're} already broken. faulty batch?",
            "{p} arrived with a massive scratch across the front. order {order}. I want a replacement, not an apology",
            "Seal on the {p} box was already broken and there's no charger inside. Is this even new??",
        ),
        "wrong": (
            "Ordered the {p}, got something completely different. Order {order}. How?{eq}",
            "order {order} is missing an item — no {p} in the box but it's on the receipt",
            "wrong colour sent: asked for black, got white. {p}, order {order}",
            "Instead of the {p} there was a phone case in the box 🤡 order {order}",
        ),
        "app": (
            "app crashes every time I hit checkout. {os}, version {appver}. tried 5 times{ea}",
            "{acct} can't log in since the update, just spins forever ({os})",
            "basket keeps emptying itself in the app. add the {p}, come back a minute later and it's gone",
            "Not getting any push notifications for order {order} even though they're switched on. {os}",
            "app is painfully slow today, every page takes ages. {os}, v{appver}",
        ),
        "double_charge": (
            "You've charged me TWICE for order {order}!! {amount} and another {amount}. Refund the second one please{ea}",
            "{acct} double charged for the {p}, {amount} x2. order {order}. when do I get it back?",
            "My bank sent two notifications for {amount} for one order ({order}). Is that a mistake?",
        ),
        "payment_stuck": (
            "Paid by card, money's gone from my account but order {order} says 'awaiting payment'. What now?",
            "took the {p} on pay-in-3, it was approved but order {order} still says 'awaiting payment'",
            "{amount} taken from my card but no receipt email. order {order}",
        ),
        "payment_fail": (
            "{acct} Apple Pay keeps failing at checkout, 3rd attempt now{ea}",
            "can't pay for the {p}: card works everywhere else but you say 'payment declined'. what's wrong?",
            "tried two different cards, both 'payment error'. {os}",
        ),
        "courier": (
            "Your driver {courier} was incredibly rude and threw the box over my gate. Order {order}{ea}",
            "Driver marked it as 'nobody home' — I was home all day!! No knock, no call. {order}",
            "Your courier asked me for cash to carry it upstairs. Is that a thing now?",
            "driver turned up 3 hours late and then had a go at me for taking too long to come down. {order}",
        ),
        "locker": (
            "Order {order} is in {locker_loc} but the door won't open. Tried the code 3 times{ea}",
            "is the locker {locker_at} even working? screen's been black for 2 days and my {p} {g:is|are} in there",
            "got a text saying {order} is in the locker, went there and the compartment's EMPTY 🤯",
            "{acct} the locker {locker_at} ate my code, door never opened and now {order} shows as 'collected' 😳",
        ),
        "locker_extend": (
            "Collection period's about to run out and I'm away for work. Can you extend order {order}?",
            "can I get a few more days to collect {order} from {locker_loc}? can't get there till Monday",
        ),
        "refund_wait": (
            "Sent the {p} back on {date}, still no refund. How long does it take?",
            "you approved the refund for {order} two weeks ago. where's my money?{ea}",
            "Refund of {amount} for order {order} has been 'processing' for {days}. Is that normal?",
        ),
        "return_how": (
            "How do I return something? The {p} {g:isn't|aren't} what I expected, order {order}",
            "can I still return the {p} if I've binned the box?{eq}",
            "got the {p} as a gift and they don't like {g:it|them}. can I return via a locker?",
        ),
        "presale": (
            "Do you have the {p} in stock {in_city}? Want to pick up today",
            "is the {p} the UK version? plug, warranty etc",
            "do you deliver to {city}? and how long does it take, looking at the {p}",
            "{acct} is the {p} a good gift or should I spend more on the higher model{eq}",
        ),
        "deal": (
            "any chance of a black friday deal on the {p}?{eq}",
            "{acct} the {p} {g:is|are} {amount} now, {g:it was|they were} cheaper last week. will the old price come back?",
            "why is the {p} more expensive with you than on Amazon? {amount} is a stretch",
        ),
        "promo": (
            "Promo code {promo} isn't working, says 'invalid'. Was trying to get the {p}",
            "discount vanished at checkout — basket said {amount}, charged more{ea}",
            "why won't {promo} work? newsletter said it's valid till the end of the week",
        ),
        "bonus": (
            "where are my points from order {order}? should've been 500",
            "points for the {p} never showed up, and I got order {order} back on {date}",
        ),
        "account": (
            "not getting the SMS code to log in, number is definitely right{ea}",
            "{acct} can't log in: the SMS code arrives 10 minutes later when it's already expired",
            "the code from the text doesn't work, says 'invalid code'. {os}",
        ),
        "delete": (
            "How do I delete my account and all my data? GDPR request",
            "want to delete my Volna profile including order history. how?",
        ),
        "warranty": (
            "my {p} stopped charging after 4 months. warranty's a year right? where do I take {g:it|them} {in_city}?",
            "Sent my {p} for warranty repair a month ago, no news. Order {order}",
            "Service centre refused warranty saying 'liquid damage'. What liquid?! {g:It's|They've} never left the house{ea}",
        ),
        "thanks": (
            "Shoutout to your driver {courier}, delivered my {p} early and carried it up 3 floors 🙏",
            "Order {order} arrived next day, perfectly packed. You lot are great{eh}",
            "{acct} just want to say thanks to support, sorted my return in 10 mins. Rare these days!",
            "the {p} {g:is|are} absolutely class, cheers Volna{eh}",
            "Ordered yesterday, picked up the {p} from {locker_loc} this morning. Wild{eh}",
        ),
        "insult": (
            "Absolute cowboys. Thieves and clowns{ea}",
            "are you all completely useless? third order in a row messed up",
            "{acct} joke of a company. hope you go bust",
            "WORST. SHOP. EVER. your 'support' is a bunch of bots",
        ),
        "spam": (
            "I made $5,000 last week trading crypto 🚀 DM me to learn how",
            "Want more followers? Cheap & fast 👉 {link}",
            "🎁 iPhone 15 giveaway! Click {link} to claim your prize",
            "Earn £300/day from home, no experience needed. Link in bio 💸",
        ),
        "mention": (
            "just ordered the {p} from Volna, let's see how this goes{eq}",
            "anyone used Volna? are they reliable? thinking of getting the {p}",
            "Volna says my {p} will arrive by {soon}. Place your bets",
            "Volna or Amazon for the {p}? 🤔",
            "picked up a parcel from a Volna Box today, there was literally a queue at the locker 😄",
        ),
        "mention_pos": (
            "Volna is actually fast. {p} arrived next day {in_city}{eh}",
            "TIL you can return stuff to Volna straight through the locker. handy",
            "unboxing my {p} from Volna — everything sealed and perfect{eh}",
        ),
        "mention_neg": (
            "never ordering from Volna again. a week waiting for my {p}{ea}",
            "Volna really out here delivering my {p} in a box that looks like it lost a fight",
            "don't use Volna, took me a month to get a refund",
            "do Volna drivers ever actually knock or do they just mark 'nobody home'?",
        ),
        "review_pos": (
            "★★★★★ The {p} {g:is|are} brilliant. Delivered next day {in_city}, really well packed.",
            "Bought the {p} as a gift, arrived on time and the chat support helped me choose. Recommend.",
            "5/5. Third order here, not a single problem. {p} {g:works|work} perfectly.",
        ),
        "review_neg": (
            "★☆☆☆☆ {p} arrived used, fingerprints all over. Return has taken a week so far.",
            "Delivery cancelled twice, support replies with copy-paste. One star.",
            "2/5 — the {p} {g:is|are} fine, but the driver was 4 hours late and the app status never changed.",
        ),
        "review_mixed": (
            "★★★☆☆ Good price on the {p}, but waited 6 days instead of the promised 2.",
            "Products are good, the app is awful. Re-entering my address every single time is torture.",
        ),
        "outage": (
            "{acct} is the app down? won't open at all{eq}",
            "is your payment system down? third time trying to pay for {order} — 'payment error'",
            "Volna down? website's a white screen, app too",
            "can't pay by card OR Apple Pay. what's going on{ea}",
            "Volna app says 'service temporarily unavailable'. how long for?",
        ),
        "fu_detail": (
            "forgot to say — order number is {order}",
            "order is {order}, under my email",
            "I'm {in_city} btw, order {order}",
            "sent photos in DM, order {order}",
        ),
        "fu_nudge": (
            "{acct} hello??",
            "anyone there? {order}",
            "still waiting on a reply re {order}",
            "any update?{ea}",
            "can someone actually answer please",
        ),
        "fu_nudge_elapsed": (
            "{elapsed} and no reply{ea}",
            "been {elapsed} waiting for an answer, is that normal?",
            "Chasing this again — order {order}. {elapsed} without a reply",
        ),
        "fu_thanks": (
            "thanks {agent}! got it{eh}",
            "oh status just changed, cheers{eh}",
            "thanks for the quick reply, didn't expect that",
            "all sorted now, thanks 👍",
        ),
        "fu_still": (
            "status still hasn't changed. what now?",
            "nothing's changed on my end{es}",
            "{acct} and? half a day later, still nothing",
        ),
    },
    "uk": {
        "where": (
            "де моє замовлення {order}?? чекаю вже {days}{ea}",
            "Добрий день! Коли приїде {p}? Замовлення {order}, я {in_city}",
        ),
        "late": ("Обіцяли доставити до {promised}, а сьогодні вже {today}. Замовлення {order}. Це нормально?{ea}",),
        "broken": (
            "Прийшло замовлення {order}, а {p} {g:розбитий|розбита|розбите|розбиті}. Коробка вся пом'ята{ea}",
            "{p} не {g:вмикається|вмикається|вмикається|вмикаються} одразу з коробки. замовлення {order}, що робити?",
        ),
        "locker": ("Замовлення {order} лежить {locker_loc}, а скринька не відкривається. Код {a:вводив|вводила} тричі{ea}",),
        "double_charge": ("Списали гроші двічі за замовлення {order}!! {amount} і ще раз {amount}. Поверніть, будь ласка{ea}",),
        "app": ("застосунок вилітає при оформленні замовлення, {os}. вже 5 разів {a:пробував|пробувала}",),
        "courier": ("Кур'єр написав «не додзвонився», хоча я весь день {a:був|була} вдома! Замовлення {order}",),
        "refund_wait": ("{a:Повернув|Повернула} товар ще {date}, а гроші досі не прийшли. Замовлення {order}",),
        "presale": ("Чи є {p} в наявності {in_city}? Хочу забрати сьогодні",),
        "thanks": (
            "Кур'єр {courier} — золото: привіз усе раніше і допоміг занести 🙏",
            "Замовлення {order} привезли за день, все ціле. Ви найкращі{eh}",
        ),
        "mention": (
            "{a:замовив|замовила} у Volna, {p} вже в дорозі, подивимось{eq}",
            "хтось замовляв у Volna? нормально доставляють?",
        ),
        "fu_detail": ("{a:забув|забула} написати — замовлення {order}",),
        "fu_nudge": ("є хтось? {order}", "досі чекаю відповіді щодо замовлення {order}"),
        "fu_nudge_elapsed": ("вже {elapsed} чекаю відповіді{ea}",),
        "fu_thanks": ("дякую, {agent}! все {a:отримав|отримала}{eh}", "о, статус змінився, дякую{eh}"),
        "fu_still": ("статус так і не змінився. що далі?",),
    },
}

# ---------------------------------------------------------------------------------------------
# What agents answer: a greeting, one of these bodies, a sign-off. Bodies use the thread's
# facts; a body is only chosen when the customer's own words (or their order) make every
# fact it names known. {ag:male|female} agrees with the agent. Extra agent-side slots: {eta}
# {until} {offer} {appver_new} {window}.
# ---------------------------------------------------------------------------------------------

_REPLIES: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "ru": {
        "delivery": (
            "{ag:Посмотрел|Посмотрела} заказ {order}: он уже {in_city}, на складе последней мили. Курьер привезёт его {eta}, накануне придёт смс с интервалом.",
            "Заказ {order} задержался на сортировке — простите, это наша недоработка. Я {ag:поставил|поставила} ему приоритет: доставка {eta}.",
            "{ag:Связался|Связалась} со складом: {p} из заказа {order} уже {g:упакован|упакована|упаковано|упакованы} и сегодня уедет в доставку. Ждите {eta}.",
            "Простите, что {pa} приходится ждать так долго. Заказ {order} уже у курьера, он привезёт его {eta}. За ожидание {ag:начислил|начислила} вам 300 бонусов.",
            "[!order] Пришлите, пожалуйста, номер заказа или телефон, на который он оформлен, — я сразу посмотрю, где посылка, и отвечу здесь.",
        ),
        "damaged": (
            "Очень жаль, что {p} {g:пришёл|пришла|пришло|пришли} в таком виде. Я {ag:оформил|оформила} замену по заказу {order}: курьер привезёт новый товар {eta} и заберёт этот, упаковывать ничего не нужно.",
            "Простите, так быть не должно. Пришлите, пожалуйста, фото {pg} и коробки прямо сюда — и я сразу запущу обмен по заказу {order}.",
            "По заказу {order} {ag:оформил|оформила} возврат полной суммы — {amount} вернутся на карту за 3–5 рабочих дней. Если всё-таки хотите новый товар взамен, напишите — отложим.",
            "[!order] Очень жаль, простите. Пришлите, пожалуйста, номер заказа и пару фото — заменим товар за наш счёт, курьер сам заберёт брак.",
        ),
        "wrong": (
            "{ag:Проверил|Проверила} заказ {order}: на складе ошиблись при сборке, простите. {p} привезут {eta}, а то, что приехало по ошибке, курьер заберёт сам.",
            "Простите за путаницу с заказом {order}. Правильный товар уже собран и приедет к вам {eta}; ничего возвращать заранее не нужно.",
            "[!order] Простите за путаницу! Пришлите, пожалуйста, номер заказа и фото того, что пришло, — отправим правильный товар в тот же день.",
        ),
        "app": (
            "Спасибо за подробности! На {os} в версии {appver} действительно есть ошибка, исправление выйдет сегодня-завтра. Пока можно оформить заказ на сайте — корзина там та же.",
            "{ag:Передал|Передала} ваш случай разработчикам вместе с данными об устройстве ({os}). Попробуйте, пожалуйста, выйти из аккаунта и зайти заново — обычно это помогает. Отпишусь, как будет исправление.",
            "Причину уже нашли, исправление — в версии {appver_new}, она уже в сторе. Обновите, пожалуйста, приложение, и всё заработает.",
            "[!os] Похоже на ошибку, которую мы сейчас чиним. Подскажите, пожалуйста, модель телефона и версию приложения (Профиль → О приложении) — передам разработчикам.",
        ),
        "double_charge": (
            "{ag:Проверил|Проверила} заказ {order}: действительно, прошло два списания по {amount}. Второе мы отменили, деньги вернутся на карту в течение 1–3 рабочих дней — зависит от банка.",
            "Вижу по заказу {order} двойное списание, простите. Возврат {amount} уже оформлен, номер операции пришлём на почту.",
            "[!order] Простите за это! Пришлите, пожалуйста, номер заказа и последние 4 цифры карты — проверю оба платежа и верну лишний.",
        ),
        "payment_stuck": (
            "Оплата по заказу {order} до нас дошла, статус просто обновился с задержкой — сейчас уже «оплачен». Заказ собирается, доставка {eta}.",
            "{ag:Проверил|Проверила} заказ {order}: банк подтвердил платёж {amount}, чек {ag:отправил|отправила} повторно на почту из профиля. Если не найдёте — загляните в «Спам».",
            "[!order] Пришлите, пожалуйста, номер заказа — посмотрю, что с оплатой, и поправлю статус вручную.",
        ),
        "payment_fail": (
            "Сейчас у одного из платёжных партнёров сбой, поэтому часть оплат не проходит. Попробуйте, пожалуйста, через 15–20 минут или выберите оплату при получении — {pa} я {ag:отложил|отложила} для вас на сутки.",
            "Проблема на стороне платёжного шлюза, её уже чинят. Корзина не потеряется, а оплата картой напрямую уже работает.",
            "Простите за неудобство! Оплата через СБП уже восстановлена — попробуйте, пожалуйста, ещё раз. Если снова будет ошибка, пришлите скриншот, разберёмся.",
        ),
        "courier": (
            "Так быть не должно, простите. {ag:Передал|Передала} жалобу по заказу {order} руководителю курьерской службы {city_gen}, с курьером проведут беседу. И {ag:начислил|начислила} вам 500 бонусов — понимаю, что впечатление это не исправит.",
            "Спасибо, что сообщили. По заказу {order} мы проверили GPS курьера — он действительно не доезжал до адреса. Новая доставка — {eta}, привезёт другой курьер.",
            "Никаких доплат курьеру быть не должно — подъём на этаж входит в доставку. Мы разбираемся с этим случаем, а вам {ag:вернул|вернула} стоимость доставки по заказу {order}.",
            "{courier} и его руководитель уже в курсе — так общаться с клиентами недопустимо. Простите, пожалуйста, и спасибо, что написали.",
            "[!order] Простите за такое отношение. Пришлите, пожалуйста, номер заказа — передам жалобу руководителю курьеров и прослежу, чтобы вам ответили.",
        ),
        "locker": (
            "Ячейка в постамате {locker_at} зависла — сегодня туда выедет техник. Хранение заказа {order} мы продлили на 3 дня, новый код пришлём в смс, как только починят.",
            "{ag:Открыл|Открыла} ячейку удалённо — попробуйте, пожалуйста, ещё раз ввести код для заказа {order}. Если дверца снова не откроется, привезём заказ курьером {eta} бесплатно.",
            "[!order] Простите за неудобство! Пришлите, пожалуйста, номер заказа и адрес постамата — проверю ячейку и, если нужно, отправим заказ курьером.",
        ),
        "locker_extend": (
            "{ag:Продлил|Продлила} хранение заказа {order} в постамате до {until} — успеете забрать. Код останется тем же.",
            "Конечно! Заказ {order} будет ждать вас до {until}, а если неудобно — можем привезти курьером, напишите.",
        ),
        "refund_wait": (
            "{ag:Проверил|Проверила} возврат по заказу {order}: {amount} ушли на вашу карту вчера, банк обычно зачисляет за 1–3 дня. Если до {until} не придут — напишите, пришлю платёжное поручение.",
            "Простите за ожидание. Возврат по заказу {order} завис из-за ошибки в реквизитах, я {ag:исправил|исправила} — {amount} придут в течение 3 рабочих дней.",
            "[!order] Пришлите, пожалуйста, номер заказа — проверю, на каком этапе возврат, и потороплю бухгалтерию.",
        ),
        "return_how": (
            "Вернуть {pa} можно в течение 14 дней, даже без коробки — главное, чтобы сохранился товарный вид. Оформить можно в приложении: Заказы → {order} → Вернуть, курьер заберёт сам.",
            "Проще всего оформить возврат в приложении: Заказы → выберите заказ → «Вернуть». Сдать товар можно в любой постамат Volna Box {in_city} — деньги придут через 1–3 дня после приёмки.",
            "Коробка для возврата не обязательна, если товар не был в использовании и сохранил вид. Оформите возврат в разделе «Заказы» — курьер заберёт бесплатно.",
        ),
        "presale": (
            "{p} есть на складе {in_city}: если оформить до 13:00, заберёте сегодня после 16:00 в любом пункте выдачи.",
            "{p} — официальная поставка, гарантия 12 месяцев, инструкция на русском. Сейчас {g:он стоит|она стоит|оно стоит|они стоят} {amount}, а с промокодом {offer} выйдет на 10% дешевле.",
            "Да, доставляем {in_city}: курьером обычно за 1–2 дня, в постамат — на следующий день. Если оформите сегодня, {p} {g:приедет|приедет|приедет|приедут} {eta}.",
        ),
        "deal": (
            "Секрет раскрыть не могу 🙂 но на {pa} к Чёрной пятнице скидка точно будет. Добавьте в избранное — пришлём уведомление, когда цена снизится.",
            "Цена на {pa} меняется вслед за поставщиком, сейчас это {amount}. Если добавите в избранное, приложение напомнит о снижении, а пока держите промокод {offer} на 10%.",
        ),
        "promo": (
            "Промокод {promo} действует только на товары без скидки, а {p} сейчас уже по акции. Я {ag:начислил|начислила} вам 500 бонусов, чтобы было не так обидно.",
            "{ag:Проверил|Проверила} промокод {promo}: он истёк вчера, простите, что в рассылке этого не было видно. Держите новый — {offer}, он действует до {until}.",
            "Из-за ошибки в корзине списали больше, чем {amount}, — разницу мы уже вернули, деньги придут на карту в течение 3 дней.",
        ),
        "bonus": (
            "Бонусы за заказ {order} начисляются через 14 дней после получения — так они защищены от возвратов. Ожидайте их {until}.",
            "{ag:Проверил|Проверила}: бонусы за заказ {order} не начислились из-за сбоя, {ag:добавил|добавила} их вручную — 500 уже на счёте.",
        ),
        "account": (
            "{ag:Проверил|Проверила} ваш номер — оператор блокировал смс из-за частых запросов. Блокировку сняли, попробуйте войти через 10 минут. Если не выйдет — войдём через почту.",
            "Смс с кодом иногда задерживаются у операторов. Попробуйте, пожалуйста, вход по почте (кнопка «Другой способ» на экране входа), а я пока проверю ваш номер.",
        ),
        "delete": (
            "Удалить аккаунт можно в приложении: Профиль → Настройки → Удалить аккаунт. Данные сотрём в течение 30 дней, как требует закон. Если удобнее, могу сделать это по вашей просьбе здесь.",
            "Конечно. Подтвердите, пожалуйста, почту или телефон аккаунта в личных сообщениях — удалю его со всеми данными, а подтверждение придёт на почту.",
        ),
        "warranty": (
            "Гарантия на {pa} — 12 месяцев, так что всё в силе. Сдать {g:его|её|его|их} можно в любой пункт выдачи {in_city}, диагностика займёт 3–5 дней.",
            "{ag:Запросил|Запросила} статус ремонта по заказу {order}: сервис ждёт запчасть, обещают до {until}. Если затянут — заменим {pa} на {g:новый|новую|новое|новые}.",
            "{ag:Попросил|Попросила} сервис провести повторную экспертизу {g:вашего|вашей|вашего|ваших} {pg} — заключение пришлём до {until}. Если влагу не подтвердят, ремонт будет бесплатным.",
            "[!order] Пришлите, пожалуйста, номер заказа — проверю гарантию и подскажу ближайший сервис.",
        ),
        "thanks": (
            "Спасибо, очень приятно! {courier} обязательно узнает о ваших словах — он будет рад 🙂",
            "Спасибо за тёплые слова! Рады, что заказ {order} приехал быстро и целым.",
            "Ух, спасибо! Пусть {p} {g:радует|радует|радует|радуют} как можно дольше 💙",
            "Спасибо, что нашли время написать, — передадим команде, нам очень приятно!",
        ),
        "insult": (
            "[!order] Понимаю, что вы очень злы, и мне жаль, что так вышло. Напишите, пожалуйста, номер заказа — разберусь лично и отвечу здесь.",
            "[!order] Мне жаль, что у вас такой опыт. Давайте я попробую это исправить: пришлите номер заказа, и я посмотрю, что пошло не так.",
        ),
        "mention": (
            "Надеемся, {p} не {g:подведёт|подведёт|подведёт|подведут}! Если будут вопросы по заказу — пишите нам, поможем 🙂",
            "Спасибо, что выбрали Volna! Если что-то пойдёт не так — мы на связи в личных сообщениях 💙",
        ),
        "mention_pos": (
            "Спасибо, что поделились! Рады, что {p} уже у вас 💙",
            "Ура, спасибо! Передадим складу и курьерам — им будет приятно 🙂",
        ),
        "mention_neg": (
            "[!order] Очень жаль это читать. Напишите нам, пожалуйста, номер заказа в личные сообщения — разберусь и постараюсь исправить.",
            "Увидели ваш пост — простите, что {p} {g:доставил|доставила|доставило|доставили} столько хлопот. Напишите нам в личку номер заказа, разберёмся.",
        ),
        "review_pos": (
            "Спасибо за отзыв и высокую оценку! Рады, что {p} {g:понравился|понравилась|понравилось|понравились}, — пусть служит долго.",
            "Спасибо, что написали отзыв! Передадим команде склада и поддержки — им будет очень приятно.",
        ),
        "review_neg": (
            "Простите за такой опыт. {ag:Нашёл|Нашла} ваш заказ по отзыву и уже {ag:передал|передала} его в отдел качества — свяжемся с вами по почте из профиля сегодня.",
            "Нам очень жаль, что {p} {g:приехал|приехала|приехало|приехали} в таком состоянии. Возврат по отзыву мы ускорили — деньги придут в течение 2 дней.",
        ),
        "review_mixed": (
            "Спасибо за честный отзыв — сроки доставки и приложение сейчас наш главный приоритет. Если вопрос ещё не решён, напишите в поддержку, разберёмся.",
            "Спасибо за отзыв! Рады, что {p} не {g:подвёл|подвела|подвело|подвели}, а над сроками доставки работаем.",
        ),
        "outage": (
            "Да, {window} у нас был сбой оплаты и приложения — простите. Сейчас всё работает, попробуйте, пожалуйста, ещё раз. Если деньги списались, а заказ не оформился, они вернутся автоматически в течение суток.",
            "Простите за это! Сбой длился {window}, сейчас всё восстановлено. Заказ {order} можно оплатить заново — двойного списания не будет.",
            "Всё уже починили — сбой был {window}. Спасибо за терпение и что написали нам!",
        ),
        "generic": ("Спасибо, что написали! Уже разбираюсь и отвечу здесь в течение часа.",),
    },
    "pl": {
        "delivery": (
            "{ag:Sprawdziłem|Sprawdziłam} zamówienie {order}: jest już {in_city}, w magazynie ostatniej mili. Kurier dowiezie je {eta}, dzień wcześniej dostaniesz SMS z przedziałem godzin.",
            "Zamówienie {order} utknęło na sortowni — przepraszamy, to nasza wina. {ag:Nadałem|Nadałam} mu priorytet, dostawa {eta}.",
            "{ag:Dopytałem|Dopytałam} magazyn: {p} z zamówienia {order} {g:jest już spakowany|jest już spakowana|jest już spakowane|są już spakowane} i dziś {g:wyjedzie|wyjedzie|wyjedzie|wyjadą} do Ciebie. Spodziewaj się dostawy {eta}.",
            "Przepraszamy, że na {pa} trzeba czekać tak długo. Zamówienie {order} jest już u kuriera, dowiezie je {eta}. Za czekanie {ag:dodałem|dodałam} Ci 300 punktów.",
            "[!order] Podeślij proszę numer zamówienia albo telefon, na który było składane — od razu sprawdzę, gdzie jest paczka, i odpiszę tutaj.",
        ),
        "damaged": (
            "Bardzo nam przykro, że {p} {g:dotarł|dotarła|dotarło|dotarły} w takim stanie. {ag:Zgłosiłem|Zgłosiłam} wymianę w zamówieniu {order}: kurier przywiezie nowy egzemplarz {eta} i zabierze uszkodzony — nic nie musisz pakować.",
            "Przepraszamy, tak nie powinno być. Wyślij nam proszę tutaj zdjęcia {pg} i kartonu — od razu uruchomię wymianę w zamówieniu {order}.",
            "W zamówieniu {order} {ag:zleciłem|zleciłam} zwrot całej kwoty — {amount} wróci na kartę w ciągu 3–5 dni roboczych. Jeśli jednak wolisz nowy egzemplarz, daj znać — odłożymy.",
            "[!order] Bardzo przepraszamy. Podeślij proszę numer zamówienia i kilka zdjęć — wymienimy towar na nasz koszt, a kurier sam odbierze wadliwy.",
        ),
        "wrong": (
            "{ag:Sprawdziłem|Sprawdziłam} zamówienie {order}: magazyn pomylił się przy kompletowaniu, przepraszamy. {p} {g:dotrze|dotrze|dotrze|dotrą} {eta}, a to, co przyszło przez pomyłkę, kurier zabierze sam.",
            "Przepraszamy za zamieszanie z zamówieniem {order}. Właściwy towar jest już spakowany i dotrze do Ciebie {eta}; niczego nie musisz odsyłać wcześniej.",
            "[!order] Przepraszamy za pomyłkę! Podeślij proszę numer zamówienia i zdjęcie tego, co przyszło — wyślemy właściwy towar tego samego dnia.",
        ),
        "app": (
            "Dzięki za szczegóły! Na {os} w wersji {appver} faktycznie jest błąd, poprawka wyjdzie dziś albo jutro. Do tego czasu zamówienie możesz złożyć na stronie — koszyk jest ten sam.",
            "{ag:Przekazałem|Przekazałam} zgłoszenie programistom razem z danymi urządzenia ({os}). Spróbuj proszę wylogować się i zalogować ponownie — zwykle to pomaga. Dam znać, gdy będzie poprawka.",
            "Znaleźliśmy przyczynę, poprawka jest w wersji {appver_new} — już w sklepie z aplikacjami. Zaktualizuj proszę apkę i wszystko powinno działać.",
            "[!os] Wygląda na błąd, który właśnie naprawiamy. Napisz proszę, jaki masz telefon i wersję aplikacji (Profil → O aplikacji) — przekażę programistom.",
        ),
        "double_charge": (
            "{ag:Sprawdziłem|Sprawdziłam} zamówienie {order}: faktycznie są dwie płatności po {amount}. Drugą anulowaliśmy, pieniądze wrócą na kartę w ciągu 1–3 dni roboczych, zależnie od banku.",
            "Widzę podwójne obciążenie w zamówieniu {order}, przepraszamy. Zwrot {amount} jest już zlecony, potwierdzenie wyślemy mailem.",
            "[!order] Przepraszamy! Podeślij proszę numer zamówienia i 4 ostatnie cyfry karty — sprawdzę obie płatności i oddam nadwyżkę.",
        ),
        "payment_stuck": (
            "Płatność za zamówienie {order} do nas dotarła, status po prostu zaktualizował się z opóźnieniem — teraz jest już „opłacone”. Zamówienie jest kompletowane, dostawa {eta}.",
            "{ag:Sprawdziłem|Sprawdziłam} zamówienie {order}: bank potwierdził płatność {amount}, paragon {ag:wysłałem|wysłałam} ponownie na maila z profilu. Zajrzyj też do spamu.",
            "[!order] Podeślij proszę numer zamówienia — sprawdzę płatność i poprawię status ręcznie.",
        ),
        "payment_fail": (
            "U jednego z operatorów płatności jest teraz awaria, dlatego część płatności nie przechodzi. Spróbuj proszę za 15–20 minut albo wybierz płatność przy odbiorze — {pa} {ag:zarezerwowałem|zarezerwowałam} dla Ciebie na dobę.",
            "Problem jest po stronie bramki płatniczej i już go naprawiamy. Koszyk się nie zgubi, a płatność kartą bezpośrednio już działa.",
            "Przepraszamy za kłopot! BLIK już działa — spróbuj proszę jeszcze raz. Gdyby znów był błąd, wyślij zrzut ekranu, sprawdzimy.",
        ),
        "courier": (
            "Tak nie powinno być, przepraszamy. {ag:Przekazałem|Przekazałam} skargę w sprawie zamówienia {order} kierownikowi kurierów z {city_gen}, porozmawia z kurierem. {ag:Dodałem|Dodałam} Ci też 500 punktów — wiem, że to nie zmieni wrażenia.",
            "Dzięki, że dajesz znać. Sprawdziliśmy GPS kuriera przy zamówieniu {order} — faktycznie nie dojechał pod adres. Nowa dostawa: {eta}, przywiezie ją inny kurier.",
            "Kurierowi nie należą się żadne dopłaty — wniesienie na piętro jest w cenie dostawy. Wyjaśniamy tę sytuację, a Tobie {ag:zwróciłem|zwróciłam} koszt dostawy zamówienia {order}.",
            "{courier} i jego kierownik już wiedzą o sprawie — tak nie wolno traktować klientów. Przepraszamy i dzięki, że {a:napisałeś|napisałaś}.",
            "[!order] Przepraszamy za takie zachowanie. Podeślij proszę numer zamówienia — przekażę skargę kierownikowi kurierów i dopilnuję odpowiedzi.",
        ),
        "locker": (
            "Skrytka w paczkomacie {locker_code} się zawiesiła — dziś pojedzie tam serwisant. Przedłużyliśmy przechowanie zamówienia {order} o 3 dni, nowy kod wyślemy SMS-em po naprawie.",
            "{ag:Otworzyłem|Otworzyłam} skrytkę zdalnie — spróbuj proszę jeszcze raz wpisać kod do zamówienia {order}. Jeśli drzwiczki znów się nie otworzą, przywieziemy paczkę kurierem {eta} za darmo.",
            "[!order] Przepraszamy za kłopot! Podeślij proszę numer zamówienia i adres paczkomatu — sprawdzę skrytkę i w razie czego wyślemy paczkę kurierem.",
        ),
        "locker_extend": (
            "{ag:Przedłużyłem|Przedłużyłam} przechowanie zamówienia {order} w paczkomacie do {until} — zdążysz odebrać. Kod się nie zmienia.",
            "Jasne! Zamówienie {order} poczeka na Ciebie do {until}, a jeśli tak wygodniej — możemy je dowieźć kurierem, daj znać.",
        ),
        "refund_wait": (
            "{ag:Sprawdziłem|Sprawdziłam} zwrot w zamówieniu {order}: {amount} wysłaliśmy na Twoją kartę wczoraj, bank zwykle księguje w 1–3 dni. Jeśli do {until} nie dotrze — napisz, prześlę potwierdzenie przelewu.",
            "Przepraszamy za czekanie. Zwrot w zamówieniu {order} utknął przez błąd w danych, {ag:poprawiłem|poprawiłam} — {amount} wróci w ciągu 3 dni roboczych.",
            "[!order] Podeślij proszę numer zamówienia — sprawdzę, na jakim etapie jest zwrot, i popędzę księgowość.",
        ),
        "return_how": (
            "{pa} możesz zwrócić w ciągu 14 dni, nawet bez pudełka — ważne, żeby towar nie nosił śladów użytkowania. Zwrot zgłosisz w aplikacji: Zamówienia → {order} → Zwróć, kurier odbierze sam.",
            "Najprościej zgłosić zwrot w aplikacji: Zamówienia → wybierz zamówienie → „Zwróć”. Towar możesz nadać w dowolnym Volna Boxie {in_city} — pieniądze wrócą 1–3 dni po przyjęciu.",
            "Pudełko nie jest konieczne, jeśli towar nie był używany i nie ma śladów. Zgłoś zwrot w zakładce „Zamówienia” — kurier odbierze za darmo.",
        ),
        "presale": (
            "{p} {g:jest|jest|jest|są} na stanie {in_city}: jeśli zamówisz do 13:00, odbierzesz dziś po 16:00 w dowolnym punkcie.",
            "{p} to polska dystrybucja, 24 miesiące gwarancji i instrukcja po polsku. Teraz {g:kosztuje|kosztuje|kosztuje|kosztują} {amount}, a z kodem {offer} wyjdzie 10% taniej.",
            "Tak, dowozimy do {city_gen}: kurierem zwykle 1–2 dni, do paczkomatu — następnego dnia. Jeśli zamówisz dziś, {p} {g:dotrze|dotrze|dotrze|dotrą} {eta}.",
        ),
        "deal": (
            "Nie możemy zdradzić szczegółów 🙂 ale na {pa} na Black Friday rabat na pewno będzie. Dodaj do ulubionych — damy znać, gdy cena spadnie.",
            "Cena {pg} zmienia się za dostawcą, teraz to {amount}. Po dodaniu do ulubionych aplikacja przypomni o obniżce, a na razie łap kod {offer} na 10%.",
        ),
        "promo": (
            "Kod {promo} działa tylko na produkty nieprzecenione, a {p} {g:jest|jest|jest|są} już w promocji. {ag:Dodałem|Dodałam} Ci 500 punktów, żeby nie było przykro.",
            "{ag:Sprawdziłem|Sprawdziłam} kod {promo}: wygasł wczoraj, przepraszamy, że w newsletterze tego nie było widać. Łap nowy — {offer}, ważny do {until}.",
            "Przez błąd w koszyku pobraliśmy więcej niż {amount} — różnicę już zwróciliśmy, pieniądze wrócą na kartę w ciągu 3 dni.",
        ),
        "bonus": (
            "Punkty za zamówienie {order} naliczają się 14 dni po odbiorze — tak chronimy je przed zwrotami. Spodziewaj się ich {until}.",
            "{ag:Sprawdziłem|Sprawdziłam}: punkty za zamówienie {order} nie naliczyły się przez awarię, {ag:dodałem|dodałam} je ręcznie — 500 jest już na koncie.",
        ),
        "account": (
            "{ag:Sprawdziłem|Sprawdziłam} Twój numer — operator blokował SMS-y przez zbyt wiele prób. Blokada zdjęta, spróbuj zalogować się za 10 minut. Gdyby nie wyszło — zalogujemy Cię przez maila.",
            "SMS-y z kodem czasem utykają u operatorów. Spróbuj proszę logowania przez maila (przycisk „Inny sposób” na ekranie logowania), a ja w tym czasie sprawdzę numer.",
        ),
        "delete": (
            "Konto usuniesz w aplikacji: Profil → Ustawienia → Usuń konto. Dane skasujemy w ciągu 30 dni, zgodnie z RODO. Jeśli wolisz, mogę to zrobić za Ciebie.",
            "Jasne. Potwierdź proszę w wiadomości prywatnej maila albo telefon przypisany do konta — usunę je razem z danymi, a potwierdzenie przyjdzie mailem.",
        ),
        "warranty": (
            "Gwarancja na {pa} to 24 miesiące, więc wszystko w porządku. Możesz {g:go|ją|je|je} oddać w dowolnym punkcie {in_city}, diagnoza potrwa 3–5 dni.",
            "{ag:Dopytałem|Dopytałam} o naprawę w zamówieniu {order}: serwis czeka na część, obiecują do {until}. Jeśli się przeciągnie — wymienimy {pa} na {g:nowy|nową|nowe|nowe}.",
            "{ag:Poprosiłem|Poprosiłam} serwis o ponowną ekspertyzę — wynik dostaniesz do {until}. Jeśli zalanie się nie potwierdzi, naprawa będzie bezpłatna.",
            "[!order] Podeślij proszę numer zamówienia — sprawdzę gwarancję i podpowiem najbliższy serwis.",
        ),
        "thanks": (
            "Dziękujemy, bardzo nam miło! {courier} na pewno się ucieszy — przekażemy mu Twoje słowa 🙂",
            "Dzięki za miłe słowa! Cieszymy się, że zamówienie {order} dotarło szybko i w całości.",
            "Dzięki! Niech {p} {g:służy|służy|służy|służą} jak najdłużej 💙",
            "Dzięki, że {a:znalazłeś|znalazłaś} chwilę, żeby napisać — przekażemy zespołowi, bardzo nam miło!",
        ),
        "insult": (
            "[!order] Rozumiem, że jesteś {a:zły|zła}, i przykro mi, że tak wyszło. Podeślij proszę numer zamówienia — zajmę się tym osobiście i odpiszę tutaj.",
            "[!order] Przykro mi, że masz takie doświadczenia. Spróbujmy to naprawić: podeślij numer zamówienia, sprawdzę, co poszło nie tak.",
        ),
        "mention": (
            "Mamy nadzieję, że {p} Cię nie {g:zawiedzie|zawiedzie|zawiedzie|zawiodą}! W razie pytań pisz śmiało 🙂",
            "Dzięki, że {a:wybrałeś|wybrałaś} Volnę! Gdyby coś poszło nie tak — jesteśmy na priv 💙",
        ),
        "mention_pos": (
            "Dzięki, że się dzielisz! Cieszymy się, że {p} {g:jest|jest|jest|są} już u Ciebie 💙",
            "Super, dzięki! Przekażemy magazynowi i kurierom — będzie im miło 🙂",
        ),
        "mention_neg": (
            "[!order] Przykro nam to czytać. Napisz nam proszę numer zamówienia na priv — sprawdzę i postaram się to naprawić.",
            "Widzimy Twój post — przepraszamy, tak nie powinno być. Podeślij proszę numer zamówienia na priv, wyjaśnimy sprawę {pg}.",
        ),
        "review_pos": (
            "Dziękujemy za opinię i wysoką ocenę! Cieszymy się, że {p} {g:się podoba|się podoba|się podoba|się podobają} — niech {g:służy|służy|służy|służą} jak najdłużej.",
            "Dzięki za opinię! Przekażemy zespołowi magazynu i obsługi — będzie im bardzo miło.",
        ),
        "review_neg": (
            "Przepraszamy za takie doświadczenie. {ag:Znalazłem|Znalazłam} Twoje zamówienie po opinii i {ag:przekazałem|przekazałam} je do działu jakości — odezwiemy się dziś mailowo.",
            "Bardzo nam przykro, że {p} {g:dotarł|dotarła|dotarło|dotarły} w takim stanie. Przyspieszyliśmy zwrot — pieniądze wrócą w ciągu 2 dni.",
        ),
        "review_mixed": (
            "Dzięki za szczerą opinię — czas dostawy i aplikacja to teraz nasz priorytet. Jeśli sprawa jest wciąż otwarta, napisz do nas, pomożemy.",
            "Dzięki za opinię! Cieszymy się, że {p} {g:się sprawdza|się sprawdza|się sprawdza|się sprawdzają}, a nad terminami dostaw pracujemy.",
        ),
        "outage": (
            "Tak, {window} mieliśmy awarię płatności i aplikacji — przepraszamy. Teraz wszystko działa, spróbuj proszę jeszcze raz. Jeśli pieniądze zeszły, a zamówienie się nie złożyło, wrócą automatycznie w ciągu doby.",
            "Przepraszamy! Awaria trwała {window}, teraz wszystko działa. Zamówienie {order} możesz opłacić ponownie — podwójnego obciążenia nie będzie.",
            "Już naprawione — awaria była {window}. Dzięki za cierpliwość i za zgłoszenie!",
        ),
        "generic": ("Dzięki za wiadomość! Już się tym zajmuję i odpiszę tutaj w ciągu godziny.",),
    },
    "en": {
        "delivery": (
            "I've checked order {order}: it's already {in_city} at our local depot. The driver will bring it {eta}, and you'll get a text with a time slot the day before.",
            "Order {order} got held up at the sorting centre — sorry, that's on us. I've put it on priority, delivery {eta}.",
            "I've spoken to the warehouse: your {p} from order {order} {g:is|are} packed and leaving today. Expect {g:it|them} {eta}.",
            "Sorry you've had to wait so long for your {p}. Order {order} is with the driver now and will arrive {eta}. I've added 300 points to your account for the wait.",
            "[!order] Could you send me your order number or the phone number it was placed with? I'll check where the parcel is and reply right here.",
        ),
        "damaged": (
            "I'm so sorry your {p} arrived like that. I've arranged a replacement for order {order}: the driver will bring a new one {eta} and take the damaged one away — no need to pack anything.",
            "Sorry, that shouldn't happen. Could you send a couple of photos of the {p} and the box here? I'll start the exchange on order {order} straight away.",
            "I've issued a full refund for order {order} — {amount} will be back on your card within 3–5 working days. If you'd still like a replacement instead, just say and we'll reserve one.",
            "[!order] Really sorry about this. Send me your order number and a couple of photos and we'll replace it at our cost — the driver will collect the faulty one.",
        ),
        "wrong": (
            "I've checked order {order}: the warehouse picked the wrong item, sorry. Your {p} will arrive {eta}, and the driver will collect whatever came by mistake.",
            "Sorry for the mix-up on order {order}. The right item is packed and will reach you {eta}; you don't need to send anything back first.",
            "[!order] Sorry for the mix-up! Send me your order number and a photo of what arrived, and we'll ship the right item the same day.",
        ),
        "app": (
            "Thanks for the details! There is a bug in version {appver} on {os}; the fix goes out today or tomorrow. In the meantime you can check out on the website — it's the same basket.",
            "I've passed this to our developers along with your device details ({os}). Could you try logging out and back in? That usually does it. I'll let you know when the fix is out.",
            "We've found the cause — the fix is in version {appver_new}, already in the app store. Please update and it should all work again.",
            "[!os] Sounds like a bug we're fixing right now. Could you tell me your phone model and app version (Profile → About)? I'll pass it to the developers.",
        ),
        "double_charge": (
            "I've checked order {order}: you're right, there were two payments of {amount}. We've cancelled the second one; it'll be back on your card within 1–3 working days depending on your bank.",
            "I can see the double charge on order {order} — sorry about that. The {amount} refund is already on its way; we'll email you the confirmation.",
            "[!order] Sorry about that! Send me your order number and the last 4 digits of the card and I'll check both payments and refund the extra one.",
        ),
        "payment_stuck": (
            "Your payment for order {order} did reach us — the status just updated late and now shows 'paid'. The order's being packed, delivery {eta}.",
            "I've checked order {order}: the bank confirmed your payment of {amount}, and I've resent the receipt to the email on your profile. Worth checking spam too.",
            "[!order] Could you send me the order number? I'll check the payment and fix the status by hand.",
        ),
        "payment_fail": (
            "One of our payment providers is having issues right now, so some payments fail. Please try again in 15–20 minutes or choose pay on delivery — I've held the {p} for you for 24 hours.",
            "It's a problem with the payment gateway and we're fixing it now. Your basket won't be lost, and paying by card directly already works.",
            "Sorry for the hassle! Apple Pay is working again — please give it another go. If it fails again, send a screenshot and we'll look into it.",
        ),
        "courier": (
            "That's not OK, and I'm sorry. I've passed your complaint about order {order} to the delivery manager in {city}, who'll speak to the driver. I've also added 500 points to your account — I know it doesn't undo the experience.",
            "Thanks for letting us know. We checked the driver's GPS for order {order} — they never reached your address. New delivery: {eta}, with a different driver.",
            "Drivers should never ask for extra money — carrying it upstairs is part of the delivery. We're looking into this, and I've refunded the delivery fee on order {order}.",
            "{courier}'s manager has already spoken to him — that's not how we treat customers. Sorry, and thank you for telling us.",
            "[!order] Sorry about how you were treated. Send me your order number and I'll pass the complaint to the delivery manager and make sure you hear back.",
        ),
        "locker": (
            "The compartment at the locker {locker_at} is stuck — an engineer is going there today. We've extended storage for order {order} by 3 days and will text you a new code once it's fixed.",
            "I've opened the compartment remotely — please try your code for order {order} again. If the door still won't open, we'll bring it by courier {eta}, free of charge.",
            "[!order] Sorry for the trouble! Send me your order number and which locker it is, and I'll check the compartment or send it by courier instead.",
        ),
        "locker_extend": (
            "I've extended storage for order {order} at the locker until {until}, so you've got time. The code stays the same.",
            "Of course! Order {order} will wait for you until {until} — or if it's easier, we can deliver it by courier, just let me know.",
        ),
        "refund_wait": (
            "I've checked the refund on order {order}: {amount} was sent to your card yesterday, banks usually take 1–3 days. If it's not there by {until}, message me and I'll send the payment confirmation.",
            "Sorry for the wait. The refund on order {order} got stuck because of a data error — I've fixed it and {amount} will arrive within 3 working days.",
            "[!order] Could you send me the order number? I'll check where the refund is and chase our finance team.",
        ),
        "return_how": (
            "You can return the {p} within 30 days, even without the box — as long as it's in resaleable condition. Start it in the app: Orders → {order} → Return, and the courier will collect it.",
            "Easiest way is in the app: Orders → pick the order → 'Return'. You can drop it at any Volna Box {in_city} — the refund lands 1–3 days after we receive it.",
            "You don't need the box as long as the item's unused and undamaged. Start the return under 'Orders' and we'll collect it for free.",
        ),
        "presale": (
            "Yes, the {p} {g:is|are} in stock {in_city}: order before 1pm and you can pick {g:it|them} up today after 4pm at any pickup point.",
            "The {p} {g:is|are} the official UK version with a 12-month warranty. {g:It's|They're} {amount} right now, and with code {offer} you'll get 10% off.",
            "Yes, we deliver to {city}: 1–2 days by courier, next day to a locker. Order today and your {p} will arrive {eta}.",
        ),
        "deal": (
            "Can't give away secrets 🙂 but there will definitely be a Black Friday deal on the {p}. Add {g:it|them} to your wishlist and we'll ping you when the price drops.",
            "The price of the {p} follows our supplier, right now it's {amount}. Add {g:it|them} to your wishlist and the app will tell you when it drops — meanwhile here's code {offer} for 10% off.",
        ),
        "promo": (
            "Code {promo} only works on full-price items, and the {p} {g:is|are} already on offer. I've added 500 points to your account so it doesn't sting as much.",
            "I checked code {promo}: it expired yesterday — sorry the newsletter didn't make that clear. Here's a fresh one, {offer}, valid until {until}.",
            "A basket bug charged you more than {amount} — we've refunded the difference and it'll be back on your card within 3 days.",
        ),
        "bonus": (
            "Points for order {order} are added 14 days after delivery — that protects them from returns. You should see them by {until}.",
            "I've checked: points for order {order} didn't go through because of a glitch, so I've added them by hand — 500 are in your account now.",
        ),
        "account": (
            "I've checked your number — the network was blocking our texts after too many attempts. That's cleared now, please try logging in again in 10 minutes. If it still fails, we'll log you in by email.",
            "Login codes sometimes get stuck with mobile networks. Try signing in by email ('Another way' on the login screen) while I check your number.",
        ),
        "delete": (
            "You can delete your account in the app: Profile → Settings → Delete account. We'll erase your data within 30 days, as GDPR requires. If you prefer, I can do it for you.",
            "Of course. Please confirm the email or phone number on the account in a DM — I'll delete it with all your data and you'll get an email confirmation.",
        ),
        "warranty": (
            "Your {p} {g:has|have} a 12-month warranty, so you're covered. You can drop {g:it|them} at any pickup point {in_city}; diagnostics take 3–5 days.",
            "I've chased the repair for order {order}: the service centre is waiting for a part and promises it by {until}. If it drags on, we'll swap your {p} for new.",
            "I've asked the service centre for a second inspection — you'll have the result by {until}. If they can't confirm liquid damage, the repair is free.",
            "[!order] Could you send me the order number? I'll check the warranty and point you to the nearest service centre.",
        ),
        "thanks": (
            "Thank you, that's lovely to hear! We'll pass it on to {courier} — it'll make his day 🙂",
            "Thanks for the kind words! Glad order {order} arrived quickly and in one piece.",
            "Thank you! Enjoy your {p} 💙",
            "Thanks for taking the time to write — we'll share this with the team!",
        ),
        "insult": (
            "[!order] I can tell you're really frustrated, and I'm sorry it's come to this. Send me your order number and I'll sort it out personally.",
            "[!order] Sorry you've had such a bad experience. Let me try to put it right — send me your order number and I'll see what went wrong.",
        ),
        "mention": (
            "Hope the {p} {g:lives|live} up to expectations! Any questions about the order, just message us 🙂",
            "Thanks for choosing Volna! If anything goes wrong, we're right here in DMs 💙",
        ),
        "mention_pos": (
            "Thanks for sharing! Glad your {p} {g:is|are} already with you 💙",
            "Love this, thank you! We'll pass it on to the warehouse and drivers 🙂",
        ),
        "mention_neg": (
            "[!order] Really sorry to read this. Could you DM us your order number? I'll look into it and try to put it right.",
            "We saw your post — sorry, that shouldn't happen. DM us your order number and we'll get your {p} sorted.",
        ),
        "review_pos": (
            "Thanks for the review and the stars! Glad you like the {p} — enjoy {g:it|them}.",
            "Thank you for the review! We'll share it with our warehouse and support teams — they'll be chuffed.",
        ),
        "review_neg": (
            "Sorry for this experience. I've found your order from the review and passed it to our quality team — we'll email you today.",
            "Really sorry the {p} arrived in that state. We've fast-tracked your refund — the money will be back within 2 days.",
        ),
        "review_mixed": (
            "Thanks for the honest review — delivery times and the app are our top priority right now. If anything's still open, message us and we'll help.",
            "Thanks for the review! Glad the {p} {g:is|are} working well for you; we're working on those delivery times.",
        ),
        "outage": (
            "Yes, we had a payments and app outage {window} — sorry. Everything's working again, so please try once more. If you were charged but the order didn't go through, the money comes back automatically within 24 hours.",
            "Sorry about that! The outage lasted {window}; everything's back now. You can pay for order {order} again — you won't be charged twice.",
            "All fixed now — the outage was {window}. Thanks for your patience and for letting us know!",
        ),
        "generic": ("Thanks for getting in touch! I'm looking into this now and will reply here within the hour.",),
    },
    "uk": {
        "delivery": (
            "{ag:Перевірив|Перевірила} замовлення {order}: воно вже {in_city}, на складі останньої милі. Кур'єр привезе його {eta}.",
            "Вибачте за затримку із замовленням {order} — це наша провина. Я {ag:поставив|поставила} йому пріоритет, доставка {eta}.",
            "[!order] Надішліть, будь ласка, номер замовлення — я одразу перевірю, де посилка, і відповім тут.",
        ),
        "damaged": (
            "Дуже шкода, що {p} {g:прийшов|прийшла|прийшло|прийшли} у такому стані. Я {ag:оформив|оформила} заміну за замовленням {order}: кур'єр привезе новий товар {eta} і забере цей.",
            "Вибачте, так не має бути. Надішліть, будь ласка, фото коробки — і я одразу запущу обмін за замовленням {order}.",
        ),
        "locker": (
            "{ag:Відкрив|Відкрила} скриньку дистанційно — спробуйте, будь ласка, ще раз ввести код для замовлення {order}. Якщо не відкриється, привеземо кур'єром {eta} безкоштовно.",
        ),
        "double_charge": (
            "{ag:Перевірив|Перевірила} замовлення {order}: справді, було два списання по {amount}. Друге ми скасували, гроші повернуться на картку за 1–3 робочі дні.",
        ),
        "app": (
            "Дякуємо за деталі! {ag:Передав|Передала} розробникам інформацію про {os}. Спробуйте, будь ласка, оновити застосунок до версії {appver_new} — виправлення вже там.",
        ),
        "courier": (
            "Вибачте, так не має бути. {ag:Передав|Передала} скаргу щодо замовлення {order} керівнику кур'єрів, а нова доставка — {eta}.",
        ),
        "refund_wait": (
            "{ag:Перевірив|Перевірила} повернення за замовленням {order}: гроші вже відправили, банк зазвичай зараховує їх за 1–3 дні.",
        ),
        "presale": ("{p} є в наявності {in_city}: якщо оформите до 13:00, заберете сьогодні після 16:00.",),
        "thanks": (
            "Дякуємо, дуже приємно! {courier} обов'язково дізнається про ваші слова 🙂",
            "Дякуємо за теплі слова! Раді, що замовлення {order} приїхало швидко і ціле.",
        ),
        "mention": (
            "Сподіваємося, {p} вас не {g:підведе|підведе|підведе|підведуть}! Якщо будуть питання — пишіть нам 🙂",
            "Дякуємо, що обираєте Volna! Якщо щось піде не так — ми на зв'язку в особистих повідомленнях 💙",
        ),
        "generic": ("Дякуємо, що написали! Я вже розбираюся і відпишу тут найближчим часом.",),
    },
}

_GREETINGS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "ru": {
        "name": ("{first}, здравствуйте!", "Здравствуйте, {first}!"),
        "name_casual": ("{first}, привет!",),
        "name_morning": ("Доброе утро, {first}!",),
        "name_day": ("{first}, добрый день!",),
        "name_evening": ("Добрый вечер, {first}!",),
        "anon": ("Здравствуйте!",),
        "anon_morning": ("Доброе утро!",),
        "anon_day": ("Добрый день!",),
        "anon_evening": ("Добрый вечер!",),
    },
    "pl": {
        "name": ("Dzień dobry, {first}!", "Cześć {first}!"),
        "name_casual": ("Hej {first}!",),
        "name_evening": ("Dobry wieczór, {first}!",),
        "anon": ("Dzień dobry!", "Cześć!"),
        "anon_evening": ("Dobry wieczór!",),
    },
    "en": {
        "name": ("Hi {first},", "Hi {first}!", "Hello {first},"),
        "name_casual": ("Hey {first}!",),
        "name_morning": ("Morning {first}!",),
        "name_evening": ("Good evening {first},",),
        "anon": ("Hi there!", "Hello!"),
        "anon_morning": ("Good morning!",),
    },
    "uk": {
        "name": ("Вітаю, {first}!", "{first}, добрий день!", "Добрий день, {first}!"),
        "anon": ("Вітаю!", "Добрий день!"),
    },
}
_CLOSINGS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "ru": {
        "any": ("{me}, поддержка Volna", "Если что — пишите сюда, я на связи. {me}", "— {me} из Volna", "{me}, Volna 💙"),
        "day": ("Хорошего дня! {me}",),
        "evening": ("Хорошего вечера! {me}",),
    },
    "pl": {
        "any": ("Pozdrawiam, {me} z Volny", "{me}, zespół Volna", "Gdyby coś — pisz śmiało. {me}", "{me} z obsługi Volna 💙"),
        "day": ("Miłego dnia! {me}",),
        "evening": ("Miłego wieczoru! {me}",),
    },
    "en": {
        "any": ("{me}, Volna Care", "Thanks, {me}", "Any questions, just reply here. {me}", "— {me} at Volna"),
        "day": ("Have a good one! {me}",),
        "evening": ("Have a lovely evening! {me}",),
    },
    "uk": {
        "any": ("{me}, підтримка Volna", "Якщо ще щось — пишіть сюди. {me}"),
        "day": ("Гарного дня! {me}",),
        "evening": ("Гарного вечора! {me}",),
    },
}
_EMAIL_WRAP: Final[Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "ru": (
        ("Здравствуйте!", "Добрый день!", "Здравствуйте."),
        ("С уважением,\n{name}", "{name}", "Спасибо.\n{name}", "--\n{name}\nОтправлено с iPhone"),
    ),
    "pl": (
        ("Dzień dobry,", "Witam,", "Dzień dobry!"),
        ("Pozdrawiam\n{name}", "Z poważaniem,\n{name}", "{name}", "Pozdrawiam,\n{first}\n\nWysłane z aplikacji Poczta"),
    ),
    "en": (
        ("Hi,", "Hello,", "Hi there,"),
        ("Thanks,\n{first}", "Kind regards,\n{name}", "{name}", "Cheers\n{first}\n\nSent from my iPhone"),
    ),
    "uk": (("Добрий день!",), ("З повагою,\n{name}",)),
}
_EMOJI: Final[Mapping[str, tuple[str, ...]]] = {
    "ea": ("", "", " 😡", " 🤬", " 😤", " 🙄", " 🤦‍♂️", " 👎", "!!!"),
    "eh": ("", " 🙏", " ❤️", " 🔥", " 😍", " 👍", " 💙", "!!"),
    "es": ("", "", " 😢", " 😭", " 😕", " 🥲"),
    "eq": ("", "", " 🤔", " 👀", "??", " 🤷"),
}

# ---------------------------------------------------------------------------------------------
# Mix: which sources, kinds of addressing and topics, how often.
# ---------------------------------------------------------------------------------------------

_SOURCES: Final[Mapping[str, tuple[tuple[str, int], ...]]] = {
    "ru": (("telegram", 30), ("vk", 25), ("instagram", 20), ("reviews", 9), ("email", 9), ("x", 7)),
    "pl": (("facebook", 30), ("instagram", 24), ("x", 10), ("reviews", 14), ("email", 14), ("telegram", 4)),
    "en": (("x", 34), ("instagram", 16), ("facebook", 14), ("reviews", 14), ("email", 15), ("telegram", 4)),
    "uk": (("telegram", 55), ("instagram", 45)),
}
_ADDRESSING: Final[Mapping[str, tuple[tuple[str, int], ...]]] = {
    "telegram": (("dm", 50), ("comment", 35), ("brand_mention", 15)),
    "vk": (("comment", 40), ("dm", 30), ("direct", 15), ("brand_mention", 15)),
    "instagram": (("comment", 45), ("dm", 30), ("direct", 12), ("brand_mention", 13)),
    "x": (("direct", 55), ("brand_mention", 30), ("dm", 15)),
    "facebook": (("comment", 40), ("dm", 28), ("review", 15), ("direct", 7), ("brand_mention", 10)),
    "reviews": (("review", 1),),
    "email": (("dm", 1),),
}
_SUPPORT: Final[tuple[tuple[str, int], ...]] = (
    ("where", 14),
    ("late", 9),
    ("broken", 7),
    ("wrong", 4),
    ("app", 6),
    ("double_charge", 3),
    ("payment_stuck", 3),
    ("payment_fail", 2),
    ("courier", 5),
    ("locker", 5),
    ("locker_extend", 2),
    ("refund_wait", 4),
    ("return_how", 3),
    ("presale", 6),
    ("deal", 2),
    ("promo", 3),
    ("bonus", 2),
    ("account", 2),
    ("delete", 1),
    ("warranty", 3),
    ("thanks", 7),
    ("insult", 3),
    ("spam", 4),
)
_REVIEWS: Final = (("review_pos", 40), ("review_neg", 40), ("review_mixed", 20))
_MENTIONS: Final = (("mention", 40), ("mention_pos", 25), ("mention_neg", 35))
_MULTI_OK: Final = frozenset(
    {
        "where",
        "late",
        "broken",
        "wrong",
        "app",
        "double_charge",
        "payment_stuck",
        "courier",
        "locker",
        "refund_wait",
        "promo",
        "bonus",
        "warranty",
    }
)
_ANGRY: Final = frozenset({"late", "broken", "wrong", "courier", "double_charge", "refund_wait", "locker", "mention_neg", "outage"})
_CASUAL_SOURCES: Final = frozenset({"telegram", "vk", "instagram", "x"})
_REPLY_POOL: Final[Mapping[str, str]] = {"where": "delivery", "late": "delivery", "broken": "damaged"}
_REPLY_RATE: Final[Mapping[str, float]] = {
    "spam": 0.0,
    "insult": 0.3,
    "mention": 0.35,
    "mention_pos": 0.45,
    "mention_neg": 0.6,
    "thanks": 0.6,
}

# Which facts a reply may name: agent-side slots always; the customer's facts only once their
# own words (or an order number, which the agent can look up) made them known.
_AGENT_KEYS: Final = frozenset({"ag", "a", "eta", "until", "offer", "appver_new", "window", "me"})
_PRODUCT_KEYS: Final = frozenset({"p", "pa", "pg", "g", "amount"})
_CITY_KEYS: Final = frozenset({"city", "in_city", "city_gen"})
_LOCKER_KEYS: Final = frozenset({"locker", "locker_loc", "locker_at", "locker_code"})
_ORDER_KEYS: Final = frozenset({"order", "date"}) | _PRODUCT_KEYS | _CITY_KEYS | _LOCKER_KEYS

_MARKET_ACCOUNT: Final[Mapping[str, str]] = {"ru": "@volna_shop", "pl": "@volna_pl", "en": "@volna_help"}
_MARKET_SITE: Final[Mapping[str, str]] = {"ru": "volna.shop", "pl": "volna.pl", "en": "volna.co.uk"}
_MARKET_MAIL: Final[Mapping[str, str]] = {"ru": "help@volna.shop", "pl": "pomoc@volna.pl", "en": "help@volna.co.uk"}

# External ids: prefix, first number, smallest and largest step between consecutive items.
_IDS: Final[Mapping[str, tuple[str, int, int, int]]] = {
    "telegram": ("tg-", 100_000, 1, 40),
    "vk": ("vk-", 58_000, 1, 30),
    "instagram": ("ig-", 17_912_000_000_000_000, 10**9, 9 * 10**10),
    "x": ("x-", 1_857_000_000_000_000_000, 10**12, 4 * 10**13),
    "facebook": ("fb-", 1_220_000_000_000_000, 10**6, 10**8),
    "reviews": ("rv-", 80_000, 1, 25),
    "email": ("em-", 3_000, 1, 9),
}
_URLS: Final[Mapping[tuple[str, str], str]] = {
    ("telegram", "dm"): "https://t.me/c/{author}/{n}",
    ("telegram", "brand_mention"): "https://t.me/{chat}/{n}",
    ("telegram", "*"): "https://t.me/{channel}/{post}?comment={n}",
    ("vk", "dm"): "https://vk.com/gim187236451?sel={author}",
    ("vk", "comment"): "https://vk.com/wall-187236451_{post}?reply={n}",
    ("vk", "*"): "https://vk.com/wall{author}_{n}",
    ("instagram", "dm"): "https://www.instagram.com/direct/t/{author}{post}/",
    ("instagram", "comment"): "https://www.instagram.com/p/{shortcode}/c/{n}/",
    ("instagram", "*"): "https://www.instagram.com/p/{own_shortcode}/",
    ("x", "dm"): "https://x.com/messages/1433570192-{author}",
    ("x", "*"): "https://x.com/{handle}/status/{n}",
    ("facebook", "dm"): "https://www.facebook.com/messages/t/{author}",
    ("facebook", "comment"): "https://www.facebook.com/{site}/posts/{post}?comment_id={n}",
    ("facebook", "review"): "https://www.facebook.com/{site}/reviews?review_id={n}",
    ("facebook", "direct"): "https://www.facebook.com/{site}/posts/{n}",
    ("facebook", "*"): "https://www.facebook.com/{author}/posts/{n}",
    ("reviews", "*"): "https://{site}/p/{slug}/reviews#r{n}",
    ("email", "*"): "https://mail.{site}/inbox/{n}",
}

_HOUR_WEIGHT: Final = (
    0.25,
    0.15,
    0.1,
    0.08,
    0.08,
    0.12,
    0.25,
    0.5,
    0.8,
    1.0,
    1.1,
    1.1,
    1.1,
    1.0,
    1.0,
    1.0,
    1.0,
    1.05,
    1.15,
    1.25,
    1.3,
    1.2,
    0.9,
    0.55,
)
_SPAN: Final = timedelta(days=10)

_GENDER_CODES: Final[Mapping[str, int]] = {"m": 0, "f": 1, "n": 2, "pl": 3}
_FORM_COUNTS: Final[Mapping[str, int]] = {"ru": 4, "pl": 4, "uk": 4, "en": 2}

_RU_LATIN: Final[Mapping[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_UK_LATIN: Final[Mapping[str, str]] = {**_RU_LATIN, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "yi", "є": "ye", "'": ""}
_PL_ASCII: Final = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_SLOT: Final = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
_WORD: Final = re.compile(r"(?<![@#\w])[^\W\d_]{6,}")
_SHORTCODE_CHARS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_LINK_CHARS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


# ---------------------------------------------------------------------------------------------
# Small pure helpers.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Forms:
    nom: str
    acc: str
    gen: str
    gender: int


@dataclass(frozen=True, slots=True)
class _Product:
    forms: Mapping[str, _Forms]
    rub: int
    slug: str


def _parse_products() -> tuple[_Product, ...]:
    products: list[_Product] = []
    for ru, pl, en, uk, rub in _PRODUCT_TABLE:
        forms: dict[str, _Forms] = {}
        for lang, spec in (("ru", ru), ("pl", pl)):
            nom, acc, gen, gender = spec.split("|")
            forms[lang] = _Forms(nom, acc, gen, _GENDER_CODES[gender])
        name, number = en.split("|")
        forms["en"] = _Forms(name, name, name, 1 if number == "pl" else 0)
        uk_nom, uk_gender = uk.split("|")
        forms["uk"] = _Forms(uk_nom, uk_nom, uk_nom, _GENDER_CODES[uk_gender])
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        products.append(_Product(forms, rub, slug))
    return tuple(products)


_PRODUCTS: Final = _parse_products()


def _render(template: str, values: Mapping[str, str], forms: Mapping[str, int], counts: Mapping[str, int]) -> tuple[str, set[str]]:
    """Fill ``{slot}`` and ``{key:form|form}``; returns the text and the slots it used."""
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        key, alternatives = match.group(1), match.group(2)
        used.add(key)
        if alternatives is None:
            return values[key]
        options = alternatives.split("|")
        if len(options) != counts[key]:
            raise ValueError(f"{template!r}: {{{key}:…}} needs {counts[key]} forms, has {len(options)}")
        return options[forms[key]]

    return _SLOT.sub(fill, template), used


_KEY_CACHE: dict[str, frozenset[str]] = {}


def _keys(template: str) -> frozenset[str]:
    keys = _KEY_CACHE.get(template)
    if keys is None:
        keys = frozenset(m.group(1) for m in _SLOT.finditer(template))
        _KEY_CACHE[template] = keys
    return keys


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" +([,.!?:;)])", r"\1", text)
    return text.strip()


def _capitalize(text: str) -> str:
    """Upper-case the first letter, leaving names such as "iPhone" alone."""
    if text[1:2].isupper():
        return text
    return text[:1].upper() + text[1:]


_SENTENCE_START: Final = re.compile(r"(?:^|(?<=[.!?] ))([^\W\d_])(?=([^\W\d_]?))")


def _sentence_case(text: str) -> str:
    """Upper-case the first letter of each sentence ("iPhone" stays as it is)."""
    return _SENTENCE_START.sub(lambda m: m.group(1) if m.group(2).isupper() else m.group(1).upper(), text)


_GUARD: Final = re.compile(r"^\[!(\w+)\] ")


def _usable(body: str, known: set[str]) -> bool:
    """A reply body fits when it names only known facts and its guard fact (``[!order]``:
    "send us your order number") is still unknown."""
    guard = _GUARD.match(body)
    return not (guard and guard.group(1) in known) and _keys(body) <= known


def _slavic_plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def _polish_plural(n: int, forms: tuple[str, str, str]) -> str:
    if n == 1:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


_UNITS: Final[Mapping[str, Mapping[str, tuple[str, str, str]]]] = {
    "ru": {"minute": ("минуту", "минуты", "минут"), "hour": ("час", "часа", "часов"), "day": ("день", "дня", "дней")},
    "uk": {"minute": ("хвилину", "хвилини", "хвилин"), "hour": ("годину", "години", "годин"), "day": ("день", "дні", "днів")},
    "pl": {"minute": ("minutę", "minuty", "minut"), "hour": ("godzinę", "godziny", "godzin"), "day": ("dzień", "dni", "dni")},
    "en": {"minute": ("minute", "minutes", "minutes"), "hour": ("hour", "hours", "hours"), "day": ("day", "days", "days")},
}


def _count(lang: str, n: int, unit: str) -> str:
    forms = _UNITS[lang][unit]
    if lang == "en":
        word = forms[0] if n == 1 else forms[1]
    elif lang == "pl":
        word = _polish_plural(n, forms)
    else:
        word = _slavic_plural(n, forms)
    return f"{n} {word}"


def _elapsed(lang: str, delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return _count(lang, max(5, minutes - minutes % 5), "minute")
    if minutes < 48 * 60:
        return _count(lang, minutes // 60, "hour")
    return _count(lang, minutes // (24 * 60), "day")


def _fmt_date(lang: str, day: date, *, numeric: bool = False) -> str:
    if numeric:
        return f"{day.day}/{day.month}" if lang == "en" else f"{day.day:02d}.{day.month:02d}"
    if lang == "en":
        return f"{_MONTHS['en'][day.month - 1]} {day.day}"
    return f"{day.day} {_MONTHS[lang][day.month - 1]}"


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _last_sunday(year: int, month: int) -> int:
    """Day of the last Sunday of a 31-day month."""
    return 31 - (date(year, month, 31).weekday() - 6) % 7


def _utc_offset(market: str, at: datetime) -> timedelta:
    if market == "ru":
        return timedelta(hours=3)
    year = at.year
    summer = datetime(year, 3, _last_sunday(year, 3), 1, tzinfo=UTC) <= at < datetime(year, 10, _last_sunday(year, 10), 1, tzinfo=UTC)
    return timedelta(hours=(1 if market == "pl" else 0) + (1 if summer else 0))


def _local(market: str, at: datetime) -> datetime:
    """``at`` on the wall clocks of the market (Moscow, Warsaw, London)."""
    return at.astimezone(timezone(_utc_offset(market, at)))


def _latin(text: str, lang: str) -> str:
    if lang == "ru":
        return "".join(_RU_LATIN.get(c, _RU_LATIN.get(c.lower(), c)) for c in text)
    if lang == "uk":
        return "".join(_UK_LATIN.get(c, _UK_LATIN.get(c.lower(), c)) for c in text)
    return text.translate(_PL_ASCII)


def _slug(text: str, lang: str, sep: str = "_") -> str:
    return re.sub(r"[^a-z0-9]+", sep, _latin(text.lower(), lang)).strip(sep)


def _feminine(surname: str, lang: str) -> str:
    if lang == "ru":
        if surname.endswith(("ский", "цкий")):
            return surname[:-2] + "ая"
        if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
            return surname + "а"
    if lang == "pl" and surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


def _typo(text: str, rng: random.Random) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text
    word = rng.choice(words)
    i = rng.randrange(word.start() + 1, word.end() - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


# ---------------------------------------------------------------------------------------------
# The generator.
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Author:
    id: str
    name: str
    first: str  # how an agent greets them; "" for nicknames
    handle: str
    gender: int
    followers: int


@dataclass(slots=True)
class _Msg:
    created: datetime
    at: datetime
    seq: int
    text: str
    parent: _Msg | None
    number: int = 0
    external_id: str = ""


@dataclass(slots=True)
class _Act:
    kind: StepKind
    at: datetime
    seq: int
    text: str | None = None


@dataclass(slots=True)
class _Thread:
    lang: str
    market: str
    source: str
    account: str
    addressing: str
    category: str
    author: _Author
    product: _Product
    agent: _Agent
    facts: dict[str, str]  # as the customer writes them
    agent_facts: dict[str, str]  # as the agent writes them
    window: str = ""
    post: int = 0
    chat: str = ""
    shortcode: str = ""
    msgs: list[_Msg] = field(default_factory=list)
    acts: list[_Act] = field(default_factory=list)
    used: set[str] = field(default_factory=set)


class _Demo:
    def __init__(self, rng: random.Random, now: datetime, target: int) -> None:
        self.rng = rng
        self.now = now
        self.target = target
        self.threads: list[_Thread] = []
        self.items = 0
        self.seq = 0
        self.per_lang = dict.fromkeys(("ru", "pl", "en", "uk"), 0)
        self.item_texts: set[str] = set()
        self.reply_texts: set[str] = set()
        self.decks: dict[tuple[str, str], list[int]] = {}
        self.handles: set[str] = set()
        self.author_ids: set[tuple[str, str]] = set()
        self.nicks: set[str] = set()
        self.orders: set[str] = set()

    # -- choices ------------------------------------------------------------------------------

    def weighted(self, options: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def minutes(self, low: float, high: float) -> timedelta:
        """A log-uniform duration: short waits are common, long ones possible."""
        return timedelta(minutes=low * (high / low) ** self.rng.random())

    def pick_lang(self) -> str:
        if self.per_lang["uk"] < max(1, self.target // 45) and self.rng.random() < 0.04:
            return "uk"
        low = min(self.per_lang[lang] for lang in ("ru", "pl", "en"))
        return self.rng.choice([lang for lang in ("ru", "pl", "en") if self.per_lang[lang] == low])

    def pick_kind(self, lang: str, *, support_only: bool = False) -> tuple[str, str, str]:
        """A source, an addressing and a topic that fit together."""
        while True:
            source = self.weighted(_SOURCES[lang])
            addressing = self.weighted(_ADDRESSING[source])
            if support_only and addressing in ("review", "brand_mention"):
                continue
            if addressing == "review":
                pool: Sequence[tuple[str, int]] = _REVIEWS
            elif addressing == "brand_mention":
                pool = _MENTIONS
            else:
                pool = [(c, w) for c, w in _SUPPORT if not (c == "spam" and (source == "email" or support_only))]
            pool = [(c, w) for c, w in pool if c in _ITEMS[lang]]
            if pool:
                return source, addressing, self.weighted(pool)

    def pick_agent(self, lang: str) -> _Agent:
        team = [a for a in _AGENTS if lang in a.langs]
        return self.rng.choices(team, weights=[a.weight for a in team])[0]

    def template(self, lang: str, category: str) -> str:
        """Templates of a kind come in shuffled rounds, so all of them get used."""
        options = _ITEMS[lang][category]
        deck = self.decks.get((lang, category))
        if not deck:
            deck = list(range(len(options)))
            self.rng.shuffle(deck)
            self.decks[(lang, category)] = deck
        return options[deck.pop()]

    def start_time(self, market: str) -> datetime:
        """When a thread starts: within the last ten days, more often recently and by day."""
        for _ in range(1000):
            recentness: float = self.rng.random() ** 1.5  # ages bunch up near now
            at = self.now - _SPAN * recentness
            if self.rng.random() * 1.3 <= _HOUR_WEIGHT[_local(market, at).hour]:
                return at.replace(microsecond=0)
        return (self.now - timedelta(hours=1)).replace(microsecond=0)

    def working(self, market: str, at: datetime) -> datetime:
        """``at``, or the next morning when the team is off (08:00–23:00 local)."""
        local = _local(market, at)
        if 8 <= local.hour < 23:
            return at
        day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
        opening = datetime(day.year, day.month, day.day, 8, tzinfo=local.tzinfo).astimezone(UTC)
        return opening + timedelta(minutes=self.rng.randint(3, 80))

    # -- people -------------------------------------------------------------------------------

    def author(self, lang: str, market: str, source: str, *, spammer: bool) -> _Author:
        rng = self.rng
        gender = rng.randrange(2)
        first = ""
        latin_parts: list[str]
        nicks = [n for n in _NICKS[lang] if n[0] not in self.nicks]
        if spammer:
            name = rng.choice(_SPAMMERS[lang])
            latin_parts = [_slug(name, lang)]
        elif nicks and rng.random() < 0.1:
            name, gender = rng.choice(nicks)
            self.nicks.add(name)
            latin_parts = [_slug(name, lang)]
        else:
            name, first, latin_parts = self.person(lang, gender)
        handle = self.handle(latin_parts, source, market)
        while True:
            author_id = self.author_id(source, handle)
            if (source, author_id) not in self.author_ids:
                self.author_ids.add((source, author_id))
                break
        followers = 0 if source in ("email", "reviews") else self.followers(spammer=spammer)
        return _Author(author_id, name, first, handle, gender, followers)

    def person(self, lang: str, gender: int) -> tuple[str, str, list[str]]:
        """Display name, greeting name and Latin name parts of an ordinary customer."""
        rng = self.rng
        if lang == "en":
            first = rng.choice(_EN_FEMALE if gender else _EN_MALE)
            last = rng.choice(_EN_SURNAMES)
            style = rng.random()
            name = f"{first} {last}" if style < 0.62 else first if style < 0.78 else f"{first} {last[0]}."
            return name, first, [first.lower(), _slug(last, lang, "")]
        table = {
            "ru": (_RU_MALE, _RU_FEMALE, _RU_SURNAMES),
            "pl": (_PL_MALE, _PL_FEMALE, _PL_SURNAMES),
            "uk": (_UK_MALE, _UK_FEMALE, _UK_SURNAMES),
        }
        males, females, surnames = table[lang]
        full, short = rng.choice(females if gender else males)
        last = rng.choice(surnames)
        if gender:
            last = _feminine(last, lang)
        shown = short or full
        style = rng.random()
        if style < 0.5:
            name, first = f"{full} {last}", full
        elif style < 0.66:
            name, first = f"{shown} {last}", shown
        elif style < 0.78:
            name, first = shown, shown
        elif style < 0.88 and lang != "pl":
            first = _capitalize(_latin(full.lower(), lang))
            name = f"{first} {_capitalize(_latin(last.lower(), lang))}"
        else:
            name, first = f"{shown} {last[0]}.", shown
        return name, first, [_slug(shown, lang, ""), _slug(last, lang, "")]

    def handle(self, parts: list[str], source: str, market: str) -> str:
        rng = self.rng
        if len(parts) == 2:
            first, last = parts
            year = rng.randint(70, 99) if rng.random() < 0.5 else rng.randint(0, 12)
            base = rng.choice(
                (
                    f"{first}_{last}",
                    f"{first}.{last}",
                    f"{first}{last}{year:02d}",
                    f"{first[0]}{last}",
                    f"{last}_{first}",
                    f"{first}_{year:02d}",
                )
            )
        else:
            base = parts[0] or "user"
        if source == "email":
            base = base.replace("_", ".")
        while base in self.handles:
            base = f"{base}{rng.randint(1, 99)}"
        self.handles.add(base)
        if source == "email":
            return f"{base}@{rng.choice(_MAIL_DOMAINS[market])}"
        if source in ("facebook", "reviews"):
            return base.replace("_", ".") if source == "facebook" else base
        return f"@{base}"

    def author_id(self, source: str, handle: str) -> str:
        rng = self.rng
        ranges = {
            "telegram": (100_000_000, 7_999_999_999),
            "vk": (1_000_000, 899_999_999),
            "instagram": (1_000_000_000, 69_999_999_999),
            "x": (10**8, 1_850_000_000_000_000_000),
            "facebook": (100_000_000_000_000, 100_099_999_999_999),
        }
        if source == "email":
            return handle if (source, handle) not in self.author_ids else f"{rng.randint(1, 9)}{handle}"
        if source == "reviews":
            return f"u{rng.randint(10_000, 999_999)}"
        low, high = ranges[source]
        return str(rng.randint(low, high))

    def followers(self, *, spammer: bool) -> int:
        rng = self.rng
        if spammer:
            return rng.randint(40, 3_000)
        roll = rng.random()
        if roll < 0.035:
            return rng.randint(50_000, 420_000)
        if roll < 0.12:
            return rng.randint(5_000, 50_000)
        if roll < 0.35:
            return rng.randint(800, 5_000)
        return rng.randint(3, 800)

    # -- facts of a thread --------------------------------------------------------------------

    def facts(self, lang: str, market: str, product: _Product, start: datetime) -> tuple[dict[str, str], dict[str, str]]:
        rng = self.rng
        forms = product.forms[lang]
        local_start = _local(market, start)
        customer: dict[str, str] = {"p": forms.nom, "pa": forms.acc, "pg": forms.gen}
        street_no = rng.randint(1, 120)
        if market == "ru":
            city, in_city, city_gen = rng.choice(_RU_CITIES)
            street = rng.choice(_RU_STREETS)
            customer |= {
                "locker": f"постамат Volna Box на {street} {street_no}",
                "locker_loc": f"в постамате на {street} {street_no}",
                "locker_at": f"на {street} {street_no}",
                "locker_code": f"№{rng.randint(1000, 9999)}",
            }
        elif market == "pl":
            city, in_city, city_gen, prefix, uk_city, uk_in = rng.choice(_PL_CITIES)
            street = rng.choice(_PL_STREETS)
            code = f"{prefix}{rng.randint(1, 99):02d}{rng.choice('AMNK')}"
            customer |= {
                "locker": f"paczkomat {code}",
                "locker_loc": f"w paczkomacie {code} przy ul. {street} {street_no}",
                "locker_at": f"przy ul. {street} {street_no}",
                "locker_code": code,
            }
            if lang == "uk":
                city, in_city, city_gen = uk_city, uk_in, uk_city
                customer |= {"locker": f"пачкомат {code}", "locker_loc": f"у пачкоматі {code}", "locker_at": code}
        else:
            city = rng.choice(_EN_CITIES)
            in_city, city_gen = f"in {city}", city
            street = rng.choice(_EN_STREETS)
            customer |= {
                "locker": f"the Volna Box locker on {street}",
                "locker_loc": f"the locker on {street}",
                "locker_at": f"on {street}",
                "locker_code": f"VB-{rng.randint(100, 999)}",
            }
        customer |= {"city": city, "in_city": in_city, "city_gen": city_gen}

        while True:
            digits = {
                "ru": rng.randint(4_100_000, 4_899_999),
                "pl": rng.randint(20_100_000, 20_999_999),
                "en": rng.randint(100_000, 999_999),
            }[market]
            if str(digits) not in self.orders:
                self.orders.add(str(digits))
                break
        if market == "en":
            order = f"VN-{digits}"
            shown_order = rng.choice((order, f"#{digits}", f"VN{digits}", str(digits)))
        else:
            order = str(digits)
            shown_order = rng.choice(
                (order, f"#{order}", f"№{order}", f"№ {order}") if market == "ru" else (order, f"nr {order}", f"#{order}")
            )

        if market == "ru":
            price = product.rub
            amount = f"{_grouped(price)} ₽"
            shown_amount = rng.choice((amount, f"{price}р", f"{_grouped(price)} руб"))
        elif market == "pl":
            price = int(product.rub / 22) // 10 * 10 + 9
            amount = f"{_grouped(price)} zł"
            shown_amount = rng.choice((amount, f"{price} zł", f"{price}zł"))
        else:
            pounds = max(5, round(product.rub / 100)) - 1
            amount = f"£{_grouped(pounds).replace(' ', ',')}.99"
            shown_amount = rng.choice((amount, f"£{pounds + 1}"))

        numeric = rng.random() < 0.25
        ordered = local_start.date() - timedelta(days=rng.randint(3, 12))
        customer |= {
            "order": shown_order,
            "amount": shown_amount,
            "days": _count(lang, rng.randint(2, 9), "day"),
            "date": _fmt_date(lang, ordered, numeric=numeric),
            "promised": _fmt_date(lang, local_start.date() - timedelta(days=rng.randint(1, 3)), numeric=numeric),
            "today": _fmt_date(lang, local_start.date(), numeric=numeric),
            "soon": _fmt_date(lang, local_start.date() + timedelta(days=rng.randint(1, 4)), numeric=numeric),
            "courier": rng.choice(_COURIERS[lang]),
            "os": rng.choice(_OS),
            "appver": rng.choice(_APP_VERSIONS),
            "promo": rng.choice(_PROMOS[lang]),
        }
        agent = dict(customer) | {"order": order, "amount": amount, "date": _fmt_date(lang, ordered)}
        return customer, agent

    # -- threads ------------------------------------------------------------------------------

    def thread(
        self,
        *,
        lang: str,
        source: str,
        addressing: str,
        category: str,
        start: datetime,
        reply: bool | None = None,
        multi: bool = True,
        outage: tuple[datetime, datetime] | None = None,
    ) -> None:
        rng = self.rng
        market = "pl" if lang == "uk" else lang
        product = rng.choice(_PRODUCTS)
        facts, agent_facts = self.facts(lang, market, product, start)
        account = _MARKET_MAIL[market] if source == "email" else _MARKET_SITE[market] if source == "reviews" else _MARKET_ACCOUNT[market]
        th = _Thread(
            lang=lang,
            market=market,
            source=source,
            account=account,
            addressing=addressing,
            category=category,
            author=self.author(lang, market, source, spammer=category == "spam"),
            product=product,
            agent=self.pick_agent(lang),
            facts=facts,
            agent_facts=agent_facts,
            post=rng.randint(1_200, 9_800),
            chat=rng.choice(_PUBLIC_CHATS[lang]),
            shortcode=self.shortcode(),
        )
        if outage is not None:
            begin, end = (_local(market, t) for t in outage)
            th.window = {
                "ru": f"с {begin:%H:%M} до {end:%H:%M} по Москве",
                "pl": f"od {begin:%H:%M} do {end:%H:%M}",
                "en": f"from {begin:%H:%M} to {end:%H:%M} UK time",
            }[market]
        self.threads.append(th)

        count = 1
        if multi and category in _MULTI_OK and addressing != "review" and rng.random() < 0.55:
            count = rng.choice((2, 2, 2, 3, 3, 4))
        if reply is None:
            reply = self.wants_reply(category, start)
        after = 1 if reply and count > 1 and rng.random() < 0.5 else 0

        self.add_item(th, start, category)
        for i in range(count - 1 - after):
            kind = "fu_detail" if i == 0 and rng.random() < 0.4 else "fu_nudge"
            gap = self.minutes(2, 25) if kind == "fu_detail" else self.minutes(20, 480)
            created = (th.msgs[-1].created + gap).replace(microsecond=0)
            if created > self.now:
                break
            self.add_item(th, created, kind)

        last = th.msgs[-1].at
        reply_at = self.working(market, max(last, outage[1] if outage else last) + self.minutes(4, 300))
        if not reply or reply_at > self.now:
            self.leave_open(th, start)
            return
        if rng.random() < 0.15:
            self.act(th, "assign", last + (reply_at - last) * rng.uniform(0.2, 0.8))
        self.act(th, "reply", reply_at, self.reply_text(th, reply_at))
        closing_kind = ""
        if after:
            closing_kind = "fu_thanks" if rng.random() < 0.6 else "fu_still"
            created = (reply_at + self.minutes(10, 1200)).replace(microsecond=0)
            if created <= self.now:
                self.add_item(th, created, closing_kind)
            else:
                closing_kind = ""
        if closing_kind != "fu_still" and rng.random() < (0.85 if closing_kind else 0.55):
            latest = max(th.msgs[-1].at, th.acts[-1].at)
            resolve_at = self.working(market, latest + self.minutes(10, 1080))
            if resolve_at <= self.now:
                self.act(th, "resolve", resolve_at)

    def wants_reply(self, category: str, start: datetime) -> bool:
        rate = _REPLY_RATE.get(category, 0.42)
        age = self.now - start
        if age < timedelta(hours=1):
            rate *= 0.15
        elif age < timedelta(hours=3):
            rate *= 0.6
        return self.rng.random() < rate

    def leave_open(self, th: _Thread, start: datetime) -> None:
        """An unanswered thread: spam sometimes closed silently, a few others just assigned."""
        if th.category == "spam":
            if self.rng.random() < 0.5:
                at = self.working(th.market, start + self.minutes(5, 480))
                if at <= self.now:
                    self.act(th, "resolve", at)
        elif self.now - start > timedelta(minutes=20) and self.rng.random() < 0.12:
            at = th.msgs[-1].at + self.minutes(2, 150)
            if at <= self.now:
                self.act(th, "assign", at)

    def act(self, th: _Thread, kind: StepKind, at: datetime, text: str | None = None) -> None:
        th.acts.append(_Act(kind, at, self.next_seq(), text))

    def add_item(self, th: _Thread, created: datetime, kind: str) -> None:
        delay = (
            self.rng.randint(30, 300)
            if th.source == "reviews"
            else self.rng.randint(5, 60)
            if th.source == "email"
            else self.rng.randint(2, 45)
        )
        at = min(created + timedelta(seconds=delay), self.now)
        text = self.item_text(th, kind, created)
        th.msgs.append(_Msg(created, at, self.next_seq(), text, th.msgs[-1] if th.msgs else None))
        self.items += 1
        self.per_lang[th.lang] += 1

    # -- texts --------------------------------------------------------------------------------

    def item_text(self, th: _Thread, kind: str, created: datetime) -> str:
        rng = self.rng
        elapsed = created - th.msgs[0].created if th.msgs else timedelta(0)
        if kind == "fu_nudge" and elapsed >= timedelta(hours=1) and rng.random() < 0.6:
            kind = "fu_nudge_elapsed"
        forms = {"g": th.product.forms[th.lang].gender, "a": th.author.gender}
        counts = {"g": _FORM_COUNTS[th.lang], "a": 2}
        text, used = "", set[str]()
        for _ in range(40):
            values = dict(th.facts)
            values |= {key: rng.choice(options) for key, options in _EMOJI.items()}
            values |= {
                "acct": th.account if th.addressing == "direct" else "",
                "elapsed": _elapsed(th.lang, elapsed),
                "agent": th.agent.sign,
                "link": self.spam_link(),
            }
            text, used = _render(self.template(th.lang, kind), values, forms, counts)
            text = _tidy(text)
            if th.addressing == "direct" and th.account.startswith("@") and th.account not in text:
                text = f"{th.account} {text}"
            text = self.email(th, text) if th.source == "email" else self.roughen(text, th.lang, th.source, kind)
            if text not in self.item_texts:
                break
        suffixes = iter((" 🙏", "!!", " …", " 😕", "??", " 🙄", " 😑", "!!!"))
        base = text
        while text in self.item_texts:
            text = base + next(suffixes, f" ({len(self.item_texts)})")
        self.item_texts.add(text)
        th.used |= used
        return text

    def roughen(self, text: str, lang: str, source: str, kind: str) -> str:
        """How people actually type: ё as е, lower case, no diacritics, typos, CAPS."""
        rng = self.rng
        if lang == "ru" and rng.random() < 0.55:
            text = text.replace("ё", "е")
        if source == "reviews" or kind == "spam":
            return text
        roll = rng.random()
        if kind in _ANGRY and roll < 0.1:
            text = text.upper()
        elif kind != "insult" and roll < 0.22 and source in _CASUAL_SOURCES:
            text = text.lower()
        elif kind != "insult" and roll < 0.5:
            text = text[:1].lower() + text[1:]
        if lang == "pl" and rng.random() < 0.3:
            text = text.translate(_PL_ASCII)
        if rng.random() < 0.12:
            text = _typo(text, rng)
        if text.endswith(".") and not text.endswith("..") and rng.random() < 0.6:
            text = text[:-1]
        return text

    def email(self, th: _Thread, text: str) -> str:
        rng = self.rng
        if th.lang == "ru" and rng.random() < 0.3:
            text = text.replace("ё", "е")
        openings, closings = _EMAIL_WRAP[th.lang]
        parts = [rng.choice(openings)] if rng.random() < 0.85 else []
        parts.append(_capitalize(text))
        name = th.author.name
        parts.append(rng.choice(closings).replace("{name}", name).replace("{first}", th.author.first or name))
        return "\n\n".join(parts)

    def spam_link(self) -> str:
        rng = self.rng
        token = "".join(rng.choice(_LINK_CHARS) for _ in range(7))
        return rng.choice(
            (f"bit.ly/{token}", f"t.me/easy_money_{rng.randint(10, 99)}", f"tinyurl.com/{token}", f"free-gift-{rng.randint(100, 999)}.top")
        )

    def shortcode(self) -> str:
        return "".join(self.rng.choice(_SHORTCODE_CHARS) for _ in range(11))

    def known(self, th: _Thread) -> set[str]:
        """Facts the agent may name: what the customer said, and what their order reveals."""
        known = set(th.used)
        if "order" in known:
            known |= _ORDER_KEYS
        if known & _PRODUCT_KEYS:
            known |= _PRODUCT_KEYS
        if known & _LOCKER_KEYS:
            known |= _LOCKER_KEYS | _CITY_KEYS
        if known & _CITY_KEYS:
            known |= _CITY_KEYS
        return known | _AGENT_KEYS

    def reply_text(self, th: _Thread, at: datetime) -> str:
        rng = self.rng
        lang = th.lang
        pools = _REPLIES[lang]
        known = self.known(th)
        bodies = [b for b in pools.get(_REPLY_POOL.get(th.category, th.category), ()) if _usable(b, known)] or list(pools["generic"])
        local = _local(th.market, at)
        values = dict(th.agent_facts) | {
            "eta": self.eta(lang, local),
            "until": _fmt_date(lang, local.date() + timedelta(days=rng.randint(3, 14))),
            "offer": rng.choice(_OFFERS),
            "appver_new": rng.choice(("5.12.2", "5.13.1")),
            "window": th.window,
            "me": th.agent.sign,
        }
        forms = {"g": th.product.forms[lang].gender, "a": th.author.gender, "ag": th.agent.gender}
        counts = {"g": _FORM_COUNTS[lang], "a": 2, "ag": 2}
        separator = "\n\n" if th.source == "email" else " "
        text = ""
        for _ in range(30):
            body = _sentence_case(_render(_GUARD.sub("", rng.choice(bodies)), values, forms, counts)[0])
            greeting = self.greeting(th, local.hour)
            if separator == " " and greeting.endswith(","):
                greeting = greeting[:-1] + "!"
            parts = [greeting, body]
            if rng.random() < 0.85:
                parts.append(self.closing(th, local.hour))
            text = separator.join(parts)
            if text not in self.reply_texts:
                break
        while text in self.reply_texts:
            text += " 🙂"
        self.reply_texts.add(text)
        return text

    def greeting(self, th: _Thread, hour: int) -> str:
        table = _GREETINGS[th.lang]
        period = "morning" if 5 <= hour < 12 else "day" if hour < 18 else "evening"
        first = th.author.first
        if first and self.rng.random() < 0.92:
            options = [*table["name"], *table.get(f"name_{period}", ())]
            if th.source in _CASUAL_SOURCES:
                options += table.get("name_casual", ())
            return self.rng.choice(options).replace("{first}", first)
        return self.rng.choice([*table["anon"], *table.get(f"anon_{period}", ())])

    def closing(self, th: _Thread, hour: int) -> str:
        table = _CLOSINGS[th.lang]
        options = [*table["any"], *table["day" if hour < 17 else "evening"]]
        return self.rng.choice(options).replace("{me}", th.agent.sign)

    def eta(self, lang: str, local: datetime) -> str:
        rng = self.rng
        today, tomorrow = _DAY_WORDS[lang]
        if local.hour < 12 and rng.random() < 0.3:
            return f"{today} {_BY_EVENING[lang]}"
        ahead = rng.choice((1, 1, 1, 2, 3))
        day = tomorrow if ahead == 1 else _WEEKDAYS[lang][(local.weekday() + ahead) % 7]
        return f"{day} {rng.choice(_SLOTS_OF_DAY[lang])}"

    # -- the whole desk -----------------------------------------------------------------------

    def outage(self, size: int) -> None:
        """Payments and the app go down for an hour, about two days ago: a burst in every language."""
        rng = self.rng
        begin = (self.now - timedelta(days=2, minutes=rng.randint(0, 240))).replace(second=0, microsecond=0)
        end = begin + timedelta(minutes=rng.randint(52, 58))
        sources = {
            "ru": ("telegram", "vk", "x", "instagram", "telegram"),
            "pl": ("facebook", "x", "instagram", "facebook", "x"),
            "en": ("x", "instagram", "x", "facebook", "x"),
        }
        for i in range(size):
            lang = ("ru", "pl", "en")[i % 3]
            source = sources[lang][(i // 3) % 5]
            addressing = self.weighted([(a, w) for a, w in _ADDRESSING[source] if a != "review"])
            start = (begin + timedelta(minutes=rng.uniform(1, 50))).replace(microsecond=0)
            self.thread(
                lang=lang,
                source=source,
                addressing=addressing,
                category="outage",
                start=start,
                reply=rng.random() < 0.45,
                multi=False,
                outage=(begin, end),
            )

    def recent(self, size: int) -> None:
        """Fresh, unanswered conversations from the last hour: the desk is alive."""
        for _ in range(size):
            lang = self.pick_lang()
            source, addressing, category = self.pick_kind(lang, support_only=True)
            start = (self.now - timedelta(minutes=self.rng.uniform(1, 55))).replace(microsecond=0)
            self.thread(lang=lang, source=source, addressing=addressing, category=category, start=start, reply=False, multi=False)

    def fill(self) -> None:
        while self.items < self.target:
            lang = self.pick_lang()
            source, addressing, category = self.pick_kind(lang)
            self.thread(
                lang=lang, source=source, addressing=addressing, category=category, start=self.start_time("pl" if lang == "uk" else lang)
            )

    def ensure_big_accounts(self, wanted: int = 3) -> None:
        social = [th for th in self.threads if th.source not in ("email", "reviews") and th.category != "spam"]
        big = [th for th in social if th.author.followers >= 50_000]
        for th in self.rng.sample(social, min(len(social), max(0, wanted - len(big)))):
            th.author.followers = self.rng.randint(50_000, 300_000)

    def steps(self) -> list[DemoStep]:
        rng = self.rng
        messages = sorted(((m, th) for th in self.threads for m in th.msgs), key=lambda pair: (pair[0].at, pair[0].seq))
        counters: dict[str, int] = {}
        for message, th in messages:
            prefix, first, low, high = _IDS[th.source]
            counters[th.source] = counters.get(th.source, first + rng.randint(0, high * 20)) + rng.randint(low, high)
            message.number = counters[th.source]
            message.external_id = f"{prefix}{message.number}"
        ordered: list[tuple[datetime, int, DemoStep]] = []
        for th in self.threads:
            thread_id = th.msgs[0].external_id
            ordered.extend(
                (message.at, message.seq, DemoStep("item", message.at, th.source, self.payload(th, message), thread_id))
                for message in th.msgs
            )
            ordered.extend(
                (act.at, act.seq, DemoStep(act.kind, act.at, th.source, {}, thread_id, agent_email=th.agent.email, text=act.text))
                for act in th.acts
            )
        ordered.sort(key=lambda entry: (entry[0], entry[1]))
        return [step for _, _, step in ordered]

    def payload(self, th: _Thread, message: _Msg) -> dict[str, object]:
        author = th.author
        payload: dict[str, object] = {
            "external_id": message.external_id,
            "author": {"id": author.id, "name": author.name, "handle": author.handle},
            "text": message.text,
            "created_at": message.created.isoformat(),
            "addressing": th.addressing,
        }
        if message.parent is not None:
            payload["parent_external_id"] = message.parent.external_id
        payload |= {
            "account": th.account,
            "url": self.url(th, message),
            "author_followers": author.followers,
            "language": th.lang,
        }
        return payload

    def url(self, th: _Thread, message: _Msg) -> str:
        pattern = _URLS.get((th.source, th.addressing)) or _URLS[(th.source, "*")]
        return pattern.format(
            n=message.number,
            author=th.author.id,
            handle=th.author.handle.lstrip("@"),
            chat=th.chat,
            channel=th.account.lstrip("@"),
            post=th.post,
            shortcode=th.shortcode,
            own_shortcode=self.shortcode(),
            site=_MARKET_SITE[th.market],
            slug=th.product.slug,
        )


def generate_demo(*, seed: int = 7, now: datetime, items: int = 360) -> list[DemoStep]:
    """The demo desk's history up to ``now``: at least ``items`` customer items, with replies.

    Deterministic for a given ``seed``, ``now`` and ``items``; steps are sorted by ``at`` and
    nothing (neither ``at`` nor an item's ``created_at``) is later than ``now``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if items < 0:
        raise ValueError("items must not be negative")
    rng = random.Random(seed)  # noqa: S311 - seeded on purpose: the demo must be reproducible
    demo = _Demo(rng, now.astimezone(UTC), items)
    if items >= 240:
        outage, recent = 15, 8
    else:
        outage, recent = (items // 16 if items >= 48 else 0), items // 30
    demo.outage(outage)
    demo.recent(recent)
    demo.fill()
    demo.ensure_big_accounts()
    return demo.steps()
