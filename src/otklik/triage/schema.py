"""The response schema: a brand's rules, decided in advance, that turn a triage into a decision.

The schema is a YAML file (``default_schema.yaml`` ships; its comments explain the format).
Reading it checks every field and reports each problem with its line; a schema that reads
cleanly is immutable and has a digest, so the desk can tell one version from the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path

import yaml

from otklik.triage.result import Kind, Sentiment, Triage
from otklik.triage.text import TokenType, fold, tokenize

ADDRESSINGS = ("direct", "dm", "comment", "review", "brand_mention")
SIGNALS = ("urgent", "outage", "abusive", "high_reach")
PRIORITIES = ("urgent", "high", "normal", "low")
LANGS = ("ru", "pl", "en", "uk", "other")


class Decision(StrEnum):
    """What the desk does with an item."""

    RESPOND = "respond"
    THANK = "thank"
    IGNORE = "ignore"
    ESCALATE = "escalate"


class SchemaError(ValueError):
    """A schema file that cannot be used; ``problems`` are ``(line, message)`` pairs."""

    def __init__(self, problems: Sequence[tuple[int, str]], *, source: str = "schema"):
        self.problems = list(problems)
        self.source = source
        super().__init__("\n".join(f"{source}:{line}: {message}" for line, message in self.problems))


@dataclass(frozen=True, slots=True)
class Facts:
    """What a rule can look at: the triage plus what the item says about itself."""

    kind: str
    sentiment: str
    language: str
    addressing: str
    channel: str
    signals: frozenset[str]
    followers: int | None
    words: frozenset[str]  # normalised words of the text, for keyword rules


@dataclass(frozen=True, slots=True)
class Condition:
    """All of ``fields`` must hold, any of ``any_of`` (when given), none of ``none_of``."""

    values: Mapping[str, frozenset[str]] = field(default_factory=dict)  # kind, addressing, …
    signals: frozenset[str] = frozenset()
    followers_at_least: int | None = None
    keywords: tuple[str, ...] = ()
    any_of: tuple[Condition, ...] = ()
    none_of: tuple[Condition, ...] = ()

    def matches(self, facts: Facts) -> list[str]:  # noqa: PLR0911 - one early exit per kind of condition
        """The reasons it matches (``kind=complaint`` …), or an empty list when it does not."""
        reasons: list[str] = []
        for name, allowed in self.values.items():
            actual = getattr(facts, name)
            if actual not in allowed:
                return []
            reasons.append(f"{name}={actual}")
        if not self.signals <= facts.signals:
            return []
        reasons.extend(f"signal={s}" for s in sorted(self.signals))
        if self.followers_at_least is not None:
            if facts.followers is None or facts.followers < self.followers_at_least:
                return []
            reasons.append(f"followers>={self.followers_at_least}")
        if self.keywords:
            found = [k for k in self.keywords if _keyword_in(k, facts.words)]
            if not found:
                return []
            reasons.append("keywords=" + ",".join(found))
        if self.any_of:
            for option in self.any_of:
                sub = option.matches(facts)
                if sub:
                    reasons.extend(sub)
                    break
            else:
                return []
        for excluded in self.none_of:
            if excluded.matches(facts):
                return []
        return reasons or ["always"]


def _has_keywords(condition: Condition) -> bool:
    return bool(condition.keywords) or any(_has_keywords(c) for c in (*condition.any_of, *condition.none_of))


def _keyword_in(keyword: str, words: frozenset[str]) -> bool:
    if keyword.endswith("*"):
        stem = keyword[:-1]
        return any(w.startswith(stem) for w in words)
    return keyword in words


@dataclass(frozen=True, slots=True)
class Outcome:
    """A rule's ``then``."""

    decision: Decision
    priority: str
    team: str | None = None
    sla: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """A message a rule must decide, with the item fields it is tried with."""

    text: str
    line: int
    addressing: str = "direct"
    channel: str = ""
    language: str | None = None
    followers: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the schema."""

    name: str
    when: Condition
    then: Outcome
    line: int
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision for one item, and why."""

    decision: Decision
    priority: str
    team: str | None
    sla: str | None
    rule: str  # the rule that fired, or "defaults"
    reasons: tuple[str, ...]
    reason: str | None = None  # the ignore reason, shown to agents
    sunk: bool = False  # lowered by workload mode (P9)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "decision": self.decision.value,
            "priority": self.priority,
            "team": self.team,
            "sla": self.sla,
            "rule": self.rule,
            "reasons": list(self.reasons),
            "reason": self.reason,
            "sunk": self.sunk,
        }


