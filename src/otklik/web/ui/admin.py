"""Admin pages: the channels (sources), adding one, testing its connection, the brand's keywords.

Secrets typed into the form are stored and never rendered back (settings show masked), and
neither logged nor echoed in an error. Every change checks the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from otklik.bootstrap import Services
from otklik.errors import OtklikError, PermissionDenied
from otklik.services import brand, channel_admin
from otklik.services.access import require_admin
from otklik.web.deps import CSRF_HEADER, ServicesDep
from otklik.web.ui.views import _login_redirect, _render, _Session, _session, _status_of

router = APIRouter(include_in_schema=False)

PAGE = "/admin/channels"
CSRF_FAILED = "This form has expired or did not come from otklik (CSRF check failed). Reload the page and try again."


def _page(
    request: Request,
    services: Services,
    session: _Session,
    *,
    error: str | None = None,
    notice: str | None = None,
    form: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        rows = channel_admin.list_channels(actor=session.actor, uow_factory=services.uow, now=services.clock.now())
    except OtklikError as exc:
        return _render(request, "error.html", {"error": str(exc)}, session=session, status_code=_status_of(exc))
    keywords = brand.brand_keywords(uow_factory=services.uow, default=services.settings.brand_keywords)
    context = {
        "active_page": "channels",
        "sources": rows,
        "kinds": channel_admin.channel_kinds(),
        "keywords": keywords,
        "listening": [r for r in rows if r.listens],
        "error": error,
        "notice": notice,
        # Only what is safe to show again: never a secret field's value.
        "form": dict(form or {}),
    }
    return _render(request, "admin_channels.html", context, session=session, status_code=status_code)


def _admin(request: Request, services: Services) -> _Session | Response:
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    try:
        require_admin(session.actor)
    except PermissionDenied as exc:
        return _render(request, "error.html", {"error": str(exc)}, session=session, status_code=403)
    return session


@router.get(PAGE)
def channels_page(request: Request, services: ServicesDep) -> Response:
    """Every source with its kind, mode and masked settings; the add form; the brand's keywords."""
    session = _admin(request, services)
    if isinstance(session, Response):
        return session
    return _page(request, services, session)


async def _form(request: Request, services: Services) -> tuple[_Session | Response, dict[str, str]]:
    """The session of an admin with a valid CSRF token, and the form's fields."""
    session = await run_in_threadpool(_admin, request, services)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if isinstance(session, Response):
        return session, form
    if not services.signer.check_csrf(session.cookie, request.headers.get(CSRF_HEADER) or form.get("csrf_token", "")):
        page = await run_in_threadpool(lambda: _page(request, services, session, error=CSRF_FAILED, status_code=403))
        return page, form
    return session, form


@router.post(PAGE)
async def add_channel(request: Request, services: ServicesDep) -> Response:
    """Connect a source of the chosen kind after its connection test; its secret is shown once."""
    session, form = await _form(request, services)
    if isinstance(session, Response):
        return session
    kind, name = form.get("kind", ""), form.get("name", "").strip()
    values = {k.removeprefix("setting_"): v for k, v in form.items() if k.startswith("setting_")}
    spec_secrets = {f.key for k in channel_admin.channel_kinds() if k.kind == kind for f in k.fields if f.secret}
    safe = {"kind": kind, "name": name, **{f"setting_{k}": v for k, v in values.items() if k not in spec_secrets}}

    def run() -> Response:
        try:
            with httpx.Client(follow_redirects=False) as client:
                added = channel_admin.add_channel(
                    kind,
                    name,
                    values,
                    actor=session.actor,
                    client=client,
                    uow_factory=services.uow,
                    clock=services.clock,
                    timeout=services.settings.delivery_timeout_s,
                )
        except OtklikError as exc:
            return _page(request, services, session, error=str(exc), form=safe, status_code=_status_of(exc))
        verb = "configured" if added.info.kind == "generic" else "connected"
        notice = f"{added.info.name} is {verb}: {added.line}."
        if added.shown_once:
            notice += f" Its {added.shown_once_label}, shown this once: {added.shown_once}"
        return _page(request, services, session, notice=notice, status_code=201)

    return await run_in_threadpool(run)


@router.post(PAGE + "/{name}/check")
async def check_channel(name: str, request: Request, services: ServicesDep) -> Response:
    """Run the channel's connection test (as ``otklik channel check``) and show the outcome."""
    session, _form_fields = await _form(request, services)
    if isinstance(session, Response):
        return session

    def run() -> Response:
        try:
            line = channel_admin.check_channel(name, uow_factory=services.uow, timeout=services.settings.delivery_timeout_s)
        except OtklikError as exc:
            return _page(request, services, session, error=f"{name}: {exc}", status_code=_status_of(exc))
        return _page(request, services, session, notice=f"{name}: {line}")

    return await run_in_threadpool(run)


@router.post("/admin/brand-keywords")
async def save_keywords(request: Request, services: ServicesDep) -> Response:
    """Replace the brand's names and keywords (P13) for every listening channel."""
    session, form = await _form(request, services)
    if isinstance(session, Response):
        return session

    def run() -> Response:
        try:
            brand.set_brand_keywords(
                brand.parse_keywords(form.get("keywords", "")), actor=session.actor, uow_factory=services.uow, clock=services.clock
            )
        except OtklikError as exc:
            return _page(request, services, session, error=str(exc), status_code=_status_of(exc))
        services.brand_keywords.forget()
        return RedirectResponse(PAGE, status_code=303)

    return await run_in_threadpool(run)
