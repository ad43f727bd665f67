"""The conversation timeline words every event kind for people, never as its raw name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from otklik.domain.events import Event, EventKind
from otklik.web.ui.present import describe_event

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def line(kind: EventKind, data: dict[str, object] | None = None) -> str:
    return describe_event(Event(kind=kind, actor="system", at=AT, data=dict(data or {})), {3: "Kasia"})


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (EventKind.ACTION_QUEUED, {"action": "like", "item_id": 4}, "like of the customer's message queued"),
        (EventKind.ACTION_QUEUED, {"action": "pin", "reply_id": 2}, "pinning our reply queued"),
        (EventKind.ACTION_DONE, {"action": "like", "item_id": 4}, "customer's message liked"),
        (EventKind.ACTION_DONE, {"action": "unpin", "reply_id": 2}, "our reply unpinned"),
        (EventKind.ACTION_FAILED, {"action": "pin", "reply_id": 2, "reason": "not our post"}, "pinning our reply failed: not our post"),
        (
            EventKind.CHANNEL_PAUSED,
            {"source": "volna_x", "until": "2026-11-20T08:15:00+00:00", "reason": "429 Too Many Requests"},
            "channel volna_x paused by the platform until 2026-11-20 08:15 UTC: 429 Too Many Requests",
        ),
        (
            EventKind.REPLY_QUEUED,
            {"reply_id": 1, "delivery": "manual", "reason": "X accepts an API reply only when…", "url": "https://x.com/a/status/1"},
            "reply handed to an agent to post by hand",
        ),
        (EventKind.REPLY_QUEUED, {"reply_id": 1, "delivery": "manual"}, "reply to post by hand"),
        (EventKind.REPLY_FAILED, {"reply_id": 1, "reason": "blocked by the user"}, "reply delivery failed: blocked by the user"),
        (
            EventKind.REPLY_FAILED,
            {"reply_id": 1, "reason": "timeout", "outcome": "unknown"},
            "reply delivery unclear: it may be on the platform already",
        ),
        (EventKind.SOURCE_ADDED, {"source": "volna_md", "kind": "mastodon"}, "channel volna_md (mastodon) connected"),
        (EventKind.BRAND_KEYWORDS_SET, {"keywords": ["Volna", "волн"]}, "brand keywords set: Volna, волн"),
        (
            EventKind.FOLLOWUP_SCHEDULED,
            {"followup_id": 1, "due_at": "2026-11-23T09:00:00+00:00"},
            "follow-up scheduled for 2026-11-23 09:00 UTC",
        ),
        (EventKind.FOLLOWUP_SKIPPED, {"followup_id": 1, "reason": "customer is happy"}, "follow-up skipped: customer is happy"),
        (EventKind.NOTICE_PUBLISHED, {"notice_id": 1, "source": "volna_tg"}, "off-hours notice posted and pinned on volna_tg"),
    ],
)
def test_event_kinds_read_naturally(kind: EventKind, data: dict[str, object], expected: str) -> None:
    assert line(kind, data) == expected


def test_every_event_kind_has_its_own_words() -> None:
    # These two read right as they are; every other kind needs its words in ``present``.
    plain = {EventKind.RESOLVED, EventKind.REPLY_DELIVERED}
    for kind in set(EventKind) - plain:
        assert line(kind) != kind.value.replace("_", " "), kind
