"""Checks on reply drafts before they go out. Pure, plus an in-memory index.

``check_reply(draft, context, index=…, config=…)`` runs every guard and returns a
:class:`GuardReport`: findings with the words that triggered them, each rated by the
brand's :class:`GuardConfig`, and whether sending is clean, needs an acknowledgement, or
is blocked. :class:`ReplyIndex` holds one brand's past replies for the scripted guard.
"""

import importlib
from typing import TYPE_CHECKING

from otklik.guards.context import ADDRESS_CHOICES, DEFAULT_SEVERITIES, RULES, Draft, GuardConfig, ReplyContext, parse_severities
from otklik.guards.findings import Finding, Guard, Severity, Span

if TYPE_CHECKING:
    from otklik.guards.index import Match, PastReply, QueryResult, ReplyIndex
    from otklik.guards.report import Flag, GuardReport, Verdict, check_reply

# The index (and the report, which uses it) needs numpy: loaded on first use, so that reading
# the settings, which names guard rules, does not load it in every command and process.
_LAZY = {
    **dict.fromkeys(("Match", "PastReply", "QueryResult", "ReplyIndex"), "otklik.guards.index"),
    **dict.fromkeys(("Flag", "GuardReport", "Verdict", "check_reply"), "otklik.guards.report"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "ADDRESS_CHOICES",
    "DEFAULT_SEVERITIES",
    "RULES",
    "Draft",
    "Finding",
    "Flag",
    "Guard",
    "GuardConfig",
    "GuardReport",
    "Match",
    "PastReply",
    "QueryResult",
    "ReplyContext",
    "ReplyIndex",
    "Severity",
    "Span",
    "Verdict",
    "check_reply",
    "parse_severities",
]
