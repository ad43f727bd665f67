"""E-mail against real servers: pymap (IMAP, polling and IDLE) and aiosmtpd (SMTP replies)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from otklik.bootstrap import Services
from otklik.channels.base import ChannelContext, OutboundReply
from otklik.channels.email import EmailChannel, reply_message_id
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError, DeliveryRejected, DeliveryUnknown, PlatformUnavailable
from otklik.services.channel_admin import check_channel
from otklik.services.delivery import deliver_due
from otklik.services.email_channel import add_email_channel
from otklik.services.email_polling import EmailPoller
from otklik.services.ingest import IngestOutcome, store_drafts
from otklik.services.sources import list_sources, polling_sources, source_config
from otklik.store import tables as t
from tests.conftest import skip_or_fail
from tests.integration.channels.conftest import queue_reply
from tests.support.mail import IMAP_PASSWORD, IMAP_USER, SMTP_PASSWORD, SMTP_USER, ImapServer, SmtpHandler, smtp_server

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "email"
ADDRESS = "care@volna.example"


def eml(name: str) -> bytes:
    return (FIXTURES / f"{name}.eml").read_bytes()


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    try:
        server = ImapServer()
    except (RuntimeError, OSError) as exc:
        skip_or_fail(f"pymap could not start: {exc}")
        raise
    yield server
    server.stop()


@pytest.fixture
def own_imap_server() -> Iterator[ImapServer]:
    """A server of its own, for a test that holds one connection in IDLE across others' writes."""
    try:
        server = ImapServer()
    except (RuntimeError, OSError) as exc:
        skip_or_fail(f"pymap could not start: {exc}")
        raise
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[int, SmtpHandler]]:
    yield from smtp_server()


@pytest.fixture
def folders(imap_server: ImapServer) -> tuple[str, str]:
    return imap_server.new_folders()


def settings_for(imap_server: ImapServer, smtp_port: int, folders: tuple[str, str], **extra: str) -> dict[str, str]:
    return {
        "address": ADDRESS,
        "display_name": "Volna Care",
        "imap_host": "127.0.0.1",
        "imap_port": str(imap_server.port),
        "imap_tls": "none",
        "imap_user": IMAP_USER,
        "imap_password": IMAP_PASSWORD,
        "imap_folder": folders[0],
        "smtp_host": "127.0.0.1",
        "smtp_port": str(smtp_port),
        "smtp_tls": "none",
        "smtp_user": SMTP_USER,
        "smtp_password": SMTP_PASSWORD,
        "sent_folder": folders[1],
        **extra,
    }


@pytest.fixture
def mailbox(services: Services, imap_server: ImapServer, smtp: tuple[int, SmtpHandler], folders: tuple[str, str]) -> dict[str, str]:
    """An e-mail source named ``care``, connected after its connection test."""
    values = settings_for(imap_server, smtp[0], folders)
    add_email_channel("care", values, uow_factory=services.uow, clock=services.clock, timeout=5)
    return values


def poller(services: Services, **kwargs: Any) -> EmailPoller:
    # Generous: the test IMAP server is Python too, and shares two cores with the suite.
    return EmailPoller("care", uow_factory=services.uow, clock=services.clock, timeout=20, **kwargs)


def items(services: Services) -> list[tuple[str, int, str]]:
    with services.uow(write=False) as uow:
        rows = uow.connection.execute(select(t.items.c.external_id, t.items.c.conversation_id, t.items.c.text).order_by(t.items.c.id))
        return [(r.external_id, r.conversation_id, r.text) for r in rows]


def config(services: Services) -> dict[str, Any]:
    with services.uow(write=False) as uow:
        row = uow.sources.get("care")
    assert row is not None
    return dict(row["config"])


def test_mail_is_read_once_acknowledged_after_commit_and_automatic_mail_skipped(
    services: Services, imap_server: ImapServer, mailbox: dict[str, str]
) -> None:
    folder = mailbox["imap_folder"]
    assert [s.name for s in polling_sources(uow_factory=services.uow) if s.kind == "email"] == ["care"]
    shown = next(s for s in list_sources(uow_factory=services.uow) if s.name == "care").settings
    assert (shown["imap_password"], shown["smtp_password"]) == ("••••", "••••d-01")
    first_uid = imap_server.append(folder, eml("plain"))
    for name in ("koi8r_russian", "auto_reply", "bounce_dsn", "garbage"):
        imap_server.append(folder, eml(name))
    reader = poller(services)
    done = reader.poll_once(wait=0)
    assert (done.updates, done.stored, done.duplicates, done.ignored, done.malformed) == (5, 2, 0, 2, 1)
    stored = items(services)
    assert [(ext, text.splitlines()[0]) for ext, _, text in stored] == [
        ("CAF1plain.1@mail.example.com", "Order 48213 never arrived"),
        ("koi8.55@mail.example.ru", "Где мой заказ?"),
    ]
    saved = config(services)
    assert int(saved["_cursors"]["imap_uid"]) == first_uid + 4
    assert [(s["message_id"], s["reason"]) for s in saved["_email_skipped"]] == [
        ("oof.1@mail.example.com", "automatic (Auto-Submitted: auto-replied)"),
        ("bounce.1@mx.volna.example", "automatic (Auto-Submitted: auto-replied)"),
        (
            "sha256.59cfcf6c853191204820818ff02f4c25f8363048@care.otklik.invalid",
            "no sender address (not an e-mail message?)",
        ),
    ]
    # Nothing new: nothing read. A redelivered copy (a new UID, the same Message-ID) is stored once.
    reader.run_now()
    assert reader.poll_once(wait=0).updates == 0
    imap_server.append(folder, eml("plain"))
    reader.run_now()
    again = reader.poll_once(wait=0)
    assert (again.updates, again.stored, again.duplicates) == (1, 0, 1)
    assert len(items(services)) == 2
    # A polling source reads at most once per interval.
    imap_server.append(folder, eml("emoji"))
    assert reader.poll_once(wait=0).updates == 0


