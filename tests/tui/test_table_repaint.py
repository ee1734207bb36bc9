"""The main screen repaints only what changed after a filter keystroke or a sort (a screen
layout repaints nearly the whole screen), and what it shows is what a full layout would show."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from aisync_tui.tui.widgets.model_table import ModelTable
from aisync_tui.tui.widgets.preview_pane import PreviewPane, preview_text

pytestmark = pytest.mark.anyio


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def at_rest_screenshot(pilot: Any) -> str:
    """The screen once the messages a key set off have all run: a keystroke's filter, repaint and
    preview follow one another, and on a busy machine one pause may come before the last of them."""
    shown = pilot.app.export_screenshot()
    for _ in range(20):
        await pilot.pause()
        again = pilot.app.export_screenshot()
        if again == shown:
            return shown
        shown = again
    return shown


async def full_layout_screenshot(pilot: Any) -> str:
    """The screen after Textual lays out every widget again (what the old code did each time)."""
    for widget in pilot.app.screen.walk_children(with_self=True):
        widget.refresh(layout=True)
    await pilot.pause()
    return pilot.app.export_screenshot()


async def test_filtering_shows_the_same_screen_and_scrollbar_as_a_full_layout(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:  # 18 models: more than the table's height
        await settle(pilot)
        # The filter box's cursor blinks every half second: on a busy machine a blink can fall
        # between the two screenshots compared, which says nothing about the repaint.
        for box in app.screen.query(Input):
            box.cursor_blink = False
        table = app.main.query_one(ModelTable)
        assert table.show_vertical_scrollbar
        # Narrower and narrower (the bar goes), wider again (it comes back), a count of the same
        # width ("4/18" -> "2/18"), no match at all.
        # The type, active and capability filters change the rows without the filter box (whose
        # own resize lays the screen out anyway); then typing narrows, widens and matches nothing.
        steps = [("t",), ("a",), ("3",), ("3",), ("t",), ("t",), ("a",), ("1",), ("1",), ("t",) * 7,
                 ("slash", "g", "e"), ("m",), ("i", "n", "i", "-", "2"), (".", "5"), ("backspace",) * 6, ("x", "x", "x"), ("escape",)]
        for keys in steps:
            await pilot.press(*keys)
            shown = await at_rest_screenshot(pilot)
            rows = len(table.rows)
            assert table.virtual_size.height == rows + 1
            assert table.show_vertical_scrollbar == (rows + 1 > table.scrollable_content_region.height), keys
            assert shown == await full_layout_screenshot(pilot), keys


async def test_sorting_and_moving_the_cursor_show_the_same_screen_as_a_full_layout(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(130, 30)) as pilot:
        await settle(pilot)
        preview = app.main.query_one("#preview", PreviewPane)
        for keys in (("s",), ("s",), ("down", "down"), ("S",), ("end",), ("t",), ("home",), ("up",)):
            await pilot.press(*keys)
            shown = await at_rest_screenshot(pilot)
            current = app.main.table.current
            assert current is not None
            assert str(preview.render()).startswith(str(preview_text(current, "1m")).split("\n")[0]), keys
            assert shown == await full_layout_screenshot(pilot), keys
        app.set_per("1k")  # the same row in another unit is drawn again
        await pilot.pause()
        assert "per 1K tokens" in str(preview.render())


async def test_the_table_alone_updates_its_scrollbar_when_its_row_count_changes(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main.query_one(ModelTable)
        rows = list(table.rows)
        # Row counts that keep, drop and bring back the scrollbar, without the status bar or the
        # filter box changing (either of which would lay the screen out anyway).
        for count in (len(rows) - 1, 3, 1, 0, 2, len(rows), 5):
            table.show(rows[:count], sort=table.sort_key, descending=table.descending)
            shown = await at_rest_screenshot(pilot)
            assert table.show_vertical_scrollbar == (count + 1 > table.scrollable_content_region.height), count
            if table.show_vertical_scrollbar:
                assert table.vertical_scrollbar.window_virtual_size == count + 1
            assert shown == await full_layout_screenshot(pilot), count
