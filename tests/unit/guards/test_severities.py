"""Severities a brand sets per guard or rule: checked against the rules that exist, at start."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from otklik.config import Settings
from otklik.guards import (
    DEFAULT_SEVERITIES,
    RULES,
    Draft,
    Guard,
    GuardConfig,
    ReplyContext,
    ReplyIndex,
    Severity,
    check_reply,
    parse_severities,
)
from tests.unit.guards.support import NOW, stub_detect

PAIRS = Path(__file__).resolve().parents[3] / "data" / "guards" / "pairs.jsonl"


def test_overrides_apply_over_the_defaults_and_a_rule_wins_over_its_guard() -> None:
    severities = parse_severities({"tone": "block", "tone.shouting": "hint", "personal.no_name": "warn"})
    config = GuardConfig(severities=severities)
    assert config.severity(Guard.TONE, "blame") is Severity.BLOCK
    assert config.severity(Guard.TONE, "shouting") is Severity.HINT
    assert config.severity(Guard.PERSONAL, "no_name") is Severity.WARN
    assert config.severity(Guard.LENGTH, "too_long") is Severity.BLOCK  # untouched default
    assert parse_severities({}) == dict(DEFAULT_SEVERITIES)


def test_unknown_guards_rules_and_severities_are_named() -> None:
    with pytest.raises(ValueError, match=r"unknown guard or rule 'tonne'; unknown guard or rule 'tone\.rude'; 'late': severity 'loud'"):
        parse_severities({"tonne": "warn", "tone.rude": "block", "late": "loud"})


def test_settings_refuse_bad_guard_settings_at_start() -> None:
    with pytest.raises(ValidationError, match=r"unknown guard or rule 'personal\.no_nam'"):
        Settings(guard_severities={"personal.no_nam": "hint"})
    with pytest.raises(ValidationError, match="address 'vous' for 'ru' is not one of ty, vy"):
        Settings(guard_address={"ru": "vous"})
    with pytest.raises(ValidationError, match="no formal-address choice exists for 'de'"):
        Settings(guard_address={"de": "sie"})
    with pytest.raises(ValidationError, match="at least 1 character: x"):
        Settings(guard_length_limits={"x": 0})
    with pytest.raises(ValidationError, match="guard_window_days"):
        Settings(guard_window_days=0)
    assert Settings(guard_severities={"scripted": "block"}).guard_severities == {"scripted": "block"}


def test_every_rule_the_guards_report_is_listed() -> None:
    """RULES is what severities may name: every code the guards emit is in it, and nothing else."""
    config = GuardConfig()
    seen: set[str] = set()
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, row in enumerate(rows):
        index = ReplyIndex.build([])
        for i, text in enumerate(row["history"]):
            index.add(i, text, NOW - timedelta(days=len(row["history"]) - i))
        context = ReplyContext(
            messages=(row["customer"],),
            language=row["lang"],
            kind=row["kind"],
            channel="telegram",  # a channel where the customer's name is expected
            now=NOW,
            customer_name=row.get("customer_name") or "",
            address=row.get("address"),
            brand_names=(row["brand"], row.get("brand_handle") or ""),
        )
        if n % 5 == 0:  # some answers are late, some channels short
            context = replace(context, late=True, length_limit=120)
        seen |= check_reply(Draft(row["reply"]), context, index=index, config=config, detect=stub_detect).codes()
    listed = {f"{guard.value}.{code}" for guard, codes in RULES.items() for code in codes}
    assert seen == listed
    assert set(RULES) == set(Guard)
