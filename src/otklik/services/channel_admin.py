"""Channels as admins see them: the kinds the desk knows, the sources, adding and testing one.

Secrets given here are stored and never shown back: every page and answer masks them
(:func:`otklik.channels.registry.public_settings`), and no message names them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from otklik.channels import email, generic, google_reviews, mastodon, meta, telegram, vk, x
from otklik.channels.base import Capabilities, ChannelContext, SettingField
from otklik.channels.registry import CHANNELS, public_settings
from otklik.clock import Clock
from otklik.domain.events import Event, EventKind
from otklik.errors import InvalidPayload
from otklik.services.access import Actor, require_admin
from otklik.services.email_channel import add_email_channel
from otklik.services.outbound import capabilities_of, pause_of, pending_actions
from otklik.services.platform_channels import add_google_reviews_channel, add_meta_channel, add_x_channel
from otklik.services.ports import UowFactory
from otklik.services.sources import (
    SourceInfo,
    add_mastodon_channel,
    add_source,
    add_telegram_channel,
    add_vk_channel,
    config_from_row,
    source_config,
)


@dataclass(frozen=True, slots=True)
class KindInfo:
    """A channel kind an admin may add: its form's fields and what it can do."""

    kind: str
    label: str
    fields: tuple[SettingField, ...]
    capabilities: Capabilities | None
    listens: bool
    testable: bool


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One configured source on the admin page; ``settings`` are masked."""

    name: str
    kind: str
    label: str
    mode: str
    callback_url: str | None
    settings: dict[str, Any]
    capabilities: Capabilities
    listens: bool
    testable: bool
    paused_until: datetime | None = None
    pause_reason: str = ""
    pending_actions: int = 0
    extra_keywords: tuple[str, ...] = field(default_factory=tuple)


def channel_kinds() -> list[KindInfo]:
    """Every kind in the registry, generic first, then by name."""
    specs = sorted(CHANNELS.values(), key=lambda s: (s.kind != generic.SPEC.kind, s.kind))
    return [
        KindInfo(
            kind=s.kind,
            label=s.label or s.kind,
            fields=s.settings_fields,
            capabilities=s.capabilities,
            listens=s.listens,
            testable=s.check is not None,
        )
        for s in specs
    ]


def list_channels(*, actor: Actor, uow_factory: UowFactory, now: datetime) -> list[SourceRow]:
    """Every source with its kind, mode, masked settings, capabilities and outbox state (admins)."""
    require_admin(actor)
    with uow_factory(write=False) as uow:
        rows = uow.sources.all()
    found: list[SourceRow] = []
    for row in rows:
        config = config_from_row(row)
        spec = CHANNELS.get(row["kind"])
        raw = dict(row["config"] or {})
        pause = pause_of(raw)
        keywords = raw.get("brand_keywords")
        found.append(
            SourceRow(
                name=row["name"],
                kind=row["kind"],
                label=(spec.label or spec.kind) if spec else row["kind"],
                mode=str(raw.get("mode") or ("callback" if row["callback_url"] else "webhook")),
                callback_url=row["callback_url"],
                settings=public_settings(row["kind"], raw),
                capabilities=capabilities_of(config),
                listens=bool(spec and spec.listens),
                testable=bool(spec and spec.check),
                paused_until=pause[0] if pause and pause[0] > now else None,
                pause_reason=pause[1] if pause and pause[0] > now else "",
                pending_actions=len(pending_actions(raw)),
                extra_keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class AddedChannel:
    """A source just connected from the admin form.

    ``shown_once`` is a value the desk generated that the admin copies to the platform (a
    webhook secret, a verify token): it is shown this once and never again. A secret the
    admin typed in is never part of it.
    """

    info: SourceInfo
    line: str = ""
    shown_once: str | None = None
    shown_once_label: str = ""


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every kind's setup function is handed besides the form."""

    client: httpx.Client
    uow_factory: UowFactory
    clock: Clock
    timeout: float


