"""The off-hours notice (P15): published and pinned at closing, taken down at opening.

A worker job (:func:`run_offhours_notices`) with its state in ``offhours_notices``: one row
per target and closed period, named by the moment the team opens again, so a notice goes up
once per closing and comes down once, across restarts and several workers. A row is claimed
(``publishing`` / ``removing`` with a lease) before the platform is called, outside any
transaction. Telegram has no idempotency key, so a claim whose lease ran out (the process
died mid-call) is not tried again: it is marked ``failed`` for a person to look in the chat.

When the brand is expected round the clock, no notice is published: the promise page warns
against office hours instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import RowMapping, select, update
from sqlalchemy.dialects import postgresql, sqlite

from otklik.channels.base import ChannelContext, Pinning, Publishing
from otklik.channels.registry import build_channel
from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.domain.offhours import ClosedPeriod, closed_period, notice_text
from otklik.domain.sla import BusinessCalendar
from otklik.errors import ChannelError, ConfigError, DeliveryUnknown, PlatformUnavailable, RateLimited
from otklik.services.ports import UowFactory
from otklik.services.sources import config_from_row
from otklik.store import tables as t
from otklik.store.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
#: Transient failures before a notice is given up.
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class NoticePass:
    """What one pass did."""

    published: int = 0
    removed: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class NoticeConfig:
    """Where and how the notice is published."""

    calendar: BusinessCalendar
    targets: Mapping[str, str]  # source name → chat or page id
    languages: Sequence[str] = ("ru", "pl", "en")
    contacts: Mapping[str, str] | None = None
    round_the_clock_expected: bool = False


def proposed_notice(config: NoticeConfig, now: datetime) -> tuple[ClosedPeriod, str] | None:
    """The notice for the closed period ``now`` falls in (None while open, or when one must not be published)."""
    if config.round_the_clock_expected:
        return None
    period = closed_period(config.calendar, now)
    if period is None:
        return None
    text = notice_text(period, now=now, timezone=config.calendar.timezone, languages=config.languages, contacts=config.contacts or {})
    return period, text


def run_offhours_notices(
    *, uow_factory: UowFactory, clock: Clock, client: httpx.Client, config: NoticeConfig, timeout: float = 10.0
) -> NoticePass:
    """One pass: record the notice of a closing, publish and pin it, unpin those whose period ended."""
    now = clock.now()
    _propose(uow_factory, config, now)
    to_publish, to_remove = _claim(uow_factory, now)
    context = ChannelContext(client=client, timeout=timeout)
    published = removed = failed = 0
    for row, source in to_publish:
        ok = _publish(uow_factory, clock, row, source, context)
        published += ok is True
        failed += ok is False
    for row, source in to_remove:
        ok = _remove(uow_factory, clock, row, source, context)
        removed += ok is True
        failed += ok is False
    return NoticePass(published, removed, failed)


def _insert_once(dialect: str) -> object:
    return (postgresql if dialect == "postgresql" else sqlite).insert(t.offhours_notices)


def _propose(uow_factory: UowFactory, config: NoticeConfig, now: datetime) -> None:
    proposal = proposed_notice(config, now) if config.targets else None
    if proposal is None:
        return
    period, text = proposal
    with uow_factory() as uow:
        statement = _insert_once(uow.connection.dialect.name)
        rows = [
            {
                "source": source,
                "target": target,
                "opens_at": period.opens_at,
                "text": text,
                "state": "pending",
                "created_at": now,
                "attempts": 0,
            }
            for source, target in sorted(config.targets.items())
        ]
        # One row per target and closing, whichever worker gets here first.
        uow.connection.execute(statement.on_conflict_do_nothing(index_elements=["source", "target", "opens_at"]), rows)  # type: ignore[attr-defined]
        uow.commit()


def _claim(
    uow_factory: UowFactory, now: datetime
) -> tuple[list[tuple[RowMapping, RowMapping | None]], list[tuple[RowMapping, RowMapping | None]]]:
    n = t.offhours_notices.c
    with uow_factory() as uow:
        connection = uow.connection
        # A claim whose lease ran out may have reached the platform: never call again blindly.
        stale = list(connection.execute(select(n.id, n.state).where(n.state.in_(("publishing", "removing")), n.claimed_until < now)))
        for row in stale:
            _settle(uow, row.id, now, state="failed", error="outcome unknown: look in the chat, then pin or unpin by hand")
        # A period that ended before its notice went up needs none any more.
        connection.execute(update(t.offhours_notices).where(n.state == "pending", n.opens_at <= now).values(state="expired"))
        lock = connection.dialect.name == "postgresql"
        publish_q = select(t.offhours_notices).where(n.state == "pending", n.opens_at > now).order_by(n.id)
        remove_q = select(t.offhours_notices).where(n.state == "pinned", n.opens_at <= now).order_by(n.id)
        if lock:
            publish_q, remove_q = publish_q.with_for_update(skip_locked=True), remove_q.with_for_update(skip_locked=True)
        to_publish = list(connection.execute(publish_q).mappings())
        to_remove = list(connection.execute(remove_q).mappings())
        for rows, state in ((to_publish, "publishing"), (to_remove, "removing")):
            if rows:
                connection.execute(
                    update(t.offhours_notices).where(n.id.in_([r["id"] for r in rows])).values(state=state, claimed_until=now + LEASE)
                )
        sources = {row["name"]: row for row in uow.sources.all()}
        uow.commit()
    return (
        [(row, sources.get(row["source"])) for row in to_publish],
        [(row, sources.get(row["source"])) for row in to_remove],
    )


def _settle(uow: SqlUnitOfWork, notice_id: int, now: datetime, *, state: str, error: str | None = None, **values: object) -> None:
    uow.connection.execute(
        update(t.offhours_notices)
        .where(t.offhours_notices.c.id == notice_id)
        .values(state=state, claimed_until=None, last_error=error, **values)
    )
    if state == "failed":
        uow.events.append(Event(kind=EventKind.NOTICE_FAILED, actor="system", at=now, data={"notice_id": notice_id, "reason": error}))


def _channel(source: RowMapping | None, context: ChannelContext) -> Pinning | str:
    """The source's channel when it can publish and pin, else why not."""
    if source is None:
        return "the source is not configured"
    try:
        channel = build_channel(config_from_row(source), context)
    except ConfigError as exc:
        return str(exc)
    if not channel.capabilities.can_pin or not isinstance(channel, Pinning) or not isinstance(channel, Publishing):
        return f"{source['kind']} channels cannot pin a post"
    return channel


