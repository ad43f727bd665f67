"""A lean HTTP/1.1 load generator: asyncio streams, keep-alive, pre-built requests.

The server shares this 2-core machine with the client, so every CPU-millisecond the client
spends is one the server cannot. This client builds each request's bytes before the clock
starts and parses only the status line, ``Content-Length`` and the JSON body, which makes it
several times cheaper per request than ``httpx.AsyncClient`` (``--client httpx`` measures
that one instead). Its own CPU time is measured and reported beside the server's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

#: Decides from (HTTP status, decoded JSON body) how many items a response acknowledges.
Acknowledge = Callable[[int, Any], int]


@dataclass(frozen=True, slots=True)
class Request:
    """One POST, ready to send: path, body and extra headers."""

    path: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    items: int


@dataclass
class LoadResult:
    """What a load run measured."""

    requests: int = 0
    items_sent: int = 0
    items_acknowledged: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    client_cpu_s: float = 0.0
    acknowledged_ids: list[Any] = field(default_factory=list)

    def error(self, kind: str) -> None:
        """Count one failed request."""
        self.errors[kind] = self.errors.get(kind, 0) + 1


def _encode(request: Request, host: str) -> bytes:
    head = [f"POST {request.path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json", f"Content-Length: {len(request.body)}"]
    head += [f"{name}: {value}" for name, value in request.headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + request.body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        lowered = name.strip().lower()
        if lowered == "content-length":
            length = int(value)
        elif lowered == "transfer-encoding" and "chunked" in value.lower():
            raise RuntimeError("chunked responses are not expected from the webhook endpoint")
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _raw_connection(
    host: str,
    port: int,
    work: Iterator[tuple[Request, bytes]],
    result: LoadResult,
    acknowledge: Acknowledge,
    collect: Callable[[Any], Any] | None,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request, wire in work:
            started = time.perf_counter()
            writer.write(wire)
            try:
                status, body = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                result.error(type(exc).__name__)
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.latencies_s.append(time.perf_counter() - started)
            _account(result, request, status, body, acknowledge, collect)
    finally:
        writer.close()


def _account(
    result: LoadResult, request: Request, status: int, body: bytes, acknowledge: Acknowledge, collect: Callable[[Any], Any] | None
) -> None:
    result.requests += 1
    result.items_sent += request.items
    decoded = orjson.loads(body) if body else None
    acked = acknowledge(status, decoded)
    result.items_acknowledged += acked
    if acked and collect is not None:
        result.acknowledged_ids.append(collect(decoded))
    if status >= 300:
        result.error(f"HTTP {status}")


async def _httpx_connection(
    client: Any,
    base: str,
    work: Iterator[tuple[Request, bytes]],
    result: LoadResult,
    acknowledge: Acknowledge,
    collect: Callable[[Any], Any] | None,
) -> None:
    for request, _ in work:
        started = time.perf_counter()
        headers = {"content-type": "application/json", **dict(request.headers)}
        answer = await client.post(base + request.path, content=request.body, headers=headers)
        result.latencies_s.append(time.perf_counter() - started)
        _account(result, request, answer.status_code, answer.content, acknowledge, collect)


async def _drive(
    host: str,
    ports: Sequence[int],
    requests: Sequence[Request],
    *,
    concurrency: int,
    client: str,
    acknowledge: Acknowledge,
    collect: Callable[[Any], Any] | None,
) -> LoadResult:
    # The Host header names no port, so one encoding of each request serves every server.
    prepared = [(r, _encode(r, host) if client == "raw" else b"") for r in requests]
    work = iter(prepared)  # shared: each connection takes the next request when it is free
    result = LoadResult()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if client == "raw":
        await asyncio.gather(
            *(_raw_connection(host, ports[n % len(ports)], work, result, acknowledge, collect) for n in range(concurrency))
        )
    else:
        import httpx

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=60) as http:
            await asyncio.gather(
                *(
                    _httpx_connection(http, f"http://{host}:{ports[n % len(ports)]}", work, result, acknowledge, collect)
                    for n in range(concurrency)
                )
            )
    result.wall_s = time.perf_counter() - wall0
    result.client_cpu_s = time.process_time() - cpu0
    return result


def run_load(
    host: str,
    ports: Sequence[int],
    requests: Sequence[Request],
    *,
    concurrency: int,
    client: str = "raw",
    acknowledge: Acknowledge,
    collect: Callable[[Any], Any] | None = None,
) -> LoadResult:
    """Send ``requests`` over ``concurrency`` keep-alive connections, each waiting for its answer.

    Connections are spread over ``ports`` (several server processes on one database).

    ``acknowledge`` turns a response into the number of items it confirms as stored;
    ``collect`` (optional) keeps something from each acknowledging body (e.g. item ids).
    """
    return asyncio.run(_drive(host, ports, requests, concurrency=concurrency, client=client, acknowledge=acknowledge, collect=collect))
