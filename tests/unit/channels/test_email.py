"""E-mail parsing: one captured message per case, loop safety, text cleaning, replies composed."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.email import EmailChannel, EmailSettings, Mailbox, ParsedMail, parse_message, reply_message_id
from otklik.channels.email.messages import compose_reply, reply_subject
from otklik.channels.email.text import html_to_text, trim_reply
from otklik.channels.registry import CHANNELS, public_settings
from otklik.domain.items import Addressing
from otklik.errors import ConfigError, DeliveryRejected, SignatureInvalid

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "email"
MAILBOX = Mailbox(source="care", address="care@volna.example")
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def parse(name: str, mailbox: Mailbox = MAILBOX) -> ParsedMail:
    return parse_message((FIXTURES / f"{name}.eml").read_bytes(), mailbox, received=WHEN)


@pytest.mark.parametrize(
    ("name", "author", "author_name", "text"),
    [
        (
            "plain",
            "mark.taylor@example.com",
            "Mark Taylor",
            "Order 48213 never arrived\n\nHi,\n\nmy headphones (order 48213) were due on Monday and still nothing.\nWhere are they?\n\nThanks,\nMark",
        ),
        (
            "html_only",
            "julia@example.org",
            "Julia Novak",
            "Refund request\n\nHello,\n\nI returned the X2 headphones on 3 November and I am still waiting for the refund.\n\n"
            "• Order: 51177\n• Return label: RL-9981\n\nJulia",
        ),
        (
            "koi8r_russian",
            "anna.smirnova@example.ru",
            "Анна Смирнова",
            "Где мой заказ?\n\nЗдравствуйте!\n\nЗаказ 77120 оплачен неделю назад, а курьер так и не позвонил. Верните деньги или привезите заказ.",
        ),
        (
            "windows1251",
            "igor@example.ru",
            "Игорь",
            "Списали деньги дважды\n\nДобрый день.\n\nЗа заказ 55012 деньги списали два раза. Прошу вернуть лишнее.",
        ),
        (
            "iso8859_2_polish",
            "lukasz@example.pl",
            "Łukasz Żółć",
            "Paczka nie dotarła\n\nDzień dobry,\npaczka 30091 nie dotarła do paczkomatu w Krakowie. Zażółć gęślą jaźń.",
        ),
        (
            "encoded_word_subject",
            "olga@example.ru",
            "Ольга",
            "Приложение не открывается после обновления\n\nВерсия 5.2, Android 14. Сразу закрывается.",
        ),
        ("emoji", "zoe@example.com", "Zoë", "Love it 💙\n\nLove the new app update, great job team 💙🎉"),
    ],
)
def test_a_customer_message_becomes_a_dm_item(name: str, author: str, author_name: str, text: str) -> None:
    parsed = parse(name)
    assert parsed.skipped is None
    draft = parsed.draft
    assert draft is not None
    assert (draft.author.external_id, draft.author.name, draft.text) == (author, author_name, text)
    assert draft.addressing is Addressing.DM
    assert draft.account == "care@volna.example"
    assert draft.external_id == parsed.message_id == draft.raw["message_id"]
    assert draft.parent_external_id is None
    assert draft.thread_id == draft.external_id  # a new e-mail starts its own conversation
    assert draft.created_at.tzinfo is not None


def test_the_raw_message_is_kept_exactly_even_in_8bit_charsets() -> None:
    import base64

    raw = (FIXTURES / "koi8r_russian.eml").read_bytes()
    draft = parse("koi8r_russian").draft
    assert draft is not None
    assert base64.b64decode(draft.raw["rfc822_base64"]) == raw
    plain = parse("plain").draft
    assert plain is not None
    assert plain.raw["rfc822"].encode() == (FIXTURES / "plain.eml").read_bytes()
    assert plain.raw["subject"] == "Order 48213 never arrived"


def test_a_reply_joins_its_parent_and_its_quotes_and_signature_are_trimmed() -> None:
    draft = parse("reply_with_quotes").draft
    assert draft is not None
    assert draft.text == "It came today, thank you! The box was a bit crushed but the headphones work."
    assert draft.parent_external_id == "otklik.0123456789abcdef0123456789abcdef@volna.example"
    assert draft.thread_id == "CAF1plain.1@mail.example.com"  # the first References id is the thread's root
    assert draft.raw["references"] == ["CAF1plain.1@mail.example.com", "otklik.0123456789abcdef0123456789abcdef@volna.example"]
    assert "wrote:" in draft.raw["rfc822"]  # cut from the text, kept in the raw message


def test_outlook_quotes_are_cut_and_attachments_noted_not_stored() -> None:
    parsed = parse("outlook_reply_attachment")
    draft = parsed.draft
    assert draft is not None
    assert draft.text == "Прикладываю чек, гарантия ещё действует.\n[attachment: chek.pdf]"
    assert draft.raw["attachments"] == [{"filename": "chek.pdf", "content_type": "application/pdf", "size": 440}]
    assert "rfc822" not in draft.raw and draft.raw["attachments_not_stored"] is True
    assert "JVBERi" not in str(draft.raw)  # no attachment bytes
    assert draft.raw["rfc822_headers"].startswith("From: =?utf-8?B?")
    assert (draft.parent_external_id, draft.thread_id) == ("unknown.1@elsewhere.example", "root.0@elsewhere.example")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply", "automatic (Auto-Submitted: auto-replied)"),
        ("vacation_precedence", "bulk mail (Precedence: bulk)"),
        ("bounce_dsn", "automatic (Auto-Submitted: auto-replied)"),
        ("mailing_list", "mailing-list mail (Audio fans <audio-fans.lists.example.net>)"),
        ("own_message", "our own message (From is the desk's address)"),
    ],
)
def test_automatic_mail_is_skipped_with_its_reason(name: str, reason: str) -> None:
    parsed = parse(name)
    assert (parsed.draft, parsed.skipped, parsed.malformed) == (None, reason, False)


def test_each_loop_signal_alone_is_enough() -> None:
    base = b"From: Anna <anna@example.com>\r\nTo: care@volna.example\r\nMessage-ID: <a.1@example.com>\r\nSubject: x\r\n"
    cases = {
        b"Return-Path: <>\r\n": "a bounce (empty Return-Path)",
        b"X-Autoreply: yes\r\n": "an auto-reply (X-Autoreply)",
        b"X-Auto-Response-Suppress: OOF\r\n": "an auto-reply (X-Auto-Response-Suppress: oof)",
        b"Precedence: junk\r\n": "bulk mail (Precedence: junk)",
        b"Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n": (
            "a delivery or read report (multipart/report; disposition-notification)"
        ),
    }
    for header, reason in cases.items():
        assert parse_message(base + header + b"\r\nbody\r\n", MAILBOX, received=WHEN).skipped == reason
    daemon = base.replace(b"Anna <anna@example.com>", b"MAILER-DAEMON@mx.example.com")
    assert parse_message(daemon + b"\r\nbody\r\n", MAILBOX, received=WHEN).skipped == "a bounce (from mailer-daemon@mx.example.com)"
    ours = base.replace(b"a.1@example.com", reply_message_id("k", "volna.example").encode())
    assert parse_message(ours + b"\r\nbody\r\n", MAILBOX, received=WHEN).skipped == "our own message (a Message-ID the desk made)"
    colleague = base.replace(b"a.1@example.com", b"CAB1@volna.example")  # our domain, but a person's client made it
    assert parse_message(colleague + b"\r\nbody\r\n", MAILBOX, received=WHEN).draft is not None
    human = parse_message(base + b"Auto-Submitted: no\r\n\r\nbody\r\n", MAILBOX, received=WHEN)
    assert human.draft is not None


def test_list_mail_may_be_kept_as_a_brand_mention() -> None:
    draft = parse("mailing_list", Mailbox(source="care", address="care@volna.example", list_mail="mention")).draft
    assert draft is not None
    assert draft.addressing is Addressing.BRAND_MENTION
    assert draft.text.endswith("Has anyone tried the Volna X2? The bass is muddy on mine.")


def test_a_message_without_message_id_gets_a_stable_synthesized_one() -> None:
    first, again = parse("no_message_id"), parse("no_message_id")
    assert first.draft is not None
    assert first.message_id == again.message_id
    assert first.message_id.startswith("sha256.") and first.message_id.endswith("@care.otklik.invalid")
    assert first.draft.text == "Pytanie\n\nCzy słuchawki X2 wrócą do sprzedaży?"


def test_garbage_is_skipped_as_malformed_with_a_reason() -> None:
    parsed = parse("garbage")
    assert (parsed.draft, parsed.malformed, parsed.skipped) == (None, True, "no sender address (not an e-mail message?)")
    empty = parse_message(b"  \r\n", MAILBOX, received=WHEN)
    assert (empty.draft, empty.malformed, empty.skipped) == (None, True, "an empty message")


def test_a_missing_date_falls_back_to_the_time_received() -> None:
    raw = b"From: a@example.com\r\nMessage-ID: <d.1@example.com>\r\nDate: not a date\r\n\r\nhello\r\n"
    draft = parse_message(raw, MAILBOX, received=WHEN).draft
    assert draft is not None
    assert (draft.created_at, draft.text) == (WHEN, "hello")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Thanks!\n\nOn Mon, 1 Dec 2026 at 10:00, Volna <care@volna.example> wrote:\n> old", "Thanks!"),
        (
            "Спасибо!\n\nпн, 1 дек. 2026 г. в 10:00, Volna <care@volna.example>:\n> старое",
            "Спасибо!\n\nпн, 1 дек. 2026 г. в 10:00, Volna <care@volna.example>:",
        ),
        ("Спасибо!\n\n1 дек. 2026 г., Volna <care@volna.example> написал:\n> старое", "Спасибо!"),
        ("Dzięki!\n\nW dniu 1.12.2026 o 10:00, Volna pisze:\n> stare", "Dzięki!"),
        ("OK\n\n-----Original Message-----\nFrom: x", "OK"),
        ("Хорошо\n\nОт: Volna\nОтправлено: 1 декабря\nТема: x", "Хорошо"),
        ("Fine.\n\nOn Mon, 1 Dec 2026 at 10:00, Volna Care\n<care@volna.example> wrote:\n> old", "Fine."),
        ("Yes\n-- \nAnna\n+48 600", "Yes"),
        ("Yes\n\nWysłane z iPhone'a", "Yes"),
        ("> only a quote\n> nothing else", "> only a quote\n> nothing else"),
        ("> you said 3 days\nit has been 10\n", "> you said 3 days\nit has been 10"),
    ],
)
def test_trim_reply(text: str, kept: str) -> None:
    assert trim_reply(text) == kept


def test_html_to_text_marks_quotes_and_drops_scripts() -> None:
    html = (
        "<div>Thanks!<br>Anna</div><script>alert(1)</script>"
        '<div class="gmail_quote">On Mon Volna wrote:<blockquote>old &amp; done</blockquote></div>'
    )
    assert html_to_text(html) == "Thanks!\nAnna\n> On Mon Volna wrote:\n> > old & done"
    assert trim_reply(html_to_text(html)) == "Thanks!\nAnna"


def test_reply_subject_does_not_pile_up_prefixes() -> None:
    assert reply_subject("Re: RE: Odp: Order 1") == "Re: Order 1"
    assert reply_subject("Отв: Заказ") == "Re: Заказ"
    assert reply_subject("") == "Re: your message"


def test_a_reply_is_threaded_with_a_deterministic_message_id() -> None:
    draft = parse("reply_with_quotes").draft
    assert draft is not None
    ours = reply_message_id("reply-41-key", "volna.example")
    assert ours == reply_message_id("reply-41-key", "volna.example") != reply_message_id("reply-42-key", "volna.example")
    message = compose_reply(
        text="Glad it arrived, Mark! Сегодня — 💙",
        message_id=ours,
        sender="care@volna.example",
        display_name="Volna Care",
        to="mark.taylor@example.com",
        original=draft.raw,
        now=WHEN,
    )
    back = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert back["Message-ID"] == f"<{ours}>"
    assert back["In-Reply-To"] == "<reply.2@mail.example.com>"
    assert back["References"] == (
        "<CAF1plain.1@mail.example.com> <otklik.0123456789abcdef0123456789abcdef@volna.example> <reply.2@mail.example.com>"
    )
    assert back["Subject"] == "Re: Order 48213 never arrived"
    assert str(back["From"]) == "Volna Care <care@volna.example>"
    assert "Auto-Submitted" not in back  # a person's answer, not an automatic one
    assert back.get_content().strip() == "Glad it arrived, Mark! Сегодня — 💙"
    # Our own reply, seen again in the mailbox, is never taken for a customer's message.
    assert parse_message(message.as_bytes(), MAILBOX, received=WHEN).skipped == "our own message (From is the desk's address)"


SETTINGS = {
    "address": "Care@Volna.example",
    "imap_host": "imap.volna.example",
    "imap_password": "app-password-imap-0001",
    "smtp_host": "smtp.volna.example",
}


def test_settings_defaults_and_checks() -> None:
    source = SourceConfig(name="care", kind="email", secret="s", settings=SETTINGS)
    settings = EmailSettings.from_source(source)
    assert (settings.address, settings.imap.port, settings.imap.tls, settings.imap.user) == (
        "care@volna.example",
        993,
        "ssl",
        "care@volna.example",
    )
    assert (settings.smtp.port, settings.smtp.tls, settings.smtp.user, settings.smtp.password) == (
        587,
        "starttls",
        "care@volna.example",
        "app-password-imap-0001",
    )
    assert (settings.mode, settings.folder, settings.sent_folder, settings.list_mail) == ("polling", "INBOX", "Sent", "skip")
    for bad, message in [
        ({"address": "nobody"}, "address must be"),
        ({"imap_tls": "maybe"}, "imap_tls must be one of ssl, starttls, none"),
        ({"smtp_port": "x"}, "smtp_port must be a port number"),
        ({"mode": "push"}, "mode must be polling or idle"),
        ({"imap_password": ""}, "imap_password is required"),
    ]:
        with pytest.raises(ConfigError, match=message):
            EmailSettings.from_source(SourceConfig(name="care", kind="email", secret="s", settings={**SETTINGS, **bad}))
    assert (
        EmailSettings.from_source(SourceConfig(name="c", kind="email", secret="s", settings={**SETTINGS, "mode": "poll"})).mode == "polling"
    )


def test_the_channel_refuses_webhooks_and_masks_passwords() -> None:
    channel = EmailChannel(SourceConfig(name="care", kind="email", secret="s", settings=SETTINGS), ChannelContext())
    assert (channel.capabilities.can_reply, channel.capabilities.can_pin, channel.capabilities.can_like) == (True, False, False)
    assert channel.capabilities.reply_window is None
    with pytest.raises(SignatureInvalid):
        channel.verify({}, b"")
    assert channel.parse((FIXTURES / "auto_reply.eml").read_bytes()) == []
    assert [d.external_id for d in channel.parse((FIXTURES / "plain.eml").read_bytes())] == ["CAF1plain.1@mail.example.com"]
    assert "email" in CHANNELS
    shown = public_settings("email", {**SETTINGS, "smtp_password": "another-secret-0002"})
    assert shown["imap_password"] == "••••0001" and shown["smtp_password"] == "••••0002"
    assert shown["imap_host"] == "imap.volna.example"


def test_a_reply_without_a_customer_message_is_rejected() -> None:
    from otklik.channels.base import OutboundReply

    channel = EmailChannel(SourceConfig(name="care", kind="email", secret="s", settings=SETTINGS), ChannelContext())
    with pytest.raises(DeliveryRejected, match="no customer e-mail"):
        channel.send(OutboundReply(reply_id=1, text="hi", idempotency_key="k", account="care@volna.example", in_reply_to=None))