def test_a_failed_commit_leaves_the_cursor_and_the_next_pass_reads_again(
    services: Services, imap_server: ImapServer, mailbox: dict[str, str]
) -> None:
    imap_server.append(mailbox["imap_folder"], eml("windows1251"))

    def crash(drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        with services.uow() as uow:
            store_drafts(drafts, uow=uow, now=services.clock.now())
            raise RuntimeError("the disk is full")

    before = config(services).get("_cursors")
    with pytest.raises(RuntimeError, match="disk is full"):
        poller(services, store=crash).poll_once(wait=0)
    assert config(services).get("_cursors") == before
    assert items(services) == []
    done = poller(services).poll_once(wait=0)
    assert (done.updates, done.stored) == (1, 1)
    assert [ext for ext, _, _ in items(services)] == ["cp1251.9@mail.example.ru"]


def test_a_changed_uidvalidity_reads_the_folder_again_and_stores_each_message_once(
    services: Services, imap_server: ImapServer, mailbox: dict[str, str]
) -> None:
    imap_server.append(mailbox["imap_folder"], eml("plain"))
    assert poller(services).poll_once(wait=0).stored == 1
    with services.uow() as uow:
        row = uow.sources.get("care")
        assert row is not None
        changed = dict(row["config"])
        changed["_cursors"] = {**changed["_cursors"], "imap_uidvalidity": "1"}
        uow.sources.update("care", config=changed)
        uow.commit()
    done = poller(services).poll_once(wait=0)
    assert (done.updates, done.stored, done.duplicates) == (1, 0, 1)


def test_idle_brings_new_mail_within_the_pass_and_reconnects_after_a_drop(
    services: Services, own_imap_server: ImapServer, smtp: tuple[int, SmtpHandler]
) -> None:
    imap_server = own_imap_server
    folders = imap_server.new_folders()
    add_email_channel(
        "care", settings_for(imap_server, smtp[0], folders, mode="idle"), uow_factory=services.uow, clock=services.clock, timeout=5
    )
    reader = poller(services)
    try:
        assert reader.poll_once(wait=0).updates == 0  # connected; nothing yet
        assert reader._imap is not None
        idling = threading.Event()
        real_idle = reader._imap.idle

        def spy(seconds: float) -> bool:
            idling.set()
            return real_idle(seconds)

        reader._imap.idle = spy  # type: ignore[method-assign]
        result: list[Any] = []
        started = time.monotonic()
        thread = threading.Thread(target=lambda: result.append(reader.poll_once(wait=40)))
        thread.start()
        assert idling.wait(20)
        imap_server.append(folders[0], eml("iso8859_2_polish"))
        thread.join(45)
        assert time.monotonic() - started < 30  # woken by the server, not by the IDLE's end (40 s)
        assert (result[0].updates, result[0].stored) == (1, 1)
        assert [ext for ext, _, _ in items(services)] == ["pl.3@poczta.example.pl"]
        # The connection drops: the pass fails as "try again", and the next one logs in anew.
        reader._imap.client.shutdown()
        with pytest.raises(PlatformUnavailable):
            reader.poll_once(wait=1)
        assert reader._imap is None
        imap_server.append(folders[0], eml("encoded_word_subject"))
        assert reader.poll_once(wait=1).stored == 1
    finally:
        reader.close()


def test_a_reply_is_sent_threaded_filed_in_sent_and_the_answer_joins_the_conversation(
    services: Services, imap_server: ImapServer, smtp: tuple[int, SmtpHandler], mailbox: dict[str, str]
) -> None:
    _, handler = smtp
    imap_server.append(mailbox["imap_folder"], eml("plain"))
    poller(services).poll_once(wait=0)
    [(_, conversation, _)] = items(services)
    reply = queue_reply(services, conversation, "Mark, sorry about order 48213: a new pair ships today, tracking follows.")
    with httpx.Client() as client:
        done = deliver_due(uow_factory=services.uow, client=client, clock=services.clock, timeout=5, max_attempts=3)
    assert (done.sent, done.failed, done.retried) == (1, 0, 0)
    ours = reply_message_id(reply.idempotency_key, "volna.example")
    [got] = handler.received
    # Logged in twice: the connection test, then the delivery.
    assert (got.sender, got.recipients, handler.logins) == (ADDRESS, ["mark.taylor@example.com"], [SMTP_USER, SMTP_USER])
    sent = message_from_bytes(got.data, policy=policy.default)
    assert sent["Message-ID"] == f"<{ours}>"
    assert sent["In-Reply-To"] == "<CAF1plain.1@mail.example.com>"
    assert sent["References"] == "<CAF1plain.1@mail.example.com>"
    assert sent["Subject"] == "Re: Order 48213 never arrived"
    assert str(sent["To"]) == "mark.taylor@example.com"
    assert sent.get_content().strip() == "Mark, sorry about order 48213: a new pair ships today, tracking follows."
    assert imap_server.message_ids(mailbox["sent_folder"]) == [f"<{ours}>"]
    with services.uow(write=False) as uow:
        stored_reply = uow.replies.get(reply.id)
    assert stored_reply is not None
    assert (stored_reply.delivery_state.value, stored_reply.external_id) == ("sent", ours)
    # Mark answers our reply: In-Reply-To is our Message-ID, so it joins the same conversation.
    answer = eml("reply_with_quotes").replace(b"otklik.0123456789abcdef0123456789abcdef@volna.example", ours.encode())
    imap_server.append(mailbox["imap_folder"], answer)
    reader = poller(services)
    assert reader.poll_once(wait=0).stored == 1
    assert [(ext, conv) for ext, conv, _ in items(services)] == [
        ("CAF1plain.1@mail.example.com", conversation),
        ("reply.2@mail.example.com", conversation),
    ]
    # The copy of our reply in Sent, or our reply bounced back into the inbox, is never an item.
    imap_server.append(mailbox["imap_folder"], got.data)
    reader.run_now()
    assert (reader.poll_once(wait=0).ignored, len(items(services))) == (1, 2)


def _channel(services: Services) -> EmailChannel:
    return EmailChannel(source_config("care", uow_factory=services.uow), ChannelContext(timeout=5, now=services.clock.now))


def _outbound(services: Services, key: str, to: str = "mark.taylor@example.com") -> OutboundReply:
    with services.uow(write=False) as uow:
        item = uow.items.get(1)
    assert item is not None
    item_raw = {**item.raw, "reply_to": to}
    from dataclasses import replace

    return OutboundReply(reply_id=1, text="Hello", idempotency_key=key, account=ADDRESS, in_reply_to=replace(item, raw=item_raw))


def test_a_resend_finds_the_reply_in_sent_and_smtp_errors_map_to_the_error_tree(
    services: Services, imap_server: ImapServer, smtp: tuple[int, SmtpHandler], mailbox: dict[str, str]
) -> None:
    _, handler = smtp
    imap_server.append(mailbox["imap_folder"], eml("plain"))
    poller(services).poll_once(wait=0)
    channel = _channel(services)
    assert channel.capabilities.idempotent is True
    first = channel.send(_outbound(services, "key-1"))
    second = channel.send(_outbound(services, "key-1"))  # a retry of the same reply
    assert first.external_id == second.external_id == reply_message_id("key-1", "volna.example")
    assert len(handler.received) == 1  # found in Sent, not sent again
    with pytest.raises(PlatformUnavailable, match="451"):
        channel.send(_outbound(services, "key-2", "busy@example.com"))
    with pytest.raises(DeliveryRejected, match="550"):
        channel.send(_outbound(services, "key-3", "nobody@example.com"))
    with pytest.raises(DeliveryUnknown, match="after the message was sent"):
        channel.send(_outbound(services, "key-4", "drop@example.com"))
    assert [r.recipients for r in handler.received] == [["mark.taylor@example.com"], ["drop@example.com"]]


def test_the_connection_test_logs_into_both_servers_and_names_what_is_wrong(
    services: Services, imap_server: ImapServer, smtp: tuple[int, SmtpHandler], mailbox: dict[str, str], folders: tuple[str, str]
) -> None:
    line = check_channel("care", uow_factory=services.uow, timeout=5)
    assert line == (
        f"care@volna.example: IMAP demouser@127.0.0.1:{imap_server.port} {folders[0]} (0 messages, polling), SMTP 127.0.0.1:{smtp[0]} none"
    )
    wrong = [
        ({"imap_password": "wrong"}, "IMAP 127.0.0.1: the server refused the login of demouser"),
        ({"smtp_password": "wrong"}, "SMTP 127.0.0.1: the server refused the login of care@volna.example"),
        ({"imap_folder": "Nowhere"}, "cannot open the folder 'Nowhere'"),
        ({"imap_port": str(smtp[0] + 1) if smtp[0] + 1 != imap_server.port else "1"}, "could not reach the mail server"),
    ]
    for change, message in wrong:
        with pytest.raises(ConfigError, match=message):
            add_email_channel("care2", {**mailbox, **change}, uow_factory=services.uow, clock=services.clock, timeout=5)
    assert [s.name for s in list_sources(uow_factory=services.uow)] == ["care"]  # nothing stored
