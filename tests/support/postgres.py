"""A throw-away PostgreSQL cluster for the test suite, started from Debian's packages.

Only the standard library and psycopg are used, so the suite needs no Docker and no
``pytest-postgresql``. The cluster trades durability for speed (``fsync=off`` and
friends): it lives for one test session and is thrown away afterwards.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg

URL_ENV = "OTKLIK_TEST_POSTGRES_URL"
ROLE = "otklik"
DATABASE = "otklik_test"
# initdb's bootstrap superuser; we connect as it once to create the role above.
_BOOTSTRAP_USER = "postgres"
_DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
_INSTALL_TIMEOUT = 600.0
# sun_path holds 108 bytes; PostgreSQL appends "/.s.PGSQL.<port>" to the directory.
_MAX_SOCKET_PATH = 107
_clusters: list[ThrowawayCluster] = []  # keeps the session's cluster referenced until exit
# atexit does not run when the test process is killed (SIGTERM from ``timeout``, SIGKILL),
# so a detached watchdog stops the server once our process is gone. It exits by itself
# when postmaster.pid disappears, i.e. after a normal stop().
_WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, pid_file, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
dirs, stop = sys.argv[4:4 + count], sys.argv[4 + count:]
while os.path.exists(pid_file):
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        subprocess.run(stop, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
        break
    time.sleep(1)
"""


class ClusterError(RuntimeError):
    """The throw-away cluster could not be created, started or prepared."""


