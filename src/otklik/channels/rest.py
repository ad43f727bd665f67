"""One outbound HTTP call to a platform's REST API, with transport failures on the error tree.

Meta, X and Google differ in how they say "no", but not in what a broken connection means:
a request that never got out (no connection, cut off while being written) was certainly
not acted on, so it is :class:`~otklik.errors.PlatformUnavailable`; one that went out and
got no readable answer (read timeout, dropped connection) may have been acted on, so it is
:class:`~otklik.errors.DeliveryUnknown`. Error messages never carry the URL's query or any
header, where tokens live.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from otklik.errors import DeliveryUnknown, PlatformUnavailable

#: Longest wait a platform may ask of us before we try again, in seconds.
MAX_WAIT_S = 3600.0


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    data: Mapping[str, Any] | None = None,
) -> httpx.Response:
    """Send one request; the response whatever its status, or the transport failure mapped.

    ``what`` names the call in messages ("Graph POST /{id}/comments").
    """
    with transport_errors(what):
        return client.request(
            method,
            url,
            headers={"user-agent": "otklik", **(headers or {})},
            params=params,
            json=json,
            data=data,
            timeout=timeout,
        )


@contextmanager
def transport_errors(what: str) -> Iterator[None]:
    """Map an httpx transport failure inside the block onto the error tree.

    For connectors that build their own request (a JSON body of their own, a form, a stream);
    ``what`` names the call in messages ("Telegram sendMessage").
    """
    try:
        yield
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise PlatformUnavailable(f"{what}: could not connect ({type(exc).__name__})") from None
    except (httpx.WriteError, httpx.WriteTimeout) as exc:
        # The request did not get out whole, so the platform cannot have acted on it.
        raise PlatformUnavailable(f"{what}: the request was cut off ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        raise DeliveryUnknown(f"{what}: no answer ({type(exc).__name__}); it may have been done") from None


def unreadable(what: str, status: int) -> DeliveryUnknown:
    """The error for a 2xx answer that cannot be read: the call may have been done."""
    return DeliveryUnknown(f"{what}: HTTP {status} with an unreadable answer; it may have been done")


def seconds(value: Any, *, default: float) -> float:
    """A wait in seconds from a header or field, kept between 1 s and an hour."""
    try:
        wait = float(value)
    except (TypeError, ValueError):
        return default
    return min(max(wait, 1.0), MAX_WAIT_S)


def json_of(response: httpx.Response) -> Any:
    """The decoded JSON body, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None
