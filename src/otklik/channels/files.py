"""Reading items from JSONL and CSV files in the generic format, line by line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from otklik.channels import generic
from otklik.domain.items import ItemDraft
from otklik.errors import InvalidPayload

# CSV columns that hold the nested author object.
_AUTHOR_COLUMNS = {"author_id": "id", "author_name": "name", "author_handle": "handle"}


@dataclass(frozen=True, slots=True)
class ImportLine:
    """One line of an import file: a draft, or the reason it was rejected."""

    line: int
    draft: ItemDraft | None
    error: str | None


def _csv_row_to_object(row: dict[str, str]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    author: dict[str, str] = {}
    for column, value in row.items():
        if column is None:
            raise InvalidPayload("the row has more cells than the header")
        key = column.strip()
        if key in _AUTHOR_COLUMNS:
            author[_AUTHOR_COLUMNS[key]] = value
        elif value != "":
            obj[key] = int(value) if key == "author_followers" and value.strip().isdigit() else value
    if author:
        obj["author"] = author
    return obj


def read_items(path: Path, *, source: str, file_format: str | None = None) -> Iterator[ImportLine]:
    """Yield each line of ``path`` (``.jsonl`` or ``.csv``) as a draft or an error."""
    kind = file_format or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if kind != "csv":
        yield from _read_jsonl(path, source)
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num
            try:
                yield ImportLine(line, generic.parse_object(source, _csv_row_to_object(row)), None)
            except InvalidPayload as exc:
                yield ImportLine(line, None, _reason(exc))


def _read_jsonl(path: Path, source: str) -> Iterator[ImportLine]:
    # Lines are read as bytes and decoded one by one, so a line that is not UTF-8 is one
    # rejected line, not the end of the file.
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                reason = "not UTF-8 text" if "not valid UTF-8" in str(exc) else f"not valid JSON: {exc}"
                yield ImportLine(number, None, reason)
                continue
            try:
                yield ImportLine(number, generic.parse_object(source, obj), None)
            except InvalidPayload as exc:
                yield ImportLine(number, None, _reason(exc))


def _reason(exc: InvalidPayload) -> str:
    if exc.problems:
        return "; ".join(f"{p.loc}: {p.message}" for p in exc.problems)
    return str(exc)
