"""The length guard reads the channel's own limit (by its kind), not the source's name."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from otklik.bootstrap import Services
from otklik.guards import GuardReport
from otklik.services.guards import check_draft
from otklik.services.ingest import ingest_items
from otklik.services.platform_channels import add_x_channel
from otklik.services.sources import add_mastodon_channel, add_source
from tests.builders import make_actor, make_draft
from tests.fake_platforms.loopback import serve, stop
from tests.fake_platforms.mastodon import FakeMastodon
from tests.fake_platforms.x import USER_TOKEN, FakeX


@pytest.fixture
def xapi() -> Iterator[FakeX]:
    fake = FakeX()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


def length_finding(report: GuardReport) -> dict[str, object] | None:
    found = [f.finding for f in report.flags if f.finding.key == "length.too_long"]
    return dict(found[0].details) if found else None


def conversation_on(services: Services, source: str, author: str) -> int:
    [stored] = ingest_items([make_draft(source=source, lang="en", author_id=author)], uow=services.uow(), clock=services.clock)
    return stored.conversation_id


def test_x_and_mastodon_limits_come_from_the_channel(services: Services, xapi: FakeX, fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.max_characters = 1000  # this instance takes longer statuses than Mastodon's 500
    with httpx.Client() as client:
        common = {"client": client, "uow_factory": services.uow, "clock": services.clock}
        add_x_channel("volna_x", user_token=USER_TOKEN, api_base=xapi.api_base, **common)  # type: ignore[arg-type]
        add_mastodon_channel("volna_md", instance=fake_mastodon.instance, token=fake_mastodon.token, **common)  # type: ignore[arg-type]
    add_source("shop", uow_factory=services.uow, clock=services.clock)
    on_x, on_md, on_shop = (conversation_on(services, s, a) for s, a in (("volna_x", "u-1"), ("volna_md", "u-2"), ("shop", "u-3")))
    actor = make_actor(services)

    def check(conversation: int, text: str) -> dict[str, object] | None:
        report = check_draft(conversation, text, actor=actor, uow_factory=services.uow, clock=services.clock, guards=services.guards)
        return length_finding(report)

    # The setting names "x" and "mastodon", not these sources: the channels' own limits apply.
    assert services.settings.guard_length_limits.get("volna_x") is None
    assert check(on_x, "Thank you for waiting. " + "a" * 300) == {"length": 323, "limit": 280}
    link = "https://volna.example/orders/track?id=" + "7" * 80
    assert check(on_x, "Track it here: " + link) is None  # X counts a link as 23
    assert check(on_md, "Thank you for waiting. " + "a" * 700) is None  # over the setting's 500, within the instance's 1000
    assert check(on_md, "a" * 1001) == {"length": 1001, "limit": 1000}
    # A channel without a limit of its own falls back to the setting for the source's name.
    assert check(on_shop, "a" * 5000) is None
    services.guards.length_limits["shop"] = 100
    assert check(on_shop, "a" * 101) == {"length": 101, "limit": 100}
