"""Shared fixtures: a database per test (SQLite and PostgreSQL), services, a live server."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from otklik.bootstrap import Services, build_services
from otklik.clock import FixedClock
from otklik.config import Settings
from otklik.store.migrate import upgrade_database

pytest_plugins = [
    "tests.support.callback",  # `callback`
    "tests.fake_platforms.telegram",  # `fake_telegram`
    "tests.fake_platforms.mastodon",  # `fake_mastodon`
    "tests.fake_platforms.vk",  # `fake_vk`
]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_counter = itertools.count()


def skip_or_fail(reason: str) -> None:
    """Skip a test for a missing real part, except in CI, where that is a failure."""
    if IN_CI:
        pytest.fail(f"CI=true and a required part is missing: {reason}")
    pytest.skip(reason)


# --- keep tests off the network -------------------------------------------------------
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise RuntimeError(f"tests may not reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


# --- databases --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """A migrated PostgreSQL template database (None with a reason stored when unavailable)."""
    from tests.support.postgres import postgres_url_for_tests

    url, reason = postgres_url_for_tests(tmp_path_factory.mktemp("pg"))
    if url is None:
        _PG_STATE["reason"] = reason or "PostgreSQL is not available"
        yield None
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS otklik_template"))
        conn.execute(text("CREATE DATABASE otklik_template"))
    template_url = make_url(url).set(database="otklik_template").render_as_string(hide_password=False)
    upgrade_database(template_url)
    _PG_STATE["admin_url"] = url
    yield template_url
    admin.dispose()


_PG_STATE: dict[str, str] = {}


def _clone_postgres(template_url: str) -> str:
    name = f"otklik_t{os.getpid()}_{next(_counter)}"
    admin = create_engine(_PG_STATE["admin_url"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE otklik_template'))
    admin.dispose()
    return make_url(template_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database for one test, on each supported engine."""
    if request.param == "sqlite":
        target = tmp_path / "otklik.db"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    template = request.getfixturevalue("postgres_template")
    if template is None:
        skip_or_fail(f"PostgreSQL: {_PG_STATE.get('reason')}")
    return _clone_postgres(template)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh SQLite database only (for tests about the embedded default)."""
    target = tmp_path / "otklik.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> FixedClock:
    """A clock that moves only when a test moves it."""
    return FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


def make_settings(tmp_path: Path, db_url: str, **extra: Any) -> Settings:
    """Settings for a test: its own data dir and database, a fixed secret."""
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-secret-key-for-sessions-0123456789",
        worker_interval_s=0.05,
        **extra,
    )


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    """Settings on the test's database."""
    return make_settings(tmp_path, db_url)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    """Services on the test's database with the fixed clock; the writer runs."""
    built = build_services(settings, clock=clock, migrate=False)
    built.writer.start()
    yield built
    built.close()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a thread."""

    def __init__(self, app: Any):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def live_server(settings: Settings, clock: FixedClock) -> Iterator[LiveServer]:
    """The whole app over real HTTP on 127.0.0.1 (worker off unless a test starts one)."""
    from otklik.web.app import create_app

    built = build_services(settings, clock=clock, migrate=False)
    server = LiveServer(create_app(settings, services=built, run_worker=False)).start()
    server.services = built  # type: ignore[attr-defined]
    yield server
    server.stop()
    built.engine.dispose()
