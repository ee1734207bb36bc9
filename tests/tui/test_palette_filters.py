"""The palette's filter entries set the catalog's filters."""

from __future__ import annotations

from typing import Any

import pytest

from aisync_tui.tui.catalog import AVAILABLE, TYPE
from aisync_tui.tui.commands import app_commands
from tests.tui.test_app import settle

pytestmark = pytest.mark.anyio


def _run(app: Any, title: str) -> None:
    [callback] = [c for t, c, _ in app_commands(app) if t == title]
    callback()


async def test_palette_filters_by_type_and_by_availability(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        _run(app, "filter: type embedding")
        await pilot.pause()
        shown = list(app.main.table.rows)  # what the user sees: only embedding models
        assert shown and all(r[TYPE] == "embedding" for r in shown)
        _run(app, "filter: catalog only")
        await pilot.pause()
        filters = app.main.view.filters
        assert filters.type == "embedding" and filters.available is False
        assert all(r[TYPE] == "embedding" and not r[AVAILABLE] for r in app.main.table.rows)
        _run(app, "filter: available to me")
        _run(app, "filter: type any")
        await pilot.pause()
        filters = app.main.view.filters
        assert filters.type is None and filters.available is True
        shown = list(app.main.table.rows)  # every type again, only models listed for the user
        assert len({r[TYPE] for r in shown}) > 1 and all(r[AVAILABLE] for r in shown)
