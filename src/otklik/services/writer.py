"""Group commit: one writer thread stores the items of many requests in one transaction.

Each request waits for the commit that holds its items, so a webhook is answered only after
its items are durable, while the database sees a few large transactions instead of one per
request (SQLite allows one writer at a time; WAL checkpoints stall single small commits).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, OperationalError

from otklik.clock import Clock
from otklik.domain.items import ItemDraft
from otklik.services.ingest import IngestOutcome, store_drafts
from otklik.services.ports import UowFactory

log = logging.getLogger(__name__)


@dataclass
class _Request:
    """Drafts, and whoever waits for them: a thread's future, or a task's on its event loop."""

    drafts: Sequence[ItemDraft]
    future: Future[list[IngestOutcome]] | asyncio.Future[list[IngestOutcome]] = field(default_factory=Future)
    loop: asyncio.AbstractEventLoop | None = None


Answer = tuple[_Request, list[IngestOutcome] | BaseException]


def _resolve(answers: list[Answer]) -> None:
    """Resolve the requests' futures (an event loop's in that loop's thread)."""
    for request, answer in answers:
        future = request.future
        if future.done():  # whoever waited gave up (cancelled)
            continue
        if isinstance(answer, BaseException):
            future.set_exception(answer)
        else:
            future.set_result(answer)


class IngestWriter:
    """A single writer thread with group commit. Start it, submit drafts, stop it."""

    def __init__(self, uow_factory: UowFactory, clock: Clock, *, max_batch: int = 256):
        self._uow_factory = uow_factory
        self._clock = clock
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.commits = 0  # how many transactions were committed (for benchmarks)

    def start(self) -> None:
        """Start the writer thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="otklik-ingest-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def submit(self, drafts: Sequence[ItemDraft]) -> Future[list[IngestOutcome]]:
        """Queue drafts; the future resolves after the commit that stores them."""
        future: Future[list[IngestOutcome]] = Future()
        self._put(_Request(drafts, future))
        return future

    async def store(self, drafts: Sequence[ItemDraft]) -> list[IngestOutcome]:
        """Queue drafts and wait, in an event loop, for the commit that stores them.

        The writer wakes the loop once per commit for all its requests there, not once per
        request as a thread's future would (each wake-up is a system call on both sides).
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[IngestOutcome]] = loop.create_future()
        self._put(_Request(drafts, future, loop))
        return await future

    def _put(self, request: _Request) -> None:
        if self._thread is None:
            raise RuntimeError("the ingest writer is not running")
        self._queue.put(request)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            size = len(first.drafts)
            while size < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                group.append(more)
                size += len(more.drafts)
            self._write(group)

    def _write(self, group: list[_Request]) -> None:
        answers: list[Answer]
        try:
            results = self._commit(group)
        except (IntegrityError, OperationalError) as exc:
            # Another process won a race on a unique key, or the database was busy:
            # fall back to one transaction per request so each gets its own answer.
            log.info(
                "group commit of %d requests failed (%s); retrying one by one",
                len(group),
                exc.__class__.__name__,
            )
            answers = [(request, self._write_one(request)) for request in group]
        except Exception as exc:
            answers = [(request, exc) for request in group]
        else:
            answers = list(zip(group, results, strict=True))
        self._answer(answers)

    @staticmethod
    def _answer(answers: list[Answer]) -> None:
        """Wake the waiting requests: threads' futures at once, each event loop once."""
        by_loop: dict[asyncio.AbstractEventLoop, list[Answer]] = {}
        on_threads: list[Answer] = []
        for request, answer in answers:
            if request.loop is None:
                on_threads.append((request, answer))
            else:
                by_loop.setdefault(request.loop, []).append((request, answer))
        _resolve(on_threads)
        for loop, on_loop in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, on_loop)
            except RuntimeError:  # the loop is closed: nobody waits there any more
                log.warning("an event loop closed before %d of its requests were answered", len(on_loop))

    def _commit(self, group: list[_Request]) -> list[list[IngestOutcome]]:
        with self._uow_factory(write=True) as uow:
            now = self._clock.now()
            flat = [d for r in group for d in r.drafts]
            outcomes = store_drafts(flat, uow=uow, now=now)
            uow.commit()
        self.commits += 1
        results: list[list[IngestOutcome]] = []
        start = 0
        for request in group:
            results.append(outcomes[start : start + len(request.drafts)])
            start += len(request.drafts)
        return results

    def _write_one(self, request: _Request) -> list[IngestOutcome] | BaseException:
        """The request in a transaction of its own (up to three tries): its outcomes, or why not."""
        for attempt in range(3):
            try:
                return self._commit([request])[0]
            except (IntegrityError, OperationalError) as exc:
                if attempt == 2:
                    return exc
            except Exception as exc:
                return exc
        raise AssertionError("unreachable")