@dataclass(frozen=True, slots=True)
class Schema:
    """A read, checked schema."""

    name: str
    rules: tuple[Rule, ...]
    defaults: Outcome
    high_followers: int | None
    workload_capacity: int | None
    sink_priority: str
    text: str
    digest: str
    uses_keywords: bool  # any rule matches on keywords (decided once, read for every item)

    def facts(self, triage: Triage, *, addressing: str, channel: str = "", text: str = "") -> Facts:
        """The facts rules look at, from a triage and the item."""
        signals = {name for name in ("urgent", "outage", "abusive") if getattr(triage, name)}
        if self.high_followers is not None and triage.followers is not None and triage.followers >= self.high_followers:
            signals.add("high_reach")
        # Only keyword rules read the words; most schemas have none, and tokenising costs.
        words = frozenset(fold(t.norm) for t in tokenize(text) if t.type is TokenType.WORD) if text and self.uses_keywords else frozenset()
        return Facts(
            kind=triage.kind.value,
            sentiment=triage.sentiment.value,
            language=triage.language,
            addressing=addressing,
            channel=channel,
            signals=frozenset(signals),
            followers=triage.followers,
            words=words,
        )

    def decide(self, facts: Facts, *, workload_high: bool = False) -> Verdict:
        """The first rule that matches decides; nothing matching falls to the defaults.

        With ``workload_high`` (more open questions and complaints than the configured
        capacity), a ``thank`` decision sinks to the sink priority (P9).
        """
        for rule in self.rules:
            reasons = rule.when.matches(facts)
            if reasons:
                verdict = Verdict(
                    rule.then.decision,
                    rule.then.priority,
                    rule.then.team,
                    rule.then.sla,
                    rule.name,
                    tuple(reasons),
                    rule.then.reason,
                )
                break
        else:
            d = self.defaults
            verdict = Verdict(d.decision, d.priority, d.team, d.sla, "defaults", ("no rule matched",), d.reason)
        if (
            workload_high
            and verdict.decision is Decision.THANK
            and PRIORITIES.index(verdict.priority) < PRIORITIES.index(self.sink_priority)
        ):
            return Verdict(
                verdict.decision,
                self.sink_priority,
                verdict.team,
                verdict.sla,
                verdict.rule,
                (*verdict.reasons, "workload high: compliments wait"),
                verdict.reason,
                sunk=True,
            )
        return verdict

    def check_examples(self, analyse: Callable[..., Triage]) -> list[tuple[int, str]]:
        """Run every rule's examples through triage and this schema; the mismatches, with lines."""
        problems: list[tuple[int, str]] = []
        for rule in self.rules:
            for example in rule.examples:
                triage = analyse(example.text, language=example.language, addressing=example.addressing, followers=example.followers)
                facts = self.facts(triage, addressing=example.addressing, channel=example.channel, text=example.text)
                verdict = self.decide(facts)
                if verdict.rule != rule.name:
                    problems.append(
                        (
                            example.line,
                            f"example of rule {rule.name!r} was decided by {verdict.rule!r} "
                            f"(kind={facts.kind}, sentiment={facts.sentiment}, signals={','.join(sorted(facts.signals)) or 'none'}): {example.text!r}",
                        )
                    )
        return problems


