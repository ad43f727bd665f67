"""`otklik triage` and `otklik eval` on small JSONL files: output shape, bad lines as file:line: reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from otklik.cli import app, triage_items
from otklik.triage import Kind, Sentiment

FIELDS = ["id", "lang", "kind", "sentiment", "sentiment_score", "urgent", "outage", "abusive", "decision", "evidence"]

ITEMS = [
    {
        "id": "ru-1",
        "text": "третий день нет интернета, вы издеваетесь? верните деньги",
        "lang": "ru",
        "addressing": "direct",
        "channel": "vk",
    },
    {"id": "pl-1", "text": "dzięki za szybką dostawę, wszystko działa 👍", "lang": "pl", "channel": "facebook", "author_followers": 1200},
    {"id": 3, "text": "hey, can I change the delivery address for my order?", "lang": "en-GB", "addressing": "dm"},
]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def otklik(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otklik", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        check=False,
    )


def assert_triage_line(record: dict[str, object]) -> None:
    assert list(record) == FIELDS
    assert record["kind"] in {k.value for k in Kind}
    assert record["sentiment"] in {s.value for s in Sentiment}
    score = record["sentiment_score"]
    assert isinstance(score, float | int)
    assert -1 <= score <= 1
    assert all(isinstance(record[flag], bool) for flag in ("urgent", "outage", "abusive"))
    # The shipped response schema decides: a decision names its rule.
    decision = record["decision"]
    assert isinstance(decision, dict)
    assert decision["decision"] in {"respond", "thank", "ignore", "escalate"}
    assert decision["rule"]
    evidence = record["evidence"]
    assert isinstance(evidence, list)
    for entry in evidence:
        assert set(entry) == {"supports", "rule", "spans", "weight"}
        assert all(set(span) == {"start", "end", "text"} for span in entry["spans"])


def test_triage_writes_one_line_per_item_and_names_bad_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "items.jsonl",
        [
            json.dumps(ITEMS[0], ensure_ascii=False),
            "{broken json",
            json.dumps(ITEMS[1], ensure_ascii=False),
            "",
            json.dumps({"id": "no-text"}),
            json.dumps(ITEMS[2]),
        ],
    )
    result = otklik("triage", str(path))
    assert result.returncode == 1, result.stderr
    assert f"{path}:2: not valid JSON" in result.stderr
    assert f"{path}:5: text: missing" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["ru-1", "pl-1", 3]  # ids come back as given
    for record in records:
        assert_triage_line(record)
    # a language the item states is taken (a regional code too), not detected
    assert [r["lang"] for r in records] == ["ru", "pl", "en"]


def test_triage_reads_standard_input() -> None:
    lines = "\n".join(json.dumps({"id": f"s{n}", "text": item["text"]}, ensure_ascii=False) for n, item in enumerate(ITEMS))
    result = otklik("triage", "-", stdin=lines + "\n[1]\n")
    assert result.returncode == 1
    assert "<stdin>:4: not a JSON object but list" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["s0", "s1", "s2"]
    for record in records:
        assert_triage_line(record)
        assert record["lang"] in {"ru", "pl", "en", "uk", "other"}


def test_triage_of_a_clean_file_exits_0_and_a_missing_one_2(tmp_path: Path) -> None:
    runner = CliRunner()
    path = write_jsonl(tmp_path / "ok.jsonl", [json.dumps(item, ensure_ascii=False) for item in ITEMS])
    ok = runner.invoke(app, ["triage", str(path)])
    assert ok.exit_code == 0, ok.output
    assert len(ok.stdout.splitlines()) == 3
    assert ok.stderr == ""
    missing = runner.invoke(app, ["triage", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
    assert missing.stderr == f"error: {tmp_path / 'nope.jsonl'}: no such file\n"  # one line, however long the path


def test_a_decide_hook_fills_the_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "items.jsonl", [json.dumps(ITEMS[0], ensure_ascii=False)])
    seen = []

    def decide(item: object, triage: object) -> dict[str, str]:
        seen.append((item, triage))
        return {"decision": "respond", "rule": "test"}

    assert triage_items(path, decide=decide) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["decision"] == {"decision": "respond", "rule": "test"}
    assert len(seen) == 1


GOLD = [
    # ids picked for the hash split: ru-0001 and en-0009 fall in "test", the others in "train"
    {
        "id": "ru-0001",
        "lang": "ru",
        "text": "подскажите, до скольки работает офис на Ленина?",
        "kind": "question",
        "sentiment": "neutral",
        "urgent": False,
        "outage": False,
    },
    {
        "id": "ru-0002",
        "lang": "ru",
        "text": "у всех не работает приложение банка, карту заблокировали",
        "kind": "complaint",
        "sentiment": "negative",
        "urgent": True,
        "outage": True,
    },
    {
        "id": "pl-0001",
        "lang": "pl",
        "text": "zajebista obsługa, dzięki!",
        "kind": "compliment",
        "sentiment": "positive",
        "urgent": False,
        "outage": False,
    },
    {"id": "pl-0002", "lang": "pl", "text": "banda złodziei", "kind": "insult", "sentiment": "negative"},
    {"id": "en-0001", "lang": "en", "text": "lol same", "sentiment": "neutral"},
    {
        "id": "en-0009",
        "lang": "en",
        "text": "app crashed again, where is my refund??",
        "kind": "complaint",
        "sentiment": "negative",
        "urgent": False,
        "outage": False,
    },
]


def test_eval_prints_tables_per_language_and_overall(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "gold.jsonl",
        [*(json.dumps(g, ensure_ascii=False) for g in GOLD), json.dumps({"id": "x", "text": "hm", "kind": "rant"})],
    )
    result = CliRunner().invoke(app, ["eval", str(path), "--errors", "10"])
    assert result.exit_code == 1
    assert f"{path}:7: kind: 'rant' is not one of" in result.stderr
    out = result.stdout
    assert out.startswith("6 lines scored (split all; 0 outside it; 1 bad)")
    blocks = ["== language ru ==", "== language pl ==", "== language en ==", "== all languages =="]
    assert [out.index(b) for b in blocks] == sorted(out.index(b) for b in blocks)
    overall = out[out.index("== all languages ==") :]
    assert "kind: n=5 " in overall  # the English "lol same" has no kind: not scored for it
    assert "sentiment: n=6 " in overall
    assert "urgent: n=4 " in overall
    assert "precision  recall     F1  gold  predicted" in overall
    assert "gold \\ predicted" in overall
    assert "macro-F1" in overall
    assert "language detection" not in out


def test_eval_split_and_language_detection(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "gold.jsonl", [json.dumps(g, ensure_ascii=False) for g in GOLD])
    runner = CliRunner()
    test = runner.invoke(app, ["eval", str(path), "--split", "test", "--detect-language"])
    assert test.exit_code == 0, test.output
    assert test.stdout.startswith("2 lines scored (split test; 4 outside it; 0 bad), language detected")
    assert "language detection: n=2  accuracy" in test.stdout
    dev = runner.invoke(app, ["eval", "-", "--split", "dev"], input=path.read_text(encoding="utf-8"))
    assert dev.exit_code == 0, dev.output
    assert dev.stdout.startswith("4 lines scored (split dev; 2 outside it; 0 bad)")


def test_eval_public_reads_the_sets_it_finds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scripts.eval_public import main

    datasets = tmp_path / "datasets"
    (datasets / "tweeteval_en").mkdir(parents=True)
    rows = [
        {"id": "t:s/1", "lang": "en", "split": "test", "task": "sentiment", "text": "love this phone", "sentiment": "pos"},
        {"id": "t:s/2", "lang": "en", "split": "test", "task": "sentiment", "text": "worst day ever", "sentiment": "neg"},
        {"id": "t:s/3", "lang": "en", "split": "dev", "task": "sentiment", "text": "not scored", "sentiment": "neu"},
        {"id": "t:o/1", "lang": "en", "split": "test", "task": "offensive", "text": "you are an idiot", "insult": 1},
        {"id": "t:o/2", "lang": "en", "split": "test", "task": "offensive", "text": "nice weather", "insult": 0},
    ]
    write_jsonl(datasets / "tweeteval_en" / "normalized.jsonl", [json.dumps(r) for r in rows])
    own = tmp_path / "own"
    own.mkdir()
    write_jsonl(own / "ru.jsonl", [json.dumps(GOLD[0], ensure_ascii=False)])
    assert main(["--datasets", str(datasets), "--own-set", str(own), "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "subsample: 1 of 2 test records" in out
    assert "macro-recall (neg/neu/pos)" in out
    assert "target ≥ 68" in out
    assert "predicted offensive = kind insult, or abusive language whatever the kind" in out
    assert "items/s" in out
    assert f"skipped: {datasets / 'rusentiment_ru' / 'normalized.jsonl'} not found" in out
    assert "own set, ru" in out
    assert main(["--datasets", str(tmp_path / "absent"), "--own-set", str(tmp_path / "absent")]) == 0
    assert f"public sets skipped: {tmp_path / 'absent'} not found" in capsys.readouterr().out
