"""A server killed with SIGKILL during a load of webhooks keeps every item it acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, select

from otklik.channels.generic import sign
from otklik.store import tables as t
from tests.builders import payload
from tests.conftest import free_port


def test_sigkill_during_load_loses_no_acknowledged_item(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "OTKLIK_ENVIRONMENT": "test", "OTKLIK_WORKER_ENABLED": "false"}
    subprocess.run(
        [sys.executable, "-m", "otklik", "source", "add", "load", "--secret", "k", "--data-dir", str(data)],
        check=True,
        capture_output=True,
        env=env,
        timeout=60,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "otklik", "serve", "--data-dir", str(data), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/hooks/generic/load"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(timeout=5) as http:
            i = 0
            while not stop.is_set() and i < 5000:
                ext = f"k{n}-{i}"
                body = orjson.dumps(payload(external_id=ext, author_id=f"a{n}-{i % 7}", lang=("ru", "pl", "en")[i % 3]))
                try:
                    answer = http.post(url, content=body, headers={"x-otklik-signature": sign(body, "k")})
                except httpx.TransportError:
                    return  # the server is gone
                if answer.status_code == 200:
                    with lock:
                        acknowledged.append(ext)
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 300 and time.monotonic() < deadline + 30:
        time.sleep(0.05)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(acknowledged) >= 300
    engine = create_engine(f"sqlite:///{data / 'otklik.db'}")
    with engine.connect() as conn:
        stored = set(conn.execute(select(t.items.c.external_id).where(t.items.c.source == "load")).scalars())
    engine.dispose()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged items lost, e.g. {sorted(missing)[:5]}"
