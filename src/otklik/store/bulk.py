"""Bulk inserts, updates and look-ups on SQLite through the driver.

SQLAlchemy's per-row parameter handling costs more than SQLite's own work for the wide rows
ingest writes. Here values are converted a column at a time (``map`` over one converter, not
a branch per value), and rows travel to the driver as plain tuples, inserted with multi-row
``INSERT … VALUES`` statements. Every converter writes exactly what SQLAlchemy's own bind
processor for the column would (tests hold them equal). Statements run on the driver's own
connection (:func:`sqlite_run`). :func:`insert_rows` and :func:`update_rows` take the same rows
on other databases and hand them to SQLAlchemy, so callers need no branch of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table, bindparam, insert, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from otklik.store.tables import UtcDateTime

Converter = Callable[[Any], Any]
#: Converts a column's values at once (a list in, a list out).
ColumnConverter = Callable[[Sequence[Any]], list[Any]]


def sqlite_utc_text(value: datetime | None) -> str | None:
    """An aware datetime as the text SQLite stores for :class:`UtcDateTime` (UTC, naive, µs)."""
    if value is None:
        return None
    zone = value.tzinfo
    if zone is not UTC:
        if zone is None:
            raise ValueError("naive datetimes are not stored; pass a timezone-aware one")
        value = value.astimezone(UTC)
    # SQLAlchemy's SQLite format is "%Y-%m-%d %H:%M:%S.%f": isoformat writes it in C, and the
    # first 26 characters drop the "+00:00" (years are always four digits).
    return value.isoformat(" ", "microseconds")[:26]


def sqlite_utc_texts(values: Sequence[datetime | None]) -> list[str | None]:
    """:func:`sqlite_utc_text` of each value, a column at a time.

    ``isoformat`` formats each field through ``printf``; orjson writes a whole list of
    datetimes about ten times cheaper, and its RFC 3339 text (``2026-11-20T09:15:00.000001+00:00``,
    the fraction left out when it is zero) is cut into SQLite's. Values in other zones, and
    naive ones (refused), take :func:`sqlite_utc_text`.
    """
    if not values:
        return []
    try:
        tokens = orjson.dumps(values).decode()[1:-1].split(",")
    except TypeError:  # a datetime subclass orjson does not know
        return [sqlite_utc_text(value) for value in values]
    texts: list[str | None] = []
    for value, token in zip(values, tokens, strict=True):
        if value is None:
            texts.append(None)
        elif value.tzinfo is not UTC:
            texts.append(sqlite_utc_text(value))
        elif len(token) == 34:  # "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" in quotes
            texts.append(f"{token[1:11]} {token[12:27]}")
        else:  # "YYYY-MM-DDTHH:MM:SS+00:00": no fraction
            texts.append(f"{token[1:11]} {token[12:20]}.000000")
    return texts


def sqlite_utc_value(text: str | None) -> datetime | None:
    """The aware UTC datetime :class:`UtcDateTime` reads back from SQLite's text."""
    return None if text is None else datetime.fromisoformat(text + "+00:00")


def sqlite_run(connection: Connection, sql: str, parameters: Sequence[Any] = (), *, many: bool = False) -> list[Any]:
    """Run ``sql`` on SQLite in the connection's open transaction; the rows it returns.

    SQLAlchemy's execution (context, events, result object) costs about ten times SQLite's own
    work for the small statements of a group commit, so they go to the driver's connection.
    When something listens to statements (or echo is on), or no transaction is open (which
    SQLAlchemy would begin), they go through ``exec_driver_sql`` as before. Driver errors are
    raised as SQLAlchemy's (``IntegrityError``, ``OperationalError``…).
    """
    dispatch = connection.dispatch
    if connection.engine.echo or not connection.in_transaction() or dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        if many:
            connection.exec_driver_sql(sql, list(parameters))
            return []
        result = connection.exec_driver_sql(sql, tuple(parameters))
        return list(result.all()) if result.returns_rows else []
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a pooled connection always has one
        raise RuntimeError("the connection has no driver connection")
    try:
        if many:
            driver.executemany(sql, parameters)
            return []
        return list(driver.execute(sql, parameters).fetchall())
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect) from exc


