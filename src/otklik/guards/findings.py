"""What a guard found in a draft, and where: findings carry evidence, never bare booleans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

#: Where a span points: the draft, or one of the customer's messages.
Source = Literal["draft", "customer"]


class Guard(StrEnum):
    """The guards, by the names configuration and reports use."""

    SCRIPTED = "scripted"  # near-duplicate of the brand's past replies (P5)
    PERSONAL = "personal"  # addresses this person's specifics (P5)
    TONE = "tone"  # blame, argument, sarcasm, personal remarks, shouting, address (P7)
    EMPATHY = "empathy"  # a complaint is acknowledged, a compliment thanked (P5, P8)
    LANGUAGE = "language"  # the customer's language
    LENGTH = "length"  # fits the channel's limit
    LATE = "late"  # a late answer apologises and offers a gesture (P4)


class Severity(StrEnum):
    """What a finding does to sending: nothing, ask for acknowledgement, or stop it."""

    HINT = "hint"
    WARN = "warn"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text: ``text[start:end]`` of the draft or of customer message ``message``."""

    start: int
    end: int
    text: str
    source: Source = "draft"
    message: int = 0  # index into ``ReplyContext.messages`` when ``source == "customer"``

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"start": self.start, "end": self.end, "text": self.text, "source": self.source, "message": self.message}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a guard found; severity comes later, from the brand's configuration.

    ``code`` names the rule (``blame``, ``near_duplicate``…), ``message`` says it to the agent,
    ``spans`` point at the words, ``details`` hold figures (similarity, counts, limits).
    """

    guard: Guard
    code: str
    message: str
    spans: tuple[Span, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``guard.code``, as configuration overrides name it."""
        return f"{self.guard.value}.{self.code}"

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "guard": self.guard.value,
            "code": self.code,
            "message": self.message,
            "spans": [s.as_dict() for s in self.spans],
            "details": dict(self.details),
        }
