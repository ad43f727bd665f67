"""Request and response bodies of ``/api/v1`` (kept apart from domain objects)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from otklik.domain.events import Event
from otklik.domain.items import Item
from otklik.domain.replies import Reply
from otklik.services.inbox import ConversationView, InboxPage
from otklik.services.triage import ActiveSchema
from otklik.triage import Kind, Sentiment
from otklik.web.params import MAX_ID

# An id in a body: past the database's 64-bit ids it is refused as input, never an overflow.
Id = Annotated[int, Field(le=MAX_ID)]


class ReplyCreate(BaseModel):
    """A reply to send."""

    text: str = Field(min_length=1, max_length=10_000)


class AssignBody(BaseModel):
    """Who gets the conversation; null unassigns."""

    agent_id: Id | None


class TeamBody(BaseModel):
    """Which team's queue the conversation goes to; null for none."""

    team_id: Id | None


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
    kind: str | None = Field(description="triage kind of the most urgent unanswered item; null until triaged")
    sentiment: str | None
    decision: str | None = Field(description="respond, thank, ignore or escalate, by the response schema")
    signals: list[str] = Field(description="urgent, outage, abusive: what triage raised on the unanswered items")
    ignore_reason: str | None = Field(None, description="why an ignored conversation is left unanswered")


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


class SpanOut(BaseModel):
    """A stretch of the item's text: ``text[start:end]``, in characters (code points)."""

    start: int
    end: int
    text: str


class EvidenceOut(BaseModel):
    """One reason for a part of the triage, and the words it points at."""

    supports: str = Field(description="what it argues for: kind:complaint, sentiment:negative, signal:urgent, lang:ru")
    rule: str = Field(description="the lexicon entry, pattern or model feature")
    spans: list[SpanOut]
    weight: float


class TriageOut(BaseModel):
    """What triage and the response schema said of one item (an agent's correction in force)."""

    language: str
    kind: str
    sentiment: str
    machine_kind: str = Field(description="the kind triage gave, before any correction")
    machine_sentiment: str
    kind_confidence: float
    sentiment_score: float = Field(description="-1 (most negative) … +1 (most positive)")
    urgent: bool
    outage: bool
    abusive: bool
    decision: str
    priority: str
    team: str | None
    sla: str | None
    rule: str = Field(description="the schema rule that decided, or 'defaults'")
    reason: str | None = Field(description="why no answer is needed, for ignore")
    reasons: list[str]
    schema_version: int
    evidence: list[EvidenceOut]
    triaged_at: datetime
    corrected_at: datetime | None


class ItemOut(BaseModel):
    """An item a customer wrote, with its triage (null until the worker has triaged it)."""

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
    triage: TriageOut | None

    @classmethod
    def of(cls, item: Item, triage: Mapping[str, Any] | None = None) -> ItemOut:
        """From a domain item and its stored triage row."""
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
            triage=TriageOut.model_validate(dict(triage)) if triage is not None else None,
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
    kind: str | None
    sentiment: str | None
    decision: str | None
    signals: list[str]
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
            kind=c.kind,
            sentiment=c.sentiment,
            decision=c.decision,
            signals=list(c.signals),
            items=[ItemOut.of(i, view.triage.get(i.id)) for i in view.items],
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


class TriageCorrection(BaseModel):
    """An agent's correction of an item's triage: the kind, the sentiment, or both."""

    # A misspelt field must not pass as "no change".
    model_config = ConfigDict(extra="forbid")

    kind: Kind | None = None
    sentiment: Sentiment | None = None


class TriageCorrectionOut(BaseModel):
    """The item's triage after a correction and the decision the schema now makes."""

    item_id: int
    kind: str
    sentiment: str
    decision: str
    priority: str
    team: str | None
    sla: str | None
    rule: str
    reasons: list[str]
    reason: str | None
    sunk: bool = Field(description="lowered by workload mode (compliments wait while questions and complaints pile up)")


class SchemaOutcomeOut(BaseModel):
    """What a rule (or the defaults) decides."""

    decision: str
    priority: str
    team: str | None
    sla: str | None
    reason: str | None


class SchemaRuleOut(SchemaOutcomeOut):
    """One rule of the response schema, where it stands in the file, and what it decides."""

    name: str
    line: int


class SchemaOut(BaseModel):
    """The response schema in force."""

    name: str
    version: int
    digest: str
    rules: list[SchemaRuleOut]
    defaults: SchemaOutcomeOut

    @classmethod
    def of(cls, active: ActiveSchema) -> SchemaOut:
        """From the schema in force and its version number."""
        schema = active.schema
        d = schema.defaults
        return cls(
            name=schema.name,
            version=active.version,
            digest=schema.digest,
            rules=[
                SchemaRuleOut(
                    name=r.name,
                    line=r.line,
                    decision=r.then.decision.value,
                    priority=r.then.priority,
                    team=r.then.team,
                    sla=r.then.sla,
                    reason=r.then.reason,
                )
                for r in schema.rules
            ],
            defaults=SchemaOutcomeOut(decision=d.decision.value, priority=d.priority, team=d.team, sla=d.sla, reason=d.reason),
        )


class SchemaVersionOut(BaseModel):
    """A version of the response schema as it was loaded."""

    version: int
    name: str
    digest: str
    loaded_at: datetime
    loaded_by: str