#: Most parameters one statement takes (SQLite's limit since 3.32).
MAX_PARAMETERS = 32_766


class _Insert:
    def __init__(self, table: Table, columns: tuple[str, ...], dialect: Dialect):
        quote = dialect.identifier_preparer.quote
        self.columns = columns
        # Names come from our own Table objects, quoted by the dialect; values are parameters.
        self._head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
        self._row = f"({', '.join('?' for _ in columns)})"
        self._sql: dict[int, str] = {}
        self.converters: list[ColumnConverter | None] = [_converter(table, c, dialect) for c in columns]
        # The largest power of two of rows whose values fit in one statement.
        self.max_rows = 1 << ((MAX_PARAMETERS // len(columns)).bit_length() - 1)

    def sql(self, rows: int) -> str:
        """The INSERT of ``rows`` rows."""
        sql = self._sql.get(rows)
        if sql is None:
            sql = self._sql[rows] = self._head + ", ".join([self._row] * rows)
        return sql

    def execute(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Insert converted ``rows``: one multi-row INSERT per power-of-two chunk.

        ``executemany`` steps SQLite once per row, and each step lets go of the GIL and takes it
        back, which costs the writer a wait whenever the event loop holds it meanwhile; a batch of
        n rows takes log2(n) statements here. Powers of two keep the statements SQLite prepares
        (and caches per connection) few.
        """
        start, total = 0, len(rows)
        while start < total:
            size = min(self.max_rows, 1 << ((total - start).bit_length() - 1))
            chunk = rows[start : start + size]
            # chain flattens in C, twice as fast as a generator over the rows' values.
            sqlite_run(connection, self.sql(size), tuple(chain.from_iterable(chunk)))
            start += size


def _converter(table: Table, column: str, dialect: Dialect) -> ColumnConverter | None:
    column_type = table.c[column].type
    if isinstance(column_type, UtcDateTime):
        return sqlite_utc_texts
    # dialect_impl: the SQLite type's own processor (e.g. JSON's serializer).
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    return lambda values: list(map(process, values))


@lru_cache(maxsize=32)
def _prepared(table: Table, columns: tuple[str, ...], dialect: Dialect) -> _Insert:
    return _Insert(table, columns, dialect)


def _as_tuples(rows: Sequence[dict[str, Any]], names: Sequence[str], converters: Sequence[ColumnConverter | None]) -> list[tuple[Any, ...]]:
    """The rows' values in the order of ``names``, converted a column at a time."""
    columns: list[Any] = []
    for name, convert in zip(names, converters, strict=True):
        values = [row[name] for row in rows]
        columns.append(values if convert is None else convert(values))
    return list(zip(*columns, strict=True))


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys): on SQLite a few multi-row INSERTs, elsewhere SQLAlchemy's ``executemany``."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    prepared = _prepared(table, tuple(rows[0]), connection.dialect)
    prepared.execute(connection, _as_tuples(rows, prepared.columns, prepared.converters))


def insert_tuples(
    connection: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
    *,
    stored_as_is: frozenset[str] = frozenset(),
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) on SQLite, a few multi-row INSERTs for them all.

    Columns named in ``stored_as_is`` already hold what the database stores (a JSON text, a
    time already formatted) and skip their converter.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        raise ValueError("insert_tuples is the SQLite fast path; use SQLAlchemy's insert elsewhere")
    prepared = _prepared(table, columns, connection.dialect)
    converters = [None if name in stored_as_is else convert for name, convert in zip(columns, prepared.converters, strict=True)]
    if any(converters):
        transposed: list[Any] = list(zip(*rows, strict=True))
        for index, convert in enumerate(converters):
            if convert is not None:
                transposed[index] = convert(transposed[index])
        rows = list(zip(*transposed, strict=True))
    prepared.execute(connection, rows)


@lru_cache(maxsize=32)
def _prepared_update(table: Table, key: str, columns: tuple[str, ...], dialect: Dialect) -> tuple[str, list[ColumnConverter | None]]:
    quote = dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(c)} = ?" for c in columns)
    sql = f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key)} = ?"  # noqa: S608 - names from our Table objects
    return sql, [_converter(table, c, dialect) for c in (*columns, key)]


