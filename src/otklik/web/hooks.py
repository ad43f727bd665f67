"""``/hooks/generic/{source}`` and ``/hooks/telegram/{source}``: verify, parse, store, then answer.

Webhooks are the hottest path, so the application hands generic ones to
:func:`answer_generic`, plain ASGI, before FastAPI's middleware and routing (see
:class:`otklik.web.app.Otklik`); the FastAPI route below describes the same endpoint in the
OpenAPI document and serves it when the app is called otherwise. Both call
:func:`accept_generic`, and errors take the one documented shape. Platform webhooks
(Telegram) go through :func:`accept_channel`: the source's channel verifies and parses,
and the answer comes after the commit, so the platform redelivers whatever was not stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from otklik.bootstrap import Services
from otklik.channels import generic, meta, telegram, vk, x
from otklik.channels.base import ChallengeAnswer, Challenging, ChannelContext, SourceConfig
from otklik.channels.registry import build_channel
from otklik.errors import FieldProblem, InputError, InvalidPayload, NotFound, PayloadTooLarge
from otklik.web.deps import ServicesDep
from otklik.web.errors import error_payload

PREFIX = "/hooks/generic/"
router = APIRouter(prefix="/hooks", tags=["webhooks"])


async def accept_generic(source: str, headers: Mapping[str, str], body: bytes, services: Services) -> tuple[int, dict[str, Any]]:
    """Verify, parse and store a generic webhook body; the status and the JSON answer.

    Answers only after the items are committed. Raises the error tree for bad input.
    """
    secret = services.source_secrets.cached(source)
    if secret is None:
        secret = await run_in_threadpool(services.source_secrets.get, source)
    generic.verify(headers, body, secret)
    parsed = generic.parse(source, body, max_items=services.settings.max_batch_items)
    outcomes = []
    if parsed.drafts:
        outcomes = await services.writer.store([d for _, d in parsed.drafts])
    if not parsed.is_batch:
        single = outcomes[0]
        status = "duplicate" if single.duplicate else "stored"
        return 200, {"status": status, "item_id": single.item_id, "conversation_id": single.conversation_id, "duplicate": single.duplicate}
    if not outcomes:
        raise InvalidPayload(
            "no item in the batch is valid",
            problems=[
                FieldProblem(loc=str(index), message="; ".join(f"{p.loc}: {p.message}" for p in problems))
                for index, problems in parsed.rejected
            ],
        )
    results: list[dict[str, Any]] = [
        {"index": index, "status": "duplicate" if o.duplicate else "stored", "item_id": o.item_id, "conversation_id": o.conversation_id}
        for (index, _), o in zip(parsed.drafts, outcomes, strict=True)
    ]
    rejected: list[dict[str, Any]] = [
        {"index": index, "status": "rejected", "problems": [{"loc": p.loc, "message": p.message} for p in problems]}
        for index, problems in parsed.rejected
    ]
    summary = {
        "stored": sum(1 for r in results if r["status"] == "stored"),
        "duplicates": sum(1 for r in results if r["status"] == "duplicate"),
        "rejected": len(rejected),
        "results": sorted([*results, *rejected], key=lambda r: int(r["index"])),
    }
    return (207 if rejected else 200), summary


def _declared_too_large(declared: str | None, limit: int) -> None:
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {declared} bytes is over the limit of {limit}")


async def _read_asgi_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise InvalidPayload("the client went away before sending the whole body", status_code=400)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body is over the limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def is_generic_hook(scope: Scope) -> bool:
    """True for ``POST /hooks/generic/{source}``, the requests :func:`answer_generic` serves."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    path: str = scope["path"]
    return path.startswith(PREFIX) and "/" not in path[len(PREFIX) :]


