"""Conversations: the thread of items and replies with one person on one account."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from otklik.domain.events import Event, EventKind


class Status(StrEnum):
    """Where a conversation stands."""

    NEW = "new"  # nobody has touched it yet
    OPEN = "open"  # someone is on it, or the customer wrote again
    WAITING = "waiting"  # we answered; the ball is with the customer
    RESOLVED = "resolved"
    IGNORED = "ignored"  # deliberately left unanswered, with a reason; never deleted


class Priority(StrEnum):
    """How urgent a conversation is; the inbox sorts by this first."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Sort rank: 0 is the most urgent."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {
    Priority.URGENT: 0,
    Priority.HIGH: 1,
    Priority.NORMAL: 2,
    Priority.LOW: 3,
}

#: Statuses an agent must act on: they form the open inbox.
ACTIVE_STATUSES = frozenset({Status.NEW, Status.OPEN})

#: Allowed transitions and the verb that performs each.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.NEW, Status.OPEN): "open",
    (Status.NEW, Status.WAITING): "reply",
    (Status.OPEN, Status.WAITING): "reply",
    (Status.WAITING, Status.OPEN): "customer_wrote",
    (Status.NEW, Status.RESOLVED): "resolve",
    (Status.OPEN, Status.RESOLVED): "resolve",
    (Status.WAITING, Status.RESOLVED): "resolve",
    (Status.NEW, Status.IGNORED): "ignore",
    (Status.OPEN, Status.IGNORED): "ignore",
    (Status.WAITING, Status.IGNORED): "ignore",
    (Status.RESOLVED, Status.OPEN): "reopen",
    (Status.IGNORED, Status.OPEN): "reopen",
}


class TransitionNotAllowed(ValueError):
    """A status change the conversation's rules do not allow."""

    def __init__(self, current: Status, target: Status):
        super().__init__(f"a conversation that is {current.value} cannot become {target.value}")
        self.current = current
        self.target = target


def inbound_times(
    waiting_since: datetime | None, last_inbound_at: datetime, *, created_at: datetime, latest_at: datetime | None = None
) -> tuple[datetime, datetime]:
    """A conversation's ``waiting_since`` and ``last_inbound_at`` once the customer wrote again.

    ``created_at`` is the earliest of the new items, ``latest_at`` the latest (``None``: one
    item). The wait runs from the earliest unanswered item, the last inbound time only moves on.
    """
    waiting = created_at if waiting_since is None else min(waiting_since, created_at)
    return waiting, max(last_inbound_at, created_at if latest_at is None else max(created_at, latest_at))


