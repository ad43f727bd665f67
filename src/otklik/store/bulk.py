"""Bulk inserts on SQLite through the driver's ``executemany``.

SQLAlchemy's per-row parameter handling costs more than SQLite's own work for the wide rows
ingest writes. Here each value still goes through its column type's bind processor (so a
datetime is stored exactly as SQLAlchemy would store it), but rows travel as plain tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect


class _Insert:
    def __init__(self, table: Table, columns: tuple[str, ...], dialect: Dialect):
        quote = dialect.identifier_preparer.quote
        self.columns = columns
        # Names come from our own Table objects, quoted by the dialect; values are parameters.
        self.sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
        # dialect_impl: the SQLite type's own processor (e.g. its fixed datetime format).
        self.processors: list[Callable[[Any], Any] | None] = [
            table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
        ]


@lru_cache(maxsize=32)
def _prepared(table: Table, columns: tuple[str, ...], dialect: Dialect) -> _Insert:
    return _Insert(table, columns, dialect)


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # A batch repeats a few values (its commit time, an item's time) thousands of times.
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = process(value)
            return converted
        except TypeError:  # unhashable (a JSON payload): convert every time
            return process(value)

    return convert


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in one ``executemany`` on SQLite."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        raise ValueError("insert_rows is the SQLite fast path; use SQLAlchemy's insert elsewhere")
    prepared = _prepared(table, tuple(rows[0]), connection.dialect)
    pairs = list(zip(prepared.columns, [_memoised(p) if p else None for p in prepared.processors], strict=True))
    data = [tuple(process(row[name]) if process else row[name] for name, process in pairs) for row in rows]
    connection.exec_driver_sql(prepared.sql, data)
