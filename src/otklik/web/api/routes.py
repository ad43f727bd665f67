"""``/api/v1``: the inbox and the actions on conversations, for people and machines."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from otklik.domain.conversations import Conversation, Status
from otklik.errors import InvalidPayload
from otklik.services import actions, brand, channel_admin, guards, outbound, replies, reports, triage
from otklik.services.access import require_admin
from otklik.services.auth import create_token
from otklik.services.inbox import InboxFilters, conversation_detail, list_inbox
from otklik.services.sources import add_source, list_sources
from otklik.web.api.schemas import (
    ActionOut,
    AgentOut,
    AssignBody,
    BrandKeywordsIn,
    BrandKeywordsOut,
    ConversationOut,
    ConversationStateOut,
    GuardCheckBody,
    GuardReportOut,
    GuardsReportOut,
    IgnoreBody,
    InboxOut,
    ReplyCreate,
    ReplyOut,
    RetryBody,
    SchemaOut,
    SchemaVersionOut,
    SourceCheckOut,
    SourceCreate,
    SourceOut,
    TeamBody,
    TeamOut,
    TokenCreate,
    TokenOut,
    TriageCorrection,
    TriageCorrectionOut,
)
from otklik.web.deps import ApiActorDep, ServicesDep
from otklik.web.params import KINDS, MAX_ID, parse_kind

router = APIRouter(prefix="/api/v1", tags=["desk"])

# Ids in paths: past the database's 64-bit ids a number is refused as input, never an overflow.
Id = Annotated[int, Path(le=MAX_ID)]


def _state(c: Conversation) -> ConversationStateOut:
    return ConversationStateOut(
        id=c.id,
        status=c.status.value,
        assignee_id=c.assignee_id,
        team_id=c.team_id,
        ignore_reason=c.ignore_reason,
    )


def parse_status(status: str | None) -> list[Status] | None:
    """``open`` (default) means new+open; otherwise a comma-separated list of statuses."""
    if status is None or status == "open_inbox":
        return None
    try:
        return [Status(s.strip()) for s in status.split(",") if s.strip()]
    except ValueError:
        raise InvalidPayload(f"unknown status in {status!r}; use {', '.join(s.value for s in Status)}") from None


def parse_assignee(assignee: str | None, actor_agent_id: int) -> int | Literal["none"] | None:
    """``me``, ``none`` or an agent id."""
    if assignee is None or assignee == "":
        return None
    if assignee == "me":
        return actor_agent_id
    if assignee == "none":
        return "none"
    if assignee.isdigit() and int(assignee) <= MAX_ID:
        return int(assignee)
    raise InvalidPayload("assignee is 'me', 'none' or an agent id")


@router.get("/conversations", response_model=InboxOut, summary="The inbox, most urgent first")
async def get_inbox(
    actor: ApiActorDep,
    services: ServicesDep,
    status: Annotated[
        str | None,
        Query(description="Comma-separated statuses; default: the open inbox (new, open)"),
    ] = None,
    assignee: Annotated[str | None, Query(description="'me', 'none' or an agent id")] = None,
    team: Annotated[int | None, Query(le=MAX_ID)] = None,
    channel: str | None = None,
    language: str | None = None,
    kind: Annotated[str | None, Query(description=f"Triage kind: {', '.join(KINDS)}")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> InboxOut:
    """List conversations by urgency with filters; pass ``next_cursor`` back for the next page."""
    filters = InboxFilters(
        status=parse_status(status),
        assignee=parse_assignee(assignee, actor.agent.id),
        team=team,
        channel=channel,
        language=language,
        kind=parse_kind(kind),
    )
    page = await run_in_threadpool(list_inbox, filters, uow_factory=services.uow, limit=limit, cursor=cursor, now=services.clock.now())
    return InboxOut.of(page)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
async def get_conversation(conversation_id: Id, actor: ApiActorDep, services: ServicesDep) -> ConversationOut:
    """A conversation with its items, replies and events."""
    view = await run_in_threadpool(conversation_detail, conversation_id, actor=actor, uow_factory=services.uow, now=services.clock.now())
    return ConversationOut.of(view)


@router.post("/conversations/{conversation_id}/replies", response_model=ReplyOut, status_code=201)
async def post_reply(conversation_id: Id, body: ReplyCreate, actor: ApiActorDep, services: ServicesDep) -> ReplyOut:
    """Answer the customer: stored now, delivered by the worker (or marked to post by hand)."""
    reply = await run_in_threadpool(
        replies.send_reply,
        conversation_id,
        body.text,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
        acknowledge=body.acknowledge,
        gesture=body.gesture,
        compensation=body.compensation,
        compensation_note=body.compensation_note,
        policy=services.compensation,
    )
    return ReplyOut.of(reply)


@router.post("/guards/check", response_model=GuardReportOut, summary="Check a draft with the reply guards")
async def post_guard_check(body: GuardCheckBody, actor: ApiActorDep, services: ServicesDep) -> GuardReportOut:
    """What the guards say of a draft in a conversation: verdict, findings with spans, closest past replies. Nothing is stored."""
    report = await run_in_threadpool(
        guards.check_draft,
        body.conversation_id,
        body.text,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        guards=services.guards,
        gesture=body.gesture,
    )
    return GuardReportOut.of(report)


@router.get("/reports/guards", response_model=GuardsReportOut, summary="Scriptedness and the guards' hit counts over a period")
async def get_guards_report(
    actor: ApiActorDep,
    services: ServicesDep,
    start: Annotated[date | None, Query(alias="from", description="first day (UTC), YYYY-MM-DD; default: 8 weeks before `to`")] = None,
    end: Annotated[date | None, Query(alias="to", description="last day (UTC), YYYY-MM-DD; default: today")] = None,
) -> GuardsReportOut:
    """Per week: the share of sent replies that were near-duplicates, for the desk, each agent and each team; and hit counts per rule."""
    del actor
    first, last = reports.default_period(end or services.clock.now().date())
    report = await run_in_threadpool(reports.guards_report, start or first, last, uow_factory=services.uow)
    return GuardsReportOut.of(report)


@router.post("/conversations/{conversation_id}/assign", response_model=ConversationStateOut)
async def post_assign(conversation_id: Id, body: AssignBody, actor: ApiActorDep, services: ServicesDep) -> ConversationStateOut:
    """Give the conversation to an agent, or unassign it."""
    c = await run_in_threadpool(
        actions.assign_conversation,
        conversation_id,
        body.agent_id,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return _state(c)


@router.post("/conversations/{conversation_id}/team", response_model=ConversationStateOut)
async def post_team(conversation_id: Id, body: TeamBody, actor: ApiActorDep, services: ServicesDep) -> ConversationStateOut:
    """Route the conversation to a team."""
    c = await run_in_threadpool(
        actions.route_to_team,
        conversation_id,
        body.team_id,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return _state(c)


@router.post("/conversations/{conversation_id}/resolve", response_model=ConversationStateOut)
async def post_resolve(conversation_id: Id, actor: ApiActorDep, services: ServicesDep) -> ConversationStateOut:
    """Mark the conversation resolved."""
    c = await run_in_threadpool(
        actions.resolve_conversation,
        conversation_id,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        followup_days=services.settings.followup_days,
    )
    return _state(c)


@router.post("/conversations/{conversation_id}/reopen", response_model=ConversationStateOut)
async def post_reopen(conversation_id: Id, actor: ApiActorDep, services: ServicesDep) -> ConversationStateOut:
    """Bring a resolved or ignored conversation back."""
    c = await run_in_threadpool(
        actions.reopen_conversation,
        conversation_id,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return _state(c)


@router.post("/conversations/{conversation_id}/ignore", response_model=ConversationStateOut)
async def post_ignore(conversation_id: Id, body: IgnoreBody, actor: ApiActorDep, services: ServicesDep) -> ConversationStateOut:
    """Leave the conversation unanswered on purpose, with a reason (nothing is deleted)."""
    c = await run_in_threadpool(
        actions.ignore_conversation,
        conversation_id,
        body.reason,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return _state(c)


@router.post("/replies/{reply_id}/posted", response_model=ReplyOut)
async def post_posted_by_hand(reply_id: Id, actor: ApiActorDep, services: ServicesDep) -> ReplyOut:
    """Confirm a reply was posted on the platform by hand."""
    reply = await run_in_threadpool(
        replies.mark_posted_by_hand,
        reply_id,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return ReplyOut.of(reply)


@router.post(
    "/replies/{reply_id}/retry",
    response_model=ReplyOut,
    responses={409: {"description": "Not failed, or the outcome was unknown and `confirm` is not true."}},
)
async def post_retry(reply_id: Id, actor: ApiActorDep, services: ServicesDep, body: RetryBody | None = None) -> ReplyOut:
    """Queue a failed reply for delivery again (same idempotency key).

    After an unknown outcome the reply may be on the platform already: look there, then
    send ``{"confirm": true}`` to say it is not.
    """
    reply = await run_in_threadpool(
        replies.retry_delivery,
        reply_id,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        confirmed=body.confirm if body is not None else False,
    )
    return ReplyOut.of(reply)


@router.post("/items/{item_id}/like", response_model=ActionOut, status_code=202, summary="Thank by a like (P8)")
def post_like(item_id: Id, actor: ApiActorDep, services: ServicesDep) -> ActionOut:
    """Queue a like of a customer's item; the worker does it within the channel's rate limit.

    409 when the item's channel cannot like, or the like is already waiting.
    """
    conversation_id = outbound.conversation_of_item(item_id, uow_factory=services.uow)
    queued = outbound.queue_action(conversation_id, "like", item_id=item_id, actor=actor, uow_factory=services.uow, clock=services.clock)
    return ActionOut.of(queued)


@router.post("/replies/{reply_id}/pin", response_model=ActionOut, status_code=202, summary="Pin a sent reply (P14)")
def post_pin(reply_id: Id, actor: ApiActorDep, services: ServicesDep) -> ActionOut:
    """Queue a pin of a reply the platform took; 409 when its channel cannot pin."""
    conversation_id = outbound.conversation_of_reply(reply_id, uow_factory=services.uow)
    queued = outbound.queue_action(conversation_id, "pin", reply_id=reply_id, actor=actor, uow_factory=services.uow, clock=services.clock)
    return ActionOut.of(queued)


@router.post("/replies/{reply_id}/unpin", response_model=ActionOut, status_code=202, summary="Unpin a reply")
def post_unpin(reply_id: Id, actor: ApiActorDep, services: ServicesDep) -> ActionOut:
    """Queue an unpin of a pinned reply; 409 when its channel cannot pin."""
    conversation_id = outbound.conversation_of_reply(reply_id, uow_factory=services.uow)
    queued = outbound.queue_action(conversation_id, "unpin", reply_id=reply_id, actor=actor, uow_factory=services.uow, clock=services.clock)
    return ActionOut.of(queued)


@router.post("/items/{item_id}/triage", response_model=TriageCorrectionOut, summary="Correct an item's kind or sentiment")
def post_triage_correction(item_id: Id, body: TriageCorrection, actor: ApiActorDep, services: ServicesDep) -> TriageCorrectionOut:
    """Store the agent's kind and/or sentiment as a labelled example and decide the item again.

    The conversation follows the new decision: an insult corrected to a complaint comes back
    from "ignored" to the open inbox. 409 while the item waits for triage.
    """
    # Plain def: the schema in force may be read from the database on first use.
    result = triage.correct_triage(
        item_id,
        kind=body.kind,
        sentiment=body.sentiment,
        actor=actor,
        uow_factory=services.uow,
        clock=services.clock,
        active=services.schema,
    )
    return TriageCorrectionOut.model_validate(result)


@router.get("/schema", response_model=SchemaOut, summary="The response schema in force")
def get_schema(actor: ApiActorDep, services: ServicesDep) -> SchemaOut:
    """The schema deciding new items: name, version, digest, and each rule with its line and outcome."""
    del actor
    return SchemaOut.of(services.schema)


@router.get("/schema/versions", response_model=list[SchemaVersionOut], summary="Every version of the response schema")
def get_schema_versions(actor: ApiActorDep, services: ServicesDep) -> list[SchemaVersionOut]:
    """Each schema version ever loaded, newest first; every triage names the version that decided it."""
    del actor
    return [SchemaVersionOut.model_validate(v) for v in triage.schema_versions(uow_factory=services.uow)]


@router.get("/agents", response_model=list[AgentOut])
def get_agents(actor: ApiActorDep, services: ServicesDep) -> list[AgentOut]:
    """Every agent."""
    del actor
    with services.uow(write=False) as uow:
        return [
            AgentOut(
                id=a.id,
                email=a.email,
                name=a.name,
                role=a.role.value,
                team_id=a.team_id,
                active=a.active,
            )
            for a in uow.agents.all()
        ]


@router.get("/teams", response_model=list[TeamOut])
def get_teams(actor: ApiActorDep, services: ServicesDep) -> list[TeamOut]:
    """Every team."""
    del actor
    with services.uow(write=False) as uow:
        return [TeamOut(id=t.id, name=t.name) for t in uow.teams.all()]


@router.get("/me", response_model=AgentOut)
async def get_me(actor: ApiActorDep) -> AgentOut:
    """The agent behind this call."""
    a = actor.agent
    return AgentOut(
        id=a.id,
        email=a.email,
        name=a.name,
        role=a.role.value,
        team_id=a.team_id,
        active=a.active,
    )


@router.post("/tokens", response_model=TokenOut, status_code=201)
async def post_token(body: TokenCreate, actor: ApiActorDep, services: ServicesDep) -> TokenOut:
    """Create an API token for yourself; it is shown only in this answer."""
    token = await run_in_threadpool(
        create_token,
        actor.agent.id,
        body.name,
        uow_factory=services.uow,
        clock=services.clock,
    )
    return TokenOut(token=token)


@router.get("/sources", response_model=list[SourceOut], summary="Configured sources (admins)")
def get_sources(actor: ApiActorDep, services: ServicesDep) -> list[SourceOut]:
    """Every source, without secrets (a channel's secret settings are masked)."""
    require_admin(actor)
    return [
        SourceOut(name=i.name, kind=i.kind, callback_url=i.callback_url, settings=i.settings)
        for i in list_sources(uow_factory=services.uow)
    ]


@router.post("/sources/{name}/check", response_model=SourceCheckOut, summary="Test a channel's connection (admins)")
def post_source_check(name: str, actor: ApiActorDep, services: ServicesDep) -> SourceCheckOut:
    """Run the same connection test as `otklik channel check`; a failure is 503 with the reason."""
    require_admin(actor)
    line = channel_admin.check_channel(name, uow_factory=services.uow, timeout=services.settings.delivery_timeout_s)
    return SourceCheckOut(name=name, result=line)


@router.get("/brand/keywords", response_model=BrandKeywordsOut, summary="The brand's names and keywords (P13)")
def get_brand_keywords(actor: ApiActorDep, services: ServicesDep) -> BrandKeywordsOut:
    """The keywords every listening channel files brand mentions by."""
    return BrandKeywordsOut(keywords=list(brand.brand_keywords(uow_factory=services.uow, default=services.settings.brand_keywords)))


@router.put("/brand/keywords", response_model=BrandKeywordsOut, summary="Change the brand's keywords (admins)")
def put_brand_keywords(body: BrandKeywordsIn, actor: ApiActorDep, services: ServicesDep) -> BrandKeywordsOut:
    """Replace the keywords; the change is an event, and every process uses it within seconds."""
    words = brand.set_brand_keywords(body.keywords, actor=actor, uow_factory=services.uow, clock=services.clock)
    services.brand_keywords.forget()
    return BrandKeywordsOut(keywords=list(words))


@router.post("/sources", response_model=SourceOut, status_code=201, summary="Configure a source (admins)")
def post_source(body: SourceCreate, actor: ApiActorDep, services: ServicesDep) -> SourceOut:
    """Create a generic source; its signing secret is in this answer only."""
    require_admin(actor)
    info, secret = add_source(body.name, uow_factory=services.uow, clock=services.clock, callback_url=body.callback_url)
    return SourceOut(name=info.name, kind=info.kind, callback_url=info.callback_url, secret=secret)
