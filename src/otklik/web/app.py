"""The FastAPI application: webhooks, the JSON API and the agent UI."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from otklik.bootstrap import Services, build_services
from otklik.config import Settings
from otklik.web import hooks
from otklik.web.api.routes import router as api_router
from otklik.web.api.time_routes import router as time_api_router
from otklik.web.errors import install_error_handlers
from otklik.web.ui.admin import router as admin_router
from otklik.web.ui.time_views import router as time_ui_router
from otklik.web.ui.views import router as ui_router
from otklik.worker.runner import Worker

STATIC = Path(__file__).parent / "ui" / "static"
log = logging.getLogger(__name__)


def _warm_guards(services: Services) -> None:
    try:
        built = services.guards.warm(uow_factory=services.uow, clock=services.clock)
    except Exception:  # a failed warm-up only means the first checks build the indexes themselves
        log.exception("building the reply guards' indexes at start failed")
        return
    log.info("reply guards: %d account indexes built", built)


class Otklik(FastAPI):
    """The FastAPI application, with generic webhooks answered ahead of its middleware stack.

    ``POST /hooks/generic/{source}`` is the hottest path: FastAPI's own middleware (error
    pages, telemetry checks, body limits) and routing cost more CPU per webhook than
    verifying, parsing and storing it, so :func:`hooks.answer_generic` serves it directly.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if hooks.is_generic_hook(scope):
            await hooks.answer_generic(scope, receive, send, self.state.services)
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    services: Services | None = None,
    run_worker: bool | None = None,
) -> FastAPI:
    """Build the app; the ingest writer (and the worker, when enabled) run for its lifetime."""
    services = services or build_services(settings)
    with_worker = settings.worker_enabled if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Record the response schema's version now, so no request has to write it.
        _ = services.schema
        # Build the reply guards' indexes in the background: agents' first checks need not wait.
        threading.Thread(target=_warm_guards, args=(services,), name="otklik-guards-warm", daemon=True).start()
        services.writer.start()
        worker = Worker(services) if with_worker else None
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            services.writer.stop()

    app = Otklik(
        title="otklik",
        version="0.1.0",
        description="Social customer-care desk. Webhooks under /hooks, the JSON API under /api/v1.",
        lifespan=lifespan,
    )
    app.state.services = services
    install_error_handlers(app)
    app.include_router(hooks.router)
    app.include_router(api_router)
    app.include_router(ui_router)
    app.include_router(admin_router)
    app.include_router(time_api_router)
    app.include_router(time_ui_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
