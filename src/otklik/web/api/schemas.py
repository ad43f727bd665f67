"""Request and response bodies of ``/api/v1`` (kept apart from domain objects)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from otklik.domain.events import Event
from otklik.domain.items import Item
from otklik.domain.replies import Reply, ReplyCheck, post_by_hand_links
from otklik.guards import GuardReport
from otklik.services.guards import report_json
from otklik.services.inbox import ConversationView, InboxPage
from otklik.services.outbound import QueuedAction
from otklik.services.reports import GuardHit, GuardsReport, ScriptedRow
from otklik.services.triage import ActiveSchema
from otklik.triage import Kind, Sentiment
from otklik.web.params import MAX_ID

# An id in a body: past the database's 64-bit ids it is refused as input, never an overflow.
Id = Annotated[int, Field(le=MAX_ID)]


class ReplyCreate(BaseModel):
    """A reply to send."""

    text: str = Field(min_length=1, max_length=10_000)
    acknowledge: bool = Field(
        False, description="send over the guards' warnings; recorded with the reply (a blocked reply is refused anyway)"
    )
    gesture: str | None = Field(None, max_length=300, description="what the reply offers for a late answer (a discount, a code, a refund)")
    compensation: str | None = Field(
        None, max_length=40, description="a gesture of the compensation policy (its code, see GET /api/v1/compensation-policy)"
    )
    compensation_note: str | None = Field(None, max_length=500, description="the agent's note on the gesture (the code given…)")


class GuardCheckBody(BaseModel):
    """A draft to check in a conversation."""

    conversation_id: Id
    text: str = Field(min_length=1, max_length=10_000)
    gesture: str | None = Field(None, max_length=300, description="the gesture the reply will offer, if any")


class GuardSpanOut(BaseModel):
    """Words a finding points at: ``text[start:end]`` of the draft, or of customer message ``message``."""

    start: int
    end: int
    text: str
    source: Literal["draft", "customer"]
    message: int = Field(description="index into the customer's unanswered messages, oldest first, when source is customer")


class GuardFlagOut(BaseModel):
    """One finding and the severity the brand gives it."""

    guard: str
    code: str
    severity: Literal["hint", "warn", "block"]
    message: str
    spans: list[GuardSpanOut]
    details: dict[str, Any]


class PastReplyOut(BaseModel):
    """A past reply of the account close to the draft."""

    reply_id: int
    similarity: float = Field(description="Jaccard similarity of the masked texts, 0–1")
    sent_at: datetime
    text: str


class GuardReportOut(BaseModel):
    """What the guards say of a draft."""

    verdict: Literal["clean", "acknowledge", "blocked"] = Field(description="clean (hints only), acknowledge (warnings) or blocked")
    flags: list[GuardFlagOut] = Field(description="findings, most severe first")
    closest_past_replies: list[PastReplyOut]
    recent_near_identical: dict[str, int] = Field(description="near-identical replies sent in the last N days, by N")
    guards_run: list[str]

    @classmethod
    def of(cls, report: GuardReport) -> GuardReportOut:
        """From the guards' report."""
        return cls.model_validate(report_json(report))


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


class SlaClockOut(BaseModel):
    """A conversation's SLA clock and where it stands now."""

    kind: str | None = Field(description="first_response or next_response; null when no answer is owed")
    state: str = Field(description="stopped, on_time, at_risk_50, at_risk_80, breached or past_limit")
    started_at: datetime | None = Field(description="the oldest unanswered customer item, where the clock started")
    at_risk_50_at: datetime | None = Field(description="when half of the target is used (business time)")
    at_risk_80_at: datetime | None
    due_at: datetime | None = Field(description="when the response target falls")
    acceptable_until: datetime | None = Field(description="after this an answer is late and owes an apology (P4)")


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
    sla: SlaClockOut | None = Field(None, description="the SLA clock; the inbox is ordered by its due time")


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


class AcknowledgementOut(BaseModel):
    """Who sent a reply over the guards' warnings, when, and which."""

    by: str
    at: datetime
    codes: list[str]


class ReplyGuardsOut(BaseModel):
    """What the guards said of a reply when it was sent."""

    verdict: str
    near_duplicate: bool
    similarity: float | None = Field(description="to the closest past reply of the account, when there was one")
    findings: dict[str, str] = Field(description="severity by rule (guard.code)")
    acknowledged: AcknowledgementOut | None
    gesture: str | None
    report: dict[str, Any] = Field(description="the whole report as sent, with what the guards read (context)")

    @classmethod
    def of(cls, check: ReplyCheck) -> ReplyGuardsOut:
        """From the stored check."""
        acknowledged = None
        if check.acknowledged_by is not None and check.acknowledged_at is not None:
            acknowledged = AcknowledgementOut(by=check.acknowledged_by, at=check.acknowledged_at, codes=list(check.acknowledged))
        return cls(
            verdict=check.verdict,
            near_duplicate=check.near_duplicate,
            similarity=check.similarity,
            findings=check.findings,
            acknowledged=acknowledged,
            gesture=check.gesture,
            report=check.report,
        )


