"""Sources: generic senders (a signing secret, an optional callback URL) and platform channels.

A channel instance (one Telegram bot, say) is configured once, as a source of its kind with
its settings in ``sources.config``; secrets there are never logged and only shown masked.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import RowMapping

from otklik.channels import telegram
from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.registry import public_settings
from otklik.clock import Clock
from otklik.errors import ChannelError, ConfigError, Conflict, InvalidPayload, NotFound
from otklik.services.ports import UowFactory

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A configured source; the secret is shown only when it is created."""

    name: str
    kind: str
    callback_url: str | None
    #: The channel's settings with secrets masked.
    settings: dict[str, Any] = field(default_factory=dict)


def add_source(
    name: str,
    *,
    uow_factory: UowFactory,
    clock: Clock,
    secret: str | None = None,
    callback_url: str | None = None,
) -> tuple[SourceInfo, str]:
    """Configure a new generic source; returns it and its secret (generated when not given)."""
    if not _NAME.match(name):
        raise InvalidPayload(f"source names are lower-case letters, digits, '_', '.', '-': {name!r}")
    if callback_url and not callback_url.startswith(("http://", "https://")):
        raise InvalidPayload("callback URL must start with http:// or https://")
    secret = secret or secrets.token_urlsafe(32)
    with uow_factory() as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
        uow.sources.add(
            name=name,
            kind="generic",
            secret=secret,
            callback_url=callback_url,
            at=clock.now(),
        )
        uow.commit()
    return SourceInfo(name=name, kind="generic", callback_url=callback_url), secret


def source_secret(name: str, *, uow_factory: UowFactory) -> str:
    """The signing secret of a generic source, or :class:`NotFound` for an unknown (or non-generic) one."""
    with uow_factory(write=False) as uow:
        row = uow.sources.get(name)
    if row is None:
        raise NotFound(f"unknown source {name!r}; configure it with `otklik source add {name}`")
    if row["kind"] != "generic":
        # A channel's secret authenticates its platform's requests, not signed generic items.
        raise NotFound(f"source {name!r} is a {row['kind']} channel; its platform sends to /hooks/{row['kind']}/{name}")
    return str(row["secret"])


class SourceSecrets:
    """Source secrets cached for a few seconds, so a webhook does not cost a transaction.

    A changed secret takes effect within ``ttl_s``; unknown sources are not cached, so a
    source added a moment ago is known at once.
    """

    def __init__(self, uow_factory: UowFactory, *, ttl_s: float = 5.0):
        self._uow_factory = uow_factory
        self._ttl = ttl_s
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def cached(self, name: str) -> str | None:
        """The secret of ``name`` when it is fresh in the cache (no I/O), else None."""
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        return None

    def get(self, name: str) -> str:
        """The secret of ``name``, or :class:`NotFound`."""
        hit = self.cached(name)
        if hit is not None:
            return hit
        now = time.monotonic()
        secret = source_secret(name, uow_factory=self._uow_factory)
        with self._lock:
            self._cache[name] = (now, secret)
        return secret


def _info(row: RowMapping) -> SourceInfo:
    return SourceInfo(
        name=row["name"], kind=row["kind"], callback_url=row["callback_url"], settings=public_settings(row["kind"], row["config"] or {})
    )


def list_sources(*, uow_factory: UowFactory) -> list[SourceInfo]:
    """Every configured source (secrets masked)."""
    with uow_factory(write=False) as uow:
        return [_info(r) for r in uow.sources.all()]


def config_from_row(row: RowMapping) -> SourceConfig:
    """A source row as the channels read it."""
    return SourceConfig(
        name=row["name"], kind=row["kind"], secret=row["secret"], callback_url=row["callback_url"], settings=dict(row["config"] or {})
    )


def source_config(name: str, *, uow_factory: UowFactory) -> SourceConfig:
    """A source's whole configuration, secrets included; :class:`NotFound` when unknown."""
    with uow_factory(write=False) as uow:
        row = uow.sources.get(name)
    if row is None:
        raise NotFound(f"unknown source {name!r}")
    return config_from_row(row)


def delivers_automatically(row: RowMapping) -> bool:
    """Whether replies in this source's conversations go out through the outbox.

    A generic source does when it has a callback URL; a platform channel always does.
    """
    return bool(row["callback_url"]) if row["kind"] == "generic" else True


def polling_sources(*, uow_factory: UowFactory) -> list[SourceConfig]:
    """The Telegram sources that read their updates with ``getUpdates``."""
    with uow_factory(write=False) as uow:
        rows = uow.sources.all()
    return [config_from_row(r) for r in rows if r["kind"] == telegram.KIND and (r["config"] or {}).get("mode") == "polling"]


