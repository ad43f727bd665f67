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

from otklik.channels import mastodon, telegram, vk
from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.registry import public_settings
from otklik.clock import Clock
from otklik.errors import ChannelError, ConfigError, Conflict, InvalidPayload, NotFound
from otklik.services.ports import UowFactory

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


def valid_source_name(name: str) -> bool:
    """Whether ``name`` may name a source: lower-case letters, digits, ``_``, ``.``, ``-``."""
    return bool(_NAME.match(name))


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


#: The modes in which a kind's messages are pulled by the worker, not pushed to a webhook.
PULLED_MODES: dict[str, frozenset[str]] = {
    telegram.KIND: frozenset({"polling"}),
    mastodon.KIND: frozenset(mastodon.MODES),  # Mastodon pushes nothing signed: always pulled
    vk.KIND: frozenset({"longpoll"}),
    "x": frozenset({"polling", "stream"}),
    "google_reviews": frozenset({"polling"}),
    "email": frozenset({"polling", "idle"}),
}


#: The mode of a kind's source that names none: the kinds always or first pulled.
_DEFAULT_PULLED = {mastodon.KIND: mastodon.MODES[0], "google_reviews": "polling", "email": "polling"}


def polling_sources(*, uow_factory: UowFactory) -> list[SourceConfig]:
    """The sources the worker reads: Telegram ``getUpdates``, Mastodon, VK Bots Long Poll."""
    with uow_factory(write=False) as uow:
        rows = uow.sources.all()
    return [
        config_from_row(r)
        for r in rows
        if (r["config"] or {}).get("mode", _DEFAULT_PULLED.get(r["kind"])) in PULLED_MODES.get(r["kind"], ())
    ]


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


def _check_new_name(name: str, uow_factory: UowFactory) -> None:
    if not _NAME.match(name):
        raise InvalidPayload(f"source names are lower-case letters, digits, '_', '.', '-': {name!r}")
    with uow_factory(write=False) as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")


def _store_channel(name: str, kind: str, secret: str, config: dict[str, Any], *, uow_factory: UowFactory, clock: Clock) -> SourceInfo:
    with uow_factory() as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
        uow.sources.add(name=name, kind=kind, secret=secret, callback_url=None, at=clock.now(), config=config)
        uow.commit()
    return SourceInfo(name=name, kind=kind, callback_url=None, settings=public_settings(kind, config))


def add_mastodon_channel(
    name: str,
    *,
    instance: str,
    token: str,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    mode: str = "polling",
    hashtags: Sequence[str] = (),
    brand_keywords: Sequence[str] = (),
    streaming_base: str | None = None,
    timeout: float = 10.0,
) -> SourceInfo:
    """Connect a Mastodon account as a source, after a connection test (``verify_credentials``).

    The account's id and handle, and the instance's status length limit, are read once
    here. Nothing is stored when a check fails. Mastodon is always read by the worker
    (``polling`` or ``streaming``); the token never leaves the source's settings.
    """
    token, instance = token.strip(), instance.strip().rstrip("/")
    _check_new_name(name, uow_factory)
    if not instance.startswith(("https://", "http://")):
        raise InvalidPayload("the instance URL must start with https://, like https://mastodon.social")
    if not token:
        raise InvalidPayload("the access token is empty")
    if mode not in mastodon.MODES:
        raise InvalidPayload(f"mode must be polling or streaming, not {mode!r}")
    tags = [t.strip().lstrip("#") for t in hashtags if t.strip().lstrip("#")]
    bad = [t for t in tags if not mastodon.valid_hashtag(t)]
    if bad:
        raise InvalidPayload(f"not a hashtag: {', '.join(bad)}")
    if streaming_base and not streaming_base.startswith(("https://", "http://")):
        raise InvalidPayload("the streaming URL must start with https://")
    account, limit = mastodon.verify_credentials(instance, token, client=client, timeout=timeout)
    host = httpx.URL(instance).host
    config: dict[str, Any] = {
        "instance": instance,
        "token": token,
        "mode": mode,
        "account_id": account.id,
        "username": account.username,
        "acct": account.acct if "@" in account.acct else f"{account.username}@{host}",
        "account_url": account.url,
        "hashtags": tags,
        "brand_keywords": [k.strip() for k in brand_keywords if k.strip()],
        "max_characters": limit,
    }
    if streaming_base:
        config["streaming_base"] = streaming_base.rstrip("/")
    # Mastodon signs nothing it could push, so the source's secret authenticates nothing.
    return _store_channel(name, mastodon.KIND, secrets.token_urlsafe(32), config, uow_factory=uow_factory, clock=clock)


def add_vk_channel(
    name: str,
    *,
    group_id: int,
    token: str,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    mode: str = "callback",
    confirmation: str | None = None,
    secret: str | None = None,
    user_token: str | None = None,
    brand_keywords: Sequence[str] = (),
    api_base: str | None = None,
    timeout: float = 10.0,
) -> tuple[SourceInfo, str]:
    """Connect a VK community as a source, after a connection test (``groups.getById``).

    In callback mode the confirmation string (from the community's Callback API settings)
    is required, and ``secret`` is the server's "secret key" VK copies into every event
    (generated when not given: enter it in the community's settings). In longpoll mode the
    worker reads Bots Long Poll. Returns the source and its secret key.
    """
    token = token.strip()
    _check_new_name(name, uow_factory)
    if group_id <= 0:
        raise InvalidPayload("the community id is the positive number in club123456")
    if not token:
        raise InvalidPayload("the community token is empty")
    if mode not in vk.MODES:
        raise InvalidPayload(f"mode must be callback or longpoll, not {mode!r}")
    if mode == "callback" and not (confirmation or "").strip():
        raise InvalidPayload("callback mode needs the confirmation string from Manage → API usage → Callback API")
    if secret is not None and not (1 <= len(secret) <= 50 and secret.isascii() and secret.isalnum()):
        raise InvalidPayload("VK's secret key is 1-50 letters and digits")
    base = (api_base or vk.API_BASE).rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise InvalidPayload("the API base URL must start with https://")
    community = vk.get_community(token, client=client, api_base=base, timeout=timeout, group_id=group_id)
    secret = secret or secrets.token_hex(16)
    config: dict[str, Any] = {
        "token": token,
        "mode": mode,
        "group_id": community.id,
        "group_name": community.name,
        "screen_name": community.screen_name,
        "brand_keywords": [k.strip() for k in brand_keywords if k.strip()],
    }
    if confirmation:
        config["confirmation"] = confirmation.strip()
    if user_token:
        config["user_token"] = user_token.strip()
    if base != vk.API_BASE:
        config["api_base"] = base
    return _store_channel(name, vk.KIND, secret, config, uow_factory=uow_factory, clock=clock), secret
