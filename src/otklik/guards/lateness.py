"""Late: an answer past the acceptable time apologises and offers a gesture (P4, P19).

A missed appeal is answered anyway, with an apology and a compensation — the one the
brand's policy offers for it (``ReplyContext.gesture``) when there is one, else any
recognisable gesture (a discount, a code, a refund, points…).
"""

from __future__ import annotations

from otklik.guards.context import ReplyContext
from otklik.guards.empathy import acknowledgements
from otklik.guards.findings import Finding, Guard
from otklik.guards.lexicon import STOPWORDS
from otklik.guards.text import TokenKind, shares_stem, tokenize


def check_late(text: str, context: ReplyContext) -> tuple[Finding, ...]:
    """Findings for a late reply that lacks its apology or its gesture (none when not late)."""
    if not context.late:
        return ()
    found = acknowledgements(text)
    findings: list[Finding] = []
    if not found.get("apology"):
        findings.append(Finding(Guard.LATE, "no_apology", "This answer is late: apologise for the wait."))
    if not _offers_gesture(text, context.gesture, bool(found.get("gesture"))):
        offer = f" (the policy offers: {context.gesture})" if context.gesture else ""
        findings.append(
            Finding(Guard.LATE, "no_gesture", f"This answer is late: offer a gesture{offer}.", details={"gesture": context.gesture})
        )
    return tuple(findings)


def _offers_gesture(text: str, gesture: str | None, lexicon_hit: bool) -> bool:
    """The policy's gesture is mentioned (a number or a content word of it), or any gesture when none is set."""
    if not gesture:
        return lexicon_hit
    wanted = tokenize(gesture)
    reply = tokenize(text)
    reply_words = [t.norm for t in reply if t.kind is TokenKind.WORD]
    reply_digits = {t.digits for t in reply if t.kind is TokenKind.NUMBER}
    for token in wanted:
        if token.kind is TokenKind.NUMBER and token.digits in reply_digits:
            return True
        content = token.kind is TokenKind.WORD and len(token.norm) >= 4 and token.norm not in STOPWORDS
        if content and any(shares_stem(token.norm, w) for w in reply_words):
            return True
    return lexicon_hit and not any(t.kind is TokenKind.NUMBER for t in wanted)
