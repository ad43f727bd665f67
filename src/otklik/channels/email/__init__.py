"""E-mail: a mailbox read by IMAP (polling or IDLE), replies sent by SMTP in the thread.

:mod:`.messages` turns RFC 5322 messages into items and composes replies, :mod:`.text`
finds the new words in a message, :mod:`.transport` talks IMAP and SMTP, and
:mod:`.channel` is the channel the registry builds. See docs/reference/channels/email.md.
"""

from otklik.channels.email.channel import KIND, MODES, SPEC, EmailChannel, EmailSettings, check
from otklik.channels.email.messages import Mailbox, ParsedMail, parse_message, reply_message_id

__all__ = [
    "KIND",
    "MODES",
    "SPEC",
    "EmailChannel",
    "EmailSettings",
    "Mailbox",
    "ParsedMail",
    "check",
    "parse_message",
    "reply_message_id",
]
