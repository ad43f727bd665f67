"""The group-commit writer: requests answered after their commit, on threads and event loops."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from otklik.bootstrap import Services
from otklik.services.ingest import IngestOutcome
from otklik.store import tables as t
from tests.builders import make_draft


def stored_ids(services: Services, external_ids: list[str]) -> dict[str, int]:
    with services.uow(write=False) as uow:
        rows = uow.connection.execute(select(t.items.c.external_id, t.items.c.id).where(t.items.c.external_id.in_(external_ids)))
        return {row.external_id: int(row.id) for row in rows}


def test_requests_of_an_event_loop_are_answered_after_their_commit(services: Services) -> None:
    async def send(n: int) -> tuple[str, list[IngestOutcome], dict[str, int]]:
        external_id = f"loop-{n}"
        outcomes = await services.writer.store([make_draft(external_id=external_id, author_id=f"a-{n % 3}")])
        return external_id, outcomes, stored_ids(services, [external_id])  # read at once: already committed

    async def main() -> list[tuple[str, list[IngestOutcome], dict[str, int]]]:
        return await asyncio.gather(*(send(n) for n in range(40)))

    answers = asyncio.run(main())
    for external_id, outcomes, in_db in answers:
        assert [o.duplicate for o in outcomes] == [False]
        assert in_db == {external_id: outcomes[0].item_id}
    assert len({outcomes[0].item_id for _, outcomes, _ in answers}) == 40


def test_a_redelivery_is_answered_as_a_duplicate_with_the_stored_ids(services: Services) -> None:
    async def main() -> tuple[list[IngestOutcome], list[IngestOutcome], list[IngestOutcome]]:
        first = await services.writer.store([make_draft(external_id="again")])
        same_time = await asyncio.gather(*(services.writer.store([make_draft(external_id="again")]) for _ in range(2)))
        return first, same_time[0], same_time[1]

    first, second, third = asyncio.run(main())
    assert not first[0].duplicate and second[0].duplicate and third[0].duplicate
    assert first[0].item_id == second[0].item_id == third[0].item_id
    assert first[0].conversation_id == second[0].conversation_id


def test_a_thread_still_gets_a_future(services: Services) -> None:
    outcomes = services.writer.submit([make_draft(external_id="from-a-thread")]).result(timeout=30)
    assert stored_ids(services, ["from-a-thread"]) == {"from-a-thread": outcomes[0].item_id}


def test_a_failed_commit_fails_every_request_of_its_group(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_group: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.writer, "_commit", broken)

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(services.writer.store([make_draft(external_id=f"lost-{n}")]) for n in range(5)), return_exceptions=True
        )

    answers = asyncio.run(main())
    assert all(isinstance(a, RuntimeError) for a in answers)
    thread_future = services.writer.submit([make_draft(external_id="lost-thread")])
    with pytest.raises(RuntimeError, match="disk on fire"):
        thread_future.result(timeout=30)
    monkeypatch.undo()
    assert stored_ids(services, [f"lost-{n}" for n in range(5)]) == {}


def test_a_cancelled_request_does_not_stop_the_others(services: Services) -> None:
    async def main() -> list[IngestOutcome]:
        waiting = asyncio.ensure_future(services.writer.store([make_draft(external_id="given-up")]))
        others = [asyncio.ensure_future(services.writer.store([make_draft(external_id=f"kept-{n}")])) for n in range(3)]
        await asyncio.sleep(0)  # every request is queued
        waiting.cancel()
        return [outcome for request in others for outcome in await request]

    outcomes = asyncio.run(main())
    assert [o.duplicate for o in outcomes] == [False, False, False]
    # A cancelled waiter does not take its items back: they were queued, and are stored.
    assert set(stored_ids(services, ["given-up", "kept-0", "kept-1", "kept-2"])) == {"given-up", "kept-0", "kept-1", "kept-2"}
