"""One measured app session (run by bench/bench_tui.py in a fresh process, like a user's launch).

argv: spawn-time (time.time() in the parent just before it started this process), width, height.
Prints one JSON line: launch seconds (spawn -> first screen with the table filled and painted),
keystroke and sort latencies (key press -> repainted screen), and the app's own timings.
The store and config come from the environment (AISYNC_CONFIG, AISYNC_DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def session(spawned: float, size: tuple[int, int]) -> dict[str, object]:
    from aisync_tui.cli import Context
    from aisync_tui.tui.app import AisyncApp

    import argparse

    ctx = Context(argparse.Namespace(config=None, db=None))
    app = AisyncApp(ctx.settings, ctx.store())  # what run_app() builds
    out: dict[str, object] = {}
    async with app.run_test(size=size) as pilot:
        while not (app.main is not None and app.main.loaded and app.main.table.rows):
            await asyncio.sleep(0.002)
        await pilot.pause()  # the repaint with the filled table
        out["launch"] = time.time() - spawned
        out["rows"] = len(app.main.table.rows)
        await app.workers.wait_for_complete()
        await pilot.pause()

        keys = []
        await pilot.press("slash")
        await pilot.pause()
        for key in ("g", "p", "t", "-", "4", "backspace", "backspace", "backspace", "o"):
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            keys.append(time.perf_counter() - start)
        out["filtered_rows"] = len(app.main.table.rows)
        out["keystroke"] = keys
        await pilot.press("escape")  # clear the filter, back to the table
        await pilot.pause()
        sorts = []
        for _ in range(6):  # model -> provider -> type -> ... (each a full re-sort of 50,000 rows)
            start = time.perf_counter()
            await pilot.press("s")
            await pilot.pause()
            sorts.append(time.perf_counter() - start)
        out["sort"] = sorts
        out["app_timings"] = dict(getattr(app.main, "last_timing", {}))
        out["catalog_read"] = app.catalog_seconds
        await pilot.press("q")
    return out


def main() -> None:
    spawned = float(sys.argv[1])
    size = (int(sys.argv[2]), int(sys.argv[3]))
    result = asyncio.run(session(spawned, size))
    import resource

    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
