"""Allocating primary keys for bulk inserts on SQLite."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

from otklik.store.bulk import sqlite_run


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int] | None:
    """The next ``count`` ids of ``table`` on SQLite, or None on other databases.

    Safe because every SQLite write transaction here starts with ``BEGIN IMMEDIATE``: no
    other writer can take ids until we commit. It lets a batch insert with a few
    multi-row INSERTs instead of a RETURNING round per row. Other databases use RETURNING.
    """
    if connection.dialect.name != "sqlite" or count == 0:
        return None
    # Raw SQL: building and compiling a SELECT costs several times SQLite's look-up of max(id).
    current = sqlite_run(connection, _max_id(table, connection.dialect))[0][0]
    start = int(current or 0) + 1
    return list(range(start, start + count))


@lru_cache(maxsize=32)
def _max_id(table: Table, dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    return f"SELECT max({quote('id')}) FROM {quote(table.name)}"  # noqa: S608 - names from our Table objects
