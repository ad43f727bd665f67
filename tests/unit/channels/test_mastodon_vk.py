"""Pure parts of the Mastodon and VK channels: text, streams, lengths, keys and error mapping."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from otklik.channels.mastodon import html_to_text, newest, prev_min_id, retry_after, sse_events, status_length
from otklik.channels.vk import VkApi, random_id, redact
from otklik.errors import DeliveryRejected, DeliveryUnknown, PlatformUnavailable, RateLimited


def test_html_becomes_text_with_paragraphs_breaks_entities_and_whole_links() -> None:
    html = (
        '<p><span class="h-card"><a href="https://m.example/@volna">@<span>volna</span></a></span> Где заказ?<br />Жду &amp; жду</p>'
        '<p><a href="https://example.com/a/very/long/path"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.com/a/very</span><span class="invisible">/long/path</span></a></p>'
    )
    assert html_to_text(html) == "@volna Где заказ?\nЖду & жду\n\nhttps://example.com/a/very/long/path"
    assert html_to_text("Zażółć &lt;gęślą&gt; jaźń") == "Zażółć <gęślą> jaźń"


def test_sse_lines_become_events_and_heartbeats_are_skipped() -> None:
    lines = [
        ":)",
        "event: update",
        'data: {"id": "1"}',
        "",
        ":thump",
        "event: notification",
        "data: {",
        'data: "id": "2"}',
        "",
        "event: delete",
        "data: 7",
    ]
    events = [(e.event, e.data) for e in sse_events(lines)]
    assert events == [("update", '{"id": "1"}'), ("notification", '{\n"id": "2"}'), ("delete", "7")]


def test_status_length_counts_links_as_23_and_remote_mentions_by_username() -> None:
    assert status_length("@anna@mastodon.social hi") == len("@anna hi")
    assert status_length("see https://example.com/" + "x" * 100) == len("see ") + 23
    assert status_length("Zażółć 😡") == 8


def test_ids_sort_by_length_then_text_and_the_cursor_never_moves_back() -> None:
    assert newest(["99", "100", "98"]) == "100"
    assert newest(["5"], current="10") == "10"
    assert (
        prev_min_id(
            '<https://m.example/api/v1/notifications?max_id=1>; rel="next", <https://m.example/api/v1/notifications?min_id=42>; rel="prev"'
        )
        == "42"
    )
    assert prev_min_id(None) is None


def test_retry_after_reads_the_reset_time() -> None:
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert retry_after({"x-ratelimit-reset": "2026-11-20T09:02:30.000Z"}, now=now) == 150
    assert retry_after({"retry-after": "7"}, now=now) == 7
    assert retry_after({"x-ratelimit-reset": "garbage"}, now=now) == 30


def test_random_id_is_deterministic_positive_int32_and_spread() -> None:
    ids = {random_id(f"reply-{n}") for n in range(2000)}
    assert len(ids) == 2000
    assert all(0 < i < 2**31 for i in ids)
    assert random_id("reply-1") == random_id("reply-1")


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(200, json={"error": {"error_code": 6, "error_msg": "Too many requests per second"}}), RateLimited),
        (httpx.Response(200, json={"error": {"error_code": 9, "error_msg": "Flood control"}}), RateLimited),
        (httpx.Response(200, json={"error": {"error_code": 29, "error_msg": "Rate limit reached"}}), RateLimited),
        (httpx.Response(200, json={"error": {"error_code": 10, "error_msg": "Internal server error"}}), PlatformUnavailable),
        (httpx.Response(200, json={"error": {"error_code": 901, "error_msg": "Can't send messages"}}), DeliveryRejected),
        (httpx.Response(200, json={"error": {"error_code": 15, "error_msg": "Access denied"}}), DeliveryRejected),
        (httpx.Response(200, json={"error": {"error_code": 100, "error_msg": "access_token=abc&x bad"}}), DeliveryRejected),
        (httpx.Response(502, text="<html>bad gateway</html>"), PlatformUnavailable),
        (httpx.Response(200, text="not json"), DeliveryUnknown),
    ],
)
def test_vk_answers_map_onto_the_error_tree(answer: httpx.Response, error: type[Exception]) -> None:
    with httpx.Client(transport=httpx.MockTransport(lambda request: answer)) as client:
        api = VkApi("secret-token", client=client, base_url="https://api.vk.test/method")
        with pytest.raises(error) as caught:
            api.call("messages.send", {"peer_id": 1, "random_id": 2, "message": "Привет"})
    assert "secret-token" not in str(caught.value)
    assert "abc" not in str(caught.value)
    assert redact("https://api.vk.com/method/x?access_token=abc&v=5.199") == "https://api.vk.com/method/x?access_token=<token>&v=5.199"


def test_capabilities_match_what_each_channel_implements() -> None:
    from otklik.channels.base import ChannelContext, Liking, Pinning, SourceConfig
    from otklik.channels.mastodon import MastodonChannel
    from otklik.channels.registry import CHANNELS
    from otklik.channels.vk import VkChannel

    assert {"mastodon", "vk"} <= set(CHANNELS)
    mastodon = MastodonChannel(
        SourceConfig(
            name="m",
            kind="mastodon",
            secret="s",
            settings={"instance": "https://m.example", "token": "t", "account_id": "1", "username": "volna", "max_characters": 1000},
        ),
        ChannelContext(),
    )
    vk_settings = {"token": "t", "mode": "longpoll", "group_id": 1}
    vk = VkChannel(SourceConfig(name="v", kind="vk", secret="s", settings=vk_settings), ChannelContext())
    vk_admin = VkChannel(SourceConfig(name="v", kind="vk", secret="s", settings={**vk_settings, "user_token": "u"}), ChannelContext())
    assert isinstance(mastodon, Pinning) and isinstance(mastodon, Liking) and isinstance(vk, Pinning) and isinstance(vk, Liking)
    caps = mastodon.capabilities
    assert (caps.can_reply, caps.can_pin, caps.can_like, caps.idempotent, caps.max_length) == (True, True, True, True, 1000)
    assert (vk.capabilities.can_pin, vk.capabilities.can_like, vk.capabilities.idempotent) == (False, False, True)
    assert (vk_admin.capabilities.can_pin, vk_admin.capabilities.can_like) == (True, True)
    assert CHANNELS["vk"].secret_settings == {"token", "user_token"}
    assert CHANNELS["mastodon"].secret_settings == {"token"}
