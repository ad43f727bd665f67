"""Telegram end to end against the npm emulator ``telegram-test-api`` on 127.0.0.1.

A customer writes to the bot in the emulator; the desk's worker reads it with getUpdates;
an agent answers through the API; the answer lands in the emulator's chat as a reply to the
customer's message. The emulator is installed with npm into ``tests/.npm`` (kept between
runs) the first time; without Node.js or the package the test is skipped, and with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from otklik.bootstrap import build_services
from otklik.clock import SystemClock
from otklik.domain.agents import Role
from otklik.services.auth import create_token
from otklik.services.sources import add_telegram_channel
from otklik.web.app import create_app
from tests.builders import make_actor
from tests.conftest import LiveServer, free_port, make_settings, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / "tests" / ".npm"
PACKAGE = "telegram-test-api"
VERSION = "4.2.1"
TOKEN = "5005005005:EmulatorBotToken_x7Qp"
CUSTOMER = {"id": 4242, "is_bot": False, "first_name": "Анна", "last_name": "Смирнова", "username": "anna_s"}

SERVER = """
const TelegramServer = require('telegram-test-api');
const server = new TelegramServer({port: Number(process.env.EMULATOR_PORT), host: '127.0.0.1', storeTimeout: 600});
server.start().then(() => console.log('ready'));
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
"""


def _installed() -> bool:
    manifest = NPM_DIR / "node_modules" / PACKAGE / "package.json"
    return manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("version") == VERSION


def _emulator_dir() -> Path:
    """Where the emulator is installed; installs it with npm the first time."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        skip_or_fail("Node.js and npm are needed to run telegram-test-api")
    if not _installed():
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--prefix", str(NPM_DIR), f"{PACKAGE}@{VERSION}", "--no-audit", "--no-fund", "--loglevel=error"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0 or not _installed():
            skip_or_fail(f"npm could not install {PACKAGE}@{VERSION}: {done.stderr.strip()[-500:]}")
    return NPM_DIR


@pytest.fixture
def emulator() -> Iterator[str]:
    """The emulator's base URL; it runs for one test."""
    where = _emulator_dir()
    port = free_port()
    env = {**os.environ, "EMULATOR_PORT": str(port), "NODE_PATH": str(where / "node_modules")}
    process = subprocess.Popen(["node", "-e", SERVER], cwd=where, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                skip_or_fail(f"telegram-test-api did not start: {process.stderr.read() if process.stderr else ''}"[-500:])
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    skip_or_fail("telegram-test-api did not listen within 30 s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _bot_messages(emulator: str) -> list[dict[str, Any]]:
    """What the bot posted, as the emulator's client API shows it."""
    history = httpx.post(f"{emulator}/getUpdatesHistory", json={"token": TOKEN}).json()["result"]
    return [entry for entry in history if "chat_id" in entry.get("message", {})]


def test_a_message_arrives_by_polling_and_the_agents_reply_lands_in_the_chat(tmp_path: Path, sqlite_url: str, emulator: str) -> None:
    settings = make_settings(tmp_path, sqlite_url, poll_timeout_s=0.5)
    services = build_services(settings, clock=SystemClock(), migrate=False)
    with httpx.Client() as client:
        add_telegram_channel(
            "volna_tg", token=TOKEN, client=client, uow_factory=services.uow, clock=services.clock, mode="polling", api_base=emulator
        )
    agent = make_actor(services, email="olga@volna.test", role=Role.ADMIN)
    api_token = create_token(agent.agent.id, "t", uow_factory=services.uow, clock=services.clock)
    # The customer writes to the bot in the emulator.
    sent = httpx.post(
        f"{emulator}/sendMessage",
        json={
            "botToken": TOKEN,
            "from": CUSTOMER,
            "chat": {"id": CUSTOMER["id"], "first_name": "Анна", "username": "anna_s", "type": "private"},
            "date": int(time.time()),
            "text": "Здравствуйте! Где мой заказ #4471? Жду уже неделю 😡",
        },
    )
    assert sent.status_code == 200, sent.text
    server = LiveServer(create_app(settings, services=services, run_worker=True)).start()
    try:
        desk = httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {api_token}"})
        conversation: dict[str, Any] = {}
        deadline = time.monotonic() + 20
        while not conversation and time.monotonic() < deadline:
            rows = desk.get("/api/v1/conversations").json()["conversations"]
            conversation = rows[0] if rows else {}
            time.sleep(0.1)
        assert conversation, "the customer's message did not arrive by polling"
        detail = desk.get(f"/api/v1/conversations/{conversation['id']}").json()
        (item,) = detail["items"]
        assert item["text"] == "Здравствуйте! Где мой заказ #4471? Жду уже неделю 😡"
        assert item["addressing"] == "dm"
        message_id = int(item["external_id"].split(":")[1])
        assert item["external_id"] == f"4242:{message_id}"

        text = "Анна, заказ #4471 уже у курьера, он приедет сегодня до 18:00. Простите за ожидание!"
        reply = desk.post(f"/api/v1/conversations/{conversation['id']}/replies", json={"text": text, "acknowledge": True})
        assert reply.status_code == 201, reply.text
        posted: list[dict[str, Any]] = []
        deadline = time.monotonic() + 20
        while not posted and time.monotonic() < deadline:
            posted = _bot_messages(emulator)
            time.sleep(0.1)
        assert len(posted) == 1, "the reply did not land in the emulator's chat"
        message = posted[0]["message"]
        assert (str(message["chat_id"]), message["text"], message["reply_parameters"]["message_id"]) == ("4242", text, message_id)
        state: dict[str, Any] = {}
        deadline = time.monotonic() + 10
        while state.get("delivery_state") != "sent" and time.monotonic() < deadline:
            state = desk.get(f"/api/v1/conversations/{conversation['id']}").json()["replies"][0]
            time.sleep(0.05)
        assert state["delivery_state"] == "sent"
        assert state["external_id"] == f"4242:{posted[0]['messageId']}"
        desk.close()
    finally:
        server.stop()
        services.engine.dispose()