def _publish(uow_factory: UowFactory, clock: Clock, row: RowMapping, source: RowMapping | None, context: ChannelContext) -> bool | None:
    channel = _channel(source, context)
    if isinstance(channel, str):
        with uow_factory() as uow:
            _settle(uow, row["id"], clock.now(), state="unsupported", error=channel)
            uow.commit()
        return None
    external_id: str | None = None
    try:
        # Posted on an earlier attempt but not pinned: pin that post, never post twice.
        external_id = row["external_id"] or channel.publish(row["target"], row["text"])  # type: ignore[attr-defined]
        channel.pin(external_id)
    except (RateLimited, PlatformUnavailable) as exc:
        return _retry(uow_factory, clock, row, exc, back_to="pending", external_id=external_id)
    except ChannelError as exc:
        unknown = isinstance(exc, DeliveryUnknown)
        with uow_factory() as uow:
            reason = f"{'outcome unknown: look in the chat. ' if unknown else ''}{exc}"
            _settle(uow, row["id"], clock.now(), state="failed", error=reason, external_id=external_id)
            uow.commit()
        return False
    now = clock.now()
    with uow_factory() as uow:
        _settle(uow, row["id"], now, state="pinned", external_id=external_id, published_at=now)
        uow.events.append(
            Event(
                kind=EventKind.NOTICE_PUBLISHED,
                actor="system",
                at=now,
                data={"notice_id": row["id"], "source": row["source"], "external_id": external_id, "opens_at": row["opens_at"].isoformat()},
            )
        )
        uow.commit()
    return True


def _remove(uow_factory: UowFactory, clock: Clock, row: RowMapping, source: RowMapping | None, context: ChannelContext) -> bool | None:
    channel = _channel(source, context)
    if isinstance(channel, str):
        with uow_factory() as uow:
            _settle(uow, row["id"], clock.now(), state="failed", error=f"cannot unpin: {channel}")
            uow.commit()
        return False
    try:
        channel.unpin(row["external_id"])
    except (RateLimited, PlatformUnavailable) as exc:
        return _retry(uow_factory, clock, row, exc, back_to="pinned", external_id=row["external_id"])
    except ChannelError as exc:
        with uow_factory() as uow:
            _settle(uow, row["id"], clock.now(), state="failed", error=f"unpinning failed: {exc}")
            uow.commit()
        return False
    now = clock.now()
    with uow_factory() as uow:
        _settle(uow, row["id"], now, state="removed", removed_at=now)
        uow.events.append(
            Event(kind=EventKind.NOTICE_REMOVED, actor="system", at=now, data={"notice_id": row["id"], "source": row["source"]})
        )
        uow.commit()
    return True


def _retry(uow_factory: UowFactory, clock: Clock, row: RowMapping, exc: Exception, *, back_to: str, external_id: str | None) -> bool | None:
    attempts = int(row["attempts"]) + 1
    with uow_factory() as uow:
        if attempts >= MAX_ATTEMPTS:
            _settle(uow, row["id"], clock.now(), state="failed", error=f"gave up after {attempts} attempts: {exc}", attempts=attempts)
            uow.commit()
            return False
        # A post that went up is kept, so the next attempt only pins it.
        _settle(uow, row["id"], clock.now(), state=back_to, error=str(exc), attempts=attempts, external_id=external_id)
        uow.commit()
    return None


def list_notices(*, uow_factory: UowFactory, limit: int = 20) -> list[dict[str, object]]:
    """The latest notices, newest first, for the promise page."""
    n = t.offhours_notices.c
    with uow_factory(write=False) as uow:
        rows = uow.connection.execute(select(t.offhours_notices).order_by(n.opens_at.desc(), n.id.desc()).limit(limit)).mappings()
        return [dict(row) for row in rows]