# --- reading --------------------------------------------------------------------------------
_CONDITION_KEYS = {"kind", "addressing", "sentiment", "channel", "language", "signal", "followers_at_least", "keywords", "any", "not"}
_ALLOWED = {
    "kind": tuple(k.value for k in Kind),
    "addressing": ADDRESSINGS,
    "sentiment": tuple(s.value for s in Sentiment),
    "language": LANGS,
}


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[tuple[int, str]] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append((node.start_mark.line + 1, message))

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in out:
                self.fail(key, f"{what}: {name!r} is given twice")
            out[name] = (key, value)
        return out

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.value in ("", "~", "null"):
            self.fail(node, f"{what} must be a single value")
            return None
        return str(node.value)

    def values(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, str]]:
        if isinstance(node, yaml.SequenceNode):
            items = node.value
            if not items:
                self.fail(node, f"{what}: the list is empty")
        else:
            items = [node]
        out = []
        for item in items:
            value = self.scalar(item, what)
            if value is not None:
                out.append((item, value))
        return out

    def integer(self, node: yaml.Node, what: str) -> int | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail(node, f"{what} must be a whole number, not {value!r}")
            return None
        if number < 0:
            self.fail(node, f"{what} must not be negative")
            return None
        return number

    def condition(self, node: yaml.Node, where: str) -> Condition:
        fields = self.mapping(node, where)
        if fields is None:
            return Condition()
        values: dict[str, frozenset[str]] = {}
        signals: set[str] = set()
        followers: int | None = None
        keywords: list[str] = []
        any_of: list[Condition] = []
        none_of: list[Condition] = []
        for name, (key, value) in fields.items():
            if name not in _CONDITION_KEYS:
                self.fail(key, f"{where}: unknown condition {name!r} (known: {', '.join(sorted(_CONDITION_KEYS))})")
            elif name in _ALLOWED:
                chosen = set()
                for item, v in self.values(value, f"{where}.{name}"):
                    if v not in _ALLOWED[name]:
                        self.fail(item, f"{where}.{name}: {v!r} is not one of {', '.join(_ALLOWED[name])}")
                    chosen.add(v)
                values[name] = frozenset(chosen)
            elif name == "channel":
                values[name] = frozenset(v for _, v in self.values(value, f"{where}.channel"))
            elif name == "signal":
                for item, v in self.values(value, f"{where}.signal"):
                    if v not in SIGNALS:
                        self.fail(item, f"{where}.signal: {v!r} is not one of {', '.join(SIGNALS)}")
                    signals.add(v)
            elif name == "followers_at_least":
                followers = self.integer(value, f"{where}.followers_at_least")
            elif name == "keywords":
                keywords = [fold(v.lower().replace("ё", "е")) for _, v in self.values(value, f"{where}.keywords")]
            elif name in ("any", "not"):
                if not isinstance(value, yaml.SequenceNode) or not value.value:
                    self.fail(value, f"{where}.{name} must be a list of conditions")
                    continue
                target = any_of if name == "any" else none_of
                target.extend(self.condition(sub, f"{where}.{name}") for sub in value.value)
        return Condition(values, frozenset(signals), followers, tuple(keywords), tuple(any_of), tuple(none_of))

    def outcome(self, node: yaml.Node, where: str, *, partial: bool = False) -> Outcome | None:
        fields = self.mapping(node, where)
        if fields is None:
            return None
        known = {"decision", "priority", "team", "sla", "reason"}
        for name, (key, _) in fields.items():
            if name not in known:
                self.fail(key, f"{where}: unknown field {name!r} (known: {', '.join(sorted(known))})")
        decision: Decision | None = None
        if "decision" in fields:
            raw = self.scalar(fields["decision"][1], f"{where}.decision")
            if raw is not None:
                try:
                    decision = Decision(raw)
                except ValueError:
                    self.fail(fields["decision"][1], f"{where}.decision: {raw!r} is not one of {', '.join(d.value for d in Decision)}")
        elif not partial:
            self.fail(node, f"{where}: a decision is required")
        priority = None
        if "priority" in fields:
            priority = self.scalar(fields["priority"][1], f"{where}.priority")
            if priority is not None and priority not in PRIORITIES:
                self.fail(fields["priority"][1], f"{where}.priority: {priority!r} is not one of {', '.join(PRIORITIES)}")
                priority = None
        text = {name: self.scalar(fields[name][1], f"{where}.{name}") for name in ("team", "sla", "reason") if name in fields}
        if decision is None:
            return None
        return Outcome(decision, priority or "", text.get("team"), text.get("sla"), text.get("reason"))

    def examples(self, node: yaml.Node, where: str) -> list[Example]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{where}.examples must be a list")
            return []
        out = []
        for item in node.value:
            line = item.start_mark.line + 1
            if isinstance(item, yaml.ScalarNode):
                out.append(Example(str(item.value), line))
                continue
            fields = self.mapping(item, f"{where}.examples")
            if fields is None:
                continue
            if "text" not in fields:
                self.fail(item, f"{where}.examples: an example needs a text")
                continue
            unknown = set(fields) - {"text", "addressing", "channel", "language", "followers"}
            for name in sorted(unknown):
                self.fail(fields[name][0], f"{where}.examples: unknown field {name!r}")
            addressing = self.scalar(fields["addressing"][1], "addressing") if "addressing" in fields else "direct"
            if addressing not in ADDRESSINGS:
                self.fail(fields["addressing"][1], f"{where}.examples: addressing {addressing!r} is not one of {', '.join(ADDRESSINGS)}")
                addressing = "direct"
            out.append(
                Example(
                    str(fields["text"][1].value),
                    line,
                    addressing=addressing or "direct",
                    channel=str(fields["channel"][1].value) if "channel" in fields else "",
                    language=str(fields["language"][1].value) if "language" in fields else None,
                    followers=self.integer(fields["followers"][1], "followers") if "followers" in fields else None,
                )
            )
        return out


