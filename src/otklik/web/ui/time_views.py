"""Agent UI pages for time: follow-ups due, the published promise, the SLA report (with CSV)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from otklik.errors import NotFound, OtklikError
from otklik.services import followups, offhours, reports
from otklik.web.api.time_routes import build_promise_for, csv_response, run_sla_report
from otklik.web.deps import CSRF_HEADER, ServicesDep
from otklik.web.params import MAX_ID
from otklik.web.ui import present_time
from otklik.web.ui.views import _day, _login_redirect, _problem, _render, _session, _status_of

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]


@router.get("/followups")
def followups_page(request: Request, services: ServicesDep) -> Response:
    """The inbox's "Follow-ups" view: notes due now, each with its conversation's context (P18)."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    show_all = request.query_params.get("state") == "pending"
    views = followups.list_followups(uow_factory=services.uow, clock=services.clock, due_only=not show_all, limit=followups.MAX_LIMIT)
    context = {"followups": views, "show_all": show_all, "now": services.clock.now(), "active_page": "followups"}
    return _render(request, "followups.html", context, session=session)


@router.get("/followups/count")
def followups_count(request: Request, services: ServicesDep) -> Response:
    """The number of follow-ups due, for the badge beside "Follow-ups" (empty when none)."""
    if _session(request, services) is None:
        return Response(status_code=204)
    due = followups.count_due(uow_factory=services.uow, clock=services.clock)
    body = f'<span class="badge due-count" title="follow-ups due">{due}</span>' if due else ""
    return Response(body, media_type="text/html")


@router.post("/followups/{followup_id:int}/skip")
def skip_followup(request: Request, followup_id: int, services: ServicesDep, reason: Field = "", csrf_token: Field = "") -> Response:
    """Skip a follow-up with a reason; back to the follow-ups view."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    if not services.signer.check_csrf(session.cookie, request.headers.get(CSRF_HEADER) or csrf_token):
        return _problem(request, services, session, 403, "This form has expired (CSRF check failed). Reload the page and try again.")
    try:
        if followup_id > MAX_ID:
            raise NotFound(f"follow-up {followup_id} does not exist")
        followups.skip_followup(followup_id, reason, actor=session.actor, uow_factory=services.uow, clock=services.clock)
    except OtklikError as exc:
        return _problem(request, services, session, _status_of(exc), str(exc))
    return RedirectResponse("/followups", status_code=303)


@router.get("/promise")
def promise_page(request: Request, services: ServicesDep) -> Response:
    """The published promise (P3) in ru, pl and en per channel, its warnings, and the off-hours notice (P15)."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    found = build_promise_for(services)
    settings = services.settings
    config = offhours.NoticeConfig(
        calendar=found.calendar,
        targets=settings.offhours_notice_targets,
        languages=settings.offhours_languages,
        contacts=settings.brand_contacts,
        round_the_clock_expected=settings.round_the_clock_expected,
    )
    context = {
        "promise": found,
        "duration": present_time.duration,
        "notice": offhours.proposed_notice(config, services.clock.now()),
        "notices": offhours.list_notices(uow_factory=services.uow),
        "active_page": "promise",
    }
    return _render(request, "promise.html", context, session=session)


@router.get("/reports/sla")
def sla_report_page(request: Request, services: ServicesDep) -> Response:
    """First-response times, attainment and breaches by channel, team and agent, with bars."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    params = request.query_params
    error: str | None = None
    status_code = 200
    report = None
    start, last = reports.default_period(services.clock.now().date())
    try:
        report = run_sla_report(services, _day(params.get("from", ""), "from"), _day(params.get("to", ""), "to"))
        start, last = report.start, report.end
    except OtklikError as exc:
        error, status_code = str(exc), _status_of(exc)
    context = {
        "report": report,
        "bars": present_time.attainment_bars,
        "duration": present_time.duration,
        "percent": present_time.percent,
        "start": params.get("from", "") or start.isoformat(),
        "end": params.get("to", "") or last.isoformat(),
        "error": error,
        "active_page": "sla",
    }
    return _render(request, "reports_sla.html", context, session=session, status_code=status_code)


@router.get("/reports/sla.csv")
def sla_report_csv(request: Request, services: ServicesDep) -> Response:
    """The SLA report as CSV, for the period asked."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    params = request.query_params
    try:
        report = run_sla_report(services, _day(params.get("from", ""), "from"), _day(params.get("to", ""), "to"))
    except OtklikError as exc:
        return Response(str(exc), status_code=_status_of(exc), media_type="text/plain; charset=utf-8")
    return csv_response(report)
