"""Words of a draft or a customer's message: folded for comparison, with their places.

Two views of a text live here. :func:`tokenize` keeps every token's span, so a finding can
point at the words a person wrote. :func:`masked_words` is the fast view the scripted guard
hashes: the things that differ between two sends of one template (numbers, dates, amounts,
@handles, links, e-mail addresses, the customer's name, an agent's initials) become one
placeholder each, so "only the name or the order number changed" reads as the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

# ё→е and the Polish diacritics: people type both ways, and a reply must match either.
# (A chain of str.replace is several times faster than str.translate on Cyrillic text.)
_FOLD = (("ё", "е"), ("ą", "a"), ("ć", "c"), ("ę", "e"), ("ł", "l"), ("ń", "n"), ("ó", "o"), ("ś", "s"), ("ź", "z"), ("ż", "z"))

#: Placeholders in :func:`masked_words` (each is one "word" of the masked text).
NUMBER_MASK = "0"
HANDLE_MASK = "@"
URL_MASK = "/"
NAME_MASK = "$"
MASKS = frozenset({NUMBER_MASK, HANDLE_MASK, URL_MASK, NAME_MASK})


def fold(text: str) -> str:
    """``text`` case-folded, with ё→е and Polish letters without diacritics."""
    folded = text.casefold()
    for letter, plain in _FOLD:
        folded = folded.replace(letter, plain)
    return folded


def folded_words(block: str) -> frozenset[str]:
    """The folded, whitespace-separated words of ``block`` (how word lists are written)."""
    return frozenset(fold(w) for w in block.split())


class TokenKind(StrEnum):
    """What a token is."""

    WORD = "word"
    NUMBER = "number"  # anything with a digit: order numbers, dates, times, amounts, codes
    HANDLE = "handle"
    URL = "url"
    EMAIL = "email"


# One pass of one expression. A number may carry a letter prefix ("AB-12345", "PL123") and
# inner separators ("12.03.2024", "14:30", "1,5"), so a code is one token, not three. Words
# split at hyphens ("nut-free", "Wi-Fi", "какой-то"): their parts are what replies repeat.
_URL_RE = r"(?:https?://|www\.)\S+"
_EMAIL_RE = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_NUMBER_RE = r"[#№]?(?:[^\W\d_]+[-/]?)?\d\w*(?:[.,:/-]\d\w*)*"
_TOKEN = re.compile(
    rf"(?P<url>{_URL_RE})|(?P<email>{_EMAIL_RE})|(?P<handle>@\w+)|(?P<number>{_NUMBER_RE})|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
)


@dataclass(frozen=True, slots=True)
class Token:
    """A token and where it stands: ``text[start:end] == raw``; ``norm`` is folded."""

    kind: TokenKind
    raw: str
    norm: str
    start: int
    end: int

    @property
    def digits(self) -> str:
        """The digits of a number token ("№ 48-213" → "48213")."""
        return "".join(c for c in self.raw if c.isdigit())

    @property
    def capitalised(self) -> bool:
        """Starts with a capital letter (a name, a product, a place — or a sentence)."""
        return self.raw[:1].isupper()

    @property
    def shouted(self) -> bool:
        """Written in capitals, at least four letters of them."""
        letters = [c for c in self.raw if c.isalpha()]
        return len(letters) >= 4 and all(c.isupper() for c in letters)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, in order, with their spans."""
    return [
        Token(TokenKind(m.lastgroup or "word"), m.group(), fold(m.group()), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if m.lastgroup
    ]


def sentence_starts(text: str, tokens: Sequence[Token]) -> set[int]:
    """Indexes of the tokens that begin a sentence (capitals there say nothing about names)."""
    starts: set[int] = set()
    previous_end = 0
    for i, token in enumerate(tokens):
        gap = text[previous_end : token.start]
        if i == 0 or any(c in gap for c in ".!?\n:;") or gap.strip() in {"-", "—", "–", "•"}:
            starts.add(i)
        previous_end = token.end
    return starts


def shares_stem(a: str, b: str) -> bool:
    """Two folded words share a stem: the first min(5, shorter length − 1) letters, at least 3.

    Light stemming for ru, pl and en without a lemmatiser: заказ/заказу, paczka/paczkę,
    deliver/delivery. Words of three letters or fewer must be equal.
    """
    if a == b:
        return True
    k = min(5, len(a) - 1, len(b) - 1)
    return k >= 3 and a[:k] == b[:k]


# --- the masked view for near-duplicate hashing ---------------------------------------

_URL = re.compile(_URL_RE)
_EMAIL = re.compile(_EMAIL_RE)
_HANDLE = re.compile(r"@\w+")
# Digits and what sticks to them ("12.03.2024", "14:30", "500zł", "3pm"). A letter prefix
# ("AB-12345") stays a word of its own: the same in every send, so harmless, and matching
# it here would cost a scan of every word.
_DIGITS = re.compile(r"\d\w*(?:[.,:/-]\d\w*)*")
_CARET_SIGNATURE = re.compile(r"\^\s?\w{1,4}\b")  # "^AG"
_TAIL_SIGNATURE = re.compile(r"\s[-–—/*~]\s?[A-Z]{1,3}\s*$")  # "… -KC"
_WORD = re.compile(r"[^\W_]+|[@/$]")
_WORD_OR_STOP = re.compile(r"[^\W_]+|[@/$]|[.,!?;:—–-]")
_PUNCTUATION = frozenset(".,!?;:—–-")
# After these words a capitalised word is the person's name: "Здравствуйте, Анна!",
# "Dzień dobry Pani Anno", "Hi Sam,". Replies name people there even when the customer's
# name was not given, so it is masked. (After "добрый"/"dzień" comes "день"/"dobry" first.)
_GREETINGS = folded_words(
    """hi hello hey dear morning afternoon evening здравствуйте привет приветствуем день вечер утро
    уважаемый уважаемая dobry cześć witaj witamy witam hej szanowny szanowna drogi droga pani panie pan"""
)
_GREETING_OPENERS = frozenset({"добрый", "доброе", "dzien", "good"})
_MONTHS_AND_DAYS = folded_words(
    """январь января январе февраль февраля феврале март марта марте апрель апреля апреле май мая мае
    июнь июня июне июль июля июле август августа августе сентябрь сентября сентябре октябрь октября октябре
    ноябрь ноября ноябре декабрь декабря декабре понедельник вторник среда среду четверг пятница пятницу
    суббота субботу воскресенье понедельника вторника среды четверга пятницы субботы воскресенья
    styczeń stycznia luty lutego marzec marca kwiecień kwietnia maj maja czerwiec czerwca lipiec lipca
    sierpień sierpnia wrzesień września październik października listopad listopada grudzień grudnia
    poniedziałek poniedziałku wtorek wtorku środa środę środy czwartek czwartku piątek piątku sobota sobotę
    soboty niedziela niedzielę niedzieli january february march april june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug
    sep sept oct nov dec mon tue wed thu fri sat sun"""
)


def name_prefixes(names: Iterable[str]) -> tuple[str, ...]:
    """Folded stems of the words of people's names, for masking their inflected forms.

    "Анна" → "анн" (Анне, Анну), "Paweł" → "paw" (Pawle), "Tomasz" → "toma" (Tomaszu).
    """
    out: set[str] = set()
    for name in names:
        for part in _WORD.findall(fold(name.lstrip("@"))):
            if len(part) >= 3 and not part.isdigit():
                out.add(part[: max(3, len(part) - 2)])
    return tuple(sorted(out))


_SOFT_STOPS = frozenset({",", "-", "—", "–"})
_AFTER_OPENER = frozenset({"день", "вечер", "утро", "dobry", "morning", "afternoon", "evening"})


def _greeting_at(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` ends a greeting ("здравствуйте", "добрый день", "dzień dobry", "pani")."""
    word = words[i]
    if word not in _GREETINGS:
        return False
    return word not in _AFTER_OPENER or (i > 0 and words[i - 1] in _GREETING_OPENERS)


def _is_greeted_name(raw: list[str], words: list[str], i: int) -> bool:
    """Whether word ``i`` is a person's name by its place next to a greeting.

    After a greeting ("Здравствуйте, Анна", "Dzień dobry Pani Anno", "Hi Sam"), right after
    such a name with no punctuation between ("Анна Сергеевна"), or opening the text before
    a greeting ("Анна, добрый день").
    """
    if _greeting_at(words, i) or words[i] in _GREETING_OPENERS:
        return False
    j = i - 1
    while j >= 0 and words[j] in _SOFT_STOPS:
        j -= 1
    if j >= 0 and (_greeting_at(words, j) or (j == i - 1 and words[j] == NAME_MASK)):
        return True
    if i <= 1 and all(raw[k][:1].isupper() for k in range(i + 1)):
        k = i + 1
        while k < len(words) and (words[k] in _SOFT_STOPS or (k == i + 1 and raw[k][:1].isupper() and i == 0)):
            k += 1
        return k < len(words) and k > i + 1 and (words[k] in _GREETINGS or words[k] in _GREETING_OPENERS)
    return False


def masked_words(text: str, names: Sequence[str] = ()) -> list[str]:
    """The folded words of ``text`` with its variable parts masked.

    Numbers, dates (month and day names too), amounts and codes become ``0``; @handles and
    e-mail addresses ``@``; links ``/``; the customer's name (``names``, matched on stems)
    and a greeted name ``$``. Agents' initials are dropped. A run of one mask is one
    mask: "1 200,50 zł" and "35 zł" read alike.
    """
    s = text
    if "://" in s or "www." in s:
        s = _URL.sub(" / ", s)
    if "@" in s:
        s = _HANDLE.sub(" @ ", _EMAIL.sub(" @ ", s))
    if "^" in s:
        s = _CARET_SIGNATURE.sub(" ", s)
    s = s[:-12] + _TAIL_SIGNATURE.sub(" ", s[-12:])
    raw = _WORD_OR_STOP.findall(_DIGITS.sub(" 0 ", s))
    folded = fold(" ".join(raw)).split(" ") if raw else []
    prefixes = name_prefixes(names) if names else ()
    out: list[str] = []
    append = out.append
    for i, folded_word in enumerate(folded):
        if folded_word in _PUNCTUATION:
            continue  # only there to tell where a greeting ends
        word = folded_word
        if word in _MONTHS_AND_DAYS:
            word = NUMBER_MASK
        elif (prefixes and word.startswith(prefixes)) or (raw[i][0].isupper() and _is_greeted_name(raw, folded, i)):
            word = folded[i] = NAME_MASK
        if word in MASKS and out and out[-1] == word:
            continue
        append(word)
    return out
