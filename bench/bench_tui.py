"""The app on a catalog-sized store: 50,000 models (the bundled catalog plus synced OpenAI-,
Gemini- and xAI-style lists). Each run is a fresh process driven with Pilot (bench/tui_child.py):
launch to the first screen with the table filled, filter keystrokes and sorts to the repainted
screen, and the process's peak RSS.

    python -m bench.bench_tui [--runs 5] [--models 50000] [--size 160x50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from .common import Result, Sandbox, child_env, cleanup, run_cmd
from .store_bench import build_store


def bench_tui(runs: int, total: int = 50_000, size: tuple[int, int] = (160, 50), sb: Sandbox | None = None) -> list[Result]:
    own = sb is None
    if sb is None:
        sb, desc = build_store(total, price_changes=1)
    else:
        desc = ""
    launch = Result(f"TUI launch to the filled table, {total:,} models", 1.0, note=desc)
    key = Result("TUI filter keystroke to repaint", 0.1)
    sort = Result("TUI sort by another column to repaint", 0.25)
    mem = Result(f"TUI peak RSS, {total:,} models", 250.0, unit="MB")
    env = child_env(sb.env)
    details = []
    for i in range(runs + 1):
        spawned = time.time()
        r = run_cmd([sys.executable, "-m", "bench.tui_child", repr(spawned), str(size[0]), str(size[1])], env=env)
        data = json.loads(r.stdout.strip().splitlines()[-1])
        if i == 0:
            assert data["rows"] > total * 0.9, data
            continue
        launch.samples.append(data["launch"])
        key.samples.append(statistics.median(data["keystroke"]))
        sort.samples.append(statistics.median(data["sort"]))
        mem.samples.append(r.maxrss_mb)
        details.append(data)
    worst_key = max(max(d["keystroke"]) for d in details)
    worst_sort = max(max(d["sort"]) for d in details)
    key.note = f"median per session of 9 keys; slowest single key {worst_key * 1000:.0f} ms"
    sort.note = f"median per session of 6 sorts; slowest {worst_sort * 1000:.0f} ms; app timings of the last run: {details[-1]['app_timings']}"
    launch.note += f"; catalog read in its worker {details[-1]['catalog_read']:.2f} s" if details[-1].get("catalog_read") else ""
    if own:
        cleanup([sb.root])
    return [launch, key, sort, mem]


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--models", type=int, default=50_000)
    ap.add_argument("--size", default="160x50")
    args = ap.parse_args(argv)
    w, h = (int(x) for x in args.size.split("x"))
    results = bench_tui(args.runs, args.models, (w, h))
    from .report import print_table

    print_table(results)
    return results


if __name__ == "__main__":
    main()
