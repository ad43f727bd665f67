"""Scripted: is the draft a near-duplicate of the brand's past replies? (P5)

Answers that look automatic are worse than none. A draft is scripted when, once its
variable parts are masked (names, numbers, dates, amounts, handles, links), its character
5-grams overlap a past reply's with a Jaccard similarity of at least
``GuardConfig.scripted_threshold``: sending one template to another person with only the
name or the order number changed is the same text. A saved reply may start a draft; what
is judged is what is finally sent, so a template plus the person's own circumstances in a
few sentences of its own falls below the threshold.

Short replies are not judged. "Спасибо!", "Dziękujemy za opinię 💙" or "Thanks, passing
this to the team!" are meant to be said again and again, carry no circumstances to
personalise, and at that length any two polite replies share most of their 5-grams, so a
verdict would be noise that teaches agents to ignore the warning. A draft is informative
from ``min_informative_words`` unmasked words and ``min_informative_chars`` unmasked
letters (6 and 40 by default: about one full sentence); the personal and empathy guards
still look at the short ones.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from otklik.guards.context import GuardConfig, ReplyContext
from otklik.guards.findings import Finding, Guard, Span
from otklik.guards.index import Masked, QueryResult, ReplyIndex, mask

#: Shared stretches of at least this many characters are shown as evidence.
_MIN_SHARED = 12


@dataclass(frozen=True, slots=True)
class ScriptedCheck:
    """The scripted guard's result: the index's answer and the finding, if any."""

    findings: tuple[Finding, ...]
    informative: bool
    result: QueryResult | None

    @property
    def scripted(self) -> bool:
        """Whether the draft was found to be a near-duplicate."""
        return bool(self.findings)


def informative(masked: Masked, config: GuardConfig) -> bool:
    """Whether a masked text is long enough to be judged (see the module's docstring)."""
    return masked.informative_words >= config.min_informative_words and masked.informative_chars >= config.min_informative_chars


def check_scripted(text: str, context: ReplyContext, *, index: ReplyIndex | None, config: GuardConfig) -> ScriptedCheck:
    """Compare ``text`` with the brand's past replies in ``index`` (skipped when there is none)."""
    masked = mask(text, context.names)
    if not informative(masked, config):
        return ScriptedCheck((), False, None)
    if index is None:
        return ScriptedCheck((), True, None)
    result = index.query_masked(masked, context.now, windows_days=config.windows_days, threshold=config.scripted_threshold)
    if result.best < config.scripted_threshold:
        return ScriptedCheck((), True, result)
    closest = result.closest[0]
    short, long = config.windows_days
    counts = f"{result.recent.get(short, 0)} in the last {short} days, {result.recent.get(long, 0)} in the last {long}"
    when = closest.sent_at.date().isoformat()
    finding = Finding(
        Guard.SCRIPTED,
        "near_duplicate",
        f"Reads like a template: {closest.similarity:.0%} the same as a reply sent on {when} "
        f"(near-identical replies: {counts}). Say it in your own words, for this person.",
        shared_spans(text, closest.text),
        {
            "similarity": closest.similarity,
            "reply_id": closest.reply_id,
            "sent_at": closest.sent_at.isoformat(),
            "recent": dict(result.recent),
            "capped": result.capped,
            "closest": [{"reply_id": m.reply_id, "similarity": m.similarity, "text": m.text} for m in result.closest],
        },
    )
    return ScriptedCheck((finding,), True, result)


def shared_spans(draft: str, past: str) -> tuple[Span, ...]:
    """The stretches of ``draft`` that also stand in ``past`` (case aside), as evidence."""
    matcher = difflib.SequenceMatcher(None, _lowered(draft), _lowered(past), autojunk=False)
    return tuple(
        Span(block.a, block.a + block.size, draft[block.a : block.a + block.size])
        for block in matcher.get_matching_blocks()
        if block.size >= _MIN_SHARED
    )


def _lowered(text: str) -> str:
    """Lower case, one character for one, so positions stay those of ``text``."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)