async def answer_generic(scope: Scope, receive: Receive, send: Send, services: Services) -> None:
    """Serve a generic webhook as plain ASGI: no routing, dependency solving or response classes.

    Skipping them (and the framework's middleware) leaves about half the event loop's CPU per
    webhook. Input errors get their 4xx answer here; anything else propagates to the server,
    which logs it and answers 500, as the framework's error middleware would.
    """
    path: str = scope["path"]
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    try:
        limit = services.settings.max_body_bytes
        _declared_too_large(headers.get("content-length"), limit)
        body = await _read_asgi_body(receive, limit)
        status, answer = await accept_generic(path[len(PREFIX) :], headers, body, services)
    except InputError as exc:
        status, answer = exc.status_code, error_payload(exc)
    content = orjson.dumps(answer)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, or :class:`PayloadTooLarge` as soon as it passes ``limit`` bytes."""
    _declared_too_large(request.headers.get("content-length"), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/generic/{source}",
    summary="Receive items in the generic format",
    responses={
        200: {"description": "Every item is stored (or was already)."},
        207: {"description": "A batch where some items were rejected; the good ones are stored."},
        400: {"description": "Not JSON."},
        401: {"description": "Missing or wrong signature."},
        404: {"description": "Unknown source."},
        413: {"description": "Body or batch too large."},
        422: {"description": "Missing or invalid fields (named)."},
    },
)
async def receive_generic(source: str, request: Request, services: ServicesDep) -> JSONResponse:
    """Store items sent by a configured source; answered only after they are committed."""
    body = await read_limited(request, services.settings.max_body_bytes)
    status, answer = await accept_generic(source, request.headers, body, services)
    return JSONResponse(answer, status_code=status)


async def _source_of_kind(kind: str, source: str, services: Services) -> SourceConfig:
    """The source's configuration (cached), or 404 when it is not a channel of ``kind``."""
    config = services.source_configs.cached(source)
    if config is None:
        config = await run_in_threadpool(services.source_configs.get, source)
    if config.kind != kind:
        raise NotFound(f"unknown source {source!r}: it is not a {kind} channel")
    return config


async def _brand_keywords(services: Services) -> tuple[str, ...]:
    keywords = services.brand_keywords.cached()
    if keywords is None:
        keywords = await run_in_threadpool(services.brand_keywords)
    return tuple(keywords)


async def accept_channel(kind: str, source: str, headers: Mapping[str, str], body: bytes, services: Services) -> tuple[int, dict[str, Any]]:
    """Verify, parse and store one platform webhook; the status and the JSON answer.

    An update with nothing for the desk (a group's chatter, a bot's message…) is answered
    200 ``ignored``, so the platform does not send it again; bad input raises the error tree
    and nothing is stored.
    """
    config = await _source_of_kind(kind, source, services)
    context = ChannelContext(brand_keywords=await _brand_keywords(services), max_batch_items=services.settings.max_batch_items)
    channel = build_channel(config, context)
    channel.verify(headers, body)
    drafts = channel.parse(body)
    if not drafts:
        return 200, {"status": "ignored"}
    outcomes = await services.writer.store(drafts)
    results = [
        {
            "status": "duplicate" if o.duplicate else "stored",
            "item_id": o.item_id,
            "conversation_id": o.conversation_id,
            "duplicate": o.duplicate,
        }
        for o in outcomes
    ]
    return 200, results[0] if len(results) == 1 else {"status": "stored", "results": results}


async def answer_challenge(kind: str, source: str, query: Mapping[str, str], services: Services) -> ChallengeAnswer:
    """Answer a platform's ``GET`` proving the webhook URL (Meta's ``hub.challenge``, X's CRC).

    Only kinds whose channel takes a challenge have one; for any other the URL is 404.
    """
    channel = build_channel(await _source_of_kind(kind, source, services), ChannelContext())
    if not isinstance(channel, Challenging):
        raise NotFound(f"{kind} webhooks take no verification request")
    return channel.challenge(query)


