"""The response schema: reading with line-numbered errors, deciding, versions by digest."""

from __future__ import annotations

import pytest

from otklik.triage import Kind, Sentiment, Triage, analyse
from otklik.triage.schema import Decision, Facts, SchemaError, load_schema, parse_schema

SMALL = """\
name: small
reach:
  high_followers: 5000
workload:
  capacity: 2
rules:
  - name: vip-complaints
    when: {kind: complaint, signal: high_reach}
    then: {decision: escalate, priority: urgent, team: VIP}
  - name: refunds
    when:
      kind: [question, complaint]
      keywords: [zwrot*, refund*, возврат*]
    then: {decision: respond, priority: high, sla: money}
  - name: not-on-x
    when:
      kind: comment
      not: [{channel: x}]
    then: {decision: ignore, reason: "no answer needed"}
  - name: thanks
    when: {any: [{kind: compliment}, {sentiment: positive}]}
    then: {decision: thank, priority: normal}
"""


def facts(kind: str = "question", **extra: object) -> Facts:
    base: dict[str, object] = {
        "kind": kind,
        "sentiment": "neutral",
        "language": "pl",
        "addressing": "direct",
        "channel": "facebook",
        "signals": frozenset(),
        "followers": None,
        "words": frozenset(),
    }
    base.update(extra)
    return Facts(**base)  # type: ignore[arg-type]


def test_the_first_matching_rule_decides_and_says_why() -> None:
    schema = parse_schema(SMALL)
    verdict = schema.decide(facts("complaint", signals=frozenset({"high_reach"}), words=frozenset({"zwrot"})))
    assert (verdict.decision, verdict.priority, verdict.team, verdict.rule) == (Decision.ESCALATE, "urgent", "VIP", "vip-complaints")
    assert "signal=high_reach" in verdict.reasons

    refund = schema.decide(facts("question", words=frozenset({"zwrotu", "kiedy"})))
    assert (refund.rule, refund.sla) == ("refunds", "money")
    assert "keywords=zwrot*" in refund.reasons


def test_not_any_and_defaults() -> None:
    schema = parse_schema(SMALL)
    assert schema.decide(facts("comment")).decision is Decision.IGNORE
    assert schema.decide(facts("comment", channel="x")).rule == "defaults"
    assert schema.decide(facts("comment", channel="x", sentiment="positive")).rule == "thanks"


def test_workload_mode_sinks_thanks_below_questions() -> None:
    schema = parse_schema(SMALL)
    calm = schema.decide(facts("compliment"))
    busy = schema.decide(facts("compliment"), workload_high=True)
    assert calm.priority == "normal"
    assert (busy.priority, busy.sunk) == ("low", True)
    assert schema.decide(facts("question"), workload_high=True).priority == "normal"


def test_high_reach_comes_from_followers() -> None:
    schema = parse_schema(SMALL)
    triage = Triage("en", Kind.COMPLAINT, 0.9, Sentiment.NEGATIVE, -0.8, urgent=False, outage=False, followers=12_000)
    assert "high_reach" in schema.facts(triage, addressing="direct").signals
    quiet = Triage("en", Kind.COMPLAINT, 0.9, Sentiment.NEGATIVE, -0.8, urgent=False, outage=False, followers=40)
    assert "high_reach" not in schema.facts(quiet, addressing="direct").signals


def test_every_problem_is_reported_with_its_line() -> None:
    broken = """\
name: broken
rules:
  - name: a
    when: {kind: compliant, signal: loud}
    then: {decision: ignor, priority: asap}
  - name: a
    when: {kind: spam}
    then: {decision: ignore}
  - when: {colour: red}
    then: {decision: respond}
"""
    with pytest.raises(SchemaError) as caught:
        parse_schema(broken, source="brand.yaml")
    text = str(caught.value)
    assert "brand.yaml:4: rule 'a'.when.kind: 'compliant' is not one of" in text
    assert "brand.yaml:4: rule 'a'.when.signal: 'loud'" in text
    assert "brand.yaml:5: rule 'a'.then.decision: 'ignor'" in text
    assert "brand.yaml:5: rule 'a'.then.priority: 'asap'" in text
    assert "brand.yaml:6: rule 2: the name 'a' is used by the rule on line 3 too" in text
    assert "brand.yaml:8: rule 'a': an ignore decision needs a reason" in text
    assert "brand.yaml:9: rule 3: a rule needs a name" in text
    assert "unknown condition 'colour'" in text


def test_invalid_yaml_names_its_line() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema("name: x\nrules:\n  - name: [unclosed\n", source="s.yaml")
    assert caught.value.problems[0][0] >= 3


def test_the_digest_changes_with_the_content() -> None:
    assert parse_schema(SMALL).digest == parse_schema(SMALL).digest
    assert parse_schema(SMALL).digest != parse_schema(SMALL + "# note\n").digest


def test_the_shipped_schema_reads_and_its_examples_hold() -> None:
    schema = load_schema(None)
    assert [rule.name for rule in schema.rules][:4] == ["spam", "safety-legal-money", "outage", "insults"]
    assert sum(len(rule.examples) for rule in schema.rules) >= 20
    assert schema.check_examples(analyse) == []


def test_an_example_decided_by_another_rule_is_reported() -> None:
    text = SMALL.replace(
        "    then: {decision: thank, priority: normal}\n",
        '    then: {decision: thank, priority: normal}\n    examples:\n      - "где мой заказ? уже неделю жду, верните деньги"\n',
    )
    problems = parse_schema(text).check_examples(analyse)
    assert len(problems) == 1
    line, message = problems[0]
    assert line == 24
    assert "example of rule 'thanks' was decided by" in message
