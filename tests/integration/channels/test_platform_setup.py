"""`otklik channel add meta|x|google_reviews`: the connection test, secrets masked, nothing stored on failure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from otklik.bootstrap import Services
from otklik.errors import ConfigError, InvalidPayload
from otklik.services.platform_channels import add_meta_channel, add_x_channel
from otklik.services.sources import list_sources
from tests.fake_platforms.loopback import serve, stop
from tests.fake_platforms.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, FakeGraph
from tests.fake_platforms.x import CONSUMER_SECRET, USER_TOKEN, FakeX


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


def otklik(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otklik", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"OTKLIK_ENVIRONMENT": "test", "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )


def test_refused_settings_store_nothing_and_tokens_are_masked(services: Services, graph: FakeGraph, xapi: FakeX) -> None:
    with httpx.Client() as client:
        kwargs = {"client": client, "uow_factory": services.uow, "clock": services.clock}
        with pytest.raises(ConfigError, match="refused the Page token"):
            add_meta_channel("m", page_id=PAGE_ID, page_token="EAAwrong-token-0123", app_secret=APP_SECRET, api_base=graph.url, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(InvalidPayload, match="consumer secret"):
            add_x_channel("x", user_token=USER_TOKEN, mode="webhook", api_base=xapi.url, **kwargs)  # type: ignore[arg-type]
        assert list_sources(uow_factory=services.uow) == []
        info, verify, line = add_meta_channel(
            "m",
            page_id=PAGE_ID,
            page_token=PAGE_TOKEN,
            app_secret=APP_SECRET,
            api_base=graph.url,
            **kwargs,  # type: ignore[arg-type]
        )
    assert line == "Facebook Page Volna (id 1029384756), Instagram @volna.shop (id 17841400000000001)"
    assert info.settings["page_token"] == "••••" + PAGE_TOKEN[-4:]
    assert info.settings["verify_token"] == "••••" + verify[-4:]
    assert APP_SECRET not in str(info.settings)


def test_cli_adds_meta_and_x_and_checks_them_without_showing_secrets(tmp_path: Path, graph: FakeGraph, xapi: FakeX) -> None:
    data = tmp_path / "data"
    meta = otklik(
        "channel", "add", "meta", "--name", "volna_meta", "--api-base", graph.url,
        "--setting", f"page_id={PAGE_ID}", "--setting", f"page_token={PAGE_TOKEN}", "--setting", f"app_secret={APP_SECRET}",
        data_dir=data,
    )  # fmt: skip
    assert meta.returncode == 0, meta.stderr
    assert "meta channel volna_meta: Facebook Page Volna (id 1029384756)" in meta.stdout
    assert "verify token (shown once):" in meta.stdout
    x = otklik(
        "channel", "add", "x", "--name", "volna_x", "--api-base", xapi.url, "--brand-keyword", "Volna",
        "--setting", f"user_token={USER_TOKEN}", "--setting", f"consumer_secret={CONSUMER_SECRET}", "--setting", "mode=webhook",
        data_dir=data,
    )  # fmt: skip
    assert x.returncode == 0, x.stderr
    assert "x channel volna_x: X account @volna_care (id 1500000000000000001), webhook" in x.stdout
    checked = otklik("channel", "check", "volna_x", data_dir=data)
    assert checked.returncode == 0, checked.stderr
    for run in (meta, x, checked):
        for secret in (PAGE_TOKEN, APP_SECRET, USER_TOKEN, CONSUMER_SECRET):
            assert secret not in run.stdout + run.stderr
