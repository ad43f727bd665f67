"""Query parameters the JSON API and the agent UI read alike."""

from __future__ import annotations

from otklik.errors import InvalidPayload
from otklik.triage import Kind

KINDS = tuple(k.value for k in Kind)
#: The largest id the database stores (64-bit); a larger number names nothing, and must not
#: reach the driver, which cannot bind it.
MAX_ID = 2**63 - 1


def parse_kind(value: str | None) -> str | None:
    """A triage kind to filter on; empty means any, an unknown one is a 422 naming the allowed values."""
    if not value:
        return None
    if value not in KINDS:
        raise InvalidPayload(f"unknown kind {value!r}; use one of: {', '.join(KINDS)}")
    return value
