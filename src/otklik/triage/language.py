"""Which language a message is in: ru, pl, en, uk, or other.

Social posts are short and messy, so a general detector alone guesses wrong on them
("privet gde moj zakaz" looks Serbian to it, "nie dziala" may look Slovak). The script and
each language's most frequent short words decide first — Russian and Ukrainian written in
Latin letters and Polish without diacritics included — and ``py3langid`` (its model ships
in the wheel, loaded on first use) only settles what those cannot.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from otklik.triage.cache import BoundedCache
from otklik.triage.result import LANGUAGES, OTHER, Evidence, Span
from otklik.triage.text import Token, TokenType, fold, tokenize

_RU = frozenset(
    [
        "и",
        "в",
        "не",
        "что",
        "это",
        "как",
        "у",
        "меня",
        "мне",
        "вы",
        "вас",
        "ваш",
        "ваша",
        "ваше",
        "ваши",
        "уже",
        "еще",
        "ещё",
        "когда",
        "почему",
        "где",
        "очень",
        "пожалуйста",
        "спасибо",
        "здравствуйте",
        "привет",
        "есть",
        "нет",
        "но",
        "чтобы",
        "этот",
        "эта",
        "от",
        "для",
        "так",
        "только",
        "сейчас",
        "сегодня",
        "вчера",
        "можно",
        "нужно",
        "надо",
        "был",
        "была",
        "было",
        "были",
        "будет",
        "деньги",
        "заказ",
        "уже",
        "почему",
        "зачем",
        "опять",
        "снова",
        "все",
        "всё",
        "кто",
        "мой",
        "моя",
        "мое",
        "мои",
        "я",
        "он",
        "она",
        "они",
        "мы",
        "это",
        "ни",
        "ничего",
        "который",
        "какой",
        "почему",
        "сколько",
        "ну",
        "блин",
        "чё",
        "че",
        "щас",
        "вообще",
        "просто",
        "даже",
        "если",
        "до",
        "на",
        "за",
        "по",
        "из",
        "с",
        "к",
        "о",
        "подскажите",
        "скажите",
    ]
)
_UK = frozenset(
    [
        "і",
        "й",
        "що",
        "це",
        "як",
        "у",
        "мене",
        "мені",
        "ви",
        "вас",
        "ваш",
        "ваша",
        "ваше",
        "ваші",
        "вже",
        "ще",
        "коли",
        "чому",
        "де",
        "дуже",
        "будь",
        "ласка",
        "дякую",
        "добрий",
        "вітаю",
        "є",
        "немає",
        "але",
        "щоб",
        "цей",
        "ця",
        "від",
        "для",
        "так",
        "тільки",
        "зараз",
        "сьогодні",
        "вчора",
        "можна",
        "потрібно",
        "треба",
        "був",
        "була",
        "було",
        "були",
        "буде",
        "гроші",
        "замовлення",
        "знову",
        "все",
        "хто",
        "мій",
        "моя",
        "моє",
        "мої",
        "я",
        "він",
        "вона",
        "вони",
        "ми",
        "ніхто",
        "нічого",
        "який",
        "скільки",
        "навіть",
        "якщо",
        "чи",
        "до",
        "на",
        "за",
        "по",
        "з",
        "із",
        "к",
        "о",
        "підкажіть",
        "скажіть",
    ]
)
_PL = frozenset(
    fold(w)
    for w in [
        # Function words and the desk's everyday nouns, with or without diacritics.
        "przez",
        "przed",
        "po",
        "za",
        "dla",
        "ten",
        "ta",
        "te",
        "tego",
        "tej",
        "tym",
        "tych",
        "który",
        "która",
        "które",
        "którzy",
        "wszyscy",
        "wszystko",
        "nic",
        "nikt",
        "też",
        "czyli",
        "wy",
        "oni",
        "jego",
        "jej",
        "ich",
        "nam",
        "nas",
        "być",
        "był",
        "była",
        "będę",
        "jesteśmy",
        "jesteście",
        "macie",
        "ma",
        "mają",
        "mogę",
        "możecie",
        "muszę",
        "chcę",
        "gdy",
        "jeśli",
        "jeżeli",
        "albo",
        "lub",
        "oraz",
        "bez",
        "pod",
        "przy",
        "kto",
        "ktoś",
        "coś",
        "jakie",
        "jaki",
        "jaka",
        "ile",
        "tu",
        "tam",
        "dwie",
        "raz",
        "razy",
        "dziś",
        "jutro",
        "rano",
        "pieniądze",
        "kasa",
        "paczka",
        "paczkę",
        "kurier",
        "dostawa",
        "dostawę",
        "reklamacja",
        "reklamacji",
        "infolinia",
        "dalej",
        "nadal",
        "xd",
        "xdd",
        "xddd",
        "beka",
        "spoko",
        "nie",
        "jest",
        "się",
        "sie",
        "czy",
        "jak",
        "już",
        "juz",
        "mam",
        "mnie",
        "moje",
        "mój",
        "moja",
        "proszę",
        "prosze",
        "dziękuję",
        "dziekuje",
        "dzięki",
        "dzieki",
        "co",
        "że",
        "ze",
        "na",
        "w",
        "z",
        "do",
        "od",
        "ale",
        "bo",
        "tak",
        "jeszcze",
        "kiedy",
        "gdzie",
        "dlaczego",
        "zamówienie",
        "zamowienie",
        "działa",
        "dziala",
        "było",
        "bylo",
        "wam",
        "was",
        "wasz",
        "wasza",
        "państwo",
        "panstwo",
        "pan",
        "pani",
        "czemu",
        "mi",
        "tylko",
        "jestem",
        "są",
        "sa",
        "będzie",
        "bedzie",
        "można",
        "mozna",
        "trzeba",
        "dzień",
        "dzien",
        "witam",
        "dobry",
        "kurwa",
        "serio",
        "wczoraj",
        "dzisiaj",
        "teraz",
        "znowu",
        "żeby",
        "zeby",
        "bardzo",
        "może",
        "moze",
        "polecam",
        "obsługa",
        "obsluga",
    ]
)
_EN = frozenset(
    [
        "the",
        "is",
        "and",
        "to",
        "my",
        "you",
        "your",
        "it",
        "i",
        "for",
        "of",
        "in",
        "on",
        "not",
        "this",
        "that",
        "was",
        "have",
        "why",
        "what",
        "when",
        "where",
        "how",
        "are",
        "can",
        "please",
        "pls",
        "plz",
        "thanks",
        "thank",
        "u",
        "ur",
        "with",
        "no",
        "just",
        "do",
        "don't",
        "dont",
        "still",
        "me",
        "we",
        "our",
        "they",
        "them",
        "there",
        "been",
        "has",
        "had",
        "will",
        "would",
        "could",
        "should",
        "get",
        "got",
        "again",
        "hi",
        "hello",
        "hey",
        "am",
        "be",
        "an",
        "a",
        "at",
        "from",
        "but",
        "so",
        "if",
        "any",
        "anyone",
        "lol",
        "omg",
        "wtf",
        "lmao",
        "smh",
        "tbh",
        "ngl",
        "idk",
        "btw",
        "guys",
        "same",
        "yall",
        "y'all",
    ]
)
# Russian in Latin letters: the frequent words as people transliterate them.
_RU_LATIN = frozenset(
    [
        "ne",
        "eto",
        "chto",
        "shto",
        "kak",
        "gde",
        "kogda",
        "pochemu",
        "spasibo",
        "spasibki",
        "zakaz",
        "rabotaet",
        "uzhe",
        "uje",
        "mne",
        "menya",
        "vy",
        "vas",
        "vash",
        "vashe",
        "pozhaluysta",
        "pozhalujsta",
        "privet",
        "ochen",
        "davno",
        "dengi",
        "deneg",
        "nichego",
        "tolko",
        "seichas",
        "seychas",
        "segodnya",
        "vchera",
        "nu",
        "blin",
        "bylo",
        "byl",
        "est'",
        "est",
        "nado",
        "mozhno",
        "opyat",
        "vse",
        "vsyo",
        "kto",
        "moy",
        "moi",
        "moj",
        "ya",
        "on",
        "ona",
        "oni",
        "my",
        "zdravstvuyte",
        "zdravstvujte",
        "dobryy",
        "dobryj",
        "skolko",
        "tak",
        "i",
        "a",
        "no",
        "eshe",
        "eshche",
        "voobshe",
        "prosto",
        "chtoby",
        "nuzhno",
        "nuzhen",
        "zachem",
        "podskazhite",
        "skazhite",
        "kakoy",
        "kakoj",
        "kakaya",
        "kakie",
        "kakoe",
        "kuda",
        "pomogite",
        "srochno",
        "pishi",
        "pishite",
        "vam",
        "bolshoe",
        "vsem",
        "esli",
        "posle",
        "tozhe",
        "ili",
        "teper",
        "tebe",
        "tebya",
        "zhe",
        "uznat",
        "bylo",
        "proshlo",
        "obeshali",
        "rabotayut",
        "luchshie",
        # Shared with Polish: they only make a tie, which Polish-only words then break.
        "na",
        "bez",
        "za",
        "po",
        "do",
    ]
)
# Ukrainian in Latin letters, as people transliterate it (its own words: shared ones such
# as "vy" or "tak" vote for Russian, the more common of the two).
_UK_LATIN = frozenset(
    [
        "dyakuyu",
        "diakuiu",
        "dyakuju",
        "dyakuiu",
        "shcho",
        "shchob",
        "chomu",
        "koly",
        "vzhe",
        "shche",
        "tse",
        "yak",
        "yakshcho",
        "mozhna",
        "treba",
        "pidkazhit",
        "pidkazhit'",
        "znovu",
        "znov",
        "nemaye",
        "nema",
        "hroshi",
        "groshi",
        "zamovlennia",
        "zamovlennya",
        "bud'",
        "laska",
        "buv",
        "bula",
        "bulo",
        "buly",
        "mene",
        "meni",
        "tilky",
        "tilki",
        "sohodni",
        "vchora",
        "zaraz",
        "chy",
        "bilshe",
        "nichoho",
        "duzhe",
        "vsim",
        "pryishlo",
        "pryishla",
        "pratsiuie",
        "pratsiuiut",
        "dlia",
        "mii",
        "moie",
        "tut",
        "zh",
        # Shared with Polish and transliterated Russian, as there.
        "na",
        "bez",
        "za",
        "po",
        "do",
    ]
)
_RU_LETTERS = frozenset("ыэъ")
_UK_LETTERS = frozenset("іїєґ")
_PL_LETTERS = frozenset("ąćęłńśźż")  # not ó: Spanish and others have it too


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


class _Fallback:
    """``py3langid``, loaded once on first use (about a second)."""

    _lock = threading.Lock()
    _model: Any = None

    @classmethod
    def classify(cls, text: str, *, candidates: Sequence[str] = LANGUAGES) -> str:
        """The best of ``candidates`` unless another language is clearly better."""
        with cls._lock:
            if cls._model is None:
                import py3langid  # type: ignore[import-untyped]

                cls._model = py3langid
        ranked: list[tuple[str, float]] = cls._model.rank(text)
        top_code, top_score = ranked[0]
        # The best ranked of ours: the ranking is read only as far as that (it has ~100 languages).
        ours = next((entry for entry in ranked if entry[0] in candidates), None)
        if ours is None or top_score < -1e30:  # nothing it could score (e.g. "ok")
            return OTHER
        code, score = ours
        # Short posts get ranked as some small language next to ours; a clear gap per
        # character means the text really is in another language.
        if code == top_code or (top_score - score) / max(len(text), 1) < 0.6:
            return str(code)
        return OTHER


_Votes = tuple[bool, tuple[tuple[str, float], ...]]


def _votes(word: str) -> _Votes:
    """Whether a word is Cyrillic, and which languages it votes for."""
    votes: list[tuple[str, float]] = []
    if _is_cyrillic(word):
        letters = set(word)
        for lang, stop, marks in (("ru", _RU, _RU_LETTERS), ("uk", _UK, _UK_LETTERS)):
            # A letter only one of the two has is near proof: it outweighs three shared
            # short words ("ваш директор — жаба в краватці" is Ukrainian).
            hit = (word in stop) + 3.0 * bool(letters & marks)
            if hit:
                votes.append((lang, hit))
        return True, tuple(votes)
    marked = bool(set(word) & _PL_LETTERS)
    if marked or fold(word) in _PL:
        votes.append(("pl", 1.0 + marked))
    if word in _EN:
        votes.append(("en", 1.0))
    if word in _RU_LATIN:
        votes.append(("ru_latin", 1.0))
    if word in _UK_LATIN:
        votes.append(("uk_latin", 1.0))
    return False, tuple(votes)


# Words seen and how they vote.
_SEEN: BoundedCache[str, _Votes] = BoundedCache(_votes, 200_000)


def detect_language(text: str, *, hint: str | None = None) -> str:
    """The language of ``text``: ``ru``, ``pl``, ``en``, ``uk`` or ``other``.

    ``hint`` (the conversation's language, or one the platform sent) is used when the text
    alone does not tell, e.g. an emoji-only message.
    """
    return detect_with_evidence(tokenize(text), text, hint=hint)[0]


_WORD = TokenType.WORD  # bound once: enum attribute look-ups are slow on Python 3.11


def detect_with_evidence(tokens: Sequence[Token], text: str, *, hint: str | None = None) -> tuple[str, Evidence | None]:
    """The language and the evidence for it (the words that decided), from tokens."""
    scores = {"ru": 0.0, "uk": 0.0, "pl": 0.0, "en": 0.0, "ru_latin": 0.0, "uk_latin": 0.0}
    # The tokens that voted for each language; spans are made only for the winner's.
    voters: dict[str, list[Token]] = {"ru": [], "uk": [], "pl": [], "en": [], "ru_latin": [], "uk_latin": []}
    cyrillic = latin = 0
    known, seen = _SEEN.get, _SEEN  # see BoundedCache: a bound get, the subscript on a miss
    for token in tokens:
        if token.type is not _WORD:
            continue
        norm = token.norm
        is_cyrillic, votes = known(norm) or seen[norm]
        if is_cyrillic:
            cyrillic += 1
        else:
            latin += 1
        for lang, weight in votes:
            scores[lang] += weight
            voters[lang].append(token)
    if cyrillic == 0 and latin == 0:
        return (hint if hint in LANGUAGES else OTHER), None
    if cyrillic >= latin:
        ru, uk = scores["ru"], scores["uk"]
        if ru == uk == 0:
            guess = _Fallback.classify(text, candidates=("ru", "uk")) if cyrillic >= 3 else (hint if hint in ("ru", "uk") else "ru")
            return guess, Evidence(f"lang:{guess}", "language:model" if cyrillic >= 3 else "language:script")
        lang = "uk" if uk > ru else "ru"
        return lang, _new(Evidence, (f"lang:{lang}", "language:words", _spans(voters[lang], text), max(ru, uk)))
    best = max(_LATIN, key=scores.__getitem__)  # the first of equals, in the order of _LATIN
    if scores[best] == 0 or (latin >= 3 and scores[best] <= 1):
        guess = _Fallback.classify(text, candidates=("pl", "en"))
        if guess == OTHER and hint in LANGUAGES and latin <= 2:
            guess = str(hint)
        return guess, _new(Evidence, (f"lang:{guess}", "language:model", (), 1.0))
    lang = _TRANSLITERATED.get(best, best)
    rule = "language:transliterated" if best in _TRANSLITERATED else "language:words"
    return lang, _new(Evidence, (f"lang:{lang}", rule, _spans(voters[best], text), scores[best]))


_LATIN = ("pl", "en", "ru_latin", "uk_latin")
# The language each transliterated vote stands for.
_TRANSLITERATED = {"ru_latin": "ru", "uk_latin": "uk"}


def _spans(tokens: list[Token], text: str) -> tuple[Span, ...]:
    """The spans of the first five words that voted (what the evidence shows)."""
    return tuple([_new(Span, (start, end, text[start:end])) for _, _, start, end, _ in tokens[:5]])


# Builds a named tuple without its Python-level __new__ (every field given).
_new = tuple.__new__
