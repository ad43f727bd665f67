"""RFC 5322 messages: parsed into items (with loop and bounce safety) and replies composed.

Parsing uses the standard library's ``email`` package with ``policy.default``, which
decodes encoded-word headers (``=?koi8-r?B?…?=``) and bodies in any charset Python knows.

An inbound message becomes one ``dm`` item (``brand_mention`` for list mail, when the
source asks for it) unless it is automatic: auto-replies, bounces and delivery reports,
bulk mail, or our own messages coming back. Those are skipped with the reason, never
answered; the message itself stays in the mailbox.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from typing import Any

from otklik.channels.email.text import html_to_text, trim_reply
from otklik.domain.items import Addressing, Author, ItemDraft

#: Prefix of the Message-IDs the desk gives its replies; "our own message" means this prefix
#: in our domain, so colleagues writing from the brand's domain still reach the desk.
OUR_ID_PREFIX = "otklik."
#: Most characters of References carried on a reply (RFC 5322 lets them grow without end).
MAX_REFERENCES = 20

_PARSER = BytesParser(policy=policy.default)
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|odp|отв|ответ|пересл)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})


@dataclass(frozen=True, slots=True)
class Mailbox:
    """Who the desk is on this source: what decides "ours" and how lists are treated."""

    source: str
    #: The brand's address (the item's ``account``).
    address: str
    #: Mailing-list mail: ``skip`` it, or keep it as a ``brand_mention``.
    list_mail: str = "skip"

    @property
    def domain(self) -> str:
        """The domain our Message-IDs are made in."""
        return self.address.rpartition("@")[2].lower() or "localhost"


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """One message: its id and the item it holds, or why it holds none."""

    message_id: str
    draft: ItemDraft | None
    skipped: str | None = None
    #: The message was unreadable as mail (no sender): skipped, and counted as malformed.
    malformed: bool = False
    attachments: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def normalize_id(value: str | None) -> str | None:
    """The first ``<id>`` in a header value, without brackets (None when there is none)."""
    if not value:
        return None
    found = _MSG_ID.search(value)
    if found:
        return found.group(1)
    bare = value.strip()
    return bare if bare and " " not in bare and "@" in bare else None


def id_list(value: str | None) -> list[str]:
    """Every ``<id>`` of References or In-Reply-To, in order."""
    return _MSG_ID.findall(value or "")


def reply_message_id(idempotency_key: str, domain: str) -> str:
    """Our Message-ID for a reply (without brackets): the same key always gives the same id.

    A retry of the same reply therefore carries the same Message-ID, which the Sent-folder
    read-back looks for and which mail clients use to show a repeat once.
    """
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"{OUR_ID_PREFIX}{digest}@{domain}"


def synthesized_id(raw: bytes, source: str) -> str:
    """A stable id for a message without a Message-ID: the same bytes give the same id."""
    return f"sha256.{hashlib.sha256(raw).hexdigest()[:40]}@{source}.otklik.invalid"


def _header(message: Message, name: str) -> str:
    """A header as text; a header too broken to decode is read raw instead of failing."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, LookupError):
        value = message.get_all(name, failobj=[""])[0] if hasattr(message, "get_all") else ""
    return str(value or "").strip()


def automatic_reason(message: Message, mailbox: Mailbox, sender: str) -> str | None:  # noqa: PLR0911 - one return per documented case
    """Why a message must never be answered (and is not a customer's), or None.

    RFC 3834 marks auto-replies with ``Auto-Submitted``; older responders use ``Precedence``
    or vendor headers; bounces come from the null return path or ``MAILER-DAEMON``.
    """
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"automatic (Auto-Submitted: {auto[:40]})"
    if message.get_content_type() == "multipart/report":
        report = message.get_param("report-type") or "report"
        return f"a delivery or read report (multipart/report; {report})"
    return_path = _header(message, "Return-Path")
    if "Return-Path" in message and return_path.replace(" ", "") in ("<>", ""):
        return "a bounce (empty Return-Path)"
    if sender.partition("@")[0].lower() in _BOUNCE_SENDERS:
        return f"a bounce (from {sender})"
    precedence = _header(message, "Precedence").lower()
    if precedence in ("bulk", "junk"):
        return f"bulk mail (Precedence: {precedence})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if name in message and _header(message, name).lower() not in ("no", "false", "0"):
            return f"an auto-reply ({name})"
    suppress = _header(message, "X-Auto-Response-Suppress").lower()
    # Exchange puts this on the out-of-office answers it sends itself.
    if suppress and any(word in suppress for word in ("all", "oof", "autoreply")):
        return f"an auto-reply (X-Auto-Response-Suppress: {suppress[:40]})"
    if sender.lower() == mailbox.address.lower():
        return "our own message (From is the desk's address)"
    own = normalize_id(_header(message, "Message-ID")) or ""
    if own.startswith(OUR_ID_PREFIX) and own.rpartition("@")[2].lower() == mailbox.domain:
        return "our own message (a Message-ID the desk made)"
    return None


