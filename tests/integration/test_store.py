"""The store: the SQLite bulk path writes exactly what SQLAlchemy would, and times stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import and_, event, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from otklik.store import tables as t
from otklik.store.bulk import (
    insert_rows,
    insert_tuples,
    select_by_keys,
    select_in,
    sqlite_run,
    sqlite_utc_text,
    sqlite_utc_texts,
    sqlite_utc_value,
)
from otklik.store.engine import make_engine
from otklik.store.ids import allocate_ids


def test_bulk_insert_stores_the_same_values_as_sqlalchemy(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    warsaw = timezone(timedelta(hours=1))
    row = {
        "kind": "resolved",
        "actor": "agent:1",
        "at": datetime(2026, 11, 20, 10, 0, 0, tzinfo=warsaw),  # stored as 09:00 UTC
        "data": {"reason": "сделано ✅", "n": 1},
        "conversation_id": None,
    }
    with engine.begin() as conn:
        conn.execute(insert(t.events), [row])
        insert_rows(conn, t.events, [row])
        raw = conn.exec_driver_sql("SELECT at, data FROM events ORDER BY id").all()
        typed = conn.execute(select(t.events.c.at, t.events.c.data).order_by(t.events.c.id)).all()
    engine.dispose()
    assert raw[0] == raw[1] == ("2026-11-20 09:00:00.000000", '{"reason":"сделано ✅","n":1}')
    assert typed[0] == typed[1] == (datetime(2026, 11, 20, 9, 0, tzinfo=UTC), {"reason": "сделано ✅", "n": 1})


@pytest.mark.parametrize("count", [1, 2, 37, 5000])
def test_bulk_inserts_of_any_size_store_every_row_in_order(sqlite_url: str, count: int) -> None:
    """Rows go in as multi-row INSERTs of power-of-two sizes, at most SQLite's parameter limit each."""
    engine = make_engine(sqlite_url)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rows = [
        {"kind": "note", "actor": f"agent:{n}", "at": start + timedelta(seconds=n), "data": {"n": n}, "conversation_id": None}
        for n in range(count)
    ]
    with engine.begin() as conn:
        insert_rows(conn, t.events, rows)
        insert_tuples(conn, t.events, ("kind", "actor", "at", "data"), [("tuple", r["actor"], r["at"], r["data"]) for r in rows])
        stored = conn.execute(select(t.events.c.kind, t.events.c.actor, t.events.c.at, t.events.c.data).order_by(t.events.c.id)).all()
    engine.dispose()
    expected = [(r["actor"], r["at"], r["data"]) for r in rows]
    assert [tuple(row[1:]) for row in stored[:count]] == expected
    assert [tuple(row[1:]) for row in stored[count:]] == expected
    assert [row.kind for row in stored] == ["note"] * count + ["tuple"] * count


