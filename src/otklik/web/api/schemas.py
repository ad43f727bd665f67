"""Request and response bodies of ``/api/v1`` (kept apart from domain objects)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from otklik.domain.events import Event
from otklik.domain.items import Item
from otklik.domain.replies import Reply
from otklik.services.inbox import ConversationView, InboxPage


class ReplyCreate(BaseModel):
    """A reply to send."""

    text: str = Field(min_length=1, max_length=10_000)


class AssignBody(BaseModel):
    """Who gets the conversation; null unassigns."""

    agent_id: int | None


class TeamBody(BaseModel):
    """Which team's queue the conversation goes to; null for none."""

    team_id: int | None


class IgnoreBody(BaseModel):
    """Why the conversation is left unanswered."""

    reason: str = Field(min_length=1, max_length=2000)


class TokenCreate(BaseModel):
    """A name for a new API token."""

    name: str = Field(min_length=1, max_length=200)


class InboxRowOut(BaseModel):
    """One conversation in the inbox."""

    id: int
    status: str
    priority: str
    source: str
    account: str
    author_name: str
    author_handle: str
    language: str | None
    assignee_id: int | None
    assignee_name: str | None
    team_id: int | None
    due_at: datetime
    waiting_since: datetime | None
    last_inbound_at: datetime
    preview: str
    addressing: str | None


class InboxOut(BaseModel):
    """A page of the inbox."""

    conversations: list[InboxRowOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: InboxPage) -> InboxOut:
        """From the read side's page."""
        return cls(
            conversations=[InboxRowOut.model_validate(r, from_attributes=True) for r in page.rows],
            next_cursor=page.next_cursor,
        )


class ItemOut(BaseModel):
    """An item a customer wrote."""

    id: int
    source: str
    external_id: str
    author_id: str
    author_name: str
    author_handle: str
    author_followers: int | None
    text: str
    created_at: datetime
    received_at: datetime
    addressing: str
    account: str
    parent_external_id: str | None
    url: str | None
    language: str | None

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        """From a domain item."""
        return cls(
            id=item.id,
            source=item.source,
            external_id=item.external_id,
            author_id=item.author.external_id,
            author_name=item.author.name,
            author_handle=item.author.handle,
            author_followers=item.author.followers,
            text=item.text,
            created_at=item.created_at,
            received_at=item.received_at,
            addressing=item.addressing.value,
            account=item.account,
            parent_external_id=item.parent_external_id,
            url=item.url,
            language=item.language,
        )


class ReplyOut(BaseModel):
    """A reply and its delivery state."""

    id: int
    conversation_id: int
    agent_id: int | None
    text: str
    created_at: datetime
    delivery_state: str
    attempts: int
    last_error: str | None
    delivered_at: datetime | None
    external_id: str | None

    @classmethod
    def of(cls, reply: Reply) -> ReplyOut:
        """From a domain reply."""
        return cls(
            id=reply.id,
            conversation_id=reply.conversation_id,
            agent_id=reply.agent_id,
            text=reply.text,
            created_at=reply.created_at,
            delivery_state=reply.delivery_state.value,
            attempts=reply.attempts,
            last_error=reply.last_error,
            delivered_at=reply.delivered_at,
            external_id=reply.external_id,
        )


class EventOut(BaseModel):
    """One audit event."""

    id: int | None
    kind: str
    actor: str
    at: datetime
    data: dict[str, object]

    @classmethod
    def of(cls, event: Event) -> EventOut:
        """From a domain event."""
        return cls(
            id=event.id,
            kind=event.kind.value,
            actor=event.actor,
            at=event.at,
            data=event.data,
        )


class ConversationOut(BaseModel):
    """A conversation with its history."""

    id: int
    status: str
    priority: str
    source: str
    account: str
    author_id: str
    author_name: str
    author_handle: str
    language: str | None
    assignee_id: int | None
    team_id: int | None
    ignore_reason: str | None
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime | None
    due_at: datetime
    items: list[ItemOut]
    replies: list[ReplyOut]
    events: list[EventOut]

    @classmethod
    def of(cls, view: ConversationView) -> ConversationOut:
        """From the read side's view."""
        c = view.conversation
        return cls(
            id=c.id,
            status=c.status.value,
            priority=c.priority.value,
            source=c.source,
            account=c.account,
            author_id=c.author_external_id,
            author_name=c.author_name,
            author_handle=c.author_handle,
            language=c.language,
            assignee_id=c.assignee_id,
            team_id=c.team_id,
            ignore_reason=c.ignore_reason,
            created_at=c.created_at,
            updated_at=c.updated_at,
            waiting_since=c.waiting_since,
            due_at=c.due_at,
            items=[ItemOut.of(i) for i in view.items],
            replies=[ReplyOut.of(r) for r in view.replies],
            events=[EventOut.of(e) for e in view.events],
        )


class ConversationStateOut(BaseModel):
    """A conversation's state after an action."""

    id: int
    status: str
    assignee_id: int | None
    team_id: int | None
    ignore_reason: str | None


class AgentOut(BaseModel):
    """An agent."""

    id: int
    email: str
    name: str
    role: str
    team_id: int | None
    active: bool


class TeamOut(BaseModel):
    """A team."""

    id: int
    name: str


class TokenOut(BaseModel):
    """A new API token; shown once."""

    token: str


class SourceCreate(BaseModel):
    """A new generic source."""

    name: str = Field(min_length=1, max_length=100)
    callback_url: str | None = Field(None, max_length=2000)


class SourceOut(BaseModel):
    """A configured source; the secret appears only when it is created."""

    name: str
    kind: str
    callback_url: str | None
    secret: str | None = None
