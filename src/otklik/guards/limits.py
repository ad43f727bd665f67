"""Channel limits: the reply fits what the channel accepts."""

from __future__ import annotations

import re

from otklik.guards.context import ReplyContext
from otklik.guards.findings import Finding, Guard, Span

_URL = re.compile(r"(?:https?://|www\.)\S+")
#: Channels that count every link as 23 characters, whatever its length.
_SHORTENED_LINKS = {"x": 23, "twitter": 23, "mastodon": 23}


def length_on(channel: str, text: str) -> int:
    """The length of ``text`` as ``channel`` counts it (links as 23 on X and Mastodon)."""
    link = _SHORTENED_LINKS.get(channel)
    if link is None:
        return len(text)
    return sum(link if i % 2 else len(part) for i, part in enumerate(_split_links(text)))


def _split_links(text: str) -> list[str]:
    """``text`` cut into [plain, link, plain, link, …, plain]."""
    parts: list[str] = []
    last = 0
    for m in _URL.finditer(text):
        parts += [text[last : m.start()], m.group()]
        last = m.end()
    parts.append(text[last:])
    return parts


def check_length(text: str, context: ReplyContext) -> tuple[Finding, ...]:
    """The reply fits ``context.length_limit`` (as the channel counts)."""
    limit = context.length_limit
    if limit is None:
        return ()
    # Links are counted the way the platform counts them, whatever the source is called.
    length = length_on(context.channel_kind or context.channel, text)
    if length <= limit:
        return ()
    # Point at what does not fit (by plain characters; close enough for the highlight).
    cut = max(0, len(text) - (length - limit))
    return (
        Finding(
            Guard.LENGTH,
            "too_long",
            f"{length} characters; {context.channel} allows {limit}. Shorten by {length - limit} or continue in a second message.",
            (Span(cut, len(text), text[cut:]),),
            {"length": length, "limit": limit},
        ),
    )
