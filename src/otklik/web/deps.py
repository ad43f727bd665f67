"""Dependencies shared by the routes: the services, the current actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from otklik.bootstrap import Services
from otklik.errors import NotAuthenticated
from otklik.services.access import Actor
from otklik.services.auth import actor_for_agent_id, actor_for_token

SESSION_COOKIE = "otklik_session"
CSRF_HEADER = "x-csrf-token"


async def get_services(request: Request) -> Services:
    # async: FastAPI would otherwise hop to a thread for this one attribute read.
    """The app's services."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def session_actor(request: Request, services: Services) -> Actor | None:
    """The agent of a valid session cookie, or None."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    try:
        agent_id = services.signer.agent_id(value)
        return actor_for_agent_id(agent_id, uow_factory=services.uow)
    except NotAuthenticated:
        return None


def get_api_actor(request: Request, services: ServicesDep) -> Actor:
    """The actor of an API call: a bearer token, or a session cookie with its CSRF header."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return actor_for_token(header[7:], uow_factory=services.uow)
    actor = session_actor(request, services)
    if actor is None:
        raise NotAuthenticated("send 'Authorization: Bearer <token>' or log in")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if not services.signer.check_csrf(cookie, request.headers.get(CSRF_HEADER)):
            raise NotAuthenticated(f"cookie-authenticated changes need the {CSRF_HEADER} header")
    return actor


ApiActorDep = Annotated[Actor, Depends(get_api_actor)]