class ReplyOut(BaseModel):
    """A reply, its delivery state and its guard check."""

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
    late: bool = Field(False, description="sent past the conversation's acceptable limit")
    compensation: str | None = Field(None, description="the policy's gesture offered with it (its code)")
    compensation_note: str | None = None
    guards: ReplyGuardsOut | None = Field(description="null for replies sent before the guards existed")
    post_by_hand_url: str | None = Field(
        None, description="for a reply to post by hand (delivery_state manual): the customer's post on the platform, where it goes"
    )

    @classmethod
    def of(cls, reply: Reply, *, post_by_hand_url: str | None = None) -> ReplyOut:
        """From a domain reply; ``post_by_hand_url`` where the channel handed it to an agent."""
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
            late=reply.late,
            compensation=reply.compensation,
            compensation_note=reply.compensation_note,
            guards=ReplyGuardsOut.of(reply.check) if reply.check is not None else None,
            post_by_hand_url=post_by_hand_url,
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
    sla_class: str | None = Field(None, description="the response schema's SLA class; the SLA file may give it its own targets")
    sla: SlaClockOut | None
    items: list[ItemOut]
    replies: list[ReplyOut]
    events: list[EventOut]

    @classmethod
    def of(cls, view: ConversationView) -> ConversationOut:
        """From the read side's view."""
        c = view.conversation
        links = post_by_hand_links(view.replies, view.items, view.events)
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
            sla_class=c.sla_class,
            sla=SlaClockOut.model_validate(view.sla, from_attributes=True) if view.sla else None,
            items=[ItemOut.of(i, view.triage.get(i.id)) for i in view.items],
            replies=[ReplyOut.of(r, post_by_hand_url=links.get(r.id)) for r in view.replies],
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
    #: A channel's settings (mode, bot…), with secrets masked; empty for generic sources.
    settings: dict[str, Any] = Field(default_factory=dict)


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


class WeekFigureOut(BaseModel):
    """Replies sent in one week (its Monday) and the near-duplicates among them."""

    week: date
    sent: int
    near_duplicates: int
    share: float | None = Field(description="near_duplicates / sent; null when nothing was sent")


class ScriptedRowOut(BaseModel):
    """Scriptedness of the desk, an agent or a team over the period, week by week."""

    id: int | None
    name: str
    sent: int
    near_duplicates: int
    share: float | None
    weeks: list[WeekFigureOut]

    @classmethod
    def of(cls, row: ScriptedRow) -> ScriptedRowOut:
        """From the read side's row."""
        return cls(
            id=row.id,
            name=row.name,
            sent=row.sent,
            near_duplicates=row.near_duplicates,
            share=row.share,
            weeks=[WeekFigureOut(week=w.week, sent=w.sent, near_duplicates=w.near_duplicates, share=w.share) for w in row.weeks],
        )


class GuardHitOut(BaseModel):
    """Sent replies that tripped one rule at one severity."""

    guard: str
    code: str
    severity: str
    replies: int
    acknowledged: int = Field(description="of those, sent over the warning knowingly")

    @classmethod
    def of(cls, hit: GuardHit) -> GuardHitOut:
        """From the read side's hit count."""
        return cls(guard=hit.guard, code=hit.code, severity=hit.severity, replies=hit.replies, acknowledged=hit.acknowledged)


class GuardsReportOut(BaseModel):
    """The reply guards over a period: scriptedness per week (desk, agents, teams) and hit counts."""

    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    checked: int = Field(description="replies sent with a guard check in the period")
    near_duplicates: int
    share: float | None
    acknowledged: int = Field(description="replies sent over warnings")
    desk: ScriptedRowOut
    agents: list[ScriptedRowOut]
    teams: list[ScriptedRowOut]
    hits: list[GuardHitOut]

    @classmethod
    def of(cls, report: GuardsReport) -> GuardsReportOut:
        """From the read side's report."""
        return cls(
            start=report.start,
            end=report.end,
            checked=report.checked,
            near_duplicates=report.near_duplicates,
            share=report.share,
            acknowledged=report.acknowledged,
            desk=ScriptedRowOut.of(report.desk),
            agents=[ScriptedRowOut.of(r) for r in report.agents],
            teams=[ScriptedRowOut.of(r) for r in report.teams],
            hits=[GuardHitOut.of(h) for h in report.hits],
        )


class RetryBody(BaseModel):
    """Retrying a failed reply; ``confirm`` says the agent looked and it is not on the platform."""

    model_config = ConfigDict(extra="forbid")

    confirm: bool = Field(False, description="Needed after an unknown outcome: the reply is not on the platform.")


class ActionOut(BaseModel):
    """A like, pin or unpin queued for the worker."""

    id: str
    action: str
    conversation_id: int
    item_id: int | None
    reply_id: int | None
    queued_at: datetime

    @classmethod
    def of(cls, action: QueuedAction) -> ActionOut:
        """From a queued action."""
        return cls(
            id=action.id,
            action=action.action,
            conversation_id=action.conversation_id,
            item_id=action.item_id,
            reply_id=action.reply_id,
            queued_at=action.queued_at,
        )


class SourceCheckOut(BaseModel):
    """A channel's connection test passed."""

    name: str
    result: str = Field(description="Who the channel is connected as, e.g. `connected as @volna_care_bot (id 7711000111)`.")


class BrandKeywordsIn(BaseModel):
    """The brand's names and keywords, replacing the ones in force."""

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] = Field(max_length=50)


class BrandKeywordsOut(BaseModel):
    """The brand's names and keywords in force."""

    keywords: list[str]
