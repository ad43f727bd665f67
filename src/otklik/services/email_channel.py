"""Connecting an e-mail source: its settings checked, IMAP and SMTP logged into, then stored.

Nothing is stored when a check fails. The passwords are kept in the source's settings and
only ever shown masked; the source's own secret authenticates nothing (mail is pulled).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from otklik.channels import email
from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.registry import public_settings
from otklik.clock import Clock
from otklik.errors import Conflict, InvalidPayload
from otklik.services.ports import UowFactory
from otklik.services.sources import SourceInfo, valid_source_name

_KEYS = frozenset(f.key for f in email.SPEC.settings_fields) | {"poll_interval_s", "max_message_bytes", "append_to_sent"}


def add_email_channel(
    name: str, values: Mapping[str, str], *, uow_factory: UowFactory, clock: Clock, timeout: float = 10.0
) -> tuple[SourceInfo, str]:
    """Connect a mailbox after the connection test; returns the source and the test's line."""
    if not valid_source_name(name):
        raise InvalidPayload(f"source names are lower-case letters, digits, '_', '.', '-': {name!r}")
    unknown = sorted(set(values) - _KEYS)
    if unknown:
        raise InvalidPayload(f"unknown e-mail settings: {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    settings = {k: v.strip() for k, v in values.items() if v.strip()}
    settings.setdefault("mode", "polling")
    with uow_factory(write=False) as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
    secret = secrets.token_urlsafe(32)
    # ConfigError names a wrong setting or a refused login before anything is stored.
    line = email.check(SourceConfig(name=name, kind=email.KIND, secret=secret, settings=settings), ChannelContext(timeout=timeout))
    with uow_factory() as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
        uow.sources.add(name=name, kind=email.KIND, secret=secret, callback_url=None, at=clock.now(), config=settings)
        uow.commit()
    return SourceInfo(name=name, kind=email.KIND, callback_url=None, settings=public_settings(email.KIND, settings)), line
