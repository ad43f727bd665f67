"""The reply guards in the desk: the context of a draft, and one index of past replies per account.

:class:`ReplyGuards` is built once (``bootstrap``) from the settings: the brand's
:class:`~otklik.guards.GuardConfig`, each channel's length limit, the formal address per
language and the SLA policy that says when an answer is late. It keeps one
:class:`~otklik.guards.ReplyIndex` per brand account for the scripted guard:

- **Key**: the conversation's ``(source, account)``. Scripted is about a brand repeating
  itself where its customers read it: the replies on one account are one public timeline,
  and a brand with an account per market or language (``@volna_pl``, ``@volna_ru``) keeps
  their templates apart.
- **Built lazily**, on the first check for the account, from the replies sent on it in the
  last ``window`` (``OTKLIK_GUARD_WINDOW_DAYS``, 30 by default: the guard is about recent
  templating, and the near-identical counts look back 7 and 30 days). It is built again once
  it is older than the window, which drops the replies that left it and bounds memory.
- **Updated** with each reply this process sends, right after its transaction commits; a
  catch-up read every ``sync_seconds`` adds the replies other processes sent. Each process
  of a multi-process deployment builds its own indexes.
- **Locked**: ``ReplyIndex`` is not thread-safe, so each account's index has a lock, held
  while a draft is checked against it or a reply is added; accounts do not wait on each other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from otklik.clock import Clock
from otklik.domain.compensation import CompensationPolicy
from otklik.domain.conversations import Conversation
from otklik.domain.replies import validate_reply_text
from otklik.domain.sla import SlaPolicy
from otklik.errors import GuardsRefused, InvalidPayload
from otklik.guards import Draft, GuardConfig, GuardReport, PastReply, ReplyContext, ReplyIndex, Severity, Verdict, check_reply
from otklik.guards.language import Detector
from otklik.services.access import Actor, access_conversation
from otklik.services.compensation import choose_gesture
from otklik.services.outbound import capabilities_of
from otklik.services.ports import UowFactory
from otklik.services.sources import config_from_row
from otklik.store import tables as t

#: A brand account: the conversation's source and account.
AccountKey = tuple[str, str]

#: How many of the customer's unanswered messages a draft is checked against (the newest).
MAX_MESSAGES = 20
#: Longest gesture an agent may name (a discount, a code, a refund…).
MAX_GESTURE_CHARS = 300
#: Replies committed this long after they were created are still caught by the catch-up read.
_SYNC_SLACK = timedelta(minutes=10)
#: What triage says of a language it cannot tell.
_UNKNOWN = ("", "other")


@dataclass
class _Slot:
    """One account's index and what is known about it; guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    index: ReplyIndex | None = None
    ids: set[int] = field(default_factory=set)
    built_at: datetime | None = None
    synced_to: datetime | None = None  # replies created up to here (less the slack) were read
    synced_mono: float = 0.0


