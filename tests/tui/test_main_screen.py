"""The catalog screen as a user lives in it: search, filters, sorting, the pane and the layout."""

from __future__ import annotations

from typing import Any

import pytest

from aisync_tui.tui.catalog import MODEL_ID
from aisync_tui.tui.widgets.preview_pane import PreviewPane
from aisync_tui.tui.widgets.provider_pane import ProviderPane
from tests.tui.test_app import settle, shown_ids, text_of

pytestmark = pytest.mark.anyio


async def test_searching_gpt4o_finds_gpt_4o_and_sonnet_4_finds_claude_sonnet_4(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gpt4o")
        await pilot.pause()
        assert shown_ids(app) == ["gpt-4o", "gpt-4o-mini"]
        await pilot.press("escape", "slash", *"sonnet 4")
        await pilot.pause()
        assert shown_ids(app) == ["claude-sonnet-4-20250514"]


async def test_the_filter_bar_names_the_provider_keeps_the_count_first_and_0_clears_everything(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.go_provider("gemini")
        await pilot.press("t", "a", "v", "3", "slash", *"gpt-4o", "enter")
        await pilot.pause()
        status = text_of(app.main.query_one("#filter-status"))
        assert status.startswith("0/18") and "provider: gemini" in status
        assert "press 0 to clear them" in app.main.table.empty_text
        await pilot.press("0")
        await pilot.pause()
        assert len(shown_ids(app)) == 18 and app.main.query_one("#filter").value == ""
        assert app.main.query_one(ProviderPane).selected_slug is None


async def test_sorting_moves_through_visible_columns_only_shows_the_arrow_and_raises_no_notification(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main.table
        visible = table.visible_columns()
        assert "synced" not in visible  # too narrow for it
        seen = []
        for _ in visible:
            await pilot.press("s")
            await pilot.pause()
            seen.append(table.sort_key)
            assert "▲" in table.render_line(0).text
        assert set(seen) == set(visible)
        assert not app._notifications


async def test_the_provider_pane_shows_key_variables_in_full_and_ctrl_b_hides_it(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        pane = app.main.query_one(ProviderPane)
        prompts = "\n".join(str(pane.get_option_at_index(i).prompt) for i in range(pane.option_count))
        assert "set $XAI_API_KEY" in prompts and "…" not in prompts.split("set $XAI_API_KEY")[1].split("\n")[0]
        before = app.main.table.size.width
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not pane.display and app.main.table.size.width > before
        await pilot.press("f")  # going to the pane brings it back
        await pilot.pause()
        assert pane.display and pane.has_focus


@pytest.mark.parametrize("width, column", [(160, True), (120, False)], ids=["160-three-columns", "120-preview-strip"])
async def test_wide_terminals_show_the_highlighted_models_details_as_a_third_column(make_app: Any, width: int, column: bool) -> None:
    app = make_app()
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await pilot.pause()
        details = app.main.query_one("#details", PreviewPane)
        strip = app.main.query_one("#preview", PreviewPane)
        assert details.display is column and strip.display is not column
        shown = details if column else strip
        assert str(shown.render()).startswith(app.main.table.current[MODEL_ID])


async def test_the_screenshot_command_saves_into_the_current_directory_without_a_downloads_folder(make_app: Any, tui_home: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_screenshot()
        await pilot.pause()
        saved = list(tui_home.glob("*.svg"))
        assert len(saved) == 1 and any("Screenshot saved" in n.message for n in app._notifications)
