"""``python -m bench [--quick] [ingest|import|inbox|guards|triage|channels|sla ...]``: run benchmarks and print figures.

Results go to stdout as tables and to ``bench/out/results.json``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable

from bench.report import BenchResult, machine, render, write_json

BENCHMARKS = ("ingest", "import", "inbox", "guards", "triage", "channels", "sla")


def _runner(name: str, args: argparse.Namespace) -> Callable[[], BenchResult]:
    if name == "ingest":
        from bench import ingest

        return lambda: ingest.run(quick=args.quick, client=args.client, diagnose=not args.no_diagnose)
    if name == "import":
        from bench import bulk_import

        return lambda: bulk_import.run(quick=args.quick, profile=not args.no_diagnose)
    if name in ("triage", "guards", "channels", "sla"):
        module = importlib.import_module(f"bench.{name}")
        return lambda: module.run(quick=args.quick)
    from bench import inbox

    return lambda: inbox.run(quick=args.quick, sizes=args.sizes)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the chosen benchmarks, print and save their figures."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("benchmarks", nargs="*", metavar="BENCHMARK", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller runs (about a minute in all)")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw", help="HTTP client of the ingest load (default: raw asyncio)")
    parser.add_argument("--no-diagnose", action="store_true", help="skip the diagnostic runs (profiles, 2-process run)")
    parser.add_argument(
        "--sizes", type=lambda s: [int(x) for x in s.split(",")], default=None, help="inbox sizes in items, e.g. 100000,1000000"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.benchmarks) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    chosen = args.benchmarks or list(BENCHMARKS)
    results: list[BenchResult] = []
    started = time.perf_counter()
    info = machine()
    print(
        f"otklik @ {info['commit']} (+{info['uncommitted_files']} uncommitted files), Python {info['python']}, SQLite {info['sqlite']}, {info['cpus']} CPUs, HTTP stack: {info['http_stack']}\n"
    )
    for name in chosen:
        print(f"running {name}…", file=sys.stderr, flush=True)
        result = _runner(name, args)()
        results.append(result)
        print(render(result) + "\n", flush=True)
        write_json(results, quick=args.quick, info=info)
    path = write_json(results, quick=args.quick, info=info)
    print(f"all done in {time.perf_counter() - started:.0f} s; figures in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