class ReplyGuards:
    """The guards as the desk runs them. See the module's docstring for the index's lifecycle."""

    def __init__(
        self,
        *,
        config: GuardConfig,
        window: timedelta = timedelta(days=30),
        length_limits: Mapping[str, int] | None = None,
        address: Mapping[str, str] | None = None,
        policy: SlaPolicy | None = None,
        detect: Detector | None = None,
        sync_seconds: float = 5.0,
    ) -> None:
        """Guards with ``config``; ``length_limits`` by channel, ``address`` by language, ``policy`` for lateness."""
        self.config = config
        self.window = window
        self.length_limits = dict(length_limits or {})
        self.address = dict(address or {})
        self.policy = policy or SlaPolicy()
        self.sync_seconds = sync_seconds
        self._detect = detect
        self._slots: dict[AccountKey, _Slot] = {}
        self._slots_lock = threading.Lock()

    def _slot(self, account: AccountKey) -> _Slot:
        with self._slots_lock:
            return self._slots.setdefault(account, _Slot())

    def check(self, text: str, context: ReplyContext, *, account: AccountKey, connection: Connection, agent_id: int | None) -> GuardReport:
        """Run every guard over ``text``, the scripted one against ``account``'s past replies."""
        slot = self._slot(account)
        with slot.lock:
            index = self._ready(slot, account, connection, context.now)
            return check_reply(Draft(text, agent_id), context, index=index, config=self.config, detect=self._detect)

    def prepare(self, account: AccountKey, *, connection: Connection, now: datetime) -> None:
        """Build (or catch up) ``account``'s index now, so a later check finds it ready.

        Sending calls this before its write transaction: on SQLite that transaction holds the
        database's one write lock, which a first build (seconds for a busy account) must not.
        """
        slot = self._slot(account)
        with slot.lock:
            self._ready(slot, account, connection, now)

    def warm(self, *, uow_factory: UowFactory, clock: Clock) -> int:
        """Build the index of every account that sent replies within the window; returns how many.

        Run once at start, in the background, so agents' first checks do not wait for a build.
        """
        now = clock.now()
        r, c = t.replies.c, t.conversations.c
        with uow_factory(write=False) as uow:
            accounts = [
                (row.source, row.account)
                for row in uow.connection.execute(
                    select(c.source, c.account)
                    .distinct()
                    .join(t.replies, r.conversation_id == c.id)
                    .where(r.created_at >= now - self.window)
                )
            ]
            for account in accounts:
                self.prepare(account, connection=uow.connection, now=now)
        return len(accounts)

    def record(self, account: AccountKey, reply: PastReply) -> None:
        """Add a reply just sent to ``account``'s index (nothing to do before the index is built)."""
        slot = self._slot(account)
        with slot.lock:
            if slot.index is not None and reply.reply_id not in slot.ids:
                slot.index.add(reply.reply_id, reply.text, reply.sent_at, reply.agent_id, names=reply.names)
                slot.ids.add(reply.reply_id)

    def indexed(self) -> dict[AccountKey, int]:
        """How many replies each built index holds."""
        with self._slots_lock:
            slots = dict(self._slots)
        return {key: len(slot.index) for key, slot in slots.items() if slot.index is not None}

    def is_late(self, conversation: Conversation, now: datetime) -> bool:
        """Whether the customer's oldest unanswered item is past the acceptable limit."""
        since = conversation.waiting_since
        return since is not None and now > self.policy.late_after(since)

    def _ready(self, slot: _Slot, account: AccountKey, connection: Connection, now: datetime) -> ReplyIndex:
        """The account's index: built when missing or older than the window, else caught up."""
        if slot.index is None or slot.built_at is None or now - slot.built_at > self.window:
            index = ReplyIndex(threshold=self.config.scripted_threshold)
            past = list(_past_replies(connection, account, since=now - self.window))
            index.add_many(past)
            slot.index, slot.ids, slot.built_at = index, {p.reply_id for p in past}, now
            slot.synced_to, slot.synced_mono = now, time.monotonic()
        elif time.monotonic() - slot.synced_mono >= self.sync_seconds:
            since = (slot.synced_to or now) - _SYNC_SLACK
            for reply in _past_replies(connection, account, since=since):
                if reply.reply_id not in slot.ids:
                    slot.index.add(reply.reply_id, reply.text, reply.sent_at, reply.agent_id, names=reply.names)
                    slot.ids.add(reply.reply_id)
            slot.synced_to, slot.synced_mono = max(now, slot.synced_to or now), time.monotonic()
        return slot.index


def _past_replies(connection: Connection, account: AccountKey, *, since: datetime) -> Iterator[PastReply]:
    """The replies sent on ``account`` since ``since``, oldest first, with the customers' names to mask."""
    r, c = t.replies.c, t.conversations.c
    source, name = account
    rows = connection.execute(
        select(r.id, r.text, r.created_at, r.agent_id, c.author_name, c.author_handle)
        .join(t.conversations, c.id == r.conversation_id)
        .where(r.created_at >= since, c.source == source, c.account == name)
        .order_by(r.created_at, r.id)
    )
    for row in rows:
        names = tuple(n for n in (row.author_name, row.author_handle) if n)
        yield PastReply(int(row.id), row.text, row.created_at, row.agent_id, names)


def account_of(conversation: Conversation) -> AccountKey:
    """The index key of a conversation's brand account."""
    return (conversation.source, conversation.account)


def clean_gesture(gesture: str | None) -> str | None:
    """The gesture an agent named, trimmed (None when empty); too long is InvalidPayload."""
    if gesture is None or not gesture.strip():
        return None
    if len(gesture.strip()) > MAX_GESTURE_CHARS:
        raise InvalidPayload(f"a gesture may have at most {MAX_GESTURE_CHARS} characters")
    return gesture.strip()


def channel_length_limit(source: str, connection: Connection, settings: Mapping[str, int]) -> tuple[str | None, int | None]:
    """A source's kind and the longest reply it takes (None: no limit).

    The channel's own limit comes first (Mastodon's is the instance's, read when the source
    was added); else the setting for the source's name, then for its kind.
    """
    s = t.sources.c
    row = connection.execute(select(s.name, s.kind, s.secret, s.callback_url, s.config).where(s.name == source)).mappings().first()
    if row is None:
        return None, settings.get(source)
    limit = capabilities_of(config_from_row(row)).max_length
    if limit is None:
        limit = settings.get(source, settings.get(row["kind"]))
    return row["kind"], limit


