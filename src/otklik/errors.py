"""The one error tree of otklik.

Every failure the product expects is a subclass of :class:`OtklikError`; the web layer maps
the tree to HTTP status codes with a reason and the CLI to ``file:line: message``, so bad
input never becomes a 500 and never loses an item::

    OtklikError
    ├── InputError                 4xx: the caller sent something we cannot accept
    │   ├── InvalidPayload         400 (not JSON) / 422 (fields missing or wrong)
    │   ├── SignatureInvalid       401
    │   ├── NotAuthenticated       401
    │   ├── PermissionDenied       403
    │   ├── NotFound               404 (also an unknown source)
    │   ├── Conflict               409 (e.g. a status change the conversation does not allow)
    │   │   └── GuardsRefused      409: the reply guards stopped a reply (their report rides along)
    │   └── PayloadTooLarge        413
    ├── ChannelError               delivering to a platform failed
    │   ├── RateLimited            retry after ``retry_after`` seconds
    │   ├── PlatformUnavailable    not sent; safe to retry
    │   ├── DeliveryRejected       the platform said no; retrying will not help
    │   │   └── PostByHand         the platform takes no reply by API here: an agent posts it (``url``)
    │   └── DeliveryUnknown        maybe sent: without an idempotency key, a person checks first
    └── ConfigError                settings or files are wrong; fail fast at start
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class OtklikError(Exception):
    """Base of every error otklik raises on purpose."""


class InputError(OtklikError):
    """The caller sent something we cannot accept (HTTP 4xx)."""

    status_code = 400


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field of an input, located by a dotted path."""

    loc: str
    message: str


class InvalidPayload(InputError):
    """The body is not JSON (400) or its fields are missing or wrong (422)."""

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[FieldProblem] = (),
        status_code: int = 422,
    ):
        super().__init__(message)
        self.problems = tuple(problems)
        self.status_code = status_code


class SignatureInvalid(InputError):
    """A webhook's signature is missing or does not match the source's secret."""

    status_code = 401


class NotAuthenticated(InputError):
    """No valid session or API token."""

    status_code = 401


class PermissionDenied(InputError):
    """Authenticated, but this actor may not do this."""

    status_code = 403


class NotFound(InputError):
    """The thing asked for does not exist (or the source is not configured)."""

    status_code = 404


class Conflict(InputError):
    """The request contradicts the current state (e.g. a transition not allowed)."""

    status_code = 409


class GuardsRefused(Conflict):
    """The reply guards stopped a reply: blocked until edited, or warnings not acknowledged.

    ``report`` is the guards' report in its JSON form, so the caller sees every finding.
    """

    def __init__(self, message: str, *, report: Mapping[str, object]):
        super().__init__(message)
        self.report = dict(report)


class PayloadTooLarge(InputError):
    """The body is over the configured limit."""

    status_code = 413


class ChannelError(OtklikError):
    """Delivering something to a platform failed."""


class RateLimited(ChannelError):
    """The platform asked us to wait ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class PlatformUnavailable(ChannelError):
    """The platform did not take the message (5xx, timeout); safe to try again."""


class DeliveryRejected(ChannelError):
    """The platform refused the message for good; retrying will not help."""


class PostByHand(DeliveryRejected):
    """The platform will not take this reply through its API (e.g. X without a summon).

    The reply is handed to an agent to post on the platform themselves, at ``url``.
    """

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.url = url


class DeliveryUnknown(ChannelError):
    """The request reached the platform but no clear answer came back (e.g. a read timeout).

    The message may have been posted. Where the platform honours no idempotency key, sending
    it again could post it twice, so the reply waits for an agent to look instead.
    """


class ConfigError(OtklikError):
    """Settings or configuration files are wrong."""