def add_channel(
    kind: str,
    name: str,
    values: Mapping[str, str],
    *,
    actor: Actor,
    client: httpx.Client,
    uow_factory: UowFactory,
    clock: Clock,
    timeout: float = 10.0,
) -> AddedChannel:
    """Connect a source of ``kind`` from an admin's form (admins), through the kind's own setup.

    Only the kind's declared ``settings_fields`` are read; form strings become the types the
    setup takes. The connection is tested first; nothing is stored when it fails.
    """
    require_admin(actor)
    spec = CHANNELS.get(kind)
    adapter = _ADAPTERS.get(kind)
    if spec is None or adapter is None:
        raise InvalidPayload(f"unknown channel kind {kind!r}")
    declared = {f.key for f in spec.settings_fields}
    given = {k: v.strip() for k, v in values.items() if k in declared and v.strip()}
    missing = [f.label for f in spec.settings_fields if f.required and f.key not in given]
    if missing:
        raise InvalidPayload(f"missing: {', '.join(missing)}")
    for f in spec.settings_fields:
        if f.choices and f.key in given and given[f.key] not in f.choices:
            raise InvalidPayload(f"{f.label} is one of {', '.join(f.choices)}")
    added = adapter(name, given, _Setup(client=client, uow_factory=uow_factory, clock=clock, timeout=timeout))
    with uow_factory() as uow:
        uow.events.append(
            Event(
                kind=EventKind.SOURCE_ADDED,
                actor=actor.name,
                at=clock.now(),
                data={"source": added.info.name, "kind": added.info.kind},
            )
        )
        uow.commit()
    return added


# --- form strings to the setup functions' arguments ------------------------------------------


def _flag(given: Mapping[str, str], key: str) -> bool:
    return given.get(key, "false").lower() in ("true", "yes", "on", "1")


def _number(given: Mapping[str, str], key: str, label: str) -> int:
    try:
        return int(given.get(key, ""))
    except ValueError:
        raise InvalidPayload(f"{label} is a number") from None


def _words(given: Mapping[str, str], key: str) -> list[str]:
    """A comma-separated field (hashtags, keywords) as its non-empty parts."""
    return [w.strip() for w in given.get(key, "").split(",") if w.strip()]


def _mode(given: Mapping[str, str], default: str) -> str:
    return given.get("mode") or default


# --- one adapter per kind: its setup function with the form's values ------------------------


