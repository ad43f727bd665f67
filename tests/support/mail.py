"""Real mail servers for tests: pymap (IMAP, in memory) in a subprocess, aiosmtpd (SMTP) in a thread."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from imapclient import IMAPClient  # type: ignore[import-untyped]

IMAP_USER, IMAP_PASSWORD = "demouser", "demopass"
SMTP_USER, SMTP_PASSWORD = "care@volna.example", "smtp-app-password-01"


def free_port() -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ImapServer:
    """pymap's in-memory backend on 127.0.0.1, with its demo user."""

    def __init__(self) -> None:
        self.port = free_port()
        code = "import sys; from pymap.main import main; sys.exit(main())"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "--host", "127.0.0.1", "--port", str(self.port), "--no-tls", "dict", "--demo-data"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pymap exited: {self.process.stderr.read().decode() if self.process.stderr else ''}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("pymap did not start listening within 20 s")

    def client(self) -> IMAPClient:
        """A logged-in client, as a customer's mail server delivering into the mailbox."""
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=5)
        client.login(IMAP_USER, IMAP_PASSWORD)
        return client

    def new_folders(self) -> tuple[str, str]:
        """A fresh inbox and Sent folder for one test."""
        tag = uuid.uuid4().hex[:8]
        inbox, sent = f"in{tag}", f"sent{tag}"
        with self.mailbox() as client:
            client.create_folder(inbox)
            client.create_folder(sent)
        return inbox, sent

    def mailbox(self) -> _Session:
        """A client as a context manager."""
        return _Session(self)

    def append(self, folder: str, raw: bytes) -> int:
        """Deliver a message into ``folder``; its UID."""
        with self.mailbox() as client:
            answer = client.append(folder, raw)
        return int(answer.split(b"]")[0].split()[-1])

    def message_ids(self, folder: str) -> list[str]:
        """The Message-ID headers in ``folder``."""
        with self.mailbox() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        return [
            next(v for k, v in data.items() if k.startswith(b"BODY[")).decode().split(":", 1)[1].strip()
            for _, data in sorted(fetched.items())
        ]

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self.process.stderr:
            self.process.stderr.close()


class _Session:
    def __init__(self, server: ImapServer):
        self._server = server
        self.client: IMAPClient | None = None

    def __enter__(self) -> IMAPClient:
        self.client = self._server.client()
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.logout()


@dataclass
class Received:
    """One message the SMTP server took."""

    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class SmtpHandler:
    """Keeps what arrives; ``451@`` and ``550@`` recipients are refused, ``drop@`` drops after DATA."""

    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        local = address.split("@", 1)[0]
        if local == "busy":
            return "451 4.3.0 Try again later"
        if local == "nobody":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        self.arrived.set()
        if any(r.startswith("drop@") for r in envelope.rcpt_tos):
            server.transport.close()  # the message is in, the answer never comes
        return "250 OK queued"


def smtp_server() -> Iterator[tuple[int, SmtpHandler]]:
    """aiosmtpd on 127.0.0.1 offering AUTH (no TLS on loopback); yields its port and handler.

    AUTH is offered, not required: aiosmtpd warns about requiring it without TLS, and the
    handler records who logged in instead.
    """
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    handler = SmtpHandler()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (SMTP_USER, SMTP_PASSWORD)
        if ok:
            handler.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()
