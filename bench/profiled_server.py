"""``python -m bench.profiled_server --profile DIR <otklik args>``: otklik under cProfile.

Runs the ``otklik`` command line (normally ``serve``) in this process with cProfile on the
event-loop (main) thread and on the ingest writer thread; each profile is written to ``DIR``
when the server stops on SIGINT. The event loop's profile starts at SIGUSR1 (send it after
the warm-up, so start-up imports stay out of it).
"""

from __future__ import annotations

import argparse
import cProfile
import signal
import sys
import threading
from pathlib import Path

WRITER_THREAD = "otklik-ingest-writer"


def _profile_writer_thread(directory: Path) -> None:
    original = threading.Thread.run

    def run(self: threading.Thread) -> None:
        if self.name != WRITER_THREAD:
            original(self)
            return
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()
            profiler.dump_stats(directory / "writer.prof")

    threading.Thread.run = run  # type: ignore[method-assign]


def main() -> None:
    """Profile, then hand the remaining arguments to otklik's CLI."""
    parser = argparse.ArgumentParser(prog="python -m bench.profiled_server")
    parser.add_argument("--profile", type=Path, required=True, help="write event_loop.prof and writer.prof here")
    args, rest = parser.parse_known_args()
    from otklik.cli import main as otklik_main

    sys.argv = ["otklik", *rest]
    _profile_writer_thread(args.profile)
    profiler = cProfile.Profile()
    signal.signal(signal.SIGUSR1, lambda _signum, _frame: profiler.enable())
    try:
        otklik_main()
    finally:
        profiler.disable()
        profiler.dump_stats(args.profile / "event_loop.prof")


if __name__ == "__main__":
    main()