class SourceConfigs:
    """Source configurations cached for a few seconds, like :class:`SourceSecrets`."""

    def __init__(self, uow_factory: UowFactory, *, ttl_s: float = 5.0):
        self._uow_factory = uow_factory
        self._ttl = ttl_s
        self._cache: dict[str, tuple[float, SourceConfig]] = {}
        self._lock = threading.Lock()

    def cached(self, name: str) -> SourceConfig | None:
        """The configuration of ``name`` when it is fresh in the cache (no I/O), else None."""
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        return None

    def get(self, name: str) -> SourceConfig:
        """The configuration of ``name``, or :class:`NotFound`."""
        hit = self.cached(name)
        if hit is not None:
            return hit
        now = time.monotonic()
        config = source_config(name, uow_factory=self._uow_factory)
        with self._lock:
            self._cache[name] = (now, config)
        return config


def add_telegram_channel(
    name: str,
    *,
    token: str,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    secret_token: str | None = None,
    mode: str = "webhook",
    webhook_url: str | None = None,
    brand_keywords: Sequence[str] = (),
    api_base: str | None = None,
    timeout: float = 10.0,
) -> tuple[SourceInfo, str]:
    """Connect a Telegram bot as a source, after a connection test (``getMe``).

    ``webhook_url`` is the desk's public base URL: the webhook is set to
    ``<webhook_url>/hooks/telegram/<name>`` with the secret token. In polling mode any webhook
    is removed, since Telegram refuses ``getUpdates`` while one is set. Nothing is stored when
    a check fails. Returns the source and its webhook secret token (generated when not given).
    """
    token = token.strip()
    if not _NAME.match(name):
        raise InvalidPayload(f"source names are lower-case letters, digits, '_', '.', '-': {name!r}")
    if not telegram.valid_token(token):
        raise InvalidPayload("that is not a bot token: @BotFather gives one like 123456789:AAH…")
    if secret_token is not None and not telegram.valid_secret_token(secret_token):
        raise InvalidPayload("the secret token must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    if mode not in telegram.MODES:
        raise InvalidPayload(f"mode must be webhook or polling, not {mode!r}")
    if webhook_url and mode != "webhook":
        raise InvalidPayload("a webhook URL makes sense only in webhook mode")
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise InvalidPayload("the webhook URL must start with https://")
    base = (api_base or telegram.API_BASE).rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise InvalidPayload("the Bot API base URL must start with https:// or http://")
    keywords = [k.strip() for k in brand_keywords if k.strip()]
    secret_token = secret_token or secrets.token_urlsafe(32)
    with uow_factory(write=False) as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
    bot = telegram.get_me(token, client=client, api_base=base, timeout=timeout)
    if mode == "polling":
        channel_settings: dict[str, Any] = {"token": token, "mode": mode, "bot_id": bot.id, "bot_username": bot.username}
        probe = telegram.TelegramChannel(
            SourceConfig(name=name, kind=telegram.KIND, secret=secret_token, settings={**channel_settings, "api_base": base}),
            ChannelContext(client=client, timeout=timeout),
        )
        try:
            probe.delete_webhook()
        except ChannelError as exc:
            raise ConfigError(f"Telegram did not remove the webhook, so polling would fail: {exc}") from None
    elif webhook_url:
        telegram.set_webhook(
            token,
            f"{webhook_url.rstrip('/')}/hooks/telegram/{name}",
            secret_token=secret_token,
            client=client,
            api_base=base,
            timeout=timeout,
        )
    config: dict[str, Any] = {"token": token, "mode": mode, "bot_id": bot.id, "bot_username": bot.username, "brand_keywords": keywords}
    if base != telegram.API_BASE:
        config["api_base"] = base
    with uow_factory() as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
        uow.sources.add(name=name, kind=telegram.KIND, secret=secret_token, callback_url=None, at=clock.now(), config=config)
        uow.commit()
    return SourceInfo(name=name, kind=telegram.KIND, callback_url=None, settings=public_settings(telegram.KIND, config)), secret_token


def check_telegram_channel(name: str, *, client: httpx.Client, uow_factory: UowFactory, timeout: float = 10.0) -> telegram.BotIdentity:
    """Test a configured bot's connection again (``getMe``)."""
    config = source_config(name, uow_factory=uow_factory)
    if config.kind != telegram.KIND:
        raise InvalidPayload(f"source {name} is a {config.kind} source, not a Telegram channel")
    settings = telegram.TelegramSettings.from_source(config)
    return telegram.get_me(settings.token, client=client, api_base=settings.api_base, timeout=timeout)
