"""How the agent UI shows the reply guards: the composer's panel and the guards report's chart.

Pure functions over the guards' report and the reports read side, so templates stay free of
logic. The draft is shown with the words each finding points at marked (through
:func:`~otklik.web.ui.highlight.highlight`, which escapes every piece of text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup, escape

from otklik.domain.replies import ReplyCheck
from otklik.guards import Flag, GuardReport, Severity
from otklik.services.reports import GuardsReport, ScriptedRow
from otklik.web.ui.highlight import Highlight, highlight

#: Each severity's heading in the panel, most severe first.
SEVERITY_HEADINGS = {
    Severity.BLOCK.value: "Blocks sending: change the reply",
    Severity.WARN.value: "Warnings: send only knowingly",
    Severity.HINT.value: "Hints",
}

#: Short names of the rules, for lists and the report.
RULE_LABELS = {
    "scripted.near_duplicate": "reads like a template",
    "personal.not_personal": "could be sent to anyone",
    "personal.ignored_specifics": "leaves out what they named",
    "personal.no_name": "no name",
    "tone.blame": "blames the customer",
    "tone.argue": "argues",
    "tone.sarcasm": "sarcasm",
    "tone.personal": "personal remark",
    "tone.shouting": "shouting",
    "tone.address": "formal address broken",
    "empathy.no_acknowledgement": "no apology or empathy",
    "empathy.no_thanks": "no thanks",
    "language.wrong_language": "not the customer's language",
    "language.mixed_language": "mixed languages",
    "length.too_long": "too long for the channel",
    "late.no_apology": "late: no apology",
    "late.no_gesture": "late: no gesture",
}


def rule_label(code: str) -> str:
    """A rule's short name (the code itself when it has none)."""
    return RULE_LABELS.get(code, code)


@dataclass(frozen=True, slots=True)
class PanelGroup:
    """The findings of one severity."""

    severity: str
    heading: str
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class PastReplyView:
    """A close past reply, as the panel shows it."""

    percent: int
    text: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class GuardPanel:
    """What the composer shows beside the draft.

    ``verdict`` is ``idle`` before there is a draft, ``error`` when it could not be checked,
    else the report's verdict.
    """

    verdict: str
    groups: tuple[PanelGroup, ...] = ()
    preview: Markup = field(default_factory=Markup)
    closest: tuple[PastReplyView, ...] = ()
    recent: tuple[tuple[int, int], ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def blocked(self) -> bool:
        """Sending is not possible until the draft changes."""
        return self.verdict == "blocked"

    @property
    def needs_acknowledgement(self) -> bool:
        """Sending needs the "send anyway" box ticked."""
        return self.verdict == "acknowledge"


def idle_panel() -> GuardPanel:
    """The panel before the agent has written anything."""
    return GuardPanel("idle")


def error_panel(message: str) -> GuardPanel:
    """The panel when the draft could not be checked."""
    return GuardPanel("error", error=message)


def guard_panel(text: str, report: GuardReport) -> GuardPanel:
    """The panel for a checked draft: findings by severity, the draft with their words marked, the closest past replies."""
    draft = text.strip()  # the guards read the reply as it is sent, trimmed; spans count from there
    groups = tuple(
        PanelGroup(severity, heading, flags)
        for severity, heading in SEVERITY_HEADINGS.items()
        if (flags := tuple(f for f in report.flags if f.severity.value == severity))
    )
    marks = [
        Highlight(span.start, span.end, css=f"guard-mark guard-{flag.severity.value}", label=flag.finding.message, quote=span.text)
        for flag in report.flags
        for span in flag.finding.spans
        if span.source == "draft"
    ]
    scripted = report.scripted
    result = scripted.result if scripted is not None else None
    closest = tuple(PastReplyView(round(m.similarity * 100), m.text, m.sent_at) for m in result.closest) if result else ()
    return GuardPanel(
        verdict=report.verdict.value,
        groups=groups,
        preview=highlight(draft, marks),
        closest=closest,
        recent=tuple(sorted(result.recent.items())) if result else (),
        warnings=tuple(sorted({f.finding.key for f in report.flags if f.severity is Severity.WARN})),
    )


def acknowledgement_line(check: ReplyCheck) -> str:
    """What a sent reply's acknowledgement says: the warnings sent over, by their short names."""
    return ", ".join(rule_label(code) for code in check.acknowledged)


# --- the guards report -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of the weekly chart, in the SVG's units."""

    x: float
    y: float
    width: float
    height: float
    label: str
    week: date
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    """The desk's scriptedness per week as bars (an inline SVG, no script)."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    baseline: float


CHART_HEIGHT = 140
_BAR_STEP = 48
_TOP = 18  # room for a percentage above the tallest bar
_BOTTOM = 22  # room for the week's date under the bars


def percent(share: float | None) -> str:
    """A share as a whole percentage, "—" when there is none."""
    return "—" if share is None else f"{share:.0%}"


def weekly_chart(row: ScriptedRow) -> Chart:
    """Bars of ``row``'s share of near-duplicates, one per week; height is the share (100 % at the top)."""
    usable = CHART_HEIGHT - _TOP - _BOTTOM
    baseline = float(CHART_HEIGHT - _BOTTOM)
    bars = []
    for i, week in enumerate(row.weeks):
        share = week.share or 0.0
        height = round(usable * share, 1)
        bars.append(
            Bar(
                x=i * _BAR_STEP + 8,
                y=baseline - height,
                width=_BAR_STEP - 16,
                height=height,
                label=percent(week.share),
                week=week.week,
                title=f"week of {week.week.isoformat()}: {week.near_duplicates} of {week.sent} replies near-duplicates",
            )
        )
    return Chart(width=max(len(bars), 1) * _BAR_STEP, height=CHART_HEIGHT, bars=tuple(bars), baseline=baseline)


def hit_width(replies: int, report: GuardsReport) -> int:
    """A hit count's bar width in percent of the largest count."""
    largest = max((h.replies for h in report.hits), default=0)
    return round(100 * replies / largest) if largest else 0


def week_cell(share: float | None, sent: int, near: int) -> Markup:
    """A table cell's text for one week: the share and the counts behind it."""
    if not sent:
        return Markup('<span class="muted">—</span>')
    return Markup('{} <span class="muted">({}/{})</span>').format(escape(percent(share)), near, sent)
