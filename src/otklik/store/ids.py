"""Allocating primary keys for bulk inserts on SQLite."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int] | None:
    """The next ``count`` ids of ``table`` on SQLite, or None on other databases.

    Safe because every SQLite write transaction here starts with ``BEGIN IMMEDIATE``: no
    other writer can take ids until we commit. It lets a batch insert with one
    ``executemany`` instead of a RETURNING round per row. Other databases use RETURNING.
    """
    if connection.dialect.name != "sqlite" or count == 0:
        return None
    current = connection.execute(select(func.max(table.c.id))).scalar()
    start = int(current or 0) + 1
    return list(range(start, start + count))
