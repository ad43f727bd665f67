"""Agents, passwords (argon2), API tokens and signed session/CSRF values."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from otklik.clock import Clock
from otklik.domain.agents import Agent, Role
from otklik.errors import Conflict, InvalidPayload, NotAuthenticated
from otklik.services.access import Actor
from otklik.services.ports import UowFactory

_hasher = PasswordHasher()
TOKEN_PREFIX = "otk_"  # noqa: S105 - a visible prefix, so leaked tokens are easy to scan for


@functools.cache
def _dummy_hash() -> str:
    # Verified against when the e-mail is unknown, so both paths cost the same time. Made on
    # first use: hashing costs a quarter of a second, which every command would pay at start.
    return _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def add_agent(
    email: str,
    name: str,
    password: str,
    *,
    role: Role = Role.AGENT,
    team: str | None = None,
    uow_factory: UowFactory,
    clock: Clock,
) -> Agent:
    """Create an agent (and their team when named)."""
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidPayload(f"not an e-mail address: {email!r}")
    if len(password) < 8:
        raise InvalidPayload("a password needs at least 8 characters")
    with uow_factory() as uow:
        if uow.agents.by_email(email) is not None:
            raise Conflict(f"an agent with e-mail {email} exists already")
        team_id = uow.teams.ensure(team) if team else None
        agent_id = uow.agents.add(
            email=email,
            name=name.strip() or email,
            password_hash=hash_password(password),
            role=role,
            team_id=team_id,
            at=clock.now(),
        )
        agent = uow.agents.get(agent_id)
        uow.commit()
    assert agent is not None  # noqa: S101 - inserted above
    return agent


def authenticate(email: str, password: str, *, uow_factory: UowFactory) -> Agent:
    """The agent with these credentials, or :class:`NotAuthenticated`."""
    with uow_factory() as uow:
        found = uow.agents.by_email(email)
        if found is None:
            _verify(_dummy_hash(), password)
            raise NotAuthenticated("wrong e-mail or password")
        agent, stored = found
        if not _verify(stored, password) or not agent.active:
            raise NotAuthenticated("wrong e-mail or password")
        if _hasher.check_needs_rehash(stored):
            uow.agents.set_password_hash(agent.id, hash_password(password))
            uow.commit()
    return agent


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(agent_id: int, name: str, *, uow_factory: UowFactory, clock: Clock) -> str:
    """Create an API token for an agent; the plain token is shown once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow_factory() as uow:
        uow.tokens.add(agent_id=agent_id, name=name, token_hash=_token_hash(token), at=clock.now())
        uow.commit()
    return token


def actor_for_token(token: str, *, uow_factory: UowFactory) -> Actor:
    """The actor behind a bearer token, or :class:`NotAuthenticated`."""
    with uow_factory(write=False) as uow:
        found = uow.tokens.agent_for(_token_hash(token.strip()))
        agent = uow.agents.get(found[1]) if found else None
    if found is None or agent is None or not agent.active:
        raise NotAuthenticated("unknown or revoked API token")
    return Actor(agent=agent, via=f"token:{found[0]}")


def actor_for_agent_id(agent_id: int, *, uow_factory: UowFactory) -> Actor:
    """The actor for a logged-in agent id, or :class:`NotAuthenticated`."""
    with uow_factory(write=False) as uow:
        agent = uow.agents.get(agent_id)
    if agent is None or not agent.active:
        raise NotAuthenticated("please log in again")
    return Actor(agent=agent)


class SessionSigner:
    """Signs session cookies (``agent id . issued . nonce``) and derives CSRF tokens from them."""

    def __init__(self, secret: str, *, max_age_s: int):
        self._key = hashlib.sha256(("session:" + secret).encode()).digest()
        self._max_age = max_age_s

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, agent_id: int, *, now: float | None = None) -> str:
        """A new session value for an agent."""
        payload = f"{agent_id}.{int(now if now is not None else time.time())}.{secrets.token_urlsafe(12)}"
        return f"{payload}.{self._mac(payload)}"

    def agent_id(self, value: str, *, now: float | None = None) -> int:
        """The agent id in a valid, unexpired session value, or :class:`NotAuthenticated`."""
        payload, _, mac = value.rpartition(".")
        if not payload or not hmac.compare_digest(mac, self._mac(payload)):
            raise NotAuthenticated("invalid session")
        agent_id, issued, _nonce = payload.split(".", 2)
        if (now if now is not None else time.time()) - int(issued) > self._max_age:
            raise NotAuthenticated("session expired; please log in again")
        return int(agent_id)

    def csrf_token(self, session_value: str) -> str:
        """The CSRF token that goes with a session (double-submit, bound to it)."""
        return self._mac("csrf:" + session_value)

    def check_csrf(self, session_value: str, token: str | None) -> bool:
        """True when ``token`` belongs to this session."""
        return bool(token) and hmac.compare_digest(self.csrf_token(session_value), token or "")
