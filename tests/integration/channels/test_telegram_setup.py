"""Connecting a bot: a connection test first, the webhook or polling set up, secrets never shown back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from otklik.bootstrap import Services
from otklik.domain.agents import Role
from otklik.errors import ConfigError, Conflict, InvalidPayload
from otklik.services.auth import create_token
from otklik.services.sources import add_telegram_channel, check_telegram_channel, list_sources, source_config
from tests.builders import make_actor
from tests.conftest import LiveServer
from tests.fake_platforms.telegram import TOKEN, FakeBotApi
from tests.integration.channels.conftest import SECRET, add_bot
from tests.support.http import local

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "telegram"


def test_adding_a_bot_tests_it_sets_the_webhook_and_keeps_the_token_to_itself(services: Services, fake_telegram: FakeBotApi) -> None:
    with httpx.Client() as client:
        info, secret = add_telegram_channel(
            "volna_tg",
            token=TOKEN,
            client=client,
            uow_factory=services.uow,
            clock=services.clock,
            webhook_url="https://desk.volna.test/",
            brand_keywords=["voln", " волн "],
            api_base=fake_telegram.api_base,
        )
    assert [name for name, _ in fake_telegram.calls] == ["getMe", "setWebhook"]
    assert fake_telegram.webhook == {
        "url": "https://desk.volna.test/hooks/telegram/volna_tg",
        "secret_token": secret,
        "allowed_updates": ["message", "edited_message", "business_message", "edited_business_message"],
    }
    assert len(secret) >= 32
    assert info.settings["token"] == "••••" + TOKEN[-4:]
    assert (info.settings["bot_id"], info.settings["bot_username"], info.settings["mode"]) == (7711000111, "volna_care_bot", "webhook")
    config = source_config("volna_tg", uow_factory=services.uow)
    assert (config.kind, config.secret, config.settings["token"], config.settings["brand_keywords"]) == (
        "telegram",
        secret,
        TOKEN,
        ["voln", "волн"],
    )
    listed = list_sources(uow_factory=services.uow)
    assert TOKEN not in repr(listed)
    with httpx.Client() as client:
        assert check_telegram_channel("volna_tg", client=client, uow_factory=services.uow).username == "volna_care_bot"


def test_polling_mode_removes_the_webhook(services: Services, fake_telegram: FakeBotApi) -> None:
    fake_telegram.webhook = {"url": "https://old.example.com/hook"}
    add_bot(services, fake_telegram, mode="polling")
    assert fake_telegram.webhook is None
    assert source_config("volna_tg", uow_factory=services.uow).settings["mode"] == "polling"


def test_a_refused_or_malformed_setup_stores_nothing(services: Services, fake_telegram: FakeBotApi) -> None:
    def add(**overrides: object) -> None:
        arguments: dict[str, object] = {"token": TOKEN, "secret_token": SECRET, "api_base": fake_telegram.api_base, **overrides}
        with httpx.Client() as client:
            add_telegram_channel("volna_tg", client=client, uow_factory=services.uow, clock=services.clock, **arguments)  # type: ignore[arg-type]

    with pytest.raises(ConfigError, match=r"refused the bot token: .*401 Unauthorized"):
        add(token="7711000111:AAWrongTokenWrongTokenWrongToken")
    with pytest.raises(ConfigError, match="could not reach the Bot API"):
        add(api_base="http://127.0.0.1:9")
    calls = len(fake_telegram.calls)
    with pytest.raises(InvalidPayload, match="not a bot token"):
        add(token="hello world")
    with pytest.raises(InvalidPayload, match="secret token must be"):
        add(secret_token="has spaces and ünïcode")
    with pytest.raises(InvalidPayload, match="only in webhook mode"):
        add(mode="polling", webhook_url="https://desk.volna.test")
    with pytest.raises(InvalidPayload, match="webhook or polling"):
        add(mode="email")
    assert len(fake_telegram.calls) == calls  # checked before any call
    assert list_sources(uow_factory=services.uow) == []
    add()
    with pytest.raises(Conflict):
        add()


def test_sources_api_shows_channels_with_secrets_masked(live_server: LiveServer, fake_telegram: FakeBotApi) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    add_bot(services, fake_telegram)
    admin = make_actor(services, email="olga@volna.test", role=Role.ADMIN)
    token = create_token(admin.agent.id, "t", uow_factory=services.uow, clock=services.clock)
    answer = local.get(f"{live_server.url}/api/v1/sources", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert TOKEN not in answer.text and SECRET not in answer.text
    (source,) = answer.json()
    assert (source["kind"], source["settings"]["token"], source["settings"]["bot_username"]) == (
        "telegram",
        "••••" + TOKEN[-4:],
        "volna_care_bot",
    )


def otklik(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otklik", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "250", "OTKLIK_ENVIRONMENT": "test"},
        check=False,
    )


def test_cli_adds_lists_checks_and_polls_without_showing_the_token(tmp_path: Path, fake_telegram: FakeBotApi) -> None:
    data = tmp_path / "data"
    base = ("--api-base", fake_telegram.api_base)
    added = otklik(
        "channel",
        "add",
        "telegram",
        "--name",
        "volna_tg",
        "--token",
        TOKEN,
        "--mode",
        "polling",
        "--brand-keyword",
        "voln",
        *base,
        data_dir=data,
    )
    assert added.returncode == 0, added.stderr
    assert "bot @volna_care_bot (id 7711000111), polling" in added.stdout
    webhook = otklik("channel", "add", "telegram", "--name", "volna_hook", "--token", TOKEN, "--secret-token", SECRET, *base, data_dir=data)
    assert webhook.returncode == 0, webhook.stderr
    assert f"secret token (shown once): {SECRET}" in webhook.stdout
    listed = otklik("channel", "list", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    lines = [" ".join(line.split()) for line in listed.stdout.splitlines()]  # the console turns tabs into spaces
    assert lines == [
        f"volna_hook telegram webhook @volna_care_bot token ••••{TOKEN[-4:]} keywords: -",
        f"volna_tg telegram polling @volna_care_bot token ••••{TOKEN[-4:]} keywords: voln",
    ]
    assert SECRET not in listed.stdout
    checked = otklik("channel", "check", "volna_tg", data_dir=data)
    assert "volna_tg: connected as @volna_care_bot (id 7711000111)" in checked.stdout
    fake_telegram.push(json.loads((FIXTURES / "private_polish.json").read_text(encoding="utf-8")))
    fake_telegram.push(json.loads((FIXTURES / "group_brand_mention.json").read_text(encoding="utf-8")))
    polled = otklik("poll", "--once", data_dir=data)
    assert polled.returncode == 0, polled.stderr
    assert "volna_tg: 2 updates, 2 stored, 0 duplicates, 0 ignored, 0 malformed" in polled.stdout
    assert fake_telegram.confirmed == 870001012 + 1  # acknowledged before exiting
    again = otklik("poll", "--once", "--source", "volna_tg", data_dir=data)
    assert "volna_tg: 0 updates" in again.stdout
    refused = otklik("channel", "add", "telegram", "--name", "other", "--token", "7711000111:AAWrongTokenWrongToken", *base, data_dir=data)
    assert refused.returncode == 2
    assert "Telegram refused the bot token" in refused.stderr
    for run in (added, webhook, listed, checked, polled, again, refused):
        assert TOKEN not in run.stdout + run.stderr
        assert "AAWrongTokenWrongToken" not in run.stdout + run.stderr