def is_list_mail(message: Message) -> bool:
    """Mail sent through a mailing list rather than to the brand."""
    return "List-Id" in message or "List-Unsubscribe" in message or _header(message, "Precedence").lower() == "list"


def _decoded(part: Message) -> str:
    """A text part's content; an unknown or lying charset falls back rather than failing."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else ""
    except (LookupError, UnicodeError, AssertionError, KeyError, ValueError):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return ""
        for charset in ("utf-8", "cp1251"):
            try:
                return payload.decode(charset)
            except UnicodeDecodeError:
                continue
        return payload.decode("latin-1")


def _attachments(message: Message) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if (
            disposition == "attachment"
            or (filename and part.get_content_maintype() not in ("text",))
            or (disposition == "inline" and part.get_content_maintype() in ("image", "audio", "video", "application"))
        ):
            payload = part.get_payload(decode=True)
            found.append(
                {
                    "filename": str(filename or ""),
                    "content_type": part.get_content_type(),
                    "size": len(payload) if isinstance(payload, bytes) else 0,
                }
            )
    return found


def body_text(message: Message) -> tuple[str, str]:
    """The message's own words and where they came from (``plain``, ``html`` or ``none``)."""
    body: Message | None = None
    if isinstance(message, EmailMessage):
        try:
            body = message.get_body(preferencelist=("plain", "html"))
        except (KeyError, ValueError, IndexError):
            body = None
    if body is None and not message.is_multipart() and message.get_content_maintype() == "text":
        body = message
    if body is None:
        return "", "none"
    text = _decoded(body)
    if body.get_content_subtype() == "html":
        return trim_reply(html_to_text(text)), "html"
    return trim_reply(text), "plain"


def _when(message: Message, fallback: datetime) -> datetime:
    value = _header(message, "Date")
    if value:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return fallback


def _sender(message: Message) -> tuple[str, str]:
    """The author's address (lower-cased) and name, from ``From`` (``Sender`` when From is empty)."""
    for name in ("From", "Sender"):
        value = _header(message, name)
        for display, address in getaddresses([value]):
            if "@" in address:
                return address.strip().lower(), display.strip()
    return "", ""


def raw_payload(raw: bytes, message: Message, *, attachments: Sequence[dict[str, Any]], kept: str) -> dict[str, Any]:
    """What the item keeps of the message: the whole RFC 5322 text, or without attachments.

    Attachments are noted (name, type, size) but their bytes are not stored: with any, the
    raw copy is the header block and the text the desk used.
    """
    if attachments:
        head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
        return {"rfc822_headers": head.decode("utf-8", "replace"), "body_kept": kept, "attachments_not_stored": True}
    try:
        return {"rfc822": raw.decode("utf-8")}
    except UnicodeDecodeError:
        # 8-bit bodies in koi8-r or windows-1251 are not UTF-8: keep the exact bytes.
        return {"rfc822_base64": base64.b64encode(raw).decode("ascii")}


