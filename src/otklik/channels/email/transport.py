"""Talking to mail servers: IMAP (read, IDLE, look in Sent) and SMTP submission.

Every failure is mapped onto the error tree: a server that cannot be reached or answers
4xx is :class:`~otklik.errors.PlatformUnavailable` (try again), refused credentials are a
:class:`~otklik.errors.ConfigError`, a 5xx to our message is
:class:`~otklik.errors.DeliveryRejected`, and a connection that drops after the message's
data went out is :class:`~otklik.errors.DeliveryUnknown` (the server may have taken it).
Passwords never appear in a message.
"""

from __future__ import annotations

import select
import smtplib
import socket
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from imapclient import IMAPClient  # type: ignore[import-untyped]  # ships no type information
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError  # type: ignore[import-untyped]

from otklik.errors import ConfigError, DeliveryRejected, DeliveryUnknown, PlatformUnavailable

TLS_MODES = ("ssl", "starttls", "none")
#: Messages fetched per IMAP FETCH.
FETCH_BATCH = 50

_NETWORK = (OSError, ssl.SSLError, socket.timeout, IMAPClientAbortError)


@dataclass(frozen=True, slots=True)
class Server:
    """One server to log in to."""

    host: str
    port: int
    tls: str
    user: str
    password: str


@dataclass(frozen=True, slots=True)
class Fetched:
    """One message as IMAP handed it out."""

    uid: int
    raw: bytes
    internal_date: datetime | None


@dataclass(frozen=True, slots=True)
class FolderState:
    """What SELECT says of a folder."""

    uidvalidity: int
    uidnext: int | None
    exists: int


class ImapConnection:
    """A logged-in IMAP session on one folder (``imapclient``, UIDs throughout)."""

    def __init__(self, server: Server, *, timeout: float, ssl_context: ssl.SSLContext | None = None):
        context = ssl_context or ssl.create_default_context()
        try:
            self.client = IMAPClient(server.host, port=server.port, ssl=server.tls == "ssl", ssl_context=context, timeout=timeout)
            if server.tls == "starttls":
                self.client.starttls(context)
        except _NETWORK as exc:
            raise PlatformUnavailable(f"IMAP {server.host}:{server.port}: could not connect ({type(exc).__name__}: {exc})") from None
        try:
            self.client.login(server.user, server.password)
        except LoginError:
            self.close()
            raise ConfigError(f"IMAP {server.host}: the server refused the login of {server.user}") from None
        except _NETWORK as exc:
            self.close()
            raise PlatformUnavailable(f"IMAP {server.host}: the connection broke at login ({type(exc).__name__})") from None
        self.server = server

    def capabilities(self) -> set[str]:
        """The server's capabilities after login (``IDLE``, ``UIDPLUS`` …)."""
        return {c.decode() if isinstance(c, bytes) else str(c) for c in self.client.capabilities()}

    def select(self, folder: str, *, readonly: bool = True) -> FolderState:
        """Open ``folder`` (read-only by default: reading mail changes nothing in it)."""
        try:
            info = self.client.select_folder(folder, readonly=readonly)
        except IMAPClientAbortError as exc:
            raise PlatformUnavailable(f"IMAP: the connection broke opening {folder} ({exc})") from None
        except IMAPClientError as exc:
            raise ConfigError(f"IMAP: cannot open the folder {folder!r}: {exc}") from None
        uidnext = info.get(b"UIDNEXT")
        return FolderState(
            uidvalidity=int(info[b"UIDVALIDITY"]), uidnext=int(uidnext) if uidnext else None, exists=int(info.get(b"EXISTS", 0))
        )

    def uids_after(self, last: int) -> list[int]:
        """UIDs greater than ``last`` (``N:*`` always matches the newest message, so filter)."""
        return sorted(uid for uid in self._search(["UID", f"{last + 1}:*"]) if uid > last)

    def uids_since(self, day: datetime) -> list[int]:
        """UIDs of messages that arrived on ``day`` or later (IMAP counts in whole days)."""
        return sorted(self._search(["SINCE", day.date()]))

    def _search(self, criteria: Sequence[Any]) -> list[int]:
        try:
            return [int(u) for u in self.client.search(list(criteria))]
        except IMAPClientAbortError as exc:
            raise PlatformUnavailable(f"IMAP SEARCH: the connection broke ({exc})") from None
        except IMAPClientError as exc:
            raise PlatformUnavailable(f"IMAP SEARCH {' '.join(map(str, criteria))}: the server refused it ({exc})") from None

    def fetch(self, uids: Sequence[int], *, max_bytes: int) -> Iterator[Fetched]:
        """The messages, ``FETCH_BATCH`` at a time; one over ``max_bytes`` is cut there."""
        for start in range(0, len(uids), FETCH_BATCH):
            chunk = list(uids[start : start + FETCH_BATCH])
            try:
                sizes = self.client.fetch(chunk, ["RFC822.SIZE"])
                whole = [u for u in chunk if int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) <= max_bytes]
                cut = [u for u in chunk if u not in whole and u in sizes]
                got = self.client.fetch(whole, ["BODY.PEEK[]", "INTERNALDATE"]) if whole else {}
                if cut:
                    got.update(self.client.fetch(cut, [f"BODY.PEEK[]<0.{max_bytes}>", "INTERNALDATE"]))
            except IMAPClientAbortError as exc:
                raise PlatformUnavailable(f"IMAP FETCH: the connection broke ({exc})") from None
            for uid in chunk:
                data = got.get(uid)
                if data is None:
                    continue  # expunged meanwhile
                raw = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"")
                when = data.get(b"INTERNALDATE")
                if isinstance(when, datetime) and when.tzinfo is None:
                    when = when.astimezone(UTC)  # imapclient gives local naive times by default
                yield Fetched(uid=uid, raw=bytes(raw or b""), internal_date=when if isinstance(when, datetime) else None)

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether ``folder`` holds a message with this Message-ID (the Sent read-back)."""
        self.select(folder, readonly=True)
        try:
            return bool(self.client.search(["HEADER", "Message-ID", f"<{message_id}>"]))
        except IMAPClientAbortError as exc:
            raise PlatformUnavailable(f"IMAP SEARCH in {folder}: the connection broke ({exc})") from None

    def append(self, folder: str, message: bytes, *, when: datetime) -> None:
        """Store a copy of a sent message in ``folder``, marked read."""
        self.client.append(folder, message, flags=[b"\\Seen"], msg_time=when)

    def idle(self, seconds: float) -> bool:
        """IDLE up to ``seconds``; whether the server announced new mail meanwhile (RFC 2177)."""
        try:
            self.client.idle()
            # Wait for the server to say something, then end IDLE and read what it said in
            # blocking mode. imapclient's idle_check reads without blocking and breaks on a
            # response line that arrives in two pieces, as some servers send them.
            select.select([self.client.socket()], [], [], max(seconds, 0.1))
            _, responses = self.client.idle_done()
        except _NETWORK as exc:
            raise PlatformUnavailable(f"IMAP IDLE: the connection broke ({type(exc).__name__}: {exc})") from None
        return any(len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in responses if isinstance(r, tuple))

    def close(self) -> None:
        """Log out, or just drop the connection when it is already broken."""
        client = getattr(self, "client", None)
        if client is None:
            return
        try:
            client.logout()
        except Exception:
            # A broken connection has nothing left to log out of; closing its socket may fail too.
            with suppress(Exception):
                client.shutdown()


@contextmanager
def imap_session(server: Server, *, timeout: float) -> Iterator[ImapConnection]:
    """An IMAP connection, logged out at the end."""
    connection = ImapConnection(server, timeout=timeout)
    try:
        yield connection
    finally:
        connection.close()


def _smtp(server: Server, *, timeout: float) -> smtplib.SMTP:
    """A connected, authenticated SMTP session."""
    context = ssl.create_default_context()
    try:
        if server.tls == "ssl":
            session: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            session = smtplib.SMTP(server.host, server.port, timeout=timeout)
        session.ehlo()
        if server.tls == "starttls":
            session.starttls(context=context)
            session.ehlo()
    except smtplib.SMTPResponseException as exc:
        raise PlatformUnavailable(f"SMTP {server.host}: {exc.smtp_code} at greeting") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise PlatformUnavailable(f"SMTP {server.host}:{server.port}: could not connect ({type(exc).__name__})") from None
    if server.user:
        try:
            session.login(server.user, server.password)
        except smtplib.SMTPAuthenticationError as exc:
            _quit(session)
            raise ConfigError(f"SMTP {server.host}: the server refused the login of {server.user} ({exc.smtp_code})") from None
        except smtplib.SMTPNotSupportedError:
            _quit(session)
            raise ConfigError(f"SMTP {server.host}: the server offers no AUTH (use TLS, or no user)") from None
        except (OSError, smtplib.SMTPException) as exc:
            _quit(session)
            raise PlatformUnavailable(f"SMTP {server.host}: login failed ({type(exc).__name__})") from None
    return session


def _quit(session: smtplib.SMTP) -> None:
    try:
        session.quit()
    except (OSError, smtplib.SMTPException):
        session.close()


def check_smtp(server: Server, *, timeout: float) -> None:
    """Connect, TLS and log in, then quit: the connection test's half for sending."""
    _quit(_smtp(server, timeout=timeout))


