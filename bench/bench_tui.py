"""The app on a catalog-sized store: 50,000 models (the bundled catalog plus synced OpenAI-,
Gemini- and xAI-style lists). Each run is a fresh process driven with Pilot (bench/tui_child.py):
launch to the first frame with the table filled (and to the frame with the whole catalog
loaded), filter keystrokes and sorts to the frame that answers them, and the process's peak RSS.
Pilot's own round trip (press + pause until idle) is reported next to the frame times.

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
    complete = Result(f"TUI launch to the whole catalog in memory, {total:,} models", None)
    key = Result("TUI filter keystroke to repaint", 0.1)
    sort = Result("TUI sort by another column to repaint", 0.25)
    mem = Result(f"TUI peak RSS, {total:,} models", 250.0, unit="MB")
    key_rt: list[float] = []
    sort_rt: list[float] = []
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
        complete.samples.append(data["complete"])
        key.samples.append(statistics.median(data["keystroke"]))
        sort.samples.append(statistics.median(data["sort"]))
        key_rt.append(statistics.median(data["keystroke_roundtrip"]))
        sort_rt.append(statistics.median(data["sort_roundtrip"]))
        mem.samples.append(data["maxrss_mb"])  # the app's own peak: r.maxrss_mb includes this process's (see tui_child)
        details.append(data)
    worst_key = max(max(d["keystroke"]) for d in details)
    worst_sort = max(max(d["sort"]) for d in details)
    ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
    key.note = (f"key press to the last frame it caused, median per session of 9 keys; slowest single key {ms(worst_key)}; "
                f"Pilot round trip (press + pause until idle) median {ms(statistics.median(key_rt))}")
    sort.note = (f"median per session of 6 sorts; slowest {ms(worst_sort)}; Pilot round trip median {ms(statistics.median(sort_rt))}; "
                 f"app timings of the last run: {{{', '.join(f'{k}: {ms(v)}' for k, v in details[-1]['app_timings'].items())}}}")
    read = f"catalog read in its worker {details[-1]['catalog_read']:.2f} s" if details[-1].get("catalog_read") else ""
    launch.note = "; ".join(x for x in (launch.note, "spawn to the first frame with rows", read) if x)
    complete.note = "first frame after the last rows arrived (informative: the app shows the first screenful before)"
    if own:
        cleanup([sb.root])
    return [launch, complete, key, sort, mem]


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
