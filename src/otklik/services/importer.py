"""Bulk import of a JSONL or CSV file: reading and checking in a second process, storing here.

Parsing and validating a line costs about as much as storing it, and SQLite takes one writer
at a time, so the two run side by side: a child process reads the file, validates each line
and flattens the good ones (:func:`~otklik.services.ingest.prepare`); this process stores
them in large transactions (:func:`~otklik.services.ingest.store_prepared`). The child sends
plain tuples in pickled chunks through a bounded queue, so memory stays flat on any file size.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Kept light: the command starts the reader right after importing this module, and the
# storing side (SQLAlchemy and the rest) loads while the reader starts.
if TYPE_CHECKING:
    from otklik.clock import Clock
    from otklik.services.ingest import PreparedItem
    from otklik.services.ports import UowFactory

#: Lines the reader sends at a time: large enough to make the hand-over cheap.
CHUNK_LINES = 2000
#: Chunks in flight; bounds the memory the reader can run ahead by.
QUEUE_CHUNKS = 8
#: How long to wait for the reader before checking it is still alive, in seconds.
_POLL_S = 1.0


class ImportFailed(Exception):
    """The file could not be read to the end (not UTF-8, unreadable, the reader died)."""


@dataclass
class ImportSummary:
    """What an import did."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    lines: int = 0


@dataclass(frozen=True, slots=True)
class _Chunk:
    prepared: list[PreparedItem]
    rejected: list[tuple[int, str]]
    last_line: int


def _send(out: Any, chunk: _Chunk) -> None:
    """Put a chunk on the queue as bytes, pickled in the reader's own thread.

    A queue pickles what it is given in a feeder thread, and only as the storing process
    takes the previous item: that process then waited for each chunk's pickling, and the
    feeder took the reader's GIL from it meanwhile (200,000 items: 26.1 s, the storing
    process idle 9.3 s of them). As bytes, a chunk is ready the moment it is asked for
    (19.5 s, idle 2.8 s).
    """
    out.put(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))


def _read(path: str, source: str, file_format: str | None, chunk_lines: int, out: Any) -> None:
    """The reader process: validate and flatten every line, send chunks, then ``None``."""
    from otklik.channels.files import read_items
    from otklik.services.ingest import prepare

    prepared: list[PreparedItem] = []
    rejected: list[tuple[int, str]] = []
    last = 0
    try:
        for line in read_items(Path(path), source=source, file_format=file_format):
            last = line.line
            if line.draft is None:
                rejected.append((line.line, line.error or "rejected"))
            else:
                prepared.append(prepare(line.draft))
            if len(prepared) + len(rejected) >= chunk_lines:
                _send(out, _Chunk(prepared, rejected, last))
                prepared, rejected = [], []
    except UnicodeDecodeError as exc:
        failure: ImportFailed | None = ImportFailed(f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        failure = ImportFailed(f"cannot read the file: {exc.strerror or exc}")
    else:
        failure = None
    # What was read before a failure is still stored.
    _send(out, _Chunk(prepared, rejected, last))
    out.put(failure)


class FileReader:
    """The reader process for one file, started at once.

    Starting it before anything else is loaded lets its own start (a fresh interpreter
    importing the parser) overlap the caller's; :func:`import_file` takes it over.
    """

    def __init__(self, path: Path, *, source: str, file_format: str | None = None, chunk_lines: int = CHUNK_LINES):
        context = multiprocessing.get_context("spawn")  # no fork: this process may run threads
        self.chunks: Any = context.Queue(maxsize=QUEUE_CHUNKS)
        self.process = context.Process(target=_read, args=(str(path), source, file_format, chunk_lines, self.chunks), daemon=True)
        self.process.start()

    def next_message(self) -> _Chunk | ImportFailed | None:
        """The next chunk, the failure that ended the file, or ``None`` at its end."""
        while True:
            try:
                message: bytes | ImportFailed | None = self.chunks.get(timeout=_POLL_S)
            except queue.Empty:
                if not self.process.is_alive():
                    raise ImportFailed(f"the file reader stopped unexpectedly (exit code {self.process.exitcode})") from None
                continue
            if isinstance(message, bytes):
                chunk: _Chunk = pickle.loads(message)  # noqa: S301 - our own child process's chunk
                return chunk
            return message

    def close(self) -> None:
        """Stop the process if it still runs (the import failed or was interrupted)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def import_file(
    path: Path,
    *,
    source: str,
    uow_factory: UowFactory,
    clock: Clock,
    file_format: str | None = None,
    batch: int = 20_000,
    on_rejected: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    chunk_lines: int = CHUNK_LINES,
    reader: FileReader | None = None,
) -> ImportSummary:
    """Import ``path``; every ``batch`` items are one transaction.

    ``on_rejected(line, reason)`` is called for each bad line, in file order;
    ``on_progress(line)`` after each chunk with the last line read. Items committed before a
    failure stay stored; importing the same file again stores each item once. ``reader`` is
    a :class:`FileReader` already started on ``path`` (one is started otherwise).
    """
    from otklik.services.ingest import store_prepared

    summary = ImportSummary()
    if reader is None:
        reader = FileReader(path, source=source, file_format=file_format, chunk_lines=chunk_lines)
    pending: list[PreparedItem] = []

    def flush() -> None:
        if not pending:
            return
        with uow_factory(write=True) as uow:
            outcomes = store_prepared(pending, uow=uow, now=clock.now())
            uow.commit()
        duplicates = sum(1 for o in outcomes if o.duplicate)
        summary.duplicates += duplicates
        summary.stored += len(outcomes) - duplicates
        pending.clear()

    # Garbage collection passes over a heap full of fresh rows cost a fifth of the time;
    # an import makes no reference cycles worth chasing until it is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while (message := reader.next_message()) is not None:
            if isinstance(message, ImportFailed):
                flush()
                raise message
            for line, reason in message.rejected:
                summary.rejected += 1
                if on_rejected is not None:
                    on_rejected(line, reason)
            pending.extend(message.prepared)
            if len(pending) >= batch:
                flush()
            summary.lines = message.last_line
            if on_progress is not None:
                on_progress(message.last_line)
        flush()
    finally:
        reader.close()
        if collecting:
            gc.enable()
    return summary
