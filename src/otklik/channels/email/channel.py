"""The e-mail channel: one mailbox, read by IMAP (polling or IDLE), answered by SMTP.

Settings live in the source's config (``otklik channel add email --setting KEY=VALUE``);
values may be strings, as a form or the command line gives them. The two passwords are
secret: never logged, only shown masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from otklik.channels.base import Capabilities, ChannelContext, ChannelSpec, DeliveryReceipt, OutboundReply, SettingField, SourceConfig
from otklik.channels.email.messages import Mailbox, ParsedMail, compose_reply, parse_message, reply_message_id
from otklik.channels.email.transport import TLS_MODES, Server, check_smtp, imap_session, send_smtp
from otklik.domain.items import ItemDraft
from otklik.errors import ConfigError, DeliveryRejected, DeliveryUnknown, PlatformUnavailable, SignatureInvalid

log = logging.getLogger(__name__)

KIND = "email"
MODES = ("polling", "idle")
LIST_MAIL = ("skip", "mention")
_DEFAULT_PORTS = {"imap": {"ssl": 993, "starttls": 143, "none": 143}, "smtp": {"ssl": 465, "starttls": 587, "none": 25}}
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$|^[^@\s<>]+@localhost$")
_TRUE = {"true", "yes", "1", "on"}


def _text(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    value = raw.get(key)
    return default if value is None or str(value).strip() == "" else str(value).strip()


def _port(raw: Mapping[str, Any], key: str, default: int, name: str) -> int:
    value = raw.get(key)
    if value is None or str(value).strip() == "":
        return default
    try:
        port = int(str(value))
    except ValueError:
        raise ConfigError(f"source {name}: {key} must be a port number, not {value!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"source {name}: {key} must be a port number (1-65535)")
    return port


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """An e-mail source's settings, checked."""

    address: str
    display_name: str
    imap: Server
    folder: str
    smtp: Server
    mode: str
    #: Where sent replies are looked for before a resend ("" switches the read-back off).
    sent_folder: str
    #: Store a copy of each reply in ``sent_folder`` (off when the provider files one itself).
    append_to_sent: bool
    list_mail: str
    poll_interval_s: float
    max_message_bytes: int

    @classmethod
    def from_source(cls, source: SourceConfig) -> EmailSettings:
        """Read and check a source's settings; :class:`ConfigError` names what is wrong."""
        raw, name = source.settings, source.name
        address = _text(raw, "address").lower()
        if not _ADDRESS.match(address):
            raise ConfigError(f"source {name}: address must be the brand's e-mail address, not {address!r}")
        tls = {"imap": _text(raw, "imap_tls", "ssl").lower(), "smtp": _text(raw, "smtp_tls", "starttls").lower()}
        for side, mode in tls.items():
            if mode not in TLS_MODES:
                raise ConfigError(f"source {name}: {side}_tls must be one of {', '.join(TLS_MODES)}, not {mode!r}")
        imap_host, smtp_host = _text(raw, "imap_host"), _text(raw, "smtp_host")
        if not imap_host or not smtp_host:
            raise ConfigError(f"source {name}: imap_host and smtp_host are required")
        imap_user = _text(raw, "imap_user", address)
        imap_password = _text(raw, "imap_password")
        if not imap_password:
            raise ConfigError(f"source {name}: imap_password is required (an app password where the provider offers them)")
        smtp_user = _text(raw, "smtp_user", imap_user)
        # A server that takes mail without login (a relay on the same host) gets smtp_user "-".
        smtp_password = _text(raw, "smtp_password", imap_password) if smtp_user != "-" else ""
        mode = _text(raw, "mode", "polling").lower()
        mode = "polling" if mode == "poll" else mode
        if mode not in MODES:
            raise ConfigError(f"source {name}: mode must be polling or idle, not {mode!r}")
        list_mail = _text(raw, "list_mail", "skip").lower()
        if list_mail not in LIST_MAIL:
            raise ConfigError(f"source {name}: list_mail must be skip or mention, not {list_mail!r}")
        try:
            interval = float(_text(raw, "poll_interval_s", "60"))
            max_bytes = int(_text(raw, "max_message_bytes", str(10 * 1024 * 1024)))
        except ValueError:
            raise ConfigError(f"source {name}: poll_interval_s and max_message_bytes must be numbers") from None
        return cls(
            address=address,
            display_name=_text(raw, "display_name"),
            imap=Server(
                imap_host, _port(raw, "imap_port", _DEFAULT_PORTS["imap"][tls["imap"]], name), tls["imap"], imap_user, imap_password
            ),
            folder=_text(raw, "imap_folder", "INBOX"),
            smtp=Server(
                smtp_host,
                _port(raw, "smtp_port", _DEFAULT_PORTS["smtp"][tls["smtp"]], name),
                tls["smtp"],
                "" if smtp_user == "-" else smtp_user,
                smtp_password,
            ),
            mode=mode,
            sent_folder=_text(raw, "sent_folder", "Sent") if _text(raw, "sent_folder", "x").lower() != "none" else "",
            append_to_sent=_text(raw, "append_to_sent", "true").lower() in _TRUE,
            list_mail=list_mail,
            poll_interval_s=max(interval, 5.0),
            max_message_bytes=max(max_bytes, 64 * 1024),
        )