def test_naive_datetimes_are_refused(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with engine.begin() as conn, pytest.raises(Exception, match="naive datetimes"):
        conn.execute(insert(t.events).values(kind="k", actor="a", at=naive, data={}))
    engine.dispose()


_SQLITE = sqlite.dialect()
# Naive bounds: hypothesis adds the time zones itself.
_EARLIEST = datetime(1, 1, 2)  # noqa: DTZ001
_LATEST = datetime(9999, 12, 30)  # noqa: DTZ001
_SQLALCHEMY_UTC = t.items.c.created_at.type.dialect_impl(_SQLITE).bind_processor(_SQLITE)


@given(
    st.datetimes(min_value=_EARLIEST, max_value=_LATEST, timezones=st.timezones()),
)
def test_the_bulk_datetime_text_is_what_sqlalchemy_stores(moment: datetime) -> None:
    assert _SQLALCHEMY_UTC is not None
    assert sqlite_utc_text(moment) == _SQLALCHEMY_UTC(moment)


@given(
    st.lists(
        st.none()
        | st.datetimes(min_value=_EARLIEST, max_value=_LATEST, timezones=st.just(UTC))
        | st.datetimes(min_value=_EARLIEST, max_value=_LATEST, timezones=st.timezones()),
        max_size=20,
    )
)
def test_a_column_of_datetimes_becomes_the_same_texts_as_one_by_one(moments: list[datetime | None]) -> None:
    assert sqlite_utc_texts(moments) == [sqlite_utc_text(m) for m in moments]
    assert sqlite_utc_texts(tuple(moments)) == [sqlite_utc_text(m) for m in moments]


def test_a_column_of_datetimes_refuses_naive_times_and_takes_subclasses() -> None:
    class Moment(datetime):
        pass

    aware = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        sqlite_utc_texts([aware, datetime(2026, 1, 1)])  # noqa: DTZ001 - the point of the test
    subclassed = Moment(2026, 11, 20, 9, 0, 0, 5, tzinfo=UTC)
    assert sqlite_utc_texts([subclassed, None, aware]) == ["2026-11-20 09:00:00.000005", None, "2026-11-20 09:00:00.000000"]


def test_the_bulk_datetime_text_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="naive"):
        sqlite_utc_text(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    assert sqlite_utc_text(None) is None


_SQLALCHEMY_UTC_READ = t.items.c.created_at.type.dialect_impl(_SQLITE).result_processor(_SQLITE, None)


@given(st.datetimes(min_value=_EARLIEST, max_value=_LATEST, timezones=st.timezones()))
def test_the_bulk_datetime_read_is_what_sqlalchemy_reads(moment: datetime) -> None:
    assert _SQLALCHEMY_UTC_READ is not None
    text = sqlite_utc_text(moment)
    read = sqlite_utc_value(text)
    assert read == _SQLALCHEMY_UTC_READ(text) == moment.astimezone(UTC)  # (a time in a DST gap compares oddly across zones)
    assert read is not None and read.tzinfo is UTC


def test_select_by_keys_reads_whole_rows_as_sqlalchemy_does(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    rows = [
        {
            "kind": "note",
            "actor": "agent:1",
            "at": datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            "data": {"text": "Żółć ✅"},
            "conversation_id": None,
        },
        {
            "kind": "note",
            "actor": "agent:2",
            "at": datetime(2026, 10, 25, 0, 59, 59, 999999, tzinfo=UTC),
            "data": [],
            "conversation_id": None,
        },
    ]
    with engine.begin() as conn:
        insert_rows(conn, t.events, rows)
        ids = [row.id for row in conn.execute(select(t.events.c.id))]
        fast = select_by_keys(conn, t.events, "id", [*ids, 999])
        typed = [dict(row) for row in conn.execute(select(t.events).order_by(t.events.c.id)).mappings()]
        some = select_by_keys(conn, t.events, "id", ids, columns=("id", "at", "data"))
        some_typed = [
            dict(row) for row in conn.execute(select(t.events.c.id, t.events.c.at, t.events.c.data).order_by(t.events.c.id)).mappings()
        ]
    engine.dispose()
    assert fast == typed
    assert some == some_typed
    assert [row["data"] for row in fast] == [{"text": "Żółć ✅"}, []]


def test_select_in_finds_what_sqlalchemy_finds(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rows = [
        {"kind": kind, "actor": actor, "at": at, "data": {}, "conversation_id": None} for kind in ("a", "b", "c") for actor in ("x", "y")
    ]
    wanted = [("kind", ["a", "c", "zzz"]), ("actor", ["y"])]
    with engine.begin() as conn:
        insert_rows(conn, t.events, rows)
        fast = select_in(conn, t.events, ["id", "kind", "actor"], wanted)
        c = t.events.c
        typed = conn.execute(select(c.id, c.kind, c.actor).where(and_(c.kind.in_(["a", "c", "zzz"]), c.actor.in_(["y"])))).all()
    engine.dispose()
    assert sorted(tuple(r) for r in fast) == sorted(tuple(r) for r in typed)
    assert [(kind, actor) for _, kind, actor in sorted(fast)] == [("a", "y"), ("c", "y")]


def test_allocated_ids_follow_the_largest_id(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        assert allocate_ids(conn, t.events, 3) == [1, 2, 3]
        insert_rows(
            conn,
            t.events,
            [{"id": 41, "kind": "k", "actor": "a", "at": datetime(2026, 1, 1, tzinfo=UTC), "data": {}, "conversation_id": None}],
        )
        assert allocate_ids(conn, t.events, 2) == [42, 43]
        assert allocate_ids(conn, t.events, 0) is None
    engine.dispose()


def _event_row(id_: int) -> tuple[object, ...]:
    return (id_, "note", "agent:1", "2026-11-20 09:00:00.000000", "{}")


_INSERT_EVENT = "INSERT INTO events (id, kind, actor, at, data) VALUES (?, ?, ?, ?, ?)"


def test_driver_statements_belong_to_the_transaction_and_raise_sqlalchemy_errors(sqlite_url: str) -> None:
    """Statements on the driver's connection are rolled back with the transaction; a broken key is an IntegrityError."""
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        conn.begin()
        sqlite_run(conn, _INSERT_EVENT, _event_row(7))
        assert sqlite_run(conn, "SELECT id, kind FROM events WHERE id = ?", (7,)) == [(7, "note")]
        with pytest.raises(IntegrityError):
            sqlite_run(conn, _INSERT_EVENT, _event_row(7))
        conn.rollback()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 0
    engine.dispose()


def test_statement_listeners_still_see_driver_statements(sqlite_url: str) -> None:
    """With something listening to statements, they go through SQLAlchemy, so it sees every one."""
    engine = make_engine(sqlite_url)
    seen: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    with engine.begin() as conn:
        sqlite_run(conn, _INSERT_EVENT, [_event_row(1), _event_row(2)], many=True)
        assert sqlite_run(conn, "SELECT count(*) FROM events") == [(2,)]
    engine.dispose()
    assert _INSERT_EVENT in seen
    assert "SELECT count(*) FROM events" in seen


def _generic_utc_read(text: str) -> datetime | None:
    """What UtcDateTime read from SQLite before its own processor: SQLAlchemy's parse, then to UTC."""
    parse = sqlite.DATETIME().result_processor(_SQLITE, None)
    assert parse is not None
    return t.UtcDateTime().process_result_value(parse(text), _SQLITE)


@given(st.datetimes(min_value=_EARLIEST, max_value=_LATEST, timezones=st.timezones()))
def test_sqlite_datetimes_read_as_the_generic_path_reads_them(moment: datetime) -> None:
    assert _SQLALCHEMY_UTC_READ is not None
    text = sqlite_utc_text(moment)
    assert text is not None
    read = _SQLALCHEMY_UTC_READ(text)
    assert read == _generic_utc_read(text) and read is not None and read.tzinfo is UTC
    # Text written by other means: with an offset, without a fraction, a date alone.
    for other in (moment.isoformat(" "), text[:19], text[:10], text.replace(" ", "T")):
        assert _SQLALCHEMY_UTC_READ(other) == _generic_utc_read(other), other
    assert _SQLALCHEMY_UTC_READ(None) is None
