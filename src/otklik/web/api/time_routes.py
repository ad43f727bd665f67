"""``/api/v1`` for time: the compensation policy, the published promise, follow-ups and the SLA report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from otklik.bootstrap import Services
from otklik.domain.promise import Disagreement
from otklik.services import followups, promise, reports, sla_report
from otklik.web.deps import ApiActorDep, ServicesDep
from otklik.web.params import MAX_ID

router = APIRouter(prefix="/api/v1", tags=["time"])
Id = Annotated[int, Path(le=MAX_ID)]


class GestureOut(BaseModel):
    """One gesture of the compensation policy."""

    code: str
    value: str | None
    labels: dict[str, str]


class CompensationPolicyOut(BaseModel):
    """The gestures the brand offers with late answers (P4, P19)."""

    gestures: list[GestureOut]


@router.get("/compensation-policy", response_model=CompensationPolicyOut, summary="The gestures offered with late answers")
async def get_compensation_policy(actor: ApiActorDep, services: ServicesDep) -> CompensationPolicyOut:
    """Each gesture's code (what a reply's ``compensation`` names), value and label per language."""
    del actor
    return CompensationPolicyOut(
        gestures=[GestureOut(code=g.code, value=g.value, labels=dict(g.labels)) for g in services.compensation.gestures]
    )


# --- the published promise -------------------------------------------------------------------
class WarningOut(BaseModel):
    """Where the configured promise and reality disagree."""

    code: str
    message: str
    details: dict[str, object]

    @classmethod
    def of(cls, d: Disagreement) -> WarningOut:
        """From the domain's disagreement."""
        return cls(code=d.code, message=d.message, details=dict(d.details))


class ChannelPromiseOut(BaseModel):
    """One channel's measured first responses and its text per language."""

    channel: str
    answered: int = Field(description="first responses measured in the window")
    median_s: int | None
    p90_s: int | None
    texts: dict[str, str] = Field(description="the About/bio text in ru, pl and en")


class PromiseOut(BaseModel):
    """The published promise (P3): texts per channel, from the measured times and the configured hours."""

    since: datetime
    until: datetime
    promised_s: int | None
    desk: ChannelPromiseOut
    channels: list[ChannelPromiseOut]
    warnings: list[WarningOut]


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _channel_out(c: promise.ChannelPromise) -> ChannelPromiseOut:
    return ChannelPromiseOut(
        channel=c.channel,
        answered=c.measured.answered,
        median_s=_seconds(c.measured.median),
        p90_s=_seconds(c.measured.p90),
        texts=dict(c.texts),
    )


def build_promise_for(services: Services, team: str | None = None) -> promise.Promise:
    """The promise with the settings and the team's hours in force."""
    settings = services.settings
    minutes = settings.promise_response_minutes
    return promise.build_promise(
        uow_factory=services.uow,
        now=services.clock.now(),
        calendar=services.sla_config.hours(team or settings.offhours_team).calendar,
        window_days=settings.promise_window_days,
        promised=timedelta(minutes=minutes) if minutes else None,
        contacts=settings.brand_contacts,
        round_the_clock_expected=settings.round_the_clock_expected,
    )


@router.get("/promise", response_model=PromiseOut, summary="The published response-time promise, per channel")
async def get_promise(
    actor: ApiActorDep,
    services: ServicesDep,
    team: Annotated[str | None, Query(max_length=200, description="whose hours; default: the desk's")] = None,
) -> PromiseOut:
    """The About/bio text in ru, pl and en per channel, from the measured median and p90 of the last days, with warnings."""
    del actor
    found = await run_in_threadpool(build_promise_for, services, team)
    return PromiseOut(
        since=found.since,
        until=found.until,
        promised_s=_seconds(found.promised),
        desk=_channel_out(found.desk),
        channels=[_channel_out(c) for c in found.channels],
        warnings=[WarningOut.of(w) for w in found.warnings],
    )


# --- follow-ups ------------------------------------------------------------------------------
class FollowUpOut(BaseModel):
    """A follow-up with its conversation's context."""

    id: int
    conversation_id: int
    kind: str
    state: str
    due_at: datetime
    scheduled_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    reason: str | None
    reply_id: int | None
    channel: str | None = None
    author_name: str | None = None
    author_handle: str | None = None
    language: str | None = None
    last_customer_text: str | None = None
    last_reply_text: str | None = None


class SkipBody(BaseModel):
    """Why a follow-up is skipped."""

    reason: str = Field(min_length=1, max_length=500)


