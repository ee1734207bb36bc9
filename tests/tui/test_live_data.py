"""The app notices what another process wrote to the store and shows it, keeping the cursor."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest

from tests.tui.test_app import settle, shown_ids

pytestmark = pytest.mark.anyio

RENAME = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("update model set model_id = 'gpt-4o-2025-renamed' where model_id = 'gpt-4o-mini'")
con.commit()
"""


async def test_a_sync_by_another_process_shows_up_without_losing_the_cursor(make_app: Any) -> None:
    app = make_app()
    app.WATCH_SECONDS = 0.2
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        current = app.main.table.current
        assert "gpt-4o-2025-renamed" not in shown_ids(app)
        # A cron run in another process: a real separate connection, as `aisync --sync-all` would be.
        subprocess.run([sys.executable, "-c", RENAME, "aisync.db"], check=True)
        for _ in range(50):
            await asyncio.sleep(0.1)
            await settle(pilot)
            if "gpt-4o-2025-renamed" in shown_ids(app):
                break
        assert "gpt-4o-2025-renamed" in shown_ids(app) and "gpt-4o-mini" not in shown_ids(app)
        if current[1] != "gpt-4o-mini":
            assert app.main.table.current[:2] == current[:2]  # the cursor stayed on its model


async def test_the_headers_last_sync_ages_as_time_passes(make_app: Any, monkeypatch: Any) -> None:
    from datetime import timedelta

    from aisync_tui import domain
    from tests.tui.seed import NOW

    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert "last sync 12 min ago" in app.sub_title
        monkeypatch.setattr(domain, "utcnow", lambda: NOW + timedelta(minutes=30))
        app._age_times()
        await pilot.pause()
        assert "last sync 42 min ago" in app.sub_title


def test_the_run_table_signature_notices_a_new_run_where_data_version_is_not_available(tui_store: Any) -> None:
    """PostgreSQL has no data_version: the watch compares a signature of the run table instead
    (every sync writes a run row). Exercised here on SQLite with the cheap path turned off."""
    from aisync_tui.store.models import SyncRun
    from aisync_tui.tui.store_watch import StoreWatch
    from tests.tui.seed import NOW

    watch = StoreWatch(tui_store)
    watch.close()  # no data_version connection: the signature path
    assert not watch.cheap
    watch.baseline()
    assert not watch.changed()
    with tui_store.db.connection_context():
        SyncRun.create(kind="models", provider="openai", group="g", started_at=NOW, finished_at=NOW, status="ok")
    assert watch.changed() and not watch.changed()