@dataclass(frozen=True, slots=True)
class Conversation:
    """The state of one conversation; changed only through the methods below.

    Each method returns the new state and the :class:`Event` that records the change, so
    the caller stores both in one transaction.
    """

    id: int
    source: str
    account: str
    author_external_id: str
    author_name: str
    author_handle: str
    thread_key: str
    status: Status
    priority: Priority
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime | None  # oldest customer item not answered yet
    last_inbound_at: datetime
    assignee_id: int | None = None
    team_id: int | None = None
    language: str | None = None
    ignore_reason: str | None = None
    # What triage and the response schema said of the unanswered items (the most urgent).
    kind: str | None = None
    sentiment: str | None = None
    decision: str | None = None
    signals: tuple[str, ...] = ()
    #: The response schema's SLA class for it; the SLA file may give the class its own targets.
    sla_class: str | None = None

    def _to(self, target: Status, *, verb: str, at: datetime) -> Conversation:
        if TRANSITIONS.get((self.status, target)) != verb:
            raise TransitionNotAllowed(self.status, target)
        return replace(self, status=target, updated_at=at)

    def _event(self, kind: EventKind, actor: str, at: datetime, **data: object) -> Event:
        return Event(kind=kind, actor=actor, at=at, conversation_id=self.id, data=dict(data))

    def assign(self, agent_id: int | None, *, by: str, at: datetime) -> tuple[Conversation, Event]:
        """Give the conversation to an agent (or take it away with ``None``)."""
        changed = replace(self, assignee_id=agent_id, updated_at=at)
        if agent_id is not None and self.status is Status.NEW:
            changed = replace(changed, status=Status.OPEN)
        event = self._event(EventKind.ASSIGNED, by, at, previous=self.assignee_id, assignee=agent_id)
        return changed, event

    def move_to_team(self, team_id: int | None, *, by: str, at: datetime) -> tuple[Conversation, Event]:
        """Route the conversation to a team."""
        changed = replace(self, team_id=team_id, updated_at=at)
        return changed, self._event(EventKind.TEAM_CHANGED, by, at, previous=self.team_id, team=team_id)

    def record_reply(self, *, by: str, at: datetime) -> tuple[Conversation, Event | None]:
        """An agent answered: the customer's items are answered; the ball is theirs."""
        if self.status in ACTIVE_STATUSES:
            changed = self._to(Status.WAITING, verb="reply", at=at)
            changed = replace(changed, waiting_since=None)
            return changed, self._event(
                EventKind.STATUS_CHANGED,
                by,
                at,
                previous=self.status.value,
                status="waiting",
            )
        # A reply on a resolved or waiting conversation changes no status.
        return replace(self, waiting_since=None, updated_at=at), None

    def record_inbound(self, *, created_at: datetime, at: datetime, latest_at: datetime | None = None) -> tuple[Conversation, Event | None]:
        """The customer wrote again: the conversation needs us again.

        Several items at once are one call: ``created_at`` the earliest, ``latest_at`` the latest.
        """
        waiting_since, last_inbound_at = inbound_times(self.waiting_since, self.last_inbound_at, created_at=created_at, latest_at=latest_at)
        if self.status is Status.WAITING:
            changed = replace(self, status=Status.OPEN, waiting_since=waiting_since, last_inbound_at=last_inbound_at, updated_at=at)
            return changed, self._event(EventKind.STATUS_CHANGED, "customer", at, previous="waiting", status="open")
        if self.status in (Status.RESOLVED, Status.IGNORED):
            # P16: the conversation follows the customer; writing again reopens it.
            changed = replace(
                self, status=Status.OPEN, ignore_reason=None, waiting_since=waiting_since, last_inbound_at=last_inbound_at, updated_at=at
            )
            return changed, self._event(EventKind.REOPENED, "customer", at, previous=self.status.value)
        # One replace, not two: this runs for every item ingested.
        return replace(self, waiting_since=waiting_since, last_inbound_at=last_inbound_at, updated_at=at), None

    def resolve(self, *, by: str, at: datetime) -> tuple[Conversation, Event]:
        """Mark the customer's matter as settled."""
        # Nobody waits on a resolved conversation; writing again starts a new wait.
        changed = replace(self._to(Status.RESOLVED, verb="resolve", at=at), waiting_since=None)
        return changed, self._event(EventKind.RESOLVED, by, at, previous=self.status.value)

    def reopen(self, *, by: str, at: datetime) -> tuple[Conversation, Event]:
        """Bring a resolved or ignored conversation back to the open inbox."""
        changed = replace(self._to(Status.OPEN, verb="reopen", at=at), ignore_reason=None)
        if changed.waiting_since is None:
            changed = replace(changed, waiting_since=at)
        return changed, self._event(EventKind.REOPENED, by, at, previous=self.status.value)

    def ignore(self, reason: str, *, by: str, at: datetime) -> tuple[Conversation, Event]:
        """Leave the conversation unanswered on purpose. Its items stay, forever."""
        reason = reason.strip()
        if not reason:
            raise ValueError("ignoring a conversation needs a reason")
        changed = replace(self._to(Status.IGNORED, verb="ignore", at=at), ignore_reason=reason, waiting_since=None)
        return changed, self._event(EventKind.IGNORED, by, at, previous=self.status.value, reason=reason)

    def apply_triage(
        self,
        *,
        kind: str,
        sentiment: str,
        decision: str,
        signals: tuple[str, ...],
        priority: Priority,
        by: str,
        at: datetime,
        sla_class: str | None = None,
        **details: object,
    ) -> tuple[Conversation, Event | None]:
        """Take what triage and the schema decided; an event records any change of priority, decision or SLA class."""
        changed = replace(
            self,
            kind=kind,
            sentiment=sentiment,
            decision=decision,
            signals=tuple(sorted(signals)),
            priority=priority,
            sla_class=sla_class,
            updated_at=at,
        )
        same = (self.priority, self.decision, self.kind, self.sla_class) == (priority, decision, kind, sla_class)
        if same and self.signals == changed.signals:
            return replace(changed, updated_at=self.updated_at), None
        event = self._event(
            EventKind.TRIAGED,
            by,
            at,
            previous_priority=self.priority.value,
            priority=priority.value,
            triage_kind=kind,
            decision=decision,
            signals=list(changed.signals),
            sla_class=sla_class,
            **details,
        )
        return changed, event

    @property
    def is_active(self) -> bool:
        """True when the conversation is in the open inbox."""
        return self.status in ACTIVE_STATUSES

    @property
    def due_at(self) -> datetime:
        """When it should be answered by; until an SLA clock exists, the oldest unanswered item."""
        return self.waiting_since if self.waiting_since is not None else self.last_inbound_at
