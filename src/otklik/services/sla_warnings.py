"""SLA warnings: raised once when a clock crosses a threshold, then delivered by each route.

:func:`scan_sla_clocks` (a worker job) reads only the conversations whose ``warn_at`` has
passed, through its index, and records one ``sla_warnings`` row per conversation, threshold
and clock; the unique constraint makes that exactly once, across restarts and workers.
:func:`deliver_sla_warnings` then sends each warning by e-mail and by a signed webhook;
a route that fails is retried later with back-off, and a route that succeeded is marked
done at once so it is never sent twice. The UI reads the same rows (:func:`open_warnings`).

Who hears of what: at 50 % only the desk shows it; at 80 % the assignee (the team when
nobody is assigned); a breach or a passed acceptable limit goes to the managers (admins).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import orjson
from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from otklik.channels.generic import SIGNATURE_HEADER, sign
from otklik.clock import Clock
from otklik.domain.agents import Role
from otklik.domain.sla import ClockKind, SlaClock, WarningKind
from otklik.errors import NotFound
from otklik.services.access import Actor
from otklik.services.ports import UowFactory
from otklik.store import tables as t

log = logging.getLogger(__name__)

PENDING, DONE, OFF, DEAD = "pending", "done", "off", "dead"
#: How long a claimed warning is left to one worker before another may try it.
LEASE = timedelta(minutes=5)
_MANAGERS = (WarningKind.BREACHED, WarningKind.PAST_LIMIT)


@dataclass(frozen=True, slots=True)
class Mailer:
    """Where warning e-mails go out: an SMTP server and the From address."""

    host: str
    port: int = 25
    sender: str = "otklik@localhost"
    extra_to: tuple[str, ...] = ()
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        """Send one message to ``to``; raises OSError or SMTPException when the server fails."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True, slots=True)
class WarningHook:
    """An HTTP endpoint that receives each warning as signed JSON."""

    url: str
    secret: str
    timeout: float = 10.0

    def post(self, client: httpx.Client, payload: dict[str, Any]) -> None:
        """POST the payload; raises on a transport error or a non-2xx answer."""
        body = orjson.dumps(payload)
        headers = {"content-type": "application/json", SIGNATURE_HEADER: sign(body, self.secret)}
        response = client.post(self.url, content=body, headers=headers, timeout=self.timeout)
        if not 200 <= response.status_code < 300:
            raise httpx.HTTPStatusError(f"the webhook answered {response.status_code}", request=response.request, response=response)


# --- the scan -------------------------------------------------------------------------------
def _audience(kind: WarningKind, assignee_id: int | None) -> str:
    if kind in _MANAGERS:
        return "managers"
    return "assignee" if assignee_id is not None else "team"


def _insert_ignoring_duplicates(connection: Connection, rows: list[dict[str, Any]]) -> None:
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    statement = insert(t.sla_warnings).on_conflict_do_nothing(index_elements=["conversation_id", "kind", "due_at"])
    connection.execute(statement, rows)


def start_missing_clocks(*, uow_factory: UowFactory, limit: int = 500) -> int:
    """Start the clock of open conversations that have none (stored before clocks existed).

    Saving a conversation sets its clock; these are saved once, unchanged otherwise. Returns
    how many were started; a desk where every clock runs costs one indexed look-up.
    """
    c = t.conversations.c
    with uow_factory() as uow:
        ids = list(
            uow.connection.execute(
                select(c.id).where(c.active == 1, c.clock_rank == 1, c.clock_kind.is_(None), c.waiting_since.is_not(None)).limit(limit)
            ).scalars()
        )
        for conversation_id in ids:
            conversation = uow.conversations.get(conversation_id, for_update=True)
            if conversation is not None:
                uow.conversations.save(conversation)
        uow.commit()
    return len(ids)