def _generic(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    info, secret = add_source(name, uow_factory=s.uow_factory, clock=s.clock, callback_url=given.get("callback_url"))
    line = "replies are posted to its callback URL" if info.callback_url else "replies are posted by hand"
    return AddedChannel(info, line, secret, "signing secret")


def _telegram(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    mode = _mode(given, "webhook")
    info, secret = add_telegram_channel(
        name,
        token=given["token"],
        secret_token=given.get("secret_token"),
        mode=mode,
        webhook_url=given.get("webhook_url"),
        brand_keywords=_words(given, "brand_keywords"),
        api_base=given.get("api_base"),
        client=s.client,
        uow_factory=s.uow_factory,
        clock=s.clock,
        timeout=s.timeout,
    )
    line = f"bot @{info.settings.get('bot_username')} (id {info.settings.get('bot_id')}), {mode}"
    # Only a token the desk made up is news to the admin, and only a webhook needs it.
    generated = mode == "webhook" and "secret_token" not in given
    return AddedChannel(info, line, secret if generated else None, "webhook secret token")


def _mastodon(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    info = add_mastodon_channel(
        name,
        instance=given["instance"],
        token=given["token"],
        mode=_mode(given, "polling"),
        hashtags=_words(given, "hashtags"),
        brand_keywords=_words(given, "brand_keywords"),
        streaming_base=given.get("streaming_base"),
        client=s.client,
        uow_factory=s.uow_factory,
        clock=s.clock,
        timeout=s.timeout,
    )
    extra = info.settings
    return AddedChannel(info, f"@{extra.get('acct')} (id {extra.get('account_id')}), {extra.get('mode')}")


def _vk(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    info, secret = add_vk_channel(
        name,
        group_id=_number(given, "group_id", "Community id"),
        token=given["token"],
        mode=_mode(given, "callback"),
        confirmation=given.get("confirmation"),
        secret=given.get("secret"),
        user_token=given.get("user_token"),
        brand_keywords=_words(given, "brand_keywords"),
        api_base=given.get("api_base"),
        client=s.client,
        uow_factory=s.uow_factory,
        clock=s.clock,
        timeout=s.timeout,
    )
    extra = info.settings
    line = f"«{extra.get('group_name')}» (club{extra.get('group_id')}), {extra.get('mode')}"
    generated = extra.get("mode") == "callback" and "secret" not in given
    return AddedChannel(info, line, secret if generated else None, "Callback API secret key")


def _meta(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    info, verify_token, line = add_meta_channel(
        name,
        page_id=given["page_id"],
        page_token=given["page_token"],
        app_secret=given["app_secret"],
        verify_token=given.get("verify_token"),
        ig_user_id=given.get("ig_user_id"),
        ig_username=given.get("ig_username"),
        human_agent=_flag(given, "human_agent"),
        graph_version=given.get("graph_version"),
        api_base=given.get("api_base"),
        client=s.client,
        uow_factory=s.uow_factory,
        clock=s.clock,
        timeout=s.timeout,
    )
    generated = "verify_token" not in given
    return AddedChannel(info, line, verify_token if generated else None, "webhook verify token")


def _x(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    # The consumer secret is the admin's own and is never shown back.
    info, line = add_x_channel(
        name,
        user_token=given["user_token"],
        bearer_token=given.get("bearer_token"),
        consumer_secret=given.get("consumer_secret"),
        mode=_mode(given, "polling"),
        brand_keywords=_words(given, "brand_keywords"),
        unrestricted_replies=_flag(given, "unrestricted_replies"),
        api_base=given.get("api_base"),
        client=s.client,
        uow_factory=s.uow_factory,
        clock=s.clock,
        timeout=s.timeout,
    )
    return AddedChannel(info, line)


def _google_reviews(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    info, line = add_google_reviews_channel(
        name,
        account_id=given["account_id"],
        location_id=given["location_id"],
        access_token=given.get("access_token"),
        refresh_token=given.get("refresh_token"),
        client_id=given.get("client_id"),
        client_secret=given.get("client_secret"),
        token_url=given.get("token_url"),
        api_base=given.get("api_base"),
        location_name=given.get("location_name"),
        client=s.client,
        uow_factory=s.uow_factory,
        clock=s.clock,
        timeout=s.timeout,
    )
    return AddedChannel(info, line)


def _email(name: str, given: Mapping[str, str], s: _Setup) -> AddedChannel:
    info, line = add_email_channel(name, given, uow_factory=s.uow_factory, clock=s.clock, timeout=s.timeout)
    return AddedChannel(info, line)


#: Each kind's setup, as the admin form reaches it; a kind missing here cannot be added from the form.
_ADAPTERS: dict[str, Callable[[str, Mapping[str, str], _Setup], AddedChannel]] = {
    generic.SPEC.kind: _generic,
    telegram.KIND: _telegram,
    mastodon.KIND: _mastodon,
    vk.KIND: _vk,
    meta.KIND: _meta,
    x.KIND: _x,
    google_reviews.KIND: _google_reviews,
    email.KIND: _email,
}


def check_channel(name: str, *, uow_factory: UowFactory, timeout: float = 10.0, client: httpx.Client | None = None) -> str:
    """The connection test of a configured source (as ``otklik channel check``): who it is connected as.

    :class:`ConfigError` says what is wrong; a kind without a test says so.
    """
    config = source_config(name, uow_factory=uow_factory)
    spec = CHANNELS.get(config.kind)
    if spec is None or spec.check is None:
        raise InvalidPayload(f"{config.kind} sources have no connection test")
    if client is not None:
        return spec.check(config, ChannelContext(client=client, timeout=timeout))
    with httpx.Client(follow_redirects=False) as own:
        return spec.check(config, ChannelContext(client=own, timeout=timeout))