def reply_context(
    conversation: Conversation, connection: Connection, *, now: datetime, guards: ReplyGuards, gesture: str | None = None
) -> ReplyContext:
    """What the guards read about the conversation a draft answers.

    The messages are the customer's unanswered items (the newest when all are answered); the
    language is triage's for the newest of them (the customer may switch), else the
    conversation's; the kind is triage's for the most urgent unanswered item.
    """
    i, tr = t.items.c, t.triage.c
    query = (
        select(i.text, i.language, tr.language.label("triaged"))
        .outerjoin(t.triage, tr.item_id == i.id)
        .where(i.conversation_id == conversation.id)
    )
    newest_first = (i.created_at.desc(), i.id.desc())
    rows = []
    if conversation.waiting_since is not None:
        rows = list(connection.execute(query.where(i.created_at >= conversation.waiting_since).order_by(*newest_first).limit(MAX_MESSAGES)))
    if not rows:
        rows = list(connection.execute(query.order_by(*newest_first).limit(1)))
    rows.reverse()
    latest = rows[-1] if rows else None
    language = next(
        (
            lang
            for lang in (latest.triaged if latest else None, conversation.language, latest.language if latest else None)
            if lang not in (None, *_UNKNOWN)
        ),
        "other",
    )
    brand = conversation.account.strip()
    kind, length_limit = channel_length_limit(conversation.source, connection, guards.length_limits)
    return ReplyContext(
        messages=tuple(row.text for row in rows),
        language=language,
        kind=conversation.kind or "comment",
        channel=conversation.source,
        channel_kind=kind or "",
        now=now,
        length_limit=length_limit,
        customer_name=conversation.author_name,
        customer_handle=conversation.author_handle,
        late=guards.is_late(conversation, now),
        gesture=gesture,
        address=guards.address.get(language),
        brand_names=tuple(n for n in (brand, brand.lstrip("@")) if n),
    )


def check_draft(
    conversation_id: int,
    text: str,
    *,
    actor: Actor,
    uow_factory: UowFactory,
    clock: Clock,
    guards: ReplyGuards,
    gesture: str | None = None,
    compensation: str | None = None,
    policy: CompensationPolicy | None = None,
) -> GuardReport:
    """What the guards say of ``text`` as a reply in the conversation (nothing is stored).

    ``compensation`` (a code of ``policy``) stands for the gesture when none is named: its
    label in the customer's language is what the late guard looks for.
    """
    try:
        clean = validate_reply_text(text)
    except ValueError as exc:
        raise InvalidPayload(str(exc)) from None
    chosen = clean_gesture(gesture)
    now = clock.now()
    with uow_factory(write=False) as uow:
        conversation = access_conversation(actor, conversation_id, uow)
        context = reply_context(conversation, uow.connection, now=now, guards=guards, gesture=chosen)
        _code, _note, label = choose_gesture(policy or CompensationPolicy(), compensation, None, language=context.language)
        if label is not None and chosen is None:
            context = replace(context, gesture=label)
        return guards.check(clean, context, account=account_of(conversation), connection=uow.connection, agent_id=actor.agent.id)


def report_json(report: GuardReport) -> dict[str, object]:
    """The report's JSON form with every key a string (the near-identical counts are keyed by days)."""

    def plain(value: object) -> object:
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return {str(k): plain(v) for k, v in report.as_dict().items()}


def warnings_to_acknowledge(report: GuardReport, *, acknowledge: bool) -> tuple[str, ...]:
    """The warnings a reply is sent over (``guard.code``, sorted); raises GuardsRefused when it may not be sent.

    Blocked: never, whatever the acknowledgement. Warnings: only with ``acknowledge``.
    """
    if report.verdict is Verdict.BLOCKED:
        reasons = " ".join(f.finding.message for f in report.flags if f.severity is Severity.BLOCK)
        raise GuardsRefused(f"Blocked until edited: {reasons}", report=report_json(report))
    warnings = tuple(sorted({f.finding.key for f in report.flags if f.severity is Severity.WARN}))
    if warnings and not acknowledge:
        raise GuardsRefused(
            f"This reply has {len(warnings)} warning{'s' if len(warnings) > 1 else ''} ({', '.join(warnings)}): "
            "edit it, or confirm that you send it anyway.",
            report=report_json(report),
        )
    return warnings