class EmailChannel:
    """One mailbox (one source): parsing mail into items and sending threaded replies."""

    kind = KIND

    def __init__(self, source: SourceConfig, context: ChannelContext):
        self.source = source
        self.settings = EmailSettings.from_source(source)
        self.mailbox = Mailbox(source=source.name, address=self.settings.address, list_mail=self.settings.list_mail)
        self._context = context

    @property
    def capabilities(self) -> Capabilities:
        """Replies with no window; no pins or likes. A resend is safe where Sent can be read back."""
        return Capabilities(can_reply=True, can_pin=False, can_like=False, reply_window=None, idempotent=bool(self.settings.sent_folder))

    def _now(self) -> datetime:
        return self._context.now() if self._context.now is not None else datetime.now(UTC)

    # --- inbound ----------------------------------------------------------------------

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Mail is read from the mailbox, never posted to the desk: every webhook is refused."""
        raise SignatureInvalid("e-mail sources read their mailbox; they take no webhooks")

    def parse(self, body: bytes) -> list[ItemDraft]:
        """The item one raw RFC 5322 message holds (none when it is skipped)."""
        parsed = self.parse_mail(body)
        return [parsed.draft] if parsed.draft is not None else []

    def parse_mail(self, raw: bytes, *, received: datetime | None = None, extra: dict[str, Any] | None = None) -> ParsedMail:
        """One raw message: its item, or why it is skipped."""
        return parse_message(raw, self.mailbox, received=received or self._now(), extra=extra)

    # --- outbound ---------------------------------------------------------------------

    def send(self, reply: OutboundReply) -> DeliveryReceipt:
        """Send the reply by SMTP in the customer's thread, unless Sent shows it went already."""
        item = reply.in_reply_to
        if item is None:
            raise DeliveryRejected("the reply answers no customer e-mail, so there is no address to send it to")
        to = item.raw.get("reply_to") or item.author.external_id
        if not isinstance(to, str) or "@" not in to:
            raise DeliveryRejected(f"the customer's message has no usable address ({to!r})")
        ours = reply_message_id(reply.idempotency_key, self.mailbox.domain)
        if self.settings.sent_folder and self._already_sent(ours, strict=True):
            log.info("email %s: reply %s is in %s already; not sent again", self.source.name, ours, self.settings.sent_folder)
            return DeliveryReceipt(external_id=ours)
        message = compose_reply(
            text=reply.text,
            message_id=ours,
            sender=self.settings.address,
            display_name=self.settings.display_name,
            to=to,
            original=dict(item.raw),
            now=self._now(),
        )
        try:
            send_smtp(self.settings.smtp, message, sender=self.settings.address, recipients=[to], timeout=self._context.timeout)
        except DeliveryUnknown:
            if self.settings.sent_folder and self._already_sent(ours, strict=False):
                return DeliveryReceipt(external_id=ours)
            raise
        except ConfigError as exc:
            raise DeliveryRejected(str(exc)) from None
        if self.settings.sent_folder and self.settings.append_to_sent:
            self._file_in_sent(message.as_bytes())
        return DeliveryReceipt(external_id=ours)

    def _already_sent(self, message_id: str, *, strict: bool) -> bool:
        """Whether Sent holds our Message-ID. ``strict``: an unreadable Sent stops the send."""
        try:
            with imap_session(self.settings.imap, timeout=self._context.timeout) as imap:
                return imap.has_message_id(self.settings.sent_folder, message_id)
        except (PlatformUnavailable, ConfigError) as exc:
            if strict:
                # Sending without looking could post a reply twice; wait until Sent can be read.
                raise PlatformUnavailable(f"could not look in {self.settings.sent_folder} before sending: {exc}") from None
            log.warning("email %s: could not read back %s: %s", self.source.name, self.settings.sent_folder, exc)
            return False

    def _file_in_sent(self, data: bytes) -> None:
        """A copy in Sent, for the read-back and for people using the mailbox; a failure only logs."""
        try:
            with imap_session(self.settings.imap, timeout=self._context.timeout) as imap:
                imap.append(self.settings.sent_folder, data, when=self._now())
        except Exception as exc:  # the reply is out; a missing copy must not make it fail
            log.warning("email %s: the reply went out but no copy was filed in %s: %s", self.source.name, self.settings.sent_folder, exc)


