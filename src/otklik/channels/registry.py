"""The channel kinds the desk knows: a plain dict from ``sources.kind`` to its spec."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from otklik.channels import email, generic, google_reviews, mastodon, meta, telegram, vk, x
from otklik.channels.base import Channel, ChannelContext, ChannelSpec, SourceConfig
from otklik.errors import ConfigError

CHANNELS: dict[str, ChannelSpec] = {
    generic.SPEC.kind: generic.SPEC,
    telegram.SPEC.kind: telegram.SPEC,
    email.SPEC.kind: email.SPEC,
    meta.SPEC.kind: meta.SPEC,
    x.SPEC.kind: x.SPEC,
    google_reviews.SPEC.kind: google_reviews.SPEC,
    mastodon.SPEC.kind: mastodon.SPEC,
    vk.SPEC.kind: vk.SPEC,
}


def build_channel(source: SourceConfig, context: ChannelContext) -> Channel:
    """The adapter for a configured source; :class:`ConfigError` for an unknown kind."""
    spec = CHANNELS.get(source.kind)
    if spec is None:
        raise ConfigError(f"source {source.name}: unknown channel kind {source.kind!r}")
    return spec.build(source, context)


def mask(value: str) -> str:
    """A secret as it may be shown: its last four characters at most."""
    return "••••" + value[-4:] if len(value) >= 16 else "••••"


def public_settings(kind: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """A source's settings with every secret one masked, for the CLI and the API.

    Keys starting with ``_`` are the desk's own state kept with the source (the outbox's
    queue and pauses), not settings: they are left out.
    """
    spec = CHANNELS.get(kind)
    secret = spec.secret_settings if spec else frozenset(settings)
    return {k: mask(str(v)) if k in secret and v else v for k, v in settings.items() if not k.startswith("_")}