def parse_message(raw: bytes, mailbox: Mailbox, *, received: datetime, extra: dict[str, Any] | None = None) -> ParsedMail:
    """One raw message: the item it holds, or why it is skipped. Never raises on bad mail."""
    if not raw.strip():
        return ParsedMail(synthesized_id(raw, mailbox.source), None, "an empty message", malformed=True)
    try:
        message = _PARSER.parsebytes(raw)
    except Exception as exc:  # pragma: no cover - the parser records defects instead of raising
        return ParsedMail(synthesized_id(raw, mailbox.source), None, f"unreadable ({type(exc).__name__})", malformed=True)
    message_id = normalize_id(_header(message, "Message-ID")) or synthesized_id(raw, mailbox.source)
    sender, name = _sender(message)
    if not sender:
        return ParsedMail(message_id, None, "no sender address (not an e-mail message?)", malformed=True)
    reason = automatic_reason(message, mailbox, sender)
    listed = is_list_mail(message)
    if reason is None and listed and mailbox.list_mail != "mention":
        reason = f"mailing-list mail ({_header(message, 'List-Id') or 'List-Unsubscribe'})"
    if reason is not None:
        return ParsedMail(message_id, None, reason)
    subject = _header(message, "Subject")
    text, kind = body_text(message)
    attachments = _attachments(message)
    references = id_list(_header(message, "References"))
    in_reply_to = normalize_id(_header(message, "In-Reply-To"))
    parent = in_reply_to or (references[-1] if references else None)
    if parent == message_id:
        parent = None
    thread = references[0] if references else (in_reply_to or message_id)
    topic = _REPLY_PREFIX.sub("", subject).strip()
    if topic and parent is None and not text.startswith(topic):
        # The subject is often the whole question ("Order 1234 never came"); a reply's repeats it.
        text = f"{topic}\n\n{text}" if text else topic
    notes = [f"[attachment: {a['filename'] or a['content_type']}]" for a in attachments]
    if notes:
        text = "\n".join([text, *notes]) if text else "\n".join(notes)
    if not text:
        text = "[empty message]"
    reply_to = [a for _, a in getaddresses([_header(message, "Reply-To")]) if "@" in a]
    raw_fields: dict[str, Any] = {
        "message_id": message_id,
        "subject": subject,
        "from": sender,
        "reply_to": reply_to[0].lower() if reply_to else sender,
        "in_reply_to": in_reply_to,
        "references": references,
        "body": kind,
        **(extra or {}),
    }
    if attachments:
        raw_fields["attachments"] = attachments
    raw_fields.update(raw_payload(raw, message, attachments=attachments, kept=text))
    draft = ItemDraft(
        source=mailbox.source,
        external_id=message_id,
        author=Author(external_id=sender, name=name, handle=sender),
        text=text,
        created_at=_when(message, received),
        addressing=Addressing.BRAND_MENTION if listed else Addressing.DM,
        account=mailbox.address.lower(),
        parent_external_id=parent,
        thread_id=thread,
        raw=raw_fields,
    )
    return ParsedMail(message_id, draft, attachments=tuple(attachments))


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, without piling up prefixes (``Re: Re: Odp:``)."""
    topic = _REPLY_PREFIX.sub("", subject).strip()
    return f"Re: {topic}" if topic else "Re: your message"


def compose_reply(
    *,
    text: str,
    message_id: str,
    sender: str,
    display_name: str,
    to: str,
    original: dict[str, Any],
    now: datetime,
) -> EmailMessage:
    """Our reply, threaded under the customer's message (RFC 5322 §3.6.4).

    ``In-Reply-To`` is their Message-ID; ``References`` is their References and then their
    Message-ID, so every client files it in the same thread and their answer to it carries
    our Message-ID back. No ``Auto-Submitted`` header: a person wrote this reply, and RFC
    3834 reserves ``auto-replied`` for automatic answers; marking it so would make the
    customer's own filters and autoresponders treat a human answer as a robot's.
    """
    message = EmailMessage(policy=policy.SMTP)
    local, _, domain = sender.partition("@")
    message["From"] = Address(display_name=display_name, username=local, domain=domain)
    message["To"] = to
    message["Subject"] = reply_subject(str(original.get("subject") or ""))
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = f"<{message_id}>"
    theirs = original.get("message_id")
    if isinstance(theirs, str) and theirs and not theirs.endswith(".otklik.invalid"):
        refs = [r for r in original.get("references") or [] if isinstance(r, str)]
        chain = [*refs, theirs][-MAX_REFERENCES:]
        message["In-Reply-To"] = f"<{theirs}>"
        message["References"] = " ".join(f"<{r}>" for r in chain)
    message.set_content(text)
    return message
