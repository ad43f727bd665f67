"""`otklik import` on JSONL and CSV: stored once, bad lines named as file:line: reason."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select

from otklik.store import tables as t
from tests.builders import payload


def otklik(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otklik", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "OTKLIK_ENVIRONMENT": "test"},
        check=False,
    )


def test_jsonl_import_reports_bad_lines_and_dedupes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "items.jsonl"
    lines = [
        json.dumps(payload(external_id="1", lang="ru"), ensure_ascii=False),
        "{broken json",
        json.dumps(payload(external_id="2", lang="pl", parent="1"), ensure_ascii=False),
        "",
        json.dumps({k: v for k, v in payload(external_id="3").items() if k != "created_at"}),
        json.dumps(payload(external_id="4", lang="en")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = otklik("import", str(path), "--source", "archive", data_dir=data)
    assert first.returncode == 1, first.stderr
    assert f"{path}:2: not valid JSON" in first.stderr
    assert f"{path}:5: created_at: Field required" in first.stderr
    assert "3 stored, 0 duplicates, 2 rejected" in first.stdout
    again = otklik("import", str(path), "--source", "archive", data_dir=data)
    assert "0 stored, 3 duplicates, 2 rejected" in again.stdout
    engine = create_engine(f"sqlite:///{data / 'otklik.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.items)).scalar_one() == 3
        convs = conn.execute(select(t.items.c.external_id, t.items.c.conversation_id).order_by(t.items.c.external_id)).all()
    engine.dispose()
    assert convs[0].conversation_id == convs[1].conversation_id  # "2" answers "1"


def test_csv_import_with_author_columns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "items.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["external_id", "author_id", "author_name", "author_handle", "text", "created_at", "addressing", "account", "author_followers"]
        )
        writer.writerow(
            [
                "r-1",
                "a1",
                "Zofia Wiśniewska",
                "@zosia",
                "Świetna obsługa, dziękuję! 🙌",
                "2026-11-20T10:00:00+01:00",
                "review",
                "Volna Kraków",
                "120",
            ]
        )
        writer.writerow(["r-2", "a2", "John", "@john", "where is my refund, line\nbreak inside", "2026-11-20T10:05:00Z", "dm", "", ""])
        writer.writerow(["r-3", "a3", "Bad", "@bad", "no time", "yesterday", "dm", "", ""])
    result = otklik("import", str(path), "--source", "reviews", data_dir=data)
    assert f"{path}:5: created_at:" in result.stderr  # the line number counts the quoted line break
    assert "2 stored, 0 duplicates, 1 rejected" in result.stdout
    engine = create_engine(f"sqlite:///{data / 'otklik.db'}")
    with engine.connect() as conn:
        row = conn.execute(select(t.items).where(t.items.c.external_id == "r-1")).mappings().one()
    engine.dispose()
    assert (row["author_name"], row["author_followers"], row["addressing"]) == ("Zofia Wiśniewska", 120, "review")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = otklik("import", str(tmp_path / "nope.jsonl"), data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "nope.jsonl: no such file" in result.stderr
