"""The poller of each pulled channel kind, behind one small protocol."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from otklik.channels import google_reviews, mastodon, telegram, vk, x
from otklik.clock import Clock
from otklik.errors import ConfigError
from otklik.services.email_polling import EmailPoller
from otklik.services.mastodon_polling import MastodonPoller
from otklik.services.platform_polling import GoogleReviewsPoller, XPoller
from otklik.services.poller_base import ChannelPoller, Keywords, PollPass
from otklik.services.polling import TelegramPoller
from otklik.services.ports import UowFactory
from otklik.services.vk_polling import VkPoller


class Poller(Protocol):
    """Reads one source: a pass stores what came, then moves the source's cursor."""

    source: str

    def poll_once(self, *, wait: float) -> PollPass:
        """One pass of up to about ``wait`` seconds."""
        ...

    def acknowledge(self) -> None:
        """Tell the platform how far the desk has read, where it keeps that itself."""
        ...


def build_poller(
    source: str,
    kind: str,
    *,
    uow_factory: UowFactory,
    clock: Clock,
    client: httpx.Client,
    timeout: float = 10.0,
    brand_keywords: Keywords = (),
) -> Poller:
    """The poller for a source of ``kind``; :class:`ConfigError` for a kind that is not pulled."""
    pollers: dict[str, type[ChannelPoller[Any]]] = {
        telegram.KIND: TelegramPoller,
        mastodon.KIND: MastodonPoller,
        vk.KIND: VkPoller,
        x.KIND: XPoller,
        google_reviews.KIND: GoogleReviewsPoller,
        "email": EmailPoller,
    }
    poller = pollers.get(kind)
    if poller is None:
        raise ConfigError(f"source {source}: {kind} channels are not polled")
    return poller(source, uow_factory=uow_factory, clock=clock, client=client, timeout=timeout, brand_keywords=brand_keywords)


def close_poller(poller: Poller) -> None:
    """Let a poller release what it holds open between passes (Mastodon's streams)."""
    close = getattr(poller, "close", None)
    if callable(close):
        close()