@router.get(
    "/{kind}/{source}",
    summary="Answer a platform's webhook verification (Meta hub.challenge, X CRC)",
    responses={
        200: {"description": "The challenge answered: Meta's challenge echoed, X's response_token."},
        400: {"description": "Not a verification request (hub.mode/hub.challenge or crc_token missing)."},
        403: {"description": "Meta: the verify token does not match."},
        404: {"description": "No source of that kind and name, or a kind without verification."},
    },
)
async def verify_webhook(kind: str, source: str, request: Request, services: ServicesDep) -> Response:
    """A platform checks that the URL is ours before it sends events."""
    answer = await answer_challenge(kind, source, request.query_params, services)
    return Response(content=answer.body, media_type=answer.media_type)


def _platform_route(kind: str, *, platform: str, what: str, summary: str, signature: str, body: str) -> None:
    """``POST /hooks/{kind}/{source}``: verify, store, answer only after the commit.

    The routes differ only in what their platform sends and signs with, which their
    OpenAPI answers name.
    """

    async def receive(source: str, request: Request, services: ServicesDep) -> JSONResponse:
        payload = await read_limited(request, services.settings.max_body_bytes)
        status, answer = await accept_channel(kind, source, request.headers, payload, services)
        return JSONResponse(answer, status_code=status)

    receive.__name__ = f"receive_{kind}"
    receive.__doc__ = f"Store {what}; answered only after it is committed."
    router.add_api_route(
        f"/{kind}/{{source}}",
        receive,
        methods=["POST"],
        summary=summary,
        responses={
            200: {"description": "Stored (or already there), or holds nothing for the desk (`ignored`)."},
            400: {"description": "Not JSON."},
            401: {"description": f"Missing or wrong {signature}."},
            404: {"description": f"No {platform} source of that name."},
            413: {"description": "Body too large."},
            422: {"description": f"Not {body} (fields named)."},
        },
    )


_platform_route(
    telegram.KIND,
    platform="Telegram",
    what="the message in one Telegram update",
    summary="Receive Telegram updates (Bot API webhook)",
    signature="X-Telegram-Bot-Api-Secret-Token",
    body="a Bot API update",
)
_platform_route(
    meta.KIND,
    platform="Meta",
    what="the items of one Meta webhook body",
    summary="Receive Meta webhooks (Page feed, Instagram, Messenger)",
    signature="X-Hub-Signature-256",
    body="a Meta webhook body",
)
_platform_route(
    x.KIND,
    platform="X",
    what="the items of one X webhook body",
    summary="Receive X webhooks (Account Activity events, post deliveries)",
    signature="x-twitter-webhooks-signature",
    body="an X webhook body",
)


async def accept_vk(source: str, headers: Mapping[str, str], body: bytes, services: Services) -> str:
    """Check, parse and store one Callback API event; the plain-text answer VK expects.

    The confirmation handshake is answered with the source's confirmation string; every
    other event with ``ok``, only after its item is committed (VK sends again whatever it
    does not get ``ok`` for). A forged secret or a malformed event raises the error tree.
    """
    config = await _source_of_kind(vk.KIND, source, services)
    channel = vk.VkChannel(config, ChannelContext(brand_keywords=await _brand_keywords(services)))
    event = vk.parse_envelope(body)
    channel.verify_event(event)
    if event["type"] == "confirmation":
        return channel.confirmation()
    parsed = channel.parse_event(event)
    if parsed.draft is not None:
        await services.writer.store([parsed.draft])
    return "ok"


@router.post(
    "/vk/{source}",
    summary="Receive VK Callback API events",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "`ok` once the event's item is stored (or was already, or it holds nothing for the desk); the confirmation string for `confirmation`."
        },
        400: {"description": "Not JSON."},
        401: {"description": "Missing or wrong `secret`, or another community's event."},
        404: {"description": "No VK source of that name."},
        413: {"description": "Body too large."},
        422: {"description": "Not a VK event (fields named)."},
    },
)
async def receive_vk(source: str, request: Request, services: ServicesDep) -> PlainTextResponse:
    """Store what one VK event holds; answered ``ok`` only after it is committed."""
    body = await read_limited(request, services.settings.max_body_bytes)
    return PlainTextResponse(await accept_vk(source, request.headers, body, services))
