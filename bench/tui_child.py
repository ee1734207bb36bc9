"""One measured app session (run by bench/bench_tui.py in a fresh process, like a user's launch).

argv: spawn-time (time.time() in the parent just before it started this process), width, height.
Prints one JSON line with:

- launch: spawn -> the first frame the app renders with rows in the table;
- complete: spawn -> the first frame rendered once the whole catalog is in memory (the app may
  show the first screenful of models before the rest is read);
- keystroke / sort: key press -> the last frame rendered in answer to it;
- keystroke_roundtrip / sort_roundtrip: `pilot.press(key)` + `pilot.pause()`, i.e. until Pilot
  judges the process idle (its `wait_for_idle` sleeps in 20 ms steps at least three times per
  key, and waits for any other thread's work too), which is what this benchmark reported first;
- the app's own timings;
- maxrss_mb: this process's own peak resident memory (see `peak_rss_mb`).

The filter box's cursor does not blink during the keys (a blink frame would count as an answer).

A frame is timed where Textual hands the compositor's update to the driver (`App._display`). The
headless driver that Pilot uses drops it; here it is also converted to the escape sequences a
terminal would receive, so that cost is counted too.

The store and config come from the environment (AISYNC_CONFIG, AISYNC_DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any


def _frame_hook(app: Any, spawned: float, marks: dict[str, float], frames: list[float]) -> None:
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is None:
            return
        renderable.render_segments(app.console)  # what a real driver writes to the terminal
        now = time.perf_counter()
        frames.append(now)
        main = app.main
        if main is None:
            return
        if "launch" not in marks and main.table.rows:
            marks["launch"] = time.time() - spawned
        if "complete" not in marks and getattr(main, "complete", main.loaded) and main.table.rows:
            marks["complete"] = time.time() - spawned

    app._display = timed_display


async def _timed_press(pilot: Any, key: str, frames: list[float]) -> tuple[float, float]:
    """(key -> last frame, key -> Pilot's idle) in seconds."""
    frames.clear()
    start = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    end = time.perf_counter()
    return (frames[-1] - start if frames else end - start), end - start


async def session(spawned: float, size: tuple[int, int]) -> dict[str, object]:
    import argparse

    from aisync_tui.cli import Context
    from aisync_tui.tui.app import AisyncApp

    ctx = Context(argparse.Namespace(config=None, db=None))
    app = AisyncApp(ctx.settings, ctx.store())  # what run_app() builds
    marks: dict[str, float] = {}
    frames: list[float] = []
    _frame_hook(app, spawned, marks, frames)
    out: dict[str, object] = {}
    async with app.run_test(size=size) as pilot:
        while "complete" not in marks:
            await asyncio.sleep(0.002)
        out.update(marks)
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["rows"] = len(app.main.table.rows)

        keys, keys_rt = [], []
        # No cursor blink in the filter box: a blink frame inside a key's round trip would be
        # timed as the answer to that key.
        from aisync_tui.tui.screens.main import FilterInput

        app.main.query_one(FilterInput).cursor_blink = False
        await pilot.press("slash")
        await pilot.pause()
        for key in ("g", "p", "t", "-", "4", "backspace", "backspace", "backspace", "o"):
            frame, roundtrip = await _timed_press(pilot, key, frames)
            keys.append(frame)
            keys_rt.append(roundtrip)
        out["filtered_rows"] = len(app.main.table.rows)
        out["keystroke"], out["keystroke_roundtrip"] = keys, keys_rt
        await pilot.press("escape")  # clear the filter, back to the table
        await pilot.pause()
        sorts, sorts_rt = [], []
        for _ in range(6):  # model -> provider -> type -> ... (each a first sort of 50,000 rows by that column)
            frame, roundtrip = await _timed_press(pilot, "s", frames)
            sorts.append(frame)
            sorts_rt.append(roundtrip)
        out["sort"], out["sort_roundtrip"] = sorts, sorts_rt
        out["app_timings"] = dict(getattr(app.main, "last_timing", {}))
        out["catalog_read"] = app.catalog_seconds
        await pilot.press("q")
    return out


def main() -> None:
    spawned = float(sys.argv[1])
    size = (int(sys.argv[2]), int(sys.argv[3]))
    result = asyncio.run(session(spawned, size))
    result["maxrss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB: VmHWM, the high-water mark of the address
    space the app ran in. Not `ru_maxrss`: Python starts a child with vfork, the child runs in the
    parent's address space until exec, and Linux folds that space's peak into the child's
    ru_maxrss. The parent here built the 50,000-model store first, so ru_maxrss reported the
    bench's peak (~250 MB), not the app's (~150 MB). ru_maxrss only off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
