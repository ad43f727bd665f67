"""Builders for guard tests: a reply context with realistic defaults and a tiny language stub."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from otklik.guards import ReplyContext

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

_STOPWORDS = {
    "pl": {"jest", "się", "nie", "dzień", "dobry", "przepraszamy", "paczka", "pan", "pani", "czy", "dziękujemy", "że", "już"},
    "en": {"the", "is", "and", "your", "we", "you", "sorry", "thanks", "it", "to", "will", "for", "be"},
}


def stub_detect(text: str) -> str:
    """Script first, then a few stopwords: enough to tell ru/uk/pl/en apart in tests."""
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text) + sum(c in "ąćęłńóśźż" for c in text.lower())
    if cyrillic == latin == 0:
        return "other"
    if cyrillic > latin:
        return "uk" if any(c in "іїєґ" for c in text.lower()) else "ru"
    words = {w.strip(".,!?;:").lower() for w in text.split()}
    if any(c in "ąćęłńśźż" for c in text.lower()):
        return "pl"
    pl, en = len(words & _STOPWORDS["pl"]), len(words & _STOPWORDS["en"])
    return "pl" if pl > en else "en" if en else "other"


def make_context(customer: str = "Заказ 48213 так и не приехал, курьер не позвонил", **overrides: Any) -> ReplyContext:
    """A context for a Russian complaint on VK unless told otherwise."""
    fields: dict[str, Any] = {
        "messages": (customer,),
        "language": "ru",
        "kind": "complaint",
        "channel": "vk",
        "now": NOW,
        "length_limit": 4096,
        "customer_name": "Ольга",
        "address": "vy",
    }
    if overrides.get("language", "ru") != "ru" and "address" not in overrides:
        fields["address"] = None  # "vy" is a Russian choice
    fields.update(overrides)
    return ReplyContext(**fields)
