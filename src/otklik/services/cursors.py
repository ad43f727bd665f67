"""Polling cursors: how far a pulled channel has read, kept in its source's settings.

Telegram remembers its own offset; Mastodon (``min_id`` per timeline) and VK Long Poll
(``ts``) do not, so the desk keeps the last position it *committed* with the source, under ``_cursors``
(underscored keys are the desk's own state, never shown as settings). A poller saves a cursor only after the items read up to it are
committed: a crash in between reads them again, and the unique key stores each once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import RowMapping

from otklik.errors import NotFound
from otklik.services.ports import UowFactory

KEY = "_cursors"


def load_cursors(source: str, *, uow_factory: UowFactory) -> dict[str, str]:
    """The saved cursors of ``source`` (empty before its first pass)."""
    with uow_factory(write=False) as uow:
        row = uow.sources.get(source)
    if row is None:
        raise NotFound(f"unknown source {source!r}")
    return cursors_of(row)


def cursors_of(row: RowMapping) -> dict[str, str]:
    """The cursors saved in a source's row (empty before its first pass)."""
    saved = (row["config"] or {}).get(KEY)
    return {str(k): str(v) for k, v in saved.items()} if isinstance(saved, dict) else {}


def save_cursors(
    source: str,
    cursors: Mapping[str, str],
    *,
    uow_factory: UowFactory,
    amend: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Merge ``cursors`` into the saved ones, leaving every other setting as it is.

    ``amend`` may change the settings in the same locked update (a poller's log of what it
    skipped goes with the cursor past it, or not at all).
    """
    if not cursors:
        return
    with uow_factory() as uow:
        # Locked: the outbox keeps its own state in the same settings (rate-limit pauses).
        row = uow.sources.get(source, for_update=True)
        if row is None:
            raise NotFound(f"unknown source {source!r}")
        config: dict[str, Any] = dict(row["config"] or {})
        saved = config.get(KEY)
        config[KEY] = {**(saved if isinstance(saved, dict) else {}), **cursors}
        if amend is not None:
            amend(config)
        uow.sources.update(source, config=config)
        uow.commit()
