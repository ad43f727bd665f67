"""A deterministic, multilingual demo desk for a fictional retailer, "Volna".

Each scene is one customer's thread: what they write (one to three messages), how it reached
the brand, and — for some — the personal reply an agent gave. Slots ({order}, {product},
{city}…) are filled per thread, so no two threads read the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

StepKind = Literal["item", "reply", "resolve", "assign", "ignore"]


@dataclass(frozen=True, slots=True)
class DemoStep:
    """One thing that happens in the demo, at its time."""

    kind: StepKind
    at: datetime
    source: str
    payload: dict[str, object]
    thread: str
    agent_email: str | None = None
    text: str | None = None


#: (e-mail, display name, role, team)
DEMO_AGENTS: tuple[tuple[str, str, str, str], ...] = (
    ("demo@otklik.local", "Dana Demo", "admin", "Care EN"),
    ("olga@volna.example", "Ольга Кузнецова", "agent", "Care RU"),
    ("igor@volna.example", "Игорь Белов", "agent", "Care RU"),
    ("kasia@volna.example", "Katarzyna Wójcik", "agent", "Care PL"),
    ("tomek@volna.example", "Tomasz Lis", "agent", "Care PL"),
    ("sam@volna.example", "Sam Porter", "agent", "Care EN"),
)
_AGENTS_BY_LANG = {
    "ru": ("olga@volna.example", "igor@volna.example"),
    "pl": ("kasia@volna.example", "tomek@volna.example"),
    "en": ("sam@volna.example", "demo@otklik.local"),
}


@dataclass(frozen=True, slots=True)
class Scene:
    """A kind of thread: messages with slots, how it arrived, and an optional reply."""

    messages: tuple[str, ...]
    addressing: str
    reply: str | None = None
    resolve: bool = False
    sources: tuple[str, ...] = ("telegram", "vk", "instagram", "x", "facebook")
    outage: bool = False
    ignore: str | None = None  # why an agent leaves it unanswered (insults, spam)


@dataclass(frozen=True, slots=True)
class Lang:
    """Everything language-specific: people, places, products, accounts, scenes."""

    names: tuple[str, ...]
    cities: tuple[str, ...]
    products: tuple[str, ...]
    accounts: tuple[str, ...]
    scenes: tuple[Scene, ...] = field(default_factory=tuple)


RU = Lang(
    names=(
        "Анна Смирнова",
        "Дмитрий Орлов",
        "Мария Иванова",
        "Сергей Петров",
        "Екатерина Соколова",
        "Алексей Морозов",
        "Ольга Лебедева",
        "Никита Волков",
        "Юлия Зайцева",
        "Павел Козлов",
        "Ирина Новикова",
        "Артём Фёдоров",
    ),
    cities=("Москве", "Казани", "Питере", "Екатеринбурге", "Новосибирске", "Самаре"),
    products=("наушники Volna Buds", "робот-пылесос R7", "смарт-часы W2", "чайник K-10", "колонку Volna Mini", "ноутбук Air 14"),
    accounts=("@volna_shop", "@volna_help"),
    scenes=(
        Scene(
            ("Где мой заказ #{order}?? уже неделю жду {angry}", "ну и? ответа так и нет"),
            "direct",
            "{first}, простите за ожидание. Заказ #{order} застрял на сортировке в {city}, сегодня его передали курьеру — привезут завтра до 14:00. Я слежу за ним лично.",
            True,
        ),
        Scene(
            ("Привет! Можно вернуть {product}, если коробку уже выкинул?",),
            "dm",
            "{first}, да, можно: коробка не обязательна. Принесите {product} в любой пункт выдачи в {city} с чеком или номером заказа #{order} — деньги вернутся за 3 дня.",
            True,
            ("telegram", "vk"),
        ),
        Scene(
            ("Курьер нахамил и бросил коробку у двери. {product} теперь гремит внутри {angry}",),
            "comment",
            "{first}, это недопустимо, извините. Мы уже связались со службой доставки по заказу #{order}. Заменим {product} без возврата старого — курьер привезёт новый в удобное вам время.",
            False,
        ),
        Scene(
            ("Спасибо Волне, {product} пришли на день раньше {happy}",),
            "direct",
            "{first}, спасибо, что написали! Рады, что {product} доехали раньше срока — пусть служат долго.",
            True,
        ),
        Scene(
            ("С карты списали два раза за заказ {order}!!! ВЕРНИТЕ ДЕНЬГИ", "скрин выписки в лс отправил"),
            "direct",
            "{first}, вижу двойное списание по заказу {order} — это наша ошибка. Второй платёж уже отменён, банк вернёт деньги в течение 1–3 дней. Простите за беспокойство.",
            True,
        ),
        Scene(("купил {product} в волне, посмотрим как себя покажет",), "brand_mention", None),
        Scene(
            ("кто-нибудь брал {product} в Волне? норм или брак?",),
            "brand_mention",
            "{first}, добрый день! Если подскажете, для чего выбираете {product}, поможем сравнить с похожими моделями — и расскажем про гарантию 2 года.",
            False,
        ),
        Scene(
            ("Приложение вылетает при оплате, айфон 13, уже третий раз {angry}",),
            "dm",
            "{first}, спасибо, что сообщили модель телефона. Ошибку при оплате на iOS нашли, исправление выйдет сегодня вечером. Пока можно оплатить на сайте — заказ сохранится.",
            True,
            ("telegram", "vk", "email"),
        ),
        Scene(("вы там все тупые что ли",), "comment", None, ignore="оскорбление без сути"),
        Scene(("Заработок от 5000₽ в день без вложений!!! пишите в лс",), "comment", None, ignore="спам"),
        Scene(
            ("Подскажите, работает ли пункт выдачи на Ленина в {city} в воскресенье?",),
            "direct",
            "{first}, да, пункт на Ленина в {city} работает в воскресенье с 10 до 20. Ваш заказ #{order} там уже ждёт.",
            True,
        ),
        Scene(("{product} не включается после обновления. Что делать?", "пробовал сбросить — не помогает"), "dm", None),
        Scene(
            ("Отличный сервис, оператор Ольга всё решила за 5 минут {happy}",),
            "review",
            "{first}, спасибо за тёплые слова — обязательно передадим Ольге!",
            True,
            ("reviews",),
        ),
        Scene(("Ужасно. Заказ {order} отменили без объяснений, деньги не вернули.",), "review", None, False, ("reviews",)),
        Scene(("не могу войти в приложение, пишет ошибка 503 {angry}",), "direct", None, False, ("telegram", "vk", "x"), True),
    ),
)

PL = Lang(
    names=(
        "Anna Kowalska",
        "Piotr Nowak",
        "Zofia Wiśniewska",
        "Łukasz Wójcik",
        "Magdalena Kamińska",
        "Jakub Lewandowski",
        "Agnieszka Zielińska",
        "Michał Szymański",
        "Karolina Dąbrowska",
        "Tomasz Woźniak",
        "Ewa Kaczmarek",
        "Paweł Mazur",
    ),
    cities=("Krakowie", "Warszawie", "Gdańsku", "Wrocławiu", "Poznaniu", "Łodzi"),
    products=("słuchawki Volna Buds", "odkurzacz R7", "smartwatch W2", "czajnik K-10", "głośnik Volna Mini", "laptop Air 14"),
    accounts=("@volna_pl", "Volna Polska"),
    scenes=(
        Scene(
            ("Paczka {order} nie dotarła do paczkomatu w {city}, co jest grane? {angry}", "halo?? nadal nic"),
            "direct",
            "Pani/Panie {first}, przepraszamy za zwłokę. Paczka {order} utknęła w sortowni, dziś trafiła do kuriera — jutro do 12:00 będzie w paczkomacie w {city}.",
            True,
        ),
        Scene(
            ("Czy mogę zwrócić {product} bez paragonu?",),
            "dm",
            "{first}, tak — wystarczy numer zamówienia {order}. {product} można oddać w każdym punkcie w {city}, pieniądze wrócą w 3 dni robocze.",
            True,
            ("facebook", "instagram"),
        ),
        Scene(
            ("Kurier rzucił paczką, {product} przyszedł pęknięty {angry}",),
            "comment",
            "{first}, bardzo nam przykro. Wymienimy {product} z zamówienia {order} od ręki — kurier odbierze uszkodzony i przywiezie nowy w jednej wizycie.",
            False,
        ),
        Scene(
            ("Dziękuję za szybką dostawę, {product} super {happy}",),
            "direct",
            "{first}, dziękujemy! Cieszymy się, że {product} dotarł szybko. Miłego używania!",
            True,
        ),
        Scene(
            ("pobraliscie mi 2 razy platnosc za zamowienie {order}!!!", "bank potwierdza"),
            "dm",
            "{first}, potwierdzamy podwójne obciążenie za zamówienie {order} — to nasz błąd. Drugą płatność już anulowaliśmy, bank zwróci środki w 1–3 dni.",
            True,
        ),
        Scene(("kupilem {product} w Volnie, zobaczymy jak wytrzyma",), "brand_mention", None),
        Scene(
            ("Ktoś ma {product} z Volny? Warto?",),
            "brand_mention",
            "Dzień dobry {first}! Chętnie pomożemy wybrać — napisz, do czego ma służyć {product}, a podpowiemy też o 2-letniej gwarancji.",
            False,
        ),
        Scene(
            ("Aplikacja się wiesza przy płatności BLIKiem {angry}",),
            "dm",
            "{first}, dziękujemy za zgłoszenie. Błąd z BLIKiem już naprawiamy, poprawka będzie dziś wieczorem. Do tego czasu płatność działa na stronie — koszyk się zachowa.",
            True,
            ("facebook", "email"),
        ),
        Scene(("wszyscy tam jesteście idioci",), "comment", None, ignore="obelga bez treści"),
        Scene(("ZARABIAJ 500 zł DZIENNIE!!! link w bio",), "comment", None, ignore="spam"),
        Scene(
            ("Czy punkt odbioru na Floriańskiej w {city} jest czynny w sobotę?",),
            "direct",
            "{first}, tak, punkt na Floriańskiej w {city} działa w sobotę 9–17. Zamówienie {order} już tam czeka.",
            True,
        ),
        Scene(("{product} nie łączy się z telefonem po aktualizacji", "reset nie pomógł"), "dm", None),
        Scene(
            ("Świetna obsługa, pani Kasia rozwiązała problem w 5 minut {happy}",),
            "review",
            "{first}, dziękujemy za miłe słowa — przekażemy Kasi!",
            True,
            ("reviews",),
        ),
        Scene(("Tragedia. Zamówienie {order} anulowane bez słowa, pieniędzy brak.",), "review", None, False, ("reviews",)),
        Scene(("aplikacja nie działa, błąd 503 przy logowaniu {angry}",), "direct", None, False, ("facebook", "x", "instagram"), True),
    ),
)

EN = Lang(
    names=(
        "Emily Clarke",
        "James Walker",
        "Olivia Bennett",
        "Harry Wilson",
        "Sophie Turner",
        "Jack Robinson",
        "Grace Mitchell",
        "Liam Hughes",
        "Chloe Evans",
        "Noah Price",
        "Mia Collins",
        "Ethan Shaw",
    ),
    cities=("London", "Manchester", "Leeds", "Bristol", "Dublin", "Glasgow"),
    products=("Volna Buds headphones", "R7 robot vacuum", "W2 smartwatch", "K-10 kettle", "Volna Mini speaker", "Air 14 laptop"),
    accounts=("@volna_shop", "@volna_help"),
    scenes=(
        Scene(
            ("@volna_shop where is my order {order}?? been waiting a week {angry}", "still nothing..."),
            "direct",
            "{first}, sorry for the wait. Order {order} got stuck at our {city} depot; it left with the courier today and arrives tomorrow before 2 pm. I'm keeping an eye on it.",
            True,
        ),
        Scene(
            ("Can I return the {product} if I threw away the box?",),
            "dm",
            "{first}, yes — no box needed. Bring the {product} to any pickup point in {city} with order number {order}; the refund lands within 3 days.",
            True,
            ("instagram", "facebook", "email"),
        ),
        Scene(
            ("courier literally threw the parcel, {product} arrived cracked {angry}",),
            "comment",
            "{first}, that's not OK, I'm sorry. We'll swap the {product} from order {order} right away — the courier collects the broken one and brings a new one in the same visit.",
            False,
        ),
        Scene(
            ("shoutout to @volna_shop, my {product} came a day early {happy}",),
            "direct",
            "{first}, thanks for the shoutout! Glad the {product} beat the schedule — enjoy it.",
            True,
        ),
        Scene(
            ("YOU CHARGED ME TWICE for order {order}!!! refund now", "bank statement sent in DM"),
            "direct",
            "{first}, you're right — order {order} was charged twice, our mistake. The second payment is cancelled and your bank will return it within 1–3 days. Sorry for the worry.",
            True,
        ),
        Scene(("just got a {product} from Volna, we'll see how it holds up",), "brand_mention", None),
        Scene(
            ("anyone tried the {product} from Volna? worth it?",),
            "brand_mention",
            "Hi {first}! Happy to help you choose — tell us what you need the {product} for and we'll compare it with similar models (2-year warranty included).",
            False,
        ),
        Scene(
            ("app keeps crashing at checkout on my Pixel 8 {angry}",),
            "dm",
            "{first}, thanks for telling us the phone model. We found the checkout crash on Android; the fix ships tonight. Meanwhile the website checkout keeps your basket.",
            True,
            ("x", "email"),
        ),
        Scene(("you people are clowns",), "comment", None, ignore="insult, nothing to act on"),
        Scene(("Make $$$ from home!!! DM me for the secret 💰💰",), "comment", None, ignore="spam"),
        Scene(
            ("Is the pickup point on High St in {city} open on Sunday?",),
            "direct",
            "{first}, yes — the High St point in {city} is open Sunday 10–6, and order {order} is waiting there.",
            True,
        ),
        Scene(("my {product} won't turn on after the update", "tried a reset, no luck"), "dm", None),
        Scene(
            ("Brilliant service, Sam sorted my issue in 5 minutes {happy}",),
            "review",
            "{first}, thank you — we'll pass that on to Sam!",
            True,
            ("reviews",),
        ),
        Scene(("Terrible. Order {order} cancelled with no explanation and no refund.",), "review", None, False, ("reviews",)),
        Scene(("is the Volna app down? getting error 503 on login {angry}",), "direct", None, False, ("x", "instagram"), True),
    ),
)

LANGS: dict[str, Lang] = {"ru": RU, "pl": PL, "en": EN}
_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "ą": "a",
        "ć": "c",
        "ę": "e",
        "ł": "l",
        "ń": "n",
        "ó": "o",
        "ś": "s",
        "ź": "z",
        "ż": "z",
        " ": "_",
    }
)
_ANGRY = ("😡", "🤬", "😤", "!!!", "😠", "")
_HAPPY = ("🙌", "❤️", "👍", "😊", "🔥", "")


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots).strip()


def generate_demo(*, seed: int = 7, now: datetime, items: int = 360) -> list[DemoStep]:
    """The demo's steps, sorted by time, none after ``now``; the same for the same seed."""
    rng = random.Random(seed)
    steps: list[DemoStep] = []
    used_replies: set[str] = set()  # the demo practises what it preaches: no reply twice
    counter = 0
    thread_no = 0
    while counter < items:
        lang_code = ("ru", "pl", "en")[thread_no % 3]
        lang = LANGS[lang_code]
        regular = [s for s in lang.scenes if not s.outage]
        outage_thread = thread_no % 24 in (5, 13, 21)
        scene = rng.choice([s for s in lang.scenes if s.outage]) if outage_thread else regular[thread_no // 3 % len(regular)]
        thread_no += 1
        name = rng.choice(lang.names)
        first = name.split()[0]
        slots = {
            "order": str(rng.randint(10000, 99999)),
            "product": rng.choice(lang.products),
            "city": rng.choice(lang.cities),
            "angry": rng.choice(_ANGRY),
            "happy": rng.choice(_HAPPY),
            "first": first,
        }
        source = rng.choice(scene.sources)
        account = rng.choice(lang.accounts)
        handle = "@" + name.lower().translate(_TRANSLIT)
        if outage_thread:
            start = now - timedelta(days=2, minutes=rng.randint(0, 50))
        else:
            # More recent threads are likelier, as on a living desk.
            start = now - timedelta(minutes=int(rng.random() ** 2 * 10 * 24 * 60) + 3)
        author_id = f"{source}-{lang_code}-{thread_no}"
        previous: str | None = None
        first_id: str | None = None
        at = start
        for index, template in enumerate(scene.messages):
            if index and rng.random() < 0.5:
                break  # many people write only once
            counter += 1
            external_id = f"{source[:2]}-{100000 + counter}"
            first_id = first_id or external_id
            body: dict[str, object] = {
                "external_id": external_id,
                "author": {"id": author_id, "name": name, "handle": handle},
                "text": _fill(template, slots),
                "created_at": at.isoformat(),
                "addressing": scene.addressing,
                "account": account,
                "url": f"https://{source}.example/{account.strip('@').replace(' ', '')}/{external_id}",
                "author_followers": rng.choice((12, 48, 130, 420, 980, 2300, 57000)),
                "language": lang_code,
            }
            if previous:
                body["parent_external_id"] = previous
            steps.append(DemoStep("item", at, source, body, first_id))
            previous = external_id
            at = min(now, at + timedelta(minutes=rng.randint(5, 240)))
        assert first_id is not None  # noqa: S101 - every scene has a message
        reply_text = _fill(scene.reply, slots) if scene.reply else None
        # A living desk: what came in days ago has mostly been answered; today's is fresh.
        answered = rng.random() < (0.95 if now - at > timedelta(hours=20) else 0.35)
        if scene.ignore and answered and at + timedelta(minutes=30) < now:
            steps.append(
                DemoStep(
                    "ignore",
                    at + timedelta(minutes=30),
                    source,
                    {},
                    first_id,
                    agent_email=rng.choice(_AGENTS_BY_LANG[lang_code]),
                    text=scene.ignore,
                )
            )
        elif reply_text and reply_text not in used_replies and not outage_thread and answered:
            agent = rng.choice(_AGENTS_BY_LANG[lang_code])
            reply_at = at + timedelta(minutes=rng.randint(3, 180))
            if reply_at < now:
                used_replies.add(reply_text)
                steps.append(DemoStep("reply", reply_at, source, {}, first_id, agent_email=agent, text=reply_text))
                if scene.resolve and reply_at + timedelta(hours=2) < now:
                    steps.append(DemoStep("resolve", reply_at + timedelta(hours=2), source, {}, first_id, agent_email=agent))
        elif not outage_thread and rng.random() < 0.2 and at + timedelta(minutes=10) < now:
            steps.append(
                DemoStep("assign", at + timedelta(minutes=10), source, {}, first_id, agent_email=rng.choice(_AGENTS_BY_LANG[lang_code]))
            )
    steps.sort(key=lambda s: (s.at, s.kind != "item"))
    return steps