@router.get("/followups", response_model=list[FollowUpOut], summary="Follow-ups: due now (default) or all pending")
async def get_followups(
    actor: ApiActorDep,
    services: ServicesDep,
    state: Annotated[Literal["due", "pending"], Query(description="due: due now; pending: every scheduled one")] = "due",
    team: Annotated[int | None, Query(le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=followups.MAX_LIMIT)] = 50,
) -> list[FollowUpOut]:
    """Pending follow-ups, the longest overdue first, each with the conversation's last customer message and reply."""
    del actor
    views = await run_in_threadpool(
        followups.list_followups, uow_factory=services.uow, clock=services.clock, due_only=state == "due", team=team, limit=limit
    )
    return [
        FollowUpOut(
            **{
                name: getattr(v.followup, name)
                for name in ("id", "conversation_id", "kind", "due_at", "scheduled_at", "closed_at", "closed_by", "reason", "reply_id")
            },
            state=v.followup.state.value,
            channel=v.source,
            author_name=v.author_name,
            author_handle=v.author_handle,
            language=v.language,
            last_customer_text=v.last_customer_text,
            last_reply_text=v.last_reply_text,
        )
        for v in views
    ]


@router.post("/followups/{followup_id}/skip", response_model=FollowUpOut, summary="Skip a pending follow-up, with a reason")
async def post_skip_followup(followup_id: Id, body: SkipBody, actor: ApiActorDep, services: ServicesDep) -> FollowUpOut:
    """Decide against a follow-up; the reason is kept with an event."""
    f = await run_in_threadpool(
        followups.skip_followup, followup_id, body.reason, actor=actor, uow_factory=services.uow, clock=services.clock
    )
    return FollowUpOut(
        id=f.id,
        conversation_id=f.conversation_id,
        kind=f.kind,
        state=f.state.value,
        due_at=f.due_at,
        scheduled_at=f.scheduled_at,
        closed_at=f.closed_at,
        closed_by=f.closed_by,
        reason=f.reason,
        reply_id=f.reply_id,
    )


# --- the SLA report --------------------------------------------------------------------------
class SlaRowOut(BaseModel):
    """First-response figures of the desk, a channel, a team or an agent (durations in seconds)."""

    dimension: str
    key: str
    name: str
    conversations: int
    answered: int
    within_target: int
    breaches: int
    attainment: float | None = Field(description="share answered within the priority's target (0–1)")
    median_calendar_s: int | None
    p90_calendar_s: int | None
    median_business_s: int | None
    p90_business_s: int | None

    @classmethod
    def of(cls, row: sla_report.SlaRow) -> SlaRowOut:
        """From the read side's row."""
        return cls(
            dimension=row.dimension,
            key=row.key,
            name=row.name,
            conversations=row.conversations,
            answered=row.answered,
            within_target=row.within_target,
            breaches=row.breaches,
            attainment=row.attainment,
            median_calendar_s=_seconds(row.median_calendar),
            p90_calendar_s=_seconds(row.p90_calendar),
            median_business_s=_seconds(row.median_business),
            p90_business_s=_seconds(row.p90_business),
        )


class SlaReportOut(BaseModel):
    """First responses over a period, by channel, team and agent."""

    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    desk: SlaRowOut
    channels: list[SlaRowOut]
    teams: list[SlaRowOut]
    agents: list[SlaRowOut]


def run_sla_report(services: Services, start: date | None, end: date | None) -> sla_report.SlaReport:
    """The report for the asked period (the last 8 weeks by default)."""
    first, last = reports.default_period(end or services.clock.now().date())
    return sla_report.sla_report(start or first, last, uow_factory=services.uow, sla=services.sla_config, now=services.clock.now())


@router.get("/reports/sla", response_model=SlaReportOut, summary="First-response times and SLA attainment over a period")
async def get_sla_report(
    actor: ApiActorDep,
    services: ServicesDep,
    start: Annotated[date | None, Query(alias="from", description="first day (UTC), YYYY-MM-DD; default: 8 weeks before `to`")] = None,
    end: Annotated[date | None, Query(alias="to", description="last day (UTC), YYYY-MM-DD; default: today")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> SlaReportOut | Response:
    """Median and p90 first-response time (calendar and business hours), attainment and breaches per channel, team and agent."""
    del actor
    report = await run_in_threadpool(run_sla_report, services, start, end)
    if format == "csv":
        return csv_response(report)
    return SlaReportOut(
        start=report.start,
        end=report.end,
        desk=SlaRowOut.of(report.desk),
        channels=[SlaRowOut.of(r) for r in report.channels],
        teams=[SlaRowOut.of(r) for r in report.teams],
        agents=[SlaRowOut.of(r) for r in report.agents],
    )


def csv_response(report: sla_report.SlaReport) -> Response:
    """The report as a CSV download."""
    return Response(
        sla_report.report_csv(report.rows()),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="sla-{report.start}-{report.end}.csv"'},
    )