def scan_sla_clocks(*, uow_factory: UowFactory, clock: Clock, email: bool, webhook: bool, limit: int = 5000) -> int:
    """Raise a warning for each clock that crossed a threshold since the last scan; returns how many.

    Only the most severe threshold crossed is raised (a desk that was down does not get
    "at risk" for a conversation already breached). ``email``/``webhook`` say whether those
    routes are configured; a warning waits on each configured route until it is delivered.
    """
    now = clock.now()
    c = t.conversations.c
    with uow_factory() as uow:
        query = (
            select(
                c.id,
                c.clock_kind,
                c.clock_started_at,
                c.at_risk_50_at,
                c.at_risk_80_at,
                c.due_at,
                c.acceptable_until,
                c.assignee_id,
                c.team_id,
            )
            .where(c.warn_at <= now)
            .order_by(c.warn_at)
            .limit(limit)
        )
        if uow.connection.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True, of=t.conversations)
        rows = list(uow.connection.execute(query))
        warnings: list[dict[str, Any]] = []
        moves: list[dict[str, Any]] = []
        for row in rows:
            sla = SlaClock(
                kind=ClockKind(row.clock_kind),
                started_at=row.clock_started_at,
                at_risk_50_at=row.at_risk_50_at,
                at_risk_80_at=row.at_risk_80_at,
                due_at=row.due_at,
                acceptable_until=row.acceptable_until,
            )
            kind = sla.crossed(now)
            moves.append({"_id": row.id, "_warn": sla.next_threshold(now)})
            if kind is None:  # pragma: no cover - warn_at is the first threshold, so one has passed
                continue
            loud = kind is not WarningKind.AT_RISK_50
            routes = {"email_state": PENDING if loud and email else OFF, "webhook_state": PENDING if loud and webhook else OFF}
            warnings.append(
                {
                    "conversation_id": row.id,
                    "kind": kind.value,
                    "due_at": sla.due_at,
                    "fired_at": now,
                    "audience": _audience(kind, row.assignee_id),
                    "assignee_id": row.assignee_id,
                    "team_id": row.team_id,
                    "ui_state": PENDING,
                    **routes,
                    "attempts": 0,
                    "next_attempt_at": now if PENDING in routes.values() else None,
                }
            )
        if warnings:
            _insert_ignoring_duplicates(uow.connection, warnings)
        if moves:
            uow.connection.execute(
                update(t.conversations).where(c.id == bindparam("_id")).values(warn_at=bindparam("_warn")),
                moves,
            )
        uow.commit()
    return len(warnings)


# --- delivery -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeliveryPass:
    """What one delivery pass did."""

    delivered: int = 0
    failed: int = 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _claim(uow_factory: UowFactory, now: datetime, limit: int) -> list[dict[str, Any]]:
    w, c = t.sla_warnings.c, t.conversations.c
    with uow_factory() as uow:
        query = (
            select(t.sla_warnings, c.priority, c.source, c.author_name, c.author_handle)
            .join(t.conversations, c.id == w.conversation_id)
            .where(w.next_attempt_at <= now)
            .order_by(w.next_attempt_at, w.id)
            .limit(limit)
        )
        if uow.connection.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True, of=t.sla_warnings)
        rows = [dict(r) for r in uow.connection.execute(query).mappings()]
        if rows:
            # A lease: another worker leaves these alone while this one sends them.
            uow.connection.execute(update(t.sla_warnings).where(w.id.in_([r["id"] for r in rows])).values(next_attempt_at=now + LEASE))
        uow.commit()
    return rows


def _recipients(connection: Connection, warning: dict[str, Any], extra: Sequence[str]) -> list[str]:
    a = t.agents.c
    query = select(a.email).where(a.active.is_(True))
    if warning["audience"] == "assignee":
        query = query.where(a.id == warning["assignee_id"])
    elif warning["audience"] == "team" and warning["team_id"] is not None:
        query = query.where(a.team_id == warning["team_id"])
    else:
        query = query.where(a.role == Role.ADMIN.value)
    found = [str(e) for e in connection.execute(query.order_by(a.email)).scalars()]
    if not found and warning["audience"] != "managers":
        # Nobody in the team: the managers hear of it instead of nobody.
        found = [str(e) for e in connection.execute(select(a.email).where(a.active.is_(True), a.role == Role.ADMIN.value)).scalars()]
    return sorted(set(found) | set(extra))


_SUBJECTS = {
    "at_risk_50": "half the time to answer is used",
    "at_risk_80": "80% of the time to answer is used",
    "breached": "the response target is breached",
    "past_limit": "the acceptable limit has passed: the answer is late",
}


def warning_payload(warning: dict[str, Any]) -> dict[str, Any]:
    """The JSON a webhook receives for one warning."""
    return {
        "type": "sla_warning",
        "id": warning["id"],
        "conversation_id": warning["conversation_id"],
        "kind": warning["kind"],
        "due_at": warning["due_at"].isoformat(),
        "fired_at": warning["fired_at"].isoformat(),
        "audience": warning["audience"],
        "assignee_id": warning["assignee_id"],
        "team_id": warning["team_id"],
        "priority": warning["priority"],
        "source": warning["source"],
    }


def _mail(mailer: Mailer, connection: Connection, warning: dict[str, Any]) -> None:
    to = _recipients(connection, warning, mailer.extra_to)
    if not to:
        return  # nobody to tell; the desk still shows it
    who = warning["author_name"] or warning["author_handle"] or "a customer"
    subject = f"[otklik] conversation #{warning['conversation_id']}: {_SUBJECTS[warning['kind']]}"
    body = (
        f"Conversation #{warning['conversation_id']} with {who} ({warning['source']}, priority {warning['priority']}):\n"
        f"{_SUBJECTS[warning['kind']]}.\n\nDue at {warning['due_at']:%Y-%m-%d %H:%M} UTC.\n"
    )
    mailer.send(to, subject, body)


