"""Reading a platform's decoded JSON, each bad field an :class:`~otklik.errors.InvalidPayload` naming where.

Every connector reads the same kinds of fields (integers, objects, strings, unix and ISO 8601
times) and reports a bad one the same way: ``invalid <what>: <location>: <problem>``, with
the location (``entry.0.changes.1.value.from``) also given as a field problem. What differs
from platform to platform is only the name of what was read ("Telegram update", "VK event"),
which a :class:`PayloadReader` carries; the platform's own rules stay in its module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from otklik.errors import FieldProblem, InvalidPayload


def at(loc: str, key: str) -> str:
    """The location of ``key`` inside ``loc`` (just ``key`` at the top)."""
    return f"{loc}.{key}" if loc else key


class PayloadReader:
    """Reads fields of one platform's payloads; ``what`` names them in messages ("VK event")."""

    __slots__ = ("what",)

    def __init__(self, what: str):
        self.what = what

    def problem(self, loc: str, message: str) -> InvalidPayload:
        """The error for a bad field at ``loc``."""
        return InvalidPayload(f"invalid {self.what}: {loc}: {message}", problems=[FieldProblem(loc, message)])

    def integer(self, obj: Mapping[str, Any], key: str, loc: str) -> int:
        """``obj[key]`` as an integer (a boolean is not one)."""
        value = obj.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.problem(at(loc, key), "missing or not an integer")
        return value

    def mapping(self, obj: Mapping[str, Any], key: str, loc: str) -> Mapping[str, Any]:
        """``obj[key]`` as a JSON object."""
        value = obj.get(key)
        if not isinstance(value, dict):
            raise self.problem(at(loc, key), "missing or not an object")
        return value

    def string(self, obj: Mapping[str, Any], key: str, loc: str, *, numbers: bool = False) -> str:
        """``obj[key]`` as a non-empty string; with ``numbers``, an integer is taken as its digits."""
        value = obj.get(key)
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value:
            raise self.problem(at(loc, key), "missing or not a string")
        return value

    def unix_time(self, seconds: int, loc: str) -> datetime:
        """A time given in unix seconds."""
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise self.problem(loc, "not a unix time") from None

    def iso_time(self, value: Any, loc: str, *, standard: str = "ISO 8601", zoneless: str = "a time without a zone") -> datetime:
        """An ISO 8601 time with its zone (``Z`` taken for UTC), in UTC.

        ``standard`` names the format in the message for a malformed time, ``zoneless`` is the
        message for a time without its zone; platforms word these in their own way.
        """
        if not isinstance(value, str):
            raise self.problem(loc, "missing or not a time")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.problem(loc, f"not an {standard} time") from None
        if parsed.tzinfo is None:
            raise self.problem(loc, zoneless)
        return parsed.astimezone(UTC)
