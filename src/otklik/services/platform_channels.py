"""Connecting Meta, X and Google reviews sources: checked settings, a connection test, then stored.

Each ``add_*`` function checks what it is given, tests the connection against the platform
(nothing is stored when that fails) and stores the source with its settings in
``sources.config``; the secrets there are only ever shown masked. The secret that signs the
platform's webhooks (Meta's app secret, X's consumer secret) is the source's own secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from otklik.channels import google_reviews, meta, x
from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.registry import public_settings
from otklik.clock import Clock
from otklik.errors import Conflict, InvalidPayload
from otklik.services.ports import UowFactory
from otklik.services.sources import SourceInfo, valid_source_name

#: The kinds this module sets up.
KINDS = (meta.KIND, x.KIND, google_reviews.KIND)


def _new_name(name: str, uow_factory: UowFactory) -> None:
    if not valid_source_name(name):
        raise InvalidPayload(f"source names are lower-case letters, digits, '_', '.', '-': {name!r}")
    with uow_factory(write=False) as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")


def _url(value: str | None, what: str) -> str | None:
    if value and not value.startswith(("https://", "http://")):
        raise InvalidPayload(f"the {what} must start with https://")
    return value.rstrip("/") if value else None


def _store(name: str, kind: str, secret: str, config: dict[str, Any], *, uow_factory: UowFactory, clock: Clock) -> SourceInfo:
    with uow_factory() as uow:
        if uow.sources.get(name) is not None:
            raise Conflict(f"source {name} exists already")
        uow.sources.add(name=name, kind=kind, secret=secret, callback_url=None, at=clock.now(), config=config)
        uow.commit()
    return SourceInfo(name=name, kind=kind, callback_url=None, settings=public_settings(kind, config))


def add_meta_channel(
    name: str,
    *,
    page_id: str,
    page_token: str,
    app_secret: str,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    verify_token: str | None = None,
    ig_user_id: str | None = None,
    ig_username: str | None = None,
    human_agent: bool = False,
    graph_version: str | None = None,
    api_base: str | None = None,
    timeout: float = 10.0,
) -> tuple[SourceInfo, str, str]:
    """Connect a Facebook Page (and its Instagram account) after ``GET /{page-id}`` succeeds.

    Returns the source, the webhook verify token (generated when not given; shown once) and
    the connection test's line.
    """
    page_id, page_token, app_secret = page_id.strip(), page_token.strip(), app_secret.strip()
    _new_name(name, uow_factory)
    if not page_id.isdigit():
        raise InvalidPayload("the Page id is the Page's numeric id")
    if len(app_secret) < 16:
        raise InvalidPayload("the app secret is missing (app settings → Basic → App secret)")
    if ig_user_id and not ig_user_id.strip().isdigit():
        raise InvalidPayload("the Instagram account id is numeric")
    verify_token = verify_token or secrets.token_urlsafe(24)
    config: dict[str, Any] = {"page_id": page_id, "page_token": page_token, "verify_token": verify_token, "human_agent": human_agent}
    if ig_user_id:
        config["ig_user_id"] = ig_user_id.strip()
    if ig_username:
        config["ig_username"] = ig_username.strip().lstrip("@")
    if graph_version:
        config["graph_version"] = graph_version.strip()
    base = _url(api_base, "Graph API base URL")
    if base:
        config["api_base"] = base
    probe = SourceConfig(name=name, kind=meta.KIND, secret=app_secret, settings=config)
    meta.MetaSettings.from_source(probe)  # a ConfigError names a bad setting before any call
    page = meta.read_page(probe, ChannelContext(client=client, timeout=timeout))
    if page.ig_user_id and not ig_user_id:
        config["ig_user_id"], config["ig_username"] = page.ig_user_id, config.get("ig_username") or page.ig_username
    config["page_name"] = page.name
    info = _store(name, meta.KIND, app_secret, config, uow_factory=uow_factory, clock=clock)
    return info, verify_token, page.describe()


def add_x_channel(
    name: str,
    *,
    user_token: str,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    bearer_token: str | None = None,
    consumer_secret: str | None = None,
    mode: str = "polling",
    brand_keywords: Sequence[str] = (),
    unrestricted_replies: bool = False,
    api_base: str | None = None,
    timeout: float = 10.0,
) -> tuple[SourceInfo, str]:
    """Connect an X account after ``GET /2/users/me`` names it; returns the source and the test's line.

    Webhook mode needs the consumer (API key) secret, which signs the CRC and every event.
    """
    user_token = user_token.strip()
    _new_name(name, uow_factory)
    if mode not in x.MODES:
        raise InvalidPayload(f"mode must be one of {', '.join(x.MODES)}, not {mode!r}")
    if mode == "webhook" and not consumer_secret:
        raise InvalidPayload("webhook mode needs the consumer secret (API key secret): it signs the CRC and each event")
    base = _url(api_base, "API base URL") or x.API_BASE
    user_id, username = x.who_am_i(user_token, client=client, api_base=base, timeout=timeout)
    config: dict[str, Any] = {
        "user_id": user_id,
        "username": username,
        "user_token": user_token,
        "mode": mode,
        "brand_keywords": [k.strip() for k in brand_keywords if k.strip()],
        "unrestricted_replies": unrestricted_replies,
    }
    if bearer_token:
        config["bearer_token"] = bearer_token.strip()
    if base != x.API_BASE:
        config["api_base"] = base
    secret = (consumer_secret or "").strip() or secrets.token_urlsafe(32)
    line = f"X account @{username} (id {user_id}), {mode}"
    if mode == "stream":
        channel = x.XChannel(
            SourceConfig(name=name, kind=x.KIND, secret=secret, settings=config), ChannelContext(client=client, timeout=timeout)
        )
        line += f"; stream rule {channel.sync_rules()}"
    return _store(name, x.KIND, secret, config, uow_factory=uow_factory, clock=clock), line


def add_google_reviews_channel(
    name: str,
    *,
    account_id: str,
    location_id: str,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    access_token: str | None = None,
    refresh_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_url: str | None = None,
    api_base: str | None = None,
    location_name: str | None = None,
    timeout: float = 10.0,
) -> tuple[SourceInfo, str]:
    """Connect a Business Profile location after one page of its reviews could be read."""
    _new_name(name, uow_factory)
    values: Mapping[str, str | None] = {
        "account_id": account_id.strip().removeprefix("accounts/"),
        "location_id": location_id.strip().removeprefix("locations/"),
        "access_token": access_token,
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
        "token_url": _url(token_url, "token endpoint"),
        "api_base": _url(api_base, "API base URL"),
        "location_name": location_name,
    }
    config = {k: v.strip() for k, v in values.items() if v and v.strip()}
    probe = SourceConfig(name=name, kind=google_reviews.KIND, secret="", settings=config)
    google_reviews.GoogleSettings.from_source(probe)
    line = google_reviews.check(probe, ChannelContext(client=client, timeout=timeout))
    # Reviews are pulled; nothing is pushed to this source, so its secret authenticates nothing.
    return _store(name, google_reviews.KIND, secrets.token_urlsafe(32), config, uow_factory=uow_factory, clock=clock), line
