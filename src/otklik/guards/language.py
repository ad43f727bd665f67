"""Language: the reply is in the customer's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from otklik.guards.context import ReplyContext
from otklik.guards.findings import Finding, Guard, Span

#: A language detector: text → ``ru``, ``pl``, ``en``, ``uk`` or ``other``.
Detector = Callable[[str], str]

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"[^\W\d_]{2,}")


def default_detector() -> Detector:
    """Triage's language detector."""
    from otklik.triage.language import detect_language

    return detect_language


def check_language(text: str, context: ReplyContext, *, detect: Detector) -> tuple[Finding, ...]:
    """The reply's language against the customer's, as a whole and sentence by sentence.

    Nothing is said when the customer's language is unknown (``other``) or the reply has no
    words to tell by. A reply in another language is ``wrong_language``; a reply in the
    right one with sentences of at least four words in another (a canned English sign-off
    under a Polish answer) is ``mixed_language``.
    """
    wanted = context.language
    if wanted in ("", "other"):
        return ()
    found = detect(text)
    if found not in ("other", wanted):
        return (
            Finding(
                Guard.LANGUAGE,
                "wrong_language",
                f"The customer writes in {wanted}; this reply reads as {found}.",
                details={"expected": wanted, "detected": found},
            ),
        )
    strays: list[Span] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if len(_WORD.findall(sentence)) >= 4:
            lang = detect(sentence)
            if lang not in ("other", wanted):
                start = match.start() + match.group().index(sentence)
                strays.append(Span(start, start + len(sentence), sentence))
    if strays:
        return (
            Finding(
                Guard.LANGUAGE,
                "mixed_language",
                f"Part of the reply is not in {wanted}.",
                tuple(strays),
                {"expected": wanted},
            ),
        )
    return ()