def find_pg_bin() -> Path | None:
    """The ``bin`` directory of the newest Debian PostgreSQL package, or None.

    Only ``/usr/lib/postgresql/<version>/bin`` is considered: the ``pg_ctl`` on PATH
    may be a wrapper (Debian's ``pg_wrapper`` or a site shim) that needs a configured
    cluster and does not take ``initdb``-style options.
    """
    if not _DEBIAN_PG_ROOT.is_dir():
        return None
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for entry in _DEBIAN_PG_ROOT.iterdir():
        if not re.fullmatch(r"\d+(\.\d+)*", entry.name):
            continue
        bin_dir = entry / "bin"
        if all(os.access(bin_dir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            candidates.append((tuple(int(part) for part in entry.name.split(".")), bin_dir))
    if not candidates:
        return None
    return max(candidates)[1]


def ensure_postgres_installed() -> str | None:
    """Install Debian's ``postgresql`` package when it is missing and we may.

    Returns None when PostgreSQL is available (already, or after installing it),
    otherwise a one-line reason why it is not.
    """
    if find_pg_bin() is not None:
        return None
    if os.geteuid() != 0:
        return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin) and we are not root, so the tests cannot install it"
    apt = shutil.which("apt-get")
    if apt is None:
        return "PostgreSQL is not installed and there is no apt-get to install it"
    reason = _apt_install(apt, "postgresql")
    if reason is None and find_pg_bin() is None:
        reason = "install failed: apt-get succeeded but /usr/lib/postgresql/*/bin is still missing"
    return reason


def _apt_install(apt: str, package: str) -> str | None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", package]):
        try:
            # A fixed argv built here, no shell (S603/S607 are off for tests/** in pyproject).
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=_INSTALL_TIMEOUT,
                env=env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"install failed: {' '.join(argv[1:])} took longer than {_INSTALL_TIMEOUT:.0f} s"
        if done.returncode != 0:
            return f"install failed: {_last_line(done.stderr or done.stdout)}"
    return None


class ThrowawayCluster:
    """One private PostgreSQL server on 127.0.0.1, for tests only."""

    def __init__(self, pg_bin: Path | None = None, *, timeout: float = 60.0) -> None:
        """Use ``pg_bin`` (default: :func:`find_pg_bin`); ``timeout`` bounds each step."""
        self._pg_bin = pg_bin
        self._timeout = timeout
        self._data_dir: Path | None = None
        self._log_file: Path | None = None
        self._run_as: str | None = None
        self._owned_dirs: list[Path] = []  # fallback directories we made and must remove
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._running = False
        self.port: int | None = None
        self.url: str | None = None

    def start(self, base_dir: Path) -> str:
        """Create, start and prepare the cluster under ``base_dir``; return its SQLAlchemy URL."""
        if self._running:
            raise ClusterError("this cluster is already running")
        pg_bin = self._pg_bin or find_pg_bin()
        if pg_bin is None:
            raise ClusterError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin)")
        self._pg_bin = pg_bin
        # PostgreSQL refuses to run as root, so as root we drop to a system user.
        self._run_as = _unprivileged_user() if os.geteuid() == 0 else None
        try:
            self.url = self._create_and_start(pg_bin, Path(base_dir).resolve())
        except BaseException:
            # Stop a half-started server and remove any fallback dirs we made.
            self._running = False
            self._teardown()
            raise
        return self.url

    def _create_and_start(self, pg_bin: Path, base_dir: Path) -> str:
        work_dir = self._prepare_work_dir(base_dir)
        data_dir = work_dir / "data"
        self._data_dir = data_dir
        self._log_file = work_dir / "server.log"
        socket_dir = self._socket_dir(work_dir)

        self._run(
            [
                str(pg_bin / "initdb"),
                "--pgdata",
                str(data_dir),
                "--username",
                _BOOTSTRAP_USER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",  # throw-away: no need to flush the new cluster to disk
            ],
            what="initdb",
            cwd=work_dir,
        )
        # Settings go into the config file rather than ``pg_ctl -o`` so paths with
        # spaces need no shell quoting; only the port changes between start attempts.
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": _conf_string(str(socket_dir)),
            "max_connections": "100",
            # Durability is pointless for a throw-away cluster and costs seconds.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# otklik test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

        self._start_server(pg_bin, data_dir, self._log_file, work_dir)
        self._running = True
        atexit.register(self.stop)
        self._start_watchdog(pg_bin, data_dir)
        self._wait_and_prepare()
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    def stop(self) -> None:
        """Stop the server at once (``-m immediate``); safe to call more than once."""
        if not self._running:
            return
        self._running = False
        self._teardown()

    # --- internals -------------------------------------------------------------------
    def _teardown(self) -> None:
        atexit.unregister(self.stop)
        if self._pg_bin is not None and self._data_dir is not None and self._data_dir.is_dir():
            # Errors are ignored: the server may already be gone, and stop runs at exit.
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                self._run(self._stop_argv(self._pg_bin, self._data_dir), what="pg_ctl stop", cwd=self._data_dir.parent, check=False)
        if self._watchdog is not None:
            self._watchdog.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._watchdog.wait(timeout=5)
            self._watchdog = None
        for directory in self._owned_dirs:
            shutil.rmtree(directory, ignore_errors=True)
        self._owned_dirs.clear()

    @staticmethod
    def _stop_argv(pg_bin: Path, data_dir: Path) -> list[str]:
        return [str(pg_bin / "pg_ctl"), "stop", "--pgdata", str(data_dir), "--mode", "immediate", "--wait"]

    def _start_watchdog(self, pg_bin: Path, data_dir: Path) -> None:
        dirs = [str(directory) for directory in self._owned_dirs]
        stop = self._command(self._stop_argv(pg_bin, data_dir))
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(data_dir / "postmaster.pid"), str(len(dirs)), *dirs, *stop],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # must not hold pytest's output pipes open
            stderr=subprocess.DEVNULL,
            cwd="/",
            env=_pg_free_env(),
            start_new_session=True,  # survive a Ctrl-C or kill aimed at our process group
        )

    def _command(self, argv: Sequence[str]) -> list[str]:
        if self._run_as is None:
            return list(argv)
        return [_runuser(), "-u", self._run_as, "--", *argv]

    def _prepare_work_dir(self, base_dir: Path) -> Path:
        base_dir.mkdir(parents=True, exist_ok=True)
        user = self._run_as
        if user is None:
            return base_dir
        _chown_to(base_dir, user)
        if self._user_can_use(base_dir, user):
            return base_dir
        # pytest's tmp dirs live under /tmp/pytest-of-root (mode 0700), which the
        # unprivileged user cannot traverse; use a private dir in /tmp instead.
        fallback = Path(tempfile.mkdtemp(prefix="otklik-pg-"))
        self._owned_dirs.append(fallback)
        _chown_to(fallback, user)
        if not self._user_can_use(fallback, user):
            raise ClusterError(f"user {user!r} can write neither {base_dir} nor {fallback}")
        return fallback

    def _socket_dir(self, work_dir: Path) -> Path:
        socket_dir = work_dir / "sock"
        if len(str(socket_dir)) + len("/.s.PGSQL.65535") > _MAX_SOCKET_PATH:
            # Too long for a unix socket path; a short private dir still keeps it ours.
            socket_dir = Path(tempfile.mkdtemp(prefix="otklik-pgs-"))
            self._owned_dirs.append(socket_dir)
        socket_dir.mkdir(exist_ok=True)
        if self._run_as is not None:
            _chown_to(socket_dir, self._run_as)
        return socket_dir

    def _start_server(self, pg_bin: Path, data_dir: Path, log_file: Path, work_dir: Path) -> None:
        # A free port can be taken between our probe and the server's bind; retry a little.
        for attempt in range(3):
            self.port = _free_port()
            argv = [
                str(pg_bin / "pg_ctl"),
                "start",
                "--pgdata",
                str(data_dir),
                "--log",
                str(log_file),
                "--options",
                f"-p {self.port}",
                "--wait",
                "--timeout",
                str(int(self._timeout)),
            ]
            done = self._run(argv, what="pg_ctl start", cwd=work_dir, check=False)
            if done.returncode == 0:
                return
            log = self._log_tail()
            if attempt < 2 and "could not bind" in log:
                continue
            raise ClusterError(f"PostgreSQL did not start on port {self.port}: {_last_line(done.stderr or done.stdout)}\n{log}")

    def _wait_and_prepare(self) -> None:
        deadline = time.monotonic() + self._timeout
        last_error: Exception | None = None
        while True:
            try:
                with psycopg.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user=_BOOTSTRAP_USER,
                    dbname="postgres",
                    autocommit=True,
                    connect_timeout=5,
                ) as conn:
                    conn.execute(f'CREATE ROLE "{ROLE}" SUPERUSER LOGIN')
                    conn.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{ROLE}"')
                return
            except psycopg.OperationalError as error:
                # Only connection failures are retried; SQL errors surface at once.
                last_error = error
            if time.monotonic() >= deadline:
                where = f"127.0.0.1:{self.port}"
                raise ClusterError(
                    f"PostgreSQL on {where} did not accept connections within {self._timeout:.0f} s: {last_error}\n{self._log_tail()}"
                )
            time.sleep(0.1)

    def _run(self, argv: Sequence[str], *, what: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = self._command(argv)
        env = _pg_free_env()
        # argv is built here from fixed tool paths, no shell (S603/S607 are off for tests/**).
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=self._timeout + 30,
            env=env,
            cwd=cwd,  # the unprivileged user may not be able to enter the caller's cwd
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if check and done.returncode != 0:
            raise ClusterError(f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()}")
        return done

    def _user_can_use(self, directory: Path, user: str) -> bool:
        # Permission bits alone miss the parents' search bits, so ask as that user.
        done = subprocess.run(
            [_runuser(), "-u", user, "--", "test", "-w", str(directory), "-a", "-x", str(directory)],
            capture_output=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return done.returncode == 0

    def _log_tail(self, lines: int = 20) -> str:
        if self._log_file is None or not self._log_file.exists():
            return "(no server log)"
        text = self._log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return "server log tail:\n" + "\n".join(text[-lines:])


def postgres_url_for_tests(base_dir: Path) -> tuple[str | None, str | None]:
    """A PostgreSQL URL for the suite as ``(url, None)``, or ``(None, reason)``.

    ``OTKLIK_TEST_POSTGRES_URL`` wins when set (an existing server, e.g. in CI);
    otherwise PostgreSQL is installed if needed and a throw-away cluster is started
    under ``base_dir``, stopped at interpreter exit.
    """
    configured = os.environ.get(URL_ENV)
    if configured:
        return configured, None
    try:
        reason = ensure_postgres_installed()
        if reason is not None:
            return None, reason
        cluster = ThrowawayCluster()
        url = cluster.start(base_dir)
    except (ClusterError, OSError, subprocess.SubprocessError, psycopg.Error) as error:
        return None, f"could not start a throw-away PostgreSQL: {error}"
    _clusters.append(cluster)
    return url, None


def _pg_free_env() -> dict[str, str]:
    # PG* variables of the caller (PGHOST, PGPORT…) must not steer our private cluster.
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


def _unprivileged_user() -> str:
    """``postgres`` (created by Debian's package) when present, else ``nobody``."""
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ClusterError("running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as")


def _runuser() -> str:
    # /usr/sbin is often missing from PATH in containers, so look there too.
    found = shutil.which("runuser") or next((p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None)
    if found is None:
        raise ClusterError("running as root and 'runuser' is missing, so PostgreSQL cannot be started as another user")
    return found


def _chown_to(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _conf_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
