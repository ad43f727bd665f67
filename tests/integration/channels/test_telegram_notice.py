"""The off-hours notice against the fake Bot API: posted and pinned once per closing (also across
a restart), unpinned at opening, a failed pin retried without posting twice, and none for a brand
expected round the clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from otklik.bootstrap import Services, build_services
from otklik.clock import FixedClock
from otklik.config import Settings
from otklik.domain.sla import BusinessCalendar, OpenRange, SlaConfig, TeamHours
from otklik.store import tables as t
from otklik.worker.runner import Worker
from tests.conftest import make_settings
from tests.fake_platforms.telegram import Act, FakeBotApi
from tests.integration.channels.conftest import add_bot

CHAT = -1001234567890
WARSAW = SlaConfig(
    teams={"care": TeamHours(BusinessCalendar(timezone="Europe/Warsaw", weekly={d: (OpenRange(time(9), time(18)),) for d in range(5)}))}
)
FRIDAY_OPEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 16:00 in Warsaw
FRIDAY_CLOSED = datetime(2026, 11, 20, 17, 5, tzinfo=UTC)  # 18:05
MONDAY_OPEN = datetime(2026, 11, 23, 8, 1, tzinfo=UTC)  # 9:01


def notice_settings(tmp_path: Path, db_url: str, **extra: object) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        offhours_notice_targets={"volna_tg": str(CHAT)},
        offhours_languages=("pl", "en"),
        brand_contacts={"email": "care@volna.test"},
        polling_enabled=False,
        **extra,
    )


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return notice_settings(tmp_path, db_url)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


def notices(services: Services) -> list[dict[str, object]]:
    with services.uow(write=False) as uow:
        return [dict(r) for r in uow.connection.execute(select(t.offhours_notices).order_by(t.offhours_notices.c.id)).mappings()]


def system_events(services: Services) -> list[str]:
    with services.uow(write=False) as uow:
        return [
            r.kind
            for r in uow.connection.execute(select(t.events.c.kind).where(t.events.c.conversation_id.is_(None)).order_by(t.events.c.id))
        ]


def test_the_notice_goes_up_once_at_closing_and_comes_down_at_opening(
    services: Services, fake_telegram: FakeBotApi, clock: FixedClock, client: httpx.Client
) -> None:
    add_bot(services, fake_telegram)
    services.use_sla(WARSAW)
    clock.current = FRIDAY_OPEN
    assert Worker(services, client=client).notices_pass() == 0
    assert fake_telegram.sent == []

    clock.current = FRIDAY_CLOSED
    worker = Worker(services, client=client)
    assert worker.notices_pass() == 1
    [posted] = fake_telegram.sent
    assert posted["chat"]["id"] == CHAT
    assert posted["text"] == (
        "Jesteśmy teraz poza godzinami pracy i wracamy w poniedziałek o 9:00. W międzyczasie można napisać na care@volna.test. "
        "Przeczytamy wszystkie wiadomości i odpowiemy każdemu.\n\n"
        "We're away right now and back on Monday at 9:00. Meanwhile, you can write to care@volna.test. "
        "We'll read every message and answer each of you."
    )
    assert fake_telegram.pinned == {(CHAT, posted["message_id"])}

    # Later passes, and a restarted worker, leave the closing's notice alone.
    clock.advance(hours=10)
    assert worker.notices_pass() == 0
    assert Worker(services, client=client).notices_pass() == 0
    assert len(fake_telegram.sent) == 1
    [row] = notices(services)
    assert (row["state"], row["external_id"]) == ("pinned", f"{CHAT}:{posted['message_id']}")
    assert row["opens_at"] == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    clock.current = MONDAY_OPEN
    assert Worker(services, client=client).notices_pass() == 1
    assert fake_telegram.pinned == set()
    assert fake_telegram.calls_of("unpinChatMessage") == [{"chat_id": CHAT, "message_id": posted["message_id"]}]
    [row] = notices(services)
    assert (row["state"], row["removed_at"]) == ("removed", MONDAY_OPEN)
    assert system_events(services) == ["notice_published", "notice_removed"]


def test_a_failed_pin_is_retried_without_posting_twice(
    services: Services, fake_telegram: FakeBotApi, clock: FixedClock, client: httpx.Client
) -> None:
    add_bot(services, fake_telegram)
    services.use_sla(WARSAW)
    clock.current = FRIDAY_CLOSED
    fake_telegram.script["pinChatMessage"] = [Act(status=502, description="Bad Gateway")]
    worker = Worker(services, client=client)
    assert worker.notices_pass() == 0
    [row] = notices(services)
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert "Bad Gateway" in str(row["last_error"])
    assert worker.notices_pass() == 1
    assert len(fake_telegram.sent) == 1  # the post of the first attempt was pinned, not posted again
    assert fake_telegram.pinned == {(CHAT, fake_telegram.sent[0]["message_id"])}


def test_a_brand_expected_round_the_clock_gets_no_notice_and_a_source_that_cannot_pin_is_told(
    tmp_path: Path, db_url: str, fake_telegram: FakeBotApi, clock: FixedClock, client: httpx.Client
) -> None:
    expected = build_services(notice_settings(tmp_path, db_url, round_the_clock_expected=True), clock=clock, migrate=False)
    try:
        add_bot(expected, fake_telegram)
        expected.use_sla(WARSAW)
        clock.current = FRIDAY_CLOSED
        assert Worker(expected, client=client).notices_pass() == 0
        assert fake_telegram.sent == []
        assert notices(expected) == []
    finally:
        expected.close()

    generic = build_services(
        make_settings(tmp_path, db_url, offhours_notice_targets={"nowhere": "page-1"}, polling_enabled=False), clock=clock, migrate=False
    )
    try:
        generic.use_sla(WARSAW)
        assert Worker(generic, client=client).notices_pass() == 0
        [row] = notices(generic)
        assert (row["state"], row["last_error"]) == ("unsupported", "the source is not configured")
    finally:
        generic.close()
