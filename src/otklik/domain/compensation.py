"""Compensation: the gestures a brand offers when an answer is late (P4) or goes beyond duty (P19).

A policy is a short list the brand decides in advance — a voucher, a discount, an upgrade,
a personal note… Each gesture has a stable ``code`` (stored with the reply), a label in
every language the desk answers in, and an optional ``value`` ("500 ₽", "15 %").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Every gesture must read naturally in these languages.
REQUIRED_LANGUAGES = ("ru", "pl", "en")
#: Longest free note an agent adds to a gesture (the code given, the courier's name…).
MAX_NOTE_CHARS = 500

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True, slots=True)
class Gesture:
    """One gesture of the policy: its code, its label per language and an optional value."""

    code: str
    labels: Mapping[str, str]
    value: str | None = None

    def label(self, language: str) -> str:
        """The label in ``language``, else in English."""
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True, slots=True)
class CompensationPolicy:
    """The gestures on offer, in the order the composer shows them."""

    gestures: tuple[Gesture, ...] = field(default_factory=tuple)

    def get(self, code: str) -> Gesture | None:
        """The gesture with this code, or None."""
        return next((g for g in self.gestures if g.code == code), None)

    def choices(self, language: str) -> tuple[tuple[str, str], ...]:
        """``(code, label)`` pairs in ``language``, for a picker."""
        return tuple((g.code, g.label(language)) for g in self.gestures)


def parse_policy(data: object) -> CompensationPolicy:
    """A policy from its plain form (``{"gestures": [{"code", "labels", "value"}]}``).

    Raises ``ValueError`` naming the gesture and field that is wrong.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("gestures"), list):
        raise ValueError("a compensation policy is a mapping with a 'gestures' list")
    gestures: list[Gesture] = []
    for index, raw in enumerate(data["gestures"]):
        where = f"gestures[{index}]"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: a gesture is a mapping with code, labels and an optional value")
        code = raw.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            raise ValueError(f"{where}: code must be lower-case letters, digits and _ (at most 40), not {code!r}")
        if any(g.code == code for g in gestures):
            raise ValueError(f"{where}: the code {code!r} is used twice")
        labels = raw.get("labels")
        if not isinstance(labels, Mapping):
            raise ValueError(f"{where} ({code}): labels must map a language to its text")
        missing = [lang for lang in REQUIRED_LANGUAGES if not isinstance(labels.get(lang), str) or not labels[lang].strip()]
        if missing:
            raise ValueError(f"{where} ({code}): a label is missing for {', '.join(missing)}")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
            raise ValueError(f"{where} ({code}): every label is text")
        value = raw.get("value")
        if value is not None and not isinstance(value, str | int | float):
            raise ValueError(f"{where} ({code}): value must be text or a number")
        unknown = sorted(set(raw) - {"code", "labels", "value"})
        if unknown:
            raise ValueError(f"{where} ({code}): unknown field {', '.join(unknown)}")
        gestures.append(Gesture(code=code, labels={k: v.strip() for k, v in labels.items()}, value=None if value is None else str(value)))
    return CompensationPolicy(tuple(gestures))


def clean_note(note: str | None) -> str | None:
    """An agent's note on a gesture, trimmed (None when empty); ``ValueError`` when too long."""
    if note is None or not note.strip():
        return None
    if len(note.strip()) > MAX_NOTE_CHARS:
        raise ValueError(f"a compensation note may have at most {MAX_NOTE_CHARS} characters")
    return note.strip()