def parse_schema(text: str, *, source: str = "schema") -> Schema:
    """Read and check a schema; raises :class:`SchemaError` listing every problem with its line."""
    reader = _Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise SchemaError([(line, f"not valid YAML: {exc.problem or exc}")], source=source) from exc
    if root is None:
        raise SchemaError([(1, "the file is empty")], source=source)
    top = reader.mapping(root, "the schema")
    if top is None:
        raise SchemaError(reader.problems, source=source)
    for top_name, (key, _) in top.items():
        if top_name not in {"name", "reach", "workload", "defaults", "rules", "version"}:
            reader.fail(key, f"unknown top-level field {top_name!r}")
    name = reader.scalar(top["name"][1], "name") if "name" in top else "schema"
    high_followers = None
    if "reach" in top:
        reach = reader.mapping(top["reach"][1], "reach") or {}
        if "high_followers" in reach:
            high_followers = reader.integer(reach["high_followers"][1], "reach.high_followers")
    capacity, sink = None, "low"
    if "workload" in top:
        workload = reader.mapping(top["workload"][1], "workload") or {}
        if "capacity" in workload:
            capacity = reader.integer(workload["capacity"][1], "workload.capacity")
        if "sink_priority" in workload:
            sink = reader.scalar(workload["sink_priority"][1], "workload.sink_priority") or "low"
            if sink not in PRIORITIES:
                reader.fail(workload["sink_priority"][1], f"workload.sink_priority: {sink!r} is not one of {', '.join(PRIORITIES)}")
                sink = "low"
    defaults = Outcome(Decision.RESPOND, "normal")
    if "defaults" in top:
        read = reader.outcome(top["defaults"][1], "defaults")
        if read is not None:
            defaults = Outcome(read.decision, read.priority or "normal", read.team, read.sla, read.reason)
    rules: list[Rule] = []
    if "rules" not in top:
        reader.fail(root, "the schema has no rules")
    elif not isinstance(top["rules"][1], yaml.SequenceNode):
        reader.fail(top["rules"][1], "rules must be a list")
    else:
        seen: dict[str, int] = {}
        for number, node in enumerate(top["rules"][1].value, start=1):
            where = f"rule {number}"
            fields = reader.mapping(node, where)
            if fields is None:
                continue
            for field_name, (key, _) in fields.items():
                if field_name not in {"name", "when", "then", "examples"}:
                    reader.fail(key, f"{where}: unknown field {field_name!r} (known: examples, name, then, when)")
            rule_name = reader.scalar(fields["name"][1], f"{where}.name") if "name" in fields else None
            if rule_name is None:
                reader.fail(node, f"{where}: a rule needs a name")
                rule_name = where
            elif rule_name in seen:
                reader.fail(fields["name"][1], f"{where}: the name {rule_name!r} is used by the rule on line {seen[rule_name]} too")
            seen[rule_name] = node.start_mark.line + 1
            where = f"rule {rule_name!r}"
            when = reader.condition(fields["when"][1], f"{where}.when") if "when" in fields else None
            if when is None:
                reader.fail(node, f"{where}: `when` is required")
            then = reader.outcome(fields["then"][1], f"{where}.then") if "then" in fields else None
            if "then" not in fields:
                reader.fail(node, f"{where}: `then` is required")
            examples = reader.examples(fields["examples"][1], where) if "examples" in fields else []
            if when is not None and then is not None:
                outcome = Outcome(then.decision, then.priority or defaults.priority, then.team, then.sla or defaults.sla, then.reason)
                if outcome.decision is Decision.IGNORE and not outcome.reason:
                    reader.fail(fields["then"][1], f"{where}: an ignore decision needs a reason (agents see it)")
                rules.append(Rule(rule_name, when, outcome, node.start_mark.line + 1, tuple(examples)))
    if reader.problems:
        raise SchemaError(sorted(reader.problems), source=source)
    return Schema(
        name=name or "schema",
        rules=tuple(rules),
        defaults=defaults,
        high_followers=high_followers,
        workload_capacity=capacity,
        sink_priority=sink,
        text=text,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        uses_keywords=any(_has_keywords(rule.when) for rule in rules),
    )


def default_schema_text() -> str:
    """The schema otklik ships with."""
    return (resources.files("otklik.triage") / "default_schema.yaml").read_text(encoding="utf-8")


def load_schema(path: Path | None) -> Schema:
    """Read a schema file (the shipped default when ``path`` is None)."""
    if path is None:
        return parse_schema(default_schema_text(), source="default_schema.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError([(1, f"cannot read the file: {exc}")], source=str(path)) from exc
    return parse_schema(text, source=str(path))
