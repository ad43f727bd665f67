"""What services need from the outside, as protocols."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from otklik.store.uow import SqlUnitOfWork

#: Opens a unit of work; ``write=False`` for read-only work.
UowFactory = Callable[..., SqlUnitOfWork]


class Notifier(Protocol):
    """Publishes a change to live UIs after commit."""

    def publish(self, topic: str, payload: dict[str, object]) -> None: ...
