"""Make the README's pictures of the real app: main screen, detail screen, sync preview, live log.

    python screenshots/make_screenshots.py

Builds its own demo store (tests/tui/seed.py) in a temporary directory, starts the loopback fake
provider server (tests/e2e/fakeserver.py) for a real model sync, drives the app with Pilot and
writes SVGs next to this file. The clock is frozen at the demo store's "now", so times read
"12 min ago" whatever the day. Nothing touches the network or the user's own config and store.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SIZE = (160, 42)
LISTED = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3", "o1-preview", "text-embedding-3-small", "dall-e-3", "whisper-1",
          "gpt-5", "gpt-5-mini", "gpt-image-1"]


async def shoot() -> None:
    from aisync_tui import domain
    from aisync_tui.config import KNOWN_PROVIDERS, load_settings
    from aisync_tui.store.db import open_store
    from aisync_tui.tui.app import AisyncApp
    from aisync_tui.tui.widgets.provider_pane import ProviderPane
    from tests.e2e.fakeserver import DEFAULT_KEYS, FakeProviderServer
    from tests.tui.seed import NOW, seed_store

    domain.utcnow = lambda: NOW  # type: ignore[assignment]
    server = FakeProviderServer().start()
    server.add("openai", models=[{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"} for m in LISTED])
    os.environ["OPENAI_API_KEY"] = DEFAULT_KEYS["openai"]
    config = ["[model_sync]\ncache_ttl = 0\n", "[pricing]\nremote = false\n",
              f'[providers.openai]\nbase_url = "{server.base_url("openai")}"\n']
    config += [f"[providers.{slug}]\nenabled = false\n" for slug in KNOWN_PROVIDERS if slug not in ("openai", "gemini", "xai")]
    Path("config.toml").write_text("\n".join(config))
    store = open_store("aisync.db")
    seed_store()
    app = AisyncApp(load_settings("config.toml", database="aisync.db"), store, seed_catalog=False)

    def save(name: str) -> None:
        (HERE / f"{name}.svg").write_text(app.export_screenshot(title=f"aisync: {name.replace('-', ' ')}"))
        print(f"wrote screenshots/{name}.svg")

    async def settle() -> None:
        await app.workers.wait_for_complete()
        await pilot.pause()

    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle()
            await pilot.press("down", "down")
            await pilot.pause()
            save("main")
            app.open_model("openai", "gpt-4o")
            await settle()
            save("detail")
            await pilot.press("escape")
            app.main.query_one(ProviderPane).select_slug("openai")
            await pilot.press("r")
            await settle()
            save("sync-preview")
            await pilot.press("ctrl+y")
            await settle()
            save("sync-log")
    finally:
        server.stop()
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
