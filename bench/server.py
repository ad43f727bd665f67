"""``otklik serve`` as a separate process, and CPU accounting of processes and threads."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

_TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_of_stat(path: Path) -> float:
    """utime + stime of one ``/proc/.../stat`` file, in seconds (0 when it is gone)."""
    try:
        raw = path.read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


@dataclass(frozen=True, slots=True)
class CpuSample:
    """CPU seconds a process used so far: in total, on its main thread, on the others."""

    total: float
    main_thread: float
    other_threads: float

    def __sub__(self, earlier: CpuSample) -> CpuSample:
        return CpuSample(
            self.total - earlier.total,
            self.main_thread - earlier.main_thread,
            self.other_threads - earlier.other_threads,
        )


def cpu_of(pid: int) -> CpuSample:
    """CPU used so far by process ``pid`` (Linux ``/proc``); its main thread runs the event loop."""
    total = _cpu_of_stat(Path(f"/proc/{pid}/stat"))
    main = _cpu_of_stat(Path(f"/proc/{pid}/task/{pid}/stat"))
    return CpuSample(total, main, max(0.0, total - main))


def otklik(*args: str) -> list[str]:
    """The command line that runs ``otklik`` with this interpreter."""
    return [sys.executable, "-m", "otklik", *args]


def server_env(**extra: str) -> dict[str, str]:
    """The environment of the server: ours, with the worker off and no stray settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTKLIK_")}
    # The repository root, so a child can run ``python -m bench.…`` from any directory.
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env.update({"OTKLIK_WORKER_ENABLED": "false", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


class ServerProcess:
    """``python -m otklik serve`` (or another module) on a free port, as a child process."""

    def __init__(
        self, data_dir: Path, *, launcher: tuple[str, ...] = ("-m", "otklik"), env: dict[str, str] | None = None, name: str = "server"
    ):
        """``launcher``: the interpreter arguments before ``serve`` (another module may wrap otklik's CLI)."""
        self.data_dir = data_dir
        self.port = free_port()
        self.log_path = data_dir / f"{name}.log"
        self._argv = [sys.executable, *launcher, "serve", "--data-dir", str(data_dir), "--port", str(self.port)]
        self._env = env or server_env()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The server's process id."""
        if self.process is None:
            raise RuntimeError("the server is not running")
        return self.process.pid

    def start(self, timeout: float = 60.0) -> ServerProcess:
        """Start the server and wait until it answers HTTP."""
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self._argv, env=self._env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: {self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the server did not answer within {timeout:.0f} s: {self.log_tail()}")
            time.sleep(0.1)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                return conn.recv(12).startswith(b"HTTP/1.1")
        except OSError:
            return False

    def cpu(self) -> CpuSample:
        """CPU the server used so far."""
        return cpu_of(self.pid)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the server to stop (SIGINT, as Ctrl+C) and wait; kill it when it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the server: what is durable must survive this."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.kill()
        self.process.wait(timeout=30)

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's output."""
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.kill()
