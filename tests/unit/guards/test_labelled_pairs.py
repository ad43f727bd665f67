"""The labelled pairs in data/guards: their shape, and the guards' floor on them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PAIRS = ROOT / "data" / "guards" / "pairs.jsonl"
TONE_CODES = {"blame", "argue", "sarcasm", "personal", "shouting", "address"}
KINDS = {"question", "complaint", "compliment", "insult", "comment", "spam"}


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_has_its_shape() -> None:
    rows = _rows()
    assert len({r["id"] for r in rows}) == len(rows)
    counts = Counter(r["lang"] for r in rows)
    assert min(counts["ru"], counts["pl"], counts["en"]) >= 110
    for row in rows:
        assert row["kind"] in KINDS, row["id"]
        assert set(row["tone"]) <= TONE_CODES, row["id"]
        assert all(isinstance(row[k], bool) for k in ("scripted", "personal", "empathy_ok", "language_ok")), row["id"]
        assert isinstance(row["history"], list), row["id"]
        assert row["customer"].strip() and row["reply"].strip(), row["id"]
        assert row["address"] in {None, "vy", "ty", "pan"}, row["id"]
    # Each guard has cases both ways.
    for key in ("scripted", "personal", "empathy_ok", "language_ok"):
        assert {r[key] for r in rows} == {True, False}, key
    assert {code for r in rows for code in r["tone"]} == TONE_CODES
    # A scripted reply has its near-twin in its history.
    assert all(r["history"] for r in rows if r["scripted"])
