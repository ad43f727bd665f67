"""Items: what a person wrote that reached the brand. Immutable, never deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Addressing(StrEnum):
    """How an item reached the brand."""

    DIRECT = "direct"  # an @mention or a reply to one of our posts
    DM = "dm"
    COMMENT = "comment"  # on our post or page
    REVIEW = "review"
    BRAND_MENTION = "brand_mention"  # names the brand without addressing it (listening)


@dataclass(frozen=True, slots=True)
class Author:
    """The person who wrote an item, as the platform identifies them."""

    external_id: str
    name: str = ""
    handle: str = ""
    followers: int | None = None


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """An item as parsed from a channel, before it is stored."""

    source: str
    external_id: str
    author: Author
    text: str
    created_at: datetime
    addressing: Addressing
    account: str = ""
    parent_external_id: str | None = None
    thread_id: str | None = None
    url: str | None = None
    language: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Item:
    """A stored item. Immutable once stored; the platform's raw payload is kept beside it."""

    id: int
    conversation_id: int
    source: str
    external_id: str
    author: Author
    text: str
    created_at: datetime
    received_at: datetime
    addressing: Addressing
    account: str
    parent_external_id: str | None
    url: str | None
    language: str | None
    raw: dict[str, Any]


def thread_key(draft: ItemDraft) -> str:
    """The key that groups an item with others of the same person, account and thread.

    Items without a thread of their own share one conversation per (account, author):
    the conversation follows the customer, not the post (P16).
    """
    return draft.thread_id or ""