def deliver_sla_warnings(
    *,
    uow_factory: UowFactory,
    clock: Clock,
    mailer: Mailer | None,
    hook: WarningHook | None,
    client: httpx.Client,
    max_attempts: int = 8,
    limit: int = 50,
) -> DeliveryPass:
    """Send the warnings that wait on a route; each route's success is recorded at once."""
    now = clock.now()
    delivered = failed = 0
    w = t.sla_warnings.c
    for warning in _claim(uow_factory, now, limit):
        states = {"email_state": warning["email_state"], "webhook_state": warning["webhook_state"]}
        errors: list[str] = []
        for route in ("email_state", "webhook_state"):
            if states[route] != PENDING:
                continue
            try:
                if route == "email_state" and mailer is not None:
                    with uow_factory(write=False) as uow:
                        _mail(mailer, uow.connection, warning)
                elif route == "webhook_state" and hook is not None:
                    hook.post(client, warning_payload(warning))
                else:
                    states[route] = OFF  # the route was switched off since the warning fired
            except (OSError, smtplib.SMTPException, httpx.HTTPError) as exc:
                errors.append(f"{route.removesuffix('_state')}: {exc}")
                continue
            if states[route] == PENDING:
                states[route] = DONE
                delivered += 1
            with uow_factory() as uow:  # recorded before the next route: never sent twice
                uow.connection.execute(update(t.sla_warnings).where(w.id == warning["id"]).values({route: states[route]}))
                uow.commit()
        attempts = warning["attempts"] + (1 if errors else 0)
        next_attempt: datetime | None = None
        if errors:
            failed += 1
            if attempts >= max_attempts:
                states = {k: DEAD if v == PENDING else v for k, v in states.items()}
                log.warning("SLA warning %s given up after %d attempts: %s", warning["id"], attempts, "; ".join(errors))
            else:
                next_attempt = now + _backoff(attempts)
        with uow_factory() as uow:
            uow.connection.execute(
                update(t.sla_warnings)
                .where(w.id == warning["id"])
                .values(**states, attempts=attempts, next_attempt_at=next_attempt, last_error="; ".join(errors) or None)
            )
            uow.commit()
    return DeliveryPass(delivered=delivered, failed=failed)


# --- the desk -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WarningView:
    """A warning as the desk lists it."""

    id: int
    conversation_id: int
    kind: str
    due_at: datetime
    fired_at: datetime
    audience: str
    author: str
    priority: str


def _visible_to(actor: Actor) -> Any:
    w = t.sla_warnings.c
    if actor.agent.role is Role.ADMIN:
        return w.id.is_not(None)  # managers see every warning
    mine = (w.audience == "assignee") & (w.assignee_id == actor.agent.id)
    team = (w.audience == "team") & (w.team_id == actor.agent.team_id) if actor.agent.team_id is not None else w.id.is_(None)
    return or_(mine, team)


def open_warnings(*, actor: Actor, uow_factory: UowFactory, limit: int = 20) -> list[WarningView]:
    """The warnings not yet dismissed that concern ``actor``, newest first."""
    w, c = t.sla_warnings.c, t.conversations.c
    with uow_factory(write=False) as uow:
        rows = uow.connection.execute(
            select(w.id, w.conversation_id, w.kind, w.due_at, w.fired_at, w.audience, c.author_name, c.author_handle, c.priority)
            .join(t.conversations, c.id == w.conversation_id)
            .where(w.ui_state == PENDING, _visible_to(actor))
            .order_by(w.id.desc())
            .limit(limit)
        )
        return [
            WarningView(
                id=r.id,
                conversation_id=r.conversation_id,
                kind=r.kind,
                due_at=r.due_at,
                fired_at=r.fired_at,
                audience=r.audience,
                author=r.author_name or r.author_handle or "",
                priority=r.priority,
            )
            for r in rows
        ]


def dismiss_warning(warning_id: int, *, actor: Actor, uow_factory: UowFactory, clock: Clock) -> None:
    """Mark a warning seen: it leaves the desk's list (its other routes are unaffected)."""
    w = t.sla_warnings.c
    with uow_factory() as uow:
        result = uow.connection.execute(
            update(t.sla_warnings)
            .where(w.id == warning_id, w.ui_state == PENDING, _visible_to(actor))
            .values(ui_state=DONE, dismissed_at=clock.now())
        )
        if result.rowcount == 0:
            raise NotFound(f"no open warning {warning_id}")
        uow.commit()