def update_rows(connection: Connection, table: Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """Update rows found by ``key`` (each dict holds the key and the same other columns) in one ``executemany``.

    On SQLite a prepared raw statement; elsewhere SQLAlchemy's, the key bound under another name
    (a column's own name is taken by its new value).
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        columns = [name for name in rows[0] if name != key]
        where = table.c[key] == bindparam(f"_{key}")
        statement = update(table).where(where).values({name: bindparam(name) for name in columns})
        connection.execute(statement, [{f"_{key}": row[key], **{name: row[name] for name in columns}} for row in rows])
        return
    names = tuple(name for name in rows[0] if name != key)
    sql, converters = _prepared_update(table, key, names, connection.dialect)
    sqlite_run(connection, sql, _as_tuples(rows, (*names, key), converters), many=True)


#: Most values one ``IN`` list carries (SQLite allows 32,766 parameters a statement).
IN_LIST_MAX = 10_000


@lru_cache(maxsize=32)
def _prepared_select(
    table: Table, key: str, dialect: Dialect, names: tuple[str, ...] | None
) -> tuple[str, tuple[str, ...], list[Converter | None]]:
    quote = dialect.identifier_preparer.quote
    names = names or tuple(column.name for column in table.c)
    converters: list[Converter | None] = []
    for column in (table.c[name] for name in names):
        if isinstance(column.type, UtcDateTime):
            converters.append(sqlite_utc_value)
        elif isinstance(column.type, JSON):
            converters.append(orjson.loads)
        else:
            converters.append(None)
    sql = f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(table.name)} WHERE {quote(key)} IN "  # noqa: S608 - names from our Table objects
    return sql, names, converters


def select_by_keys(
    connection: Connection, table: Table, key: str, values: Collection[Any], *, columns: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """Rows of ``table`` whose ``key`` is one of ``values``, as dicts of typed values, on SQLite.

    Whole rows, or only ``columns``. Reads what SQLAlchemy would (tests hold them equal)
    without its per-value result processing, which costs more than the query when thousands
    of wide rows come back.
    """
    if connection.dialect.name != "sqlite":
        raise ValueError("select_by_keys is the SQLite fast path; use SQLAlchemy's select elsewhere")
    sql, names, converters = _prepared_select(table, key, connection.dialect, columns)
    ordered = sorted(values)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ordered), IN_LIST_MAX):
        chunk = ordered[start : start + IN_LIST_MAX]
        raw = sqlite_run(connection, sql + "(" + ", ".join("?" * len(chunk)) + ")", tuple(chunk))
        if not raw:
            continue
        read: list[Any] = list(zip(*raw, strict=True))
        for index, convert in enumerate(converters):
            if convert is not None:
                read[index] = [None if v is None else convert(v) for v in read[index]]
        rows.extend(dict(zip(names, values, strict=True)) for values in zip(*read, strict=True))
    return rows


def select_in(
    connection: Connection, table: Table, columns: Sequence[str], where_in: Sequence[tuple[str, Collection[Any]]]
) -> Sequence[Sequence[Any]]:
    """``columns`` of the rows of ``table`` whose every named column holds one of its values, on SQLite.

    Values come back as the driver reads them, unconverted: meant for keys (text, integers).
    Building and compiling the same query with SQLAlchemy costs more than SQLite's look-up.
    """
    if connection.dialect.name != "sqlite":
        raise ValueError("select_in is the SQLite fast path; use SQLAlchemy's select elsewhere")
    quote = connection.dialect.identifier_preparer.quote
    conditions = " AND ".join(f"{quote(name)} IN ({', '.join('?' * len(values))})" for name, values in where_in)
    sql = f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} WHERE {conditions}"  # noqa: S608 - names from our Table objects
    return sqlite_run(connection, sql, tuple(value for _, values in where_in for value in values))
