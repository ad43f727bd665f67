"""One entry point: every guard over a draft, rated by the brand's configuration."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from otklik.guards.context import Draft, GuardConfig, ReplyContext
from otklik.guards.empathy import check_empathy
from otklik.guards.findings import Finding, Guard, Severity
from otklik.guards.index import ReplyIndex
from otklik.guards.language import Detector, check_language, default_detector
from otklik.guards.lateness import check_late
from otklik.guards.limits import check_length
from otklik.guards.personal import PersonalCheck, check_personal
from otklik.guards.scripted import ScriptedCheck, check_scripted
from otklik.guards.tone import check_tone


class Verdict(StrEnum):
    """What the report means for sending."""

    CLEAN = "clean"  # nothing, or hints only
    ACKNOWLEDGE = "acknowledge"  # warnings: sending needs the agent's explicit acknowledgement
    BLOCKED = "blocked"  # must be edited before it can be sent


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding with the severity the brand's configuration gives it."""

    finding: Finding
    severity: Severity

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {**self.finding.as_dict(), "severity": self.severity.value}


_ORDER = {Severity.BLOCK: 0, Severity.WARN: 1, Severity.HINT: 2}


@dataclass(frozen=True, slots=True)
class GuardReport:
    """Every guard's findings on one draft, most severe first, and the verdict."""

    verdict: Verdict
    flags: tuple[Flag, ...]
    scripted: ScriptedCheck | None
    personal: PersonalCheck | None
    ran: tuple[Guard, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings, most severe first."""
        return tuple(f.finding for f in self.flags)

    def by_guard(self, guard: Guard) -> tuple[Flag, ...]:
        """The flags one guard raised."""
        return tuple(f for f in self.flags if f.finding.guard is guard)

    def codes(self) -> set[str]:
        """``guard.code`` of every finding (handy in tests and reports)."""
        return {f.finding.key for f in self.flags}

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form, with the closest past replies when the index was asked."""
        closest = []
        if self.scripted is not None and self.scripted.result is not None:
            closest = [
                {"reply_id": m.reply_id, "similarity": m.similarity, "sent_at": m.sent_at.isoformat(), "text": m.text}
                for m in self.scripted.result.closest
            ]
        return {
            "verdict": self.verdict.value,
            "flags": [f.as_dict() for f in self.flags],
            "closest_past_replies": closest,
            "recent_near_identical": dict(self.scripted.result.recent) if self.scripted and self.scripted.result else {},
            "guards_run": [g.value for g in self.ran],
        }


def check_reply(
    draft: Draft,
    context: ReplyContext,
    *,
    index: ReplyIndex | None,
    config: GuardConfig,
    detect: Detector | None = None,
) -> GuardReport:
    """Run every enabled guard over ``draft`` and rate the findings.

    ``index`` holds the brand's past replies (None: the scripted guard only judges whether
    the draft is informative). ``detect`` is the language detector (default: triage's).
    """
    text = draft.text
    findings: list[Finding] = []
    ran: list[Guard] = []
    scripted: ScriptedCheck | None = None
    personal: PersonalCheck | None = None
    if config.enabled(Guard.SCRIPTED):
        scripted = check_scripted(text, context, index=index, config=config)
        findings += scripted.findings
        ran.append(Guard.SCRIPTED)
    if config.enabled(Guard.PERSONAL):
        template = scripted.result.closest[0].text if scripted is not None and scripted.scripted and scripted.result else None
        personal = check_personal(text, context, config=config, template=template)
        findings += personal.findings
        ran.append(Guard.PERSONAL)
    if config.enabled(Guard.TONE):
        findings += check_tone(text, context, config=config)
        ran.append(Guard.TONE)
    if config.enabled(Guard.EMPATHY):
        findings += check_empathy(text, context)
        ran.append(Guard.EMPATHY)
    if config.enabled(Guard.LANGUAGE):
        findings += check_language(text, context, detect=detect or default_detector())
        ran.append(Guard.LANGUAGE)
    if config.enabled(Guard.LENGTH):
        findings += check_length(text, context)
        ran.append(Guard.LENGTH)
    if config.enabled(Guard.LATE):
        findings += check_late(text, context)
        ran.append(Guard.LATE)
    flags = sorted((Flag(f, config.severity(f.guard, f.code)) for f in findings), key=lambda f: _ORDER[f.severity])
    severities = {f.severity for f in flags}
    verdict = Verdict.BLOCKED if Severity.BLOCK in severities else Verdict.ACKNOWLEDGE if Severity.WARN in severities else Verdict.CLEAN
    return GuardReport(verdict, tuple(flags), scripted, personal, tuple(ran))
