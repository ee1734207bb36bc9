"""Make the README's picture of the comparison screen (`space` marks, `=` compares).

    python screenshots/make_compare_screenshot.py

Builds the demo store (tests/tui/seed.py) in a temporary directory, marks three models on the real
app's main screen with Pilot, opens the comparison, types a workload and writes compare.svg next
to this file. The clock is frozen at the demo store's "now"; nothing touches the network.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SIZE = (150, 40)
MARKED = ["gpt-4o-mini", "gemini-2.5-flash", "claude-3-5-haiku"]


async def shoot() -> None:
    from aisync_tui import domain
    from aisync_tui.config import KNOWN_PROVIDERS, load_settings
    from aisync_tui.store.db import open_store
    from aisync_tui.tui.app import AisyncApp
    from tests.tui.seed import NOW, seed_store

    domain.utcnow = lambda: NOW  # type: ignore[assignment]
    config = ["[pricing]\nremote = false\n"]
    config += [f"[providers.{slug}]\nenabled = false\n" for slug in KNOWN_PROVIDERS if slug not in ("openai", "gemini", "xai")]
    Path("config.toml").write_text("\n".join(config))
    store = open_store("aisync.db")
    seed_store()
    app = AisyncApp(load_settings("config.toml", database="aisync.db"), store, seed_catalog=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            for model in MARKED:
                await pilot.press("slash", "escape", "slash", *model, "enter", "space")
            await pilot.press("escape", "equals_sign")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("w", *"20000/1000x1000", "enter")
            await pilot.pause()
            (HERE / "compare.svg").write_text(app.export_screenshot(title="aisync: compare"))
            print("wrote screenshots/compare.svg")
    finally:
        store.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="aisync-screens-") as tmp:
        for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[var] = tmp
        os.chdir(tmp)
        asyncio.run(shoot())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
