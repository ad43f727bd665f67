"""The outbound limiter: token buckets per token and per chat, pauses, on a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from otklik.channels.base import RateLimit, SourceConfig
from otklik.clock import FixedClock
from otklik.errors import ConfigError
from otklik.services.ratelimit import DEFAULT_LIMITS, RUNTIME_KEY, OutboundLimiter, limits_for, parse_rate, token_key

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TOKEN = "7711000111:AAFakeTokenForTests_k3Jd9sLq0pWz"


def bot(name: str = "volna_tg", token: str = TOKEN, **extra: object) -> SourceConfig:
    return SourceConfig(name=name, kind="telegram", secret="s", settings={"token": token, **extra})


def test_a_token_gets_its_rate_and_waits_say_how_long_without_taking_a_call() -> None:
    clock = FixedClock(START)
    limiter = OutboundLimiter(clock, overrides={"telegram": "2/s"})
    source = bot()
    assert [limiter.acquire(source) for _ in range(3)] == [0.0, 0.0, 0.5]
    assert limiter.acquire(source) == 0.5  # asking again takes nothing
    clock.advance(seconds=0.5)
    assert limiter.acquire(source) == 0.0
    assert limiter.acquire(source) == 0.5


def test_one_chat_gets_one_message_a_second_after_a_burst_while_other_chats_flow() -> None:
    clock = FixedClock(START)
    limiter = OutboundLimiter(clock)
    source = bot()
    assert [limiter.acquire(source, target="248112233") for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    assert limiter.acquire(source, target="-1001234567890") == 0.0
    clock.advance(seconds=1)
    assert limiter.acquire(source, target="248112233") == 0.0


def test_sources_sharing_a_token_share_its_budget_and_a_pause_holds_them_both() -> None:
    clock = FixedClock(START)
    limiter = OutboundLimiter(clock, overrides={"telegram": "1/10s"})
    first, same_bot, other_bot = bot("a"), bot("b"), bot("c", token="7711000222:AAAnotherTokenForTests_0000000000")
    assert token_key(first) == token_key(same_bot) != token_key(other_bot)
    assert TOKEN not in token_key(first)  # the key never holds the secret
    assert limiter.acquire(first) == 0.0
    assert limiter.acquire(same_bot) == 10.0
    assert limiter.acquire(other_bot) == 0.0
    limiter.pause(other_bot, START + timedelta(seconds=30))
    clock.advance(seconds=10)
    assert (limiter.acquire(first), limiter.acquire(other_bot)) == (0.0, 20.0)
    assert limiter.paused([first, other_bot]) == {"c": START + timedelta(seconds=30)}
    clock.advance(seconds=20)
    assert limiter.acquire(other_bot) == 0.0


def test_a_pause_stored_with_the_source_is_honoured_by_a_fresh_limiter() -> None:
    clock = FixedClock(START)
    until = START + timedelta(seconds=90)
    stored = bot(**{RUNTIME_KEY: {"paused_until": until.isoformat(), "pause_reason": "429"}})
    restarted = OutboundLimiter(clock)
    assert restarted.acquire(stored) == 90.0
    clock.advance(seconds=90)
    assert restarted.acquire(stored) == 0.0


def test_a_generic_callback_has_no_limit_of_its_own() -> None:
    limiter = OutboundLimiter(FixedClock(START))
    shop = SourceConfig(name="shop", kind="generic", secret="s", callback_url="http://127.0.0.1/r")
    assert all(limiter.acquire(shop) == 0.0 for _ in range(1000))
    assert token_key(shop) == "generic/source/shop"


@pytest.mark.parametrize(
    ("text", "calls", "seconds"),
    [("300/5m", 300.0, 300.0), ("20/s", 20.0, 1.0), ("100/900s", 100.0, 900.0), ("1000/24h", 1000.0, 86400.0)],
)
def test_rates_are_read_from_the_setting(text: str, calls: float, seconds: float) -> None:
    assert parse_rate(text) == RateLimit(calls, seconds)


def test_the_setting_replaces_the_per_token_limit_and_keeps_the_per_chat_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert limits_for("telegram", {"telegram": "10/s"}) == (RateLimit(10, 1.0), RateLimit(1, 1.0, scope="target", burst=3))
    # A kind whose spec declares nothing keeps the documented default.
    monkeypatch.setitem(DEFAULT_LIMITS, "pigeon", (RateLimit(3, 60.0),))
    assert limits_for("pigeon") == (RateLimit(3, 60.0),)
    assert limits_for("pigeon", {"pigeon": "5/m"}) == (RateLimit(5, 60.0),)
    with pytest.raises(ConfigError, match="300/5m"):
        OutboundLimiter(FixedClock(START), overrides={"mastodon": "lots"})
    with pytest.raises(ConfigError, match="positive"):
        parse_rate("0/s")
