"""The store: the SQLite bulk path writes exactly what SQLAlchemy would, and times stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select

from otklik.store import tables as t
from otklik.store.bulk import insert_rows
from otklik.store.engine import make_engine


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


def test_naive_datetimes_are_refused(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with engine.begin() as conn, pytest.raises(Exception, match="naive datetimes"):
        conn.execute(insert(t.events).values(kind="k", actor="a", at=naive, data={}))
    engine.dispose()
