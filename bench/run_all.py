"""Every benchmark, one table (Markdown) at the end.

    python -m bench.run_all [--runs 5] [--skip tui,pricing,...]

Takes about 10 minutes on the 2-core reference machine. Nothing touches the network or the
real user directories: each benchmark makes its own temporary HOME/XDG dirs, config and store,
and starts the loopback provider server from tests/e2e/fakeserver.py.
"""

from __future__ import annotations

import argparse
import os
import time

from .common import Result


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5, help="measured runs per figure (after one warm-up)")
    ap.add_argument("--skip", default="", help="comma-separated: help, read, facts, sync, syncall, pricing, tui")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    results: list[Result] = []
    start = time.time()
    load_before = os.getloadavg()[0]
    if "help" not in skip:
        from .bench_cli import bench_help

        results += bench_help(max(15, args.runs * 3))
    if "read" not in skip:
        from .store_bench import bench_read_commands

        results += bench_read_commands(args.runs + 2)
    if "facts" not in skip:
        from .store_bench import bench_facts_list

        results += bench_facts_list(args.runs + 2)
    if "sync" not in skip:
        from .bench_sync import bench_big_sync

        results += bench_big_sync(args.runs, 10_000)
    if "syncall" not in skip:
        from .bench_sync import bench_sync_all

        results.append(bench_sync_all(args.runs))
        results.append(bench_sync_all(args.runs, with_xai=True))
    if "pricing" not in skip:
        from .bench_pricing import bench_pricing

        results += bench_pricing(args.runs)
    if "tui" not in skip:
        from .bench_tui import bench_tui

        results += bench_tui(args.runs)
    from .report import print_table

    print_table(results)
    print(f"\n{time.time() - start:.0f} s; load average (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    return results


if __name__ == "__main__":
    main()
