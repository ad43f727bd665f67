"""Adding every platform from /admin/channels: its own setup runs against the fake, secrets never come back."""

from __future__ import annotations

import html
import socket
from collections.abc import Iterator, Mapping

import httpx
import pytest

from otklik.domain.agents import Role
from otklik.services.sources import list_sources, source_config
from tests.builders import make_actor
from tests.conftest import LiveServer
from tests.fake_platforms import google as g
from tests.fake_platforms.loopback import serve, stop
from tests.fake_platforms.mastodon import FakeMastodon
from tests.fake_platforms.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, FakeGraph
from tests.fake_platforms.vk import GROUP, FakeVk
from tests.fake_platforms.x import CONSUMER_SECRET, USER_TOKEN, FakeX
from tests.integration.test_ui import csrf_in, logged_in

ADMIN = "admin@volna.test"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


@pytest.fixture
def xapi() -> Iterator[FakeX]:
    fake = FakeX()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


@pytest.fixture
def google() -> Iterator[g.FakeGoogle]:
    fake = g.FakeGoogle()
    server, fake.url = serve(fake.handle)
    yield fake
    stop(server)


@pytest.fixture
def admin_server(live_server: LiveServer) -> LiveServer:
    make_actor(live_server.services, email=ADMIN, role=Role.ADMIN)  # type: ignore[attr-defined]
    return live_server


def closed_port() -> int:
    """A local port nothing listens on: a connection there is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def submit(client: httpx.Client, kind: str, name: str, settings: Mapping[str, str]) -> httpx.Response:
    """Post the kind's add form as the page renders it (every declared field, empty when not given)."""
    page = client.get("/admin/channels").text
    assert f'id="add-{kind}"' in page
    form = {"csrf_token": csrf_in(page), "kind": kind, "name": name}
    form |= {f"setting_{key}": value for key, value in settings.items()}
    return client.post("/admin/channels", data=form)


def test_each_platform_is_added_from_the_form_through_its_own_setup(
    admin_server: LiveServer, fake_mastodon: FakeMastodon, fake_vk: FakeVk, graph: FakeGraph, xapi: FakeX, google: g.FakeGoogle
) -> None:
    services = admin_server.services  # type: ignore[attr-defined]
    fake_mastodon.max_characters = 1000
    secrets = [fake_mastodon.token, fake_vk.token, PAGE_TOKEN, APP_SECRET, USER_TOKEN, CONSUMER_SECRET, g.REFRESH, g.CLIENT_SECRET]
    forms: list[tuple[str, str, dict[str, str], str]] = [
        (
            "mastodon",
            "volna_md",
            {
                "instance": fake_mastodon.instance,
                "token": fake_mastodon.token,
                "mode": "polling",
                "hashtags": "#volna, волна ,",
                "brand_keywords": "Volna, Волна",
            },
            "is connected: @",
        ),
        (
            "vk",
            "volna_vk",
            {
                "group_id": str(GROUP["id"]),
                "token": fake_vk.token,
                "mode": "callback",
                "confirmation": "a1b2c3",
                "api_base": fake_vk.api_base,
            },
            "«Волна — магазин наушников» (club218000111), callback",
        ),
        (
            "meta",
            "volna_meta",
            {"page_id": PAGE_ID, "page_token": PAGE_TOKEN, "app_secret": APP_SECRET, "human_agent": "true", "api_base": graph.api_base},
            "Facebook Page Volna (id 1029384756)",
        ),
        (
            "x",
            "volna_x",
            {
                "user_token": USER_TOKEN,
                "consumer_secret": CONSUMER_SECRET,
                "mode": "webhook",
                "unrestricted_replies": "true",
                "brand_keywords": "Volna",
                "api_base": xapi.api_base,
            },
            "X account @volna_care",
        ),
        (
            "google_reviews",
            "volna_google",
            {
                "account_id": g.ACCOUNT,
                "location_id": g.LOCATION,
                "location_name": "Volna Kraków",
                "refresh_token": g.REFRESH,
                "client_id": g.CLIENT_ID,
                "client_secret": g.CLIENT_SECRET,
                "token_url": f"{google.url}/token",
                "api_base": google.url,
            },
            "Google location Volna Kraków",
        ),
    ]
    with logged_in(admin_server, ADMIN) as (client, _csrf):
        shown: dict[str, str] = {}
        for kind, name, settings, line in forms:
            added = submit(client, kind, name, settings)
            assert added.status_code == 201, (kind, added.text)
            text = html.unescape(added.text)
            assert f"{name} is connected" in text and line in text, kind
            assert not [s for s in secrets if s in added.text], kind
            shown[kind] = text
        listed = client.get("/admin/channels").text
        assert not [s for s in secrets if s in listed]
        assert "••••" + PAGE_TOKEN[-4:] in listed and "••••" + USER_TOKEN[-4:] in listed
        checked = client.post("/admin/channels/volna_md/check", data={"csrf_token": csrf_in(listed)})
        assert "volna_md: connected as @" in checked.text

    # What the desk generated is shown once; what the admin typed is not.
    assert "Callback API secret key, shown this once" in shown["vk"]
    assert "webhook verify token, shown this once" in shown["meta"]
    assert "shown this once" not in shown["x"] and "shown this once" not in shown["mastodon"]
    assert {s.name: s.kind for s in list_sources(uow_factory=services.uow)} == {
        "volna_md": "mastodon",
        "volna_vk": "vk",
        "volna_meta": "meta",
        "volna_x": "x",
        "volna_google": "google_reviews",
    }
    # Form strings became the setup's types: lists, numbers, flags; identities were looked up.
    md = source_config("volna_md", uow_factory=services.uow)
    assert (md.settings["hashtags"], md.settings["brand_keywords"], md.settings["max_characters"]) == (
        ["volna", "волна"],
        ["Volna", "Волна"],
        1000,
    )
    vk = source_config("volna_vk", uow_factory=services.uow)
    assert (vk.settings["group_id"], vk.settings["screen_name"]) == (GROUP["id"], "volna_shop")
    assert source_config("volna_meta", uow_factory=services.uow).settings["human_agent"] is True
    xs = source_config("volna_x", uow_factory=services.uow)
    assert (xs.secret, xs.settings["unrestricted_replies"], xs.settings["username"]) == (CONSUMER_SECRET, True, "volna_care")
    assert source_config("volna_google", uow_factory=services.uow).settings["location_name"] == "Volna Kraków"