def check(source: SourceConfig, context: ChannelContext) -> str:
    """The connection test: IMAP login and folder, Sent, IDLE where asked; SMTP login."""
    settings = EmailSettings.from_source(source)
    try:
        with imap_session(settings.imap, timeout=context.timeout) as imap:
            state = imap.select(settings.folder)
            capabilities = imap.capabilities()
            if settings.mode == "idle" and "IDLE" not in capabilities:
                raise ConfigError(f"IMAP {settings.imap.host} does not offer IDLE; use mode polling")
            if settings.sent_folder:
                imap.select(settings.sent_folder)
        check_smtp(settings.smtp, timeout=context.timeout)
    except PlatformUnavailable as exc:
        raise ConfigError(f"could not reach the mail server: {exc}") from None
    return (
        f"{settings.address}: IMAP {settings.imap.user}@{settings.imap.host}:{settings.imap.port} {settings.folder} "
        f"({state.exists} messages, {settings.mode}), SMTP {settings.smtp.host}:{settings.smtp.port} {settings.smtp.tls}"
    )


SPEC = ChannelSpec(
    kind=KIND,
    build=EmailChannel,
    secret_settings=frozenset({"imap_password", "smtp_password"}),
    capabilities=Capabilities(can_reply=True, idempotent=True),
    label="E-mail",
    check=check,
    settings_fields=(
        SettingField("address", "The brand's address (care@brand.example)"),
        SettingField("display_name", "Name on replies", required=False),
        SettingField("imap_host", "IMAP server"),
        SettingField("imap_port", "IMAP port", required=False, help="993 with ssl, 143 otherwise"),
        SettingField("imap_tls", "IMAP security", required=False, choices=TLS_MODES),
        SettingField("imap_user", "IMAP user", required=False, help="the address when empty"),
        SettingField("imap_password", "IMAP password", secret=True, help="an app password where the provider has them"),
        SettingField("imap_folder", "Folder to read", required=False, help="INBOX when empty"),
        SettingField("smtp_host", "SMTP server"),
        SettingField("smtp_port", "SMTP port", required=False, help="587 with starttls, 465 with ssl"),
        SettingField("smtp_tls", "SMTP security", required=False, choices=TLS_MODES),
        SettingField("smtp_user", "SMTP user", required=False, help="the IMAP user when empty"),
        SettingField("smtp_password", "SMTP password", secret=True, required=False, help="the IMAP password when empty"),
        SettingField("mode", "Reading", required=False, choices=MODES, help="idle: new mail within seconds"),
        SettingField("sent_folder", "Sent folder", required=False, help="Sent when empty; none switches the read-back off"),
        SettingField("list_mail", "Mailing-list mail", required=False, choices=LIST_MAIL),
    ),
)
