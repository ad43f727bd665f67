"""Reading an e-mail source's mailbox: by polling, or by IMAP IDLE, in the worker.

IMAP numbers a folder's messages with UIDs that only grow, valid while the folder's
``UIDVALIDITY`` stays the same. The desk keeps both with the source (the ``_cursors`` of
:mod:`otklik.services.cursors`) and moves the UID past a batch only after the batch's items
are committed: a crash in between reads the batch again, and the unique key
``(source, Message-ID)`` stores each message once. When ``UIDVALIDITY`` changes (the folder
was rebuilt), the folder is read again from the source's start, stored once all the same.

Before its first pass a source has no cursor: it reads what arrived since the day it was
added, so mail sent while it was being set up is not lost.

Skipped messages (auto-replies, bounces, list mail, unreadable ones) stay in the mailbox;
the last reasons are kept with the source under ``_email_skipped`` for an admin to see.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from otklik.channels.email import KIND, EmailChannel
from otklik.channels.email.transport import ImapConnection
from otklik.domain.items import ItemDraft
from otklik.errors import NotFound, PlatformUnavailable
from otklik.services.cursors import cursors_of, save_cursors
from otklik.services.poller_base import ChannelPoller, PollPass
from otklik.services.sources import config_from_row

log = logging.getLogger(__name__)

UIDVALIDITY = "imap_uidvalidity"
LAST_UID = "imap_uid"
SKIPPED = "_email_skipped"
#: How many skip reasons are kept with the source.
KEEP_SKIPPED = 50
#: Longest single IDLE: servers may drop a connection idle for 30 min (RFC 2177 says re-IDLE within 29).
MAX_IDLE_S = 25 * 60
#: Messages stored per transaction (and per cursor move).
PASS_BATCH = 100


class EmailPoller(ChannelPoller[EmailChannel]):
    """Reads one mailbox. In ``idle`` mode the connection stays open between passes."""

    kind = KIND
    expected = "an e-mail channel"
    channel_class = EmailChannel
    # Per poller once set: the open IDLE connection, and when the next polling pass is due.
    _imap: ImapConnection | None = None
    _next_at = 0.0

    def _load(self) -> tuple[EmailChannel, dict[str, str], Any]:
        # The cursors and the day the source was added live in the same row as its settings.
        with self._uow_factory(write=False) as uow:
            row = uow.sources.get(self.source)
        if row is None:
            raise NotFound(f"unknown source {self.source!r}")
        return self._build(config_from_row(row)), cursors_of(row), row["created_at"]

    def run_now(self) -> None:
        """Let the next polling pass read at once (``otklik poll --once``, tests)."""
        self._next_at = 0.0

    def poll_once(self, *, wait: float) -> PollPass:
        """One pass: new mail since the cursor; in ``idle`` mode, IDLE up to ``wait`` when there is none."""
        channel, cursors, created = self._load()
        if channel.settings.mode == "polling":
            now = time.monotonic()
            if now < self._next_at:
                return PollPass()
            self._next_at = now + channel.settings.poll_interval_s
            imap = ImapConnection(channel.settings.imap, timeout=self._timeout)
            try:
                return self._read(channel, imap, cursors, created)
            finally:
                imap.close()
        imap = self._connection(channel)
        try:
            result = self._read(channel, imap, cursors, created)
            if result.updates or wait <= 0:
                return result
            if imap.idle(min(wait, MAX_IDLE_S)):
                _, cursors, _ = self._load()
                return self._read(channel, imap, cursors, created)
            return result
        except PlatformUnavailable:
            self.close()  # reconnect on the next pass
            raise

    def _connection(self, channel: EmailChannel) -> ImapConnection:
        if self._imap is not None and self._imap.server != channel.settings.imap:
            self.close()  # the settings changed: log in again
        if self._imap is None:
            self._imap = ImapConnection(channel.settings.imap, timeout=self._timeout)
        return self._imap

    def _read(self, channel: EmailChannel, imap: ImapConnection, cursors: dict[str, str], created: Any) -> PollPass:
        state = imap.select(channel.settings.folder, readonly=True)
        last = int(cursors[LAST_UID]) if cursors.get(LAST_UID, "").isdigit() else None
        if cursors.get(UIDVALIDITY) != str(state.uidvalidity):
            if last is not None:
                log.warning("email %s: UIDVALIDITY of %s changed; reading the folder again", self.source, channel.settings.folder)
            last = None
        if last is None:
            start = created if created is not None and created.tzinfo is not None else self._clock.now()
            # IMAP's SINCE counts whole days in the server's zone: a day earlier loses nothing.
            uids = imap.uids_since(start - timedelta(days=1))
        else:
            uids = imap.uids_after(last)
        progress = last or 0
        seen = stored = duplicates = ignored = malformed = 0
        for start in range(0, len(uids), PASS_BATCH):
            chunk = uids[start : start + PASS_BATCH]
            batch: list[ItemDraft] = []
            skips: list[dict[str, Any]] = []
            for fetched in imap.fetch(chunk, max_bytes=channel.settings.max_message_bytes):
                seen += 1
                extra = {"imap": {"folder": channel.settings.folder, "uid": fetched.uid, "uidvalidity": state.uidvalidity}}
                parsed = channel.parse_mail(fetched.raw, received=fetched.internal_date or self._clock.now(), extra=extra)
                if parsed.draft is not None:
                    batch.append(parsed.draft)
                    continue
                malformed += int(parsed.malformed)
                ignored += int(not parsed.malformed)
                skips.append(
                    {"uid": fetched.uid, "message_id": parsed.message_id, "reason": parsed.skipped, "at": self._clock.now().isoformat()}
                )
                log.info("email %s: message %s (UID %d) skipped: %s", self.source, parsed.message_id, fetched.uid, parsed.skipped)
            tally = self._stored(batch, seen=0, ignored=0, malformed=0)
            duplicates += tally.duplicates
            stored += tally.stored
            # Acknowledged only now that this chunk's items are committed.
            progress = max(progress, *chunk)
            self._save(state.uidvalidity, progress, skips)
        if last is None:
            # A first (or resynchronising) pass: what is older than the start stays unread by
            # the desk, and the next UID the folder hands out is new mail.
            start_at = (state.uidnext or 1) - 1 if state.uidnext else max(imap.uids_after(0), default=0)
            self._save(state.uidvalidity, max(progress, start_at), [])
        return PollPass(updates=seen, stored=stored, duplicates=duplicates, ignored=ignored, malformed=malformed)

    def _save(self, uidvalidity: int, uid: int, skips: list[dict[str, Any]]) -> None:
        def log_skips(config: dict[str, Any]) -> None:
            kept = config.get(SKIPPED)
            config[SKIPPED] = [*(kept if isinstance(kept, list) else []), *skips][-KEEP_SKIPPED:]

        save_cursors(
            self.source,
            {UIDVALIDITY: str(uidvalidity), LAST_UID: str(uid)},
            uow_factory=self._uow_factory,
            amend=log_skips if skips else None,
        )

    def acknowledge(self) -> None:
        """Nothing to tell the server: the cursor is kept with the source."""

    def close(self) -> None:
        """Log out of the IDLE connection, if one is open."""
        if self._imap is not None:
            self._imap.close()
        self._imap = None
