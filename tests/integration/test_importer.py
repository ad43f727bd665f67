"""The bulk importer: a reader process validates, this process stores, in chunks and batches."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from otklik.bootstrap import Services
from otklik.services.importer import ImportFailed, import_file
from otklik.store import tables as t
from tests.builders import payload


def _write(path: Path, lines: list[str | bytes]) -> None:
    with path.open("wb") as out:
        for line in lines:
            out.write((line if isinstance(line, bytes) else line.encode()) + b"\n")


def _dump(**kwargs: object) -> str:
    return json.dumps(payload(**kwargs), ensure_ascii=False)  # type: ignore[arg-type]


def test_chunks_and_batches_keep_threads_order_and_line_numbers(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    _write(
        path,
        [
            _dump(external_id="a1", author_id="ola", lang="pl", text="Paczka nie doszła 😡"),
            _dump(external_id="b1", author_id="ivan", lang="ru", text="Где мой заказ??"),
            "[1, 2",
            _dump(external_id="a2", author_id="someone-else", lang="pl", parent="a1", text="@volna mam to samo!!"),
            _dump(external_id="b1", author_id="ivan", lang="ru", text="Где мой заказ??"),  # a repeat in the file
            _dump(external_id="c1", author_id="jim", lang="en", addressing="brand_mention", text="volna shop ships fast tbh"),
            json.dumps({"external_id": "x", "text": "no author"}),
            _dump(external_id="a3", author_id="ola", lang="pl", text="Halo? Nadal czekam"),
        ],
    )
    rejected: list[tuple[int, str]] = []
    progress: list[int] = []
    # Two lines a chunk and three items a transaction: every boundary falls inside the file.
    summary = import_file(
        path,
        source="archive",
        uow_factory=services.uow,
        clock=services.clock,
        batch=3,
        chunk_lines=2,
        on_rejected=lambda line, reason: rejected.append((line, reason)),
        on_progress=progress.append,
    )
    assert (summary.stored, summary.duplicates, summary.rejected) == (5, 1, 2)
    assert [line for line, _ in rejected] == [3, 7]
    assert rejected[0][1].startswith("not valid JSON")
    assert "author" in rejected[1][1] and "created_at" in rejected[1][1]
    assert progress == sorted(progress) and progress[-1] == 8
    with services.engine.connect() as conn:
        rows = {r.external_id: r.conversation_id for r in conn.execute(select(t.items.c.external_id, t.items.c.conversation_id))}
        queued = conn.execute(select(func.count()).select_from(t.triage_queue)).scalar_one()
    assert set(rows) == {"a1", "b1", "a2", "c1", "a3"}
    # a2 answers a1 (stored in an earlier transaction); a3 is ola's again: one conversation.
    assert rows["a1"] == rows["a2"] == rows["a3"]
    assert len({rows["a1"], rows["b1"], rows["c1"]}) == 3
    assert queued == 5  # every stored item waits for triage

    again = import_file(path, source="archive", uow_factory=services.uow, clock=services.clock, batch=3, chunk_lines=2)
    assert (again.stored, again.duplicates, again.rejected) == (0, 6, 2)


def test_a_jsonl_line_that_is_not_utf8_is_one_rejected_line(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    good = [_dump(external_id=f"ok-{n}", author_id=f"u{n}", lang="en", text=f"order #{n} late") for n in range(3)]
    _write(path, [*good, b'{"external_id": "bad", "text": "\xff\xfe"}', _dump(external_id="after", lang="en")])
    rejected: list[tuple[int, str]] = []
    summary = import_file(
        path, source="archive", uow_factory=services.uow, clock=services.clock, on_rejected=lambda n, r: rejected.append((n, r))
    )
    assert (summary.stored, summary.rejected) == (4, 1)
    assert rejected == [(4, "not UTF-8 text")]


def test_a_csv_file_that_stops_being_utf8_fails_and_keeps_what_came_before(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    header = b"external_id,author_id,text,created_at,addressing\n"
    # Enough good rows to fill the reader's first buffer, then a byte that is not UTF-8.
    rows = b"".join(b"r-%d,u%d,late parcel %d,2026-11-20T10:00:00Z,dm\n" % (n, n, n) for n in range(2000))
    path.write_bytes(header + rows + b"r-bad,u,\xff\xfe,2026-11-20T10:00:00Z,dm\n")
    try:
        import_file(path, source="archive", uow_factory=services.uow, clock=services.clock, chunk_lines=500)
    except ImportFailed as exc:
        assert "not UTF-8" in str(exc)
    else:
        raise AssertionError("a CSV file that is not UTF-8 must fail")
    with services.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(t.items)).scalar_one()
    assert 0 < stored <= 2000  # what was read before the failure is stored, nothing after it