def _code_error(what: str, code: int, text: bytes | str) -> PlatformUnavailable | DeliveryRejected:
    detail = (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text))[:200]
    if 400 <= code < 500:
        return PlatformUnavailable(f"SMTP {what}: {code} {detail} (temporary)")
    return DeliveryRejected(f"SMTP {what}: {code} {detail}")


class _DataSent(Exception):
    """Marks that the message's data had gone out when the connection broke."""


def send_smtp(server: Server, message: EmailMessage, *, sender: str, recipients: Sequence[str], timeout: float) -> None:
    """Submit ``message``; 4xx → PlatformUnavailable, 5xx → DeliveryRejected, a drop after DATA → DeliveryUnknown."""
    session = _smtp(server, timeout=timeout)
    data = message.as_bytes()
    stage = "MAIL FROM"
    try:
        code, text = session.mail(sender, ["SMTPUTF8"] if _needs_utf8(sender, recipients) and session.has_extn("smtputf8") else [])
        if code != 250:
            raise _code_error(stage, code, text)
        stage = "RCPT TO"
        for rcpt in recipients:
            code, text = session.rcpt(rcpt)
            if code not in (250, 251):
                raise _code_error(f"{stage} {rcpt}", code, text)
        stage = "DATA"
        code, text = session.data(data)
        if code != 250:
            raise _code_error(stage, code, text)
    except (PlatformUnavailable, DeliveryRejected):
        _quit(session)
        raise
    except smtplib.SMTPResponseException as exc:
        _quit(session)
        raise _code_error(stage, exc.smtp_code, exc.smtp_error) from None
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        session.close()
        if stage == "DATA":
            # The message may be complete on the server's side; only its answer was lost.
            raise DeliveryUnknown(f"SMTP: the connection broke after the message was sent ({type(exc).__name__})") from None
        raise PlatformUnavailable(f"SMTP {stage}: the connection broke ({type(exc).__name__})") from None
    _quit(session)


def _needs_utf8(sender: str, recipients: Sequence[str]) -> bool:
    return not all(a.isascii() for a in (sender, *recipients))
