"""Start-up on a big store: the table shows the first screenful of models at once, says it
is still loading, and the whole catalog replaces it without losing the user's filter, sort or
cursor."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message

from aisync_tui.tui.app import AisyncApp
from aisync_tui.tui.catalog import MODEL_ID
from aisync_tui.tui.messages import CatalogLoaded
from aisync_tui.tui.screens.main import MainScreen
from tests.tui.seed import MODELS

pytestmark = pytest.mark.anyio


def status_text(app: Any) -> str:
    return str(app.main.query_one("#filter-status").render())


async def test_launch_shows_the_first_screenful_then_every_model(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AisyncApp, "FIRST_SCREENFUL", 5)
    app = make_app()
    seen: list[tuple[bool, int, str]] = []
    messages: list[Message] = []

    def hook(message: Message) -> None:
        messages.append(message)

    original = MainScreen.load

    def load(screen: MainScreen, *args: Any, **kwargs: Any) -> None:
        original(screen, *args, **kwargs)
        seen.append((screen.complete, len(screen.table.rows), status_text(app)))

    monkeypatch.setattr(MainScreen, "load", load)
    async with app.run_test(size=(120, 35), message_hook=hook) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        loaded = [m for m in messages if isinstance(m, CatalogLoaded)]
        assert [(m.complete, len(m.rows), m.total) for m in loaded] == [(False, 5, len(MODELS)), (True, len(MODELS), None)]
        assert loaded[0].rows == loaded[1].rows[:5]  # the start of the full list, in its order
        assert seen[0] == (False, 5, f"5/{len(MODELS)} · loading…")
        assert seen[1] == (True, len(MODELS), f"{len(MODELS)}/{len(MODELS)}")
        # The user's own models first, then catalog entries.
        assert [r[MODEL_ID] for r in app.main.table.rows] == sorted(m[1] for m in MODELS if m[10]) + sorted(m[1] for m in MODELS if not m[10])


async def test_a_store_smaller_than_a_screenful_is_read_once(make_app: Any) -> None:
    app = make_app()
    messages: list[Message] = []
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [(m.complete, len(m.rows)) for m in messages if isinstance(m, CatalogLoaded)] == [(True, len(MODELS))]


async def test_filter_sort_and_cursor_chosen_while_loading_apply_to_the_whole_catalog(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        rows = list(main.view.all_rows)
        providers = list(main.provider_rows)
        main.load(rows[:6], providers, set(), complete=False, total=len(rows))  # what start-up shows first
        await pilot.press("slash", "g", "e", "m", "enter", "s")  # filter "gem", sort by provider
        await pilot.pause()
        def matches(r: Any) -> bool:
            return "gem" in r[MODEL_ID].lower() or "gem" in (r[2] or "").lower()

        partial = [r[MODEL_ID] for r in main.table.rows]
        assert partial == [r[MODEL_ID] for r in rows[:6] if matches(r)] and len(partial) == 2
        assert "loading…" in status_text(app) and f"/{len(rows)}" in status_text(app)
        await pilot.press("end")
        current = main.table.current
        assert current is not None and current[MODEL_ID] == partial[-1]
        main.load(rows, providers, set())  # the rest arrives
        await pilot.pause()
        expected = sorted((r for r in rows if matches(r)), key=lambda r: r[0])
        assert [r[MODEL_ID] for r in main.table.rows] == [r[MODEL_ID] for r in expected]
        assert main.table.current == current
        assert "loading" not in status_text(app)
