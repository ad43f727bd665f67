"""Tone: official and polite — never blame, argue, mock, get personal or shout (P7).

Rules and what they look for (ru, pl and en lexicons in :mod:`otklik.guards.lexicon`):

- ``blame``: the fault put on the customer ("вы сами виноваты", "to Pana wina",
  "you should have read");
- ``argue``: arguing or defending the company ("это не так", "nie mamy sobie nic do
  zarzucenia", "we did nothing wrong");
- ``sarcasm``: mockery dressed as politeness ("ну конечно", "gratulujemy", "good luck with
  that", 🙄);
- ``personal``: remarks about the person ("успокойтесь", "tacy jak Pan", "calm down");
- ``shouting``: words in capitals (``GuardConfig.shouting_min_words`` or more, known
  abbreviations aside) or three exclamation marks in a row;
- ``address``: the brand's chosen address broken — ты-forms (pronouns, common verbs) when
  it chose Вы; when it chose ты, вы/вас/вам in any case and a capitalised Ваш… or
  Напишите… inside a sentence (in lower case those can speak to several people); in
  Polish, informal forms (pronouns, common verbs, -łeś/-łaś) when it chose Pan/Pani, and
  Pan/Pani/Państwo when it chose ty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from otklik.guards.context import GuardConfig, ReplyContext
from otklik.guards.findings import Finding, Guard, Span
from otklik.guards.lexicon import ACRONYMS, PL_PAN, PL_TY, PL_TY_ENDINGS, RU_TY, RU_VY, RU_VY_PRONOUNS, SARCASM_EMOJI, TONE
from otklik.guards.phrases import PhraseBook
from otklik.guards.text import Token, TokenKind, sentence_starts, tokenize

_BOOK = PhraseBook(TONE)
_BANGS = re.compile(r"!{3,}|(?:!+\?+|\?+!+){2,}[!?]*")

_MESSAGES = {
    "blame": "Puts the fault on the customer. On social media the customer is right: admit what went wrong and fix it.",
    "argue": "Argues or defends the company. Don't argue in public: acknowledge, explain how it will be fixed.",
    "sarcasm": "Reads as sarcastic. Keep an official, polite tone.",
    "personal": "A remark about the person, not the problem. Never get personal.",
    "shouting": "Shouting (capitals or exclamation marks). Keep an even, polite tone.",
}


def check_tone(text: str, context: ReplyContext, *, config: GuardConfig) -> tuple[Finding, ...]:
    """The tone findings for ``text``, one per rule, each with the words that triggered it."""
    tokens = tokenize(text)
    words = [t for t in tokens if t.kind is TokenKind.WORD]
    spans_by_code: dict[str, list[Span]] = {}
    phrases_by_code: dict[str, list[str]] = {}
    for hit in _BOOK.find([t.norm for t in words]):
        first, last = words[hit.first], words[hit.last]
        spans_by_code.setdefault(hit.phrase.code, []).append(Span(first.start, last.end, text[first.start : last.end]))
        phrases_by_code.setdefault(hit.phrase.code, []).append(hit.phrase.text)
    for emoji in SARCASM_EMOJI:
        at = text.find(emoji)
        if at >= 0:
            spans_by_code.setdefault("sarcasm", []).append(Span(at, at + len(emoji), emoji))
            phrases_by_code.setdefault("sarcasm", []).append(emoji)
    shouting = _shouting(text, words, config)
    if shouting:
        spans_by_code["shouting"] = shouting
    findings = [
        Finding(Guard.TONE, code, _MESSAGES[code], tuple(spans), {"rules": phrases_by_code.get(code, [])})
        for code in ("blame", "argue", "sarcasm", "personal", "shouting")
        if (spans := spans_by_code.get(code))
    ]
    address = _address(text, words, context)
    if address is not None:
        findings.append(address)
    return tuple(findings)


def _shouting(text: str, words: Sequence[Token], config: GuardConfig) -> list[Span]:
    """Words in capitals (enough of them, or three in a row) and runs of exclamation marks."""
    loud = [t for t in words if t.shouted and t.norm not in ACRONYMS]
    spans = [Span(t.start, t.end, t.raw) for t in loud] if len(loud) >= config.shouting_min_words else []
    if not spans:
        run: list[Token] = []
        for t in words:
            capitals = len(t.raw) >= 2 and t.raw.isupper() and t.norm not in ACRONYMS
            run = [*run, t] if capitals else []
            if len(run) >= 3:
                spans = [Span(run[0].start, run[-1].end, text[run[0].start : run[-1].end])]
                break
    spans += [Span(m.start(), m.end(), m.group()) for m in _BANGS.finditer(text)]
    return sorted(spans, key=lambda s: s.start)


def _address(text: str, words: Sequence[Token], context: ReplyContext) -> Finding | None:
    """A breach of the brand's chosen address, if any."""
    choice = context.address
    if choice is None:
        return None
    if context.language == "ru":
        if choice == "vy":
            breach = [t for t in words if t.norm in RU_TY]
            expected = "Вы"
        else:
            starts = sentence_starts(text, words)
            breach = [t for i, t in enumerate(words) if t.norm in RU_VY_PRONOUNS or (t.norm in RU_VY and t.capitalised and i not in starts)]
            expected = "ты"
    elif context.language == "pl":
        if choice == "pan":
            breach = [t for t in words if t.norm in PL_TY or t.raw.lower().endswith(PL_TY_ENDINGS)]
            expected = "Pan/Pani"
        else:
            breach = [t for t in words if t.norm in PL_PAN]
            expected = "ty"
    else:
        return None
    if not breach:
        return None
    return Finding(
        Guard.TONE,
        "address",
        f"The brand addresses customers with “{expected}”; this reply does not.",
        tuple(Span(t.start, t.end, text[t.start : t.end]) for t in breach),
        {"address": choice, "words": [t.raw for t in breach]},
    )
