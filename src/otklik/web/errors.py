"""Maps the OtklikError tree (and request validation) to 4xx answers with a reason."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from otklik.errors import GuardsRefused, InputError, InvalidPayload, OtklikError

log = logging.getLogger(__name__)


def error_body(status: int, reason: str, **extra: object) -> JSONResponse:
    """The one shape of every error answer: ``{"error": {"status", "reason", ...}}``."""
    return JSONResponse({"error": {"status": status, "reason": reason, **extra}}, status_code=status)


def error_payload(exc: InputError) -> dict[str, object]:
    """The answer body for an input error, naming the problem fields when there are any."""
    error: dict[str, object] = {"status": exc.status_code, "reason": str(exc)}
    if isinstance(exc, InvalidPayload) and exc.problems:
        error["problems"] = [{"loc": p.loc, "message": p.message} for p in exc.problems]
    if isinstance(exc, GuardsRefused):
        error["guards"] = exc.report
    return {"error": error}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError) -> Response:
        return JSONResponse(error_payload(exc), status_code=exc.status_code)

    @app.exception_handler(OtklikError)
    async def _otklik_error(_request: Request, exc: OtklikError) -> Response:
        log.warning("unexpected %s: %s", type(exc).__name__, exc)
        return error_body(503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Response:
        problems = [{"loc": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        names = ", ".join(p["loc"] for p in problems)
        return error_body(422, f"invalid request: {names}", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        answer = error_body(exc.status_code, str(exc.detail))
        answer.headers.update(exc.headers or {})
        return answer