def test_a_failing_connection_test_stores_nothing_and_says_why(
    admin_server: LiveServer, fake_mastodon: FakeMastodon, fake_vk: FakeVk, xapi: FakeX, graph: FakeGraph
) -> None:
    services = admin_server.services  # type: ignore[attr-defined]
    wrong_x = "xWrongUserToken-0123456789abcdef"
    wrong_page = "EAAwrongPageToken-0123456789abcdef"
    with logged_in(admin_server, ADMIN) as (client, _csrf):
        refused_x = submit(client, "x", "volna_x", {"user_token": wrong_x, "mode": "polling", "api_base": xapi.api_base})
        refused_meta = submit(
            client,
            "meta",
            "volna_meta",
            {"page_id": PAGE_ID, "page_token": wrong_page, "app_secret": APP_SECRET, "api_base": graph.api_base},
        )
        refused_md = submit(
            client, "mastodon", "volna_md", {"instance": fake_mastodon.instance, "token": "mst-wrong-token-0123456789", "mode": "polling"}
        )
        bad_group = submit(client, "vk", "volna_vk", {"group_id": "club218000111", "token": fake_vk.token, "mode": "longpoll"})
        missing = submit(client, "x", "volna_x2", {"mode": "polling"})
        mail = submit(
            client,
            "email",
            "care",
            {
                "address": "care@volna.example",
                "imap_host": "127.0.0.1",
                "imap_port": str(closed_port()),
                "imap_tls": "none",
                "imap_password": "imap-Password-0123456789",
                "smtp_host": "127.0.0.1",
                "smtp_tls": "none",
            },
        )
    assert refused_x.status_code == 503 and "X refused the user token" in html.unescape(refused_x.text)
    assert refused_meta.status_code == 503 and "refused the Page token" in html.unescape(refused_meta.text)
    assert refused_md.status_code == 503
    assert bad_group.status_code == 422 and "Community id is a number" in bad_group.text
    assert missing.status_code == 422 and "missing: User access token" in missing.text
    for answer in (refused_x, refused_meta, refused_md):
        assert wrong_x not in answer.text and wrong_page not in answer.text and APP_SECRET not in answer.text
        assert 'class="alert' in answer.text
    # The admin's non-secret entries come back in the form; the secrets do not.
    assert f'value="{PAGE_ID}"' in refused_meta.text
    assert mail.status_code == 503 and "imap-Password-0123456789" not in mail.text
    assert 'class="alert alert-error"' in mail.text
    assert list_sources(uow_factory=services.uow) == []
