"""Pilot tests of the app's interactions, on a real seeded SQLite store; workers are awaited,
never slept on."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from aisync_tui.store.models import Model
from aisync_tui.tui.catalog import AVAILABLE, MODEL_ID, PROVIDER
from aisync_tui.tui.messages import CatalogLoaded
from aisync_tui.tui.screens.detail import DetailScreen
from aisync_tui.tui.screens.main import MainScreen
from aisync_tui.tui.widgets.model_table import ModelTable
from aisync_tui.tui.widgets.provider_pane import ProviderPane
from tests.tui.seed import MODELS

pytestmark = pytest.mark.anyio


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def run_palette(pilot: Any, text: str) -> None:
    """Put `text` in the command palette's search and run the command it offers first, once that command
    is the one named: the palette searches in a worker, so the list fills a little after the typing."""
    from textual.command import CommandInput, CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    # The search runs on the input's whole value: set it at once rather than one key press (and one
    # search) per character.
    pilot.app.screen.query_one(CommandInput).value = text
    await pilot.pause()
    commands = pilot.app.screen.query_one(CommandList)
    for _ in range(1000):
        index = commands.highlighted
        if index is not None and text in str(commands.get_option_at_index(index).prompt):
            break
        await pilot.pause()
    else:
        raise AssertionError(f"the palette does not offer {text!r} first")
    await pilot.press("enter")
    await pilot.pause()


def text_of(widget: Any, width: int = 160) -> str:
    """What a Static shows, as plain text (Rich renderables rendered at `width`)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=open("/dev/null", "w"), color_system=None)
    console.print(widget.content)
    return console.export_text()


def shown_ids(app: Any) -> list[str]:
    return [r[MODEL_ID] for r in app.main.table.rows]


async def test_launch_fills_the_table_with_every_stored_model_sorted_by_id(make_app: Any) -> None:
    app = make_app()
    messages: list[Message] = []
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await settle(pilot)
        assert [m for m in messages if isinstance(m, CatalogLoaded)]
        ids = shown_ids(app)
        # The user's own models (listed by their providers) first, then catalog entries; each by id.
        listed = [r[MODEL_ID] for r in app.main.table.rows if r[AVAILABLE]]
        catalog = [r[MODEL_ID] for r in app.main.table.rows if not r[AVAILABLE]]
        assert ids == listed + catalog and listed and catalog
        assert listed == sorted(listed, key=str.lower) and catalog == sorted(catalog, key=str.lower)
        assert len(ids) == len(MODELS)
        assert "aisync.db" in app.sub_title and "12 min ago" in app.sub_title


async def test_typing_in_the_filter_narrows_the_table_to_matching_ids_and_names(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "f", "l", "a", "s", "h")
        await pilot.pause()
        assert shown_ids(app) == ["gemini-2.0-flash", "gemini-2.5-flash"]
        await pilot.press("escape")  # clears the filter, back to the table
        await pilot.pause()
        assert len(shown_ids(app)) == len(MODELS)
        assert isinstance(app.focused, ModelTable)


async def test_choosing_a_provider_in_the_pane_shows_only_its_models(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        app.main.query_one(ProviderPane).select_slug("gemini")
        await pilot.pause()
        rows = app.main.table.rows
        assert rows and {r[PROVIDER] for r in rows} == {"gemini"}


async def test_filters_for_type_active_and_capabilities_combine(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("t", "a", "1", "3")  # chat, active only, vision, reasoning
        await pilot.pause()
        expected = sorted(m[1] for m in MODELS if m[3] == "chat" and m[4] == "active" and {"vision", "reasoning"} <= set(m[7]))
        assert shown_ids(app) == expected
        assert "type: chat" in text_of(app.main.query_one("#filter-status"))


async def test_sort_by_key_and_by_clicking_a_header_both_directions(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 35)) as pilot:
        await settle(pilot)
        table = app.main.table
        x = _header_x(table, "input")
        await pilot.click(ModelTable, offset=(x, 0))
        await pilot.pause()
        listed = [r for r in table.rows if r[AVAILABLE]]
        prices = [float(r[8]) for r in listed if r[8] is not None]
        assert prices == sorted(prices) and table.sort_key == "input" and not table.descending
        assert listed[-1][8] is None  # unknown prices last, never as $0
        await pilot.click(ModelTable, offset=(x, 0))
        await pilot.pause()
        prices = [float(r[8]) for r in table.rows if r[8] is not None and r[AVAILABLE]]
        assert prices == sorted(prices, reverse=True) and table.descending
        assert "In/1M▼" in table.render_line(0).text
        await pilot.press("s")  # next column: output price
        await pilot.pause()
        assert table.sort_key == "output"


def _header_x(table: ModelTable, key: str) -> int:
    pos = 0
    for col, width in table._columns():
        if col.key == key:
            return pos + 1
        pos += width + 1
    raise AssertionError(f"column {key} not shown")


async def test_cursor_stays_on_its_model_when_the_catalog_reloads(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        before = app.main.table.current
        app.load_catalog()
        await settle(pilot)
        assert app.main.table.current == before


async def test_enter_opens_the_detail_with_price_history_change_log_and_usage(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gpt-4o", "enter")
        await pilot.pause()
        assert app.main.table.current[MODEL_ID] == "gpt-4o"
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        history = text_of(screen.query_one("#sec-history"))
        assert "2024-05-13" in history and "$5.00" in history and "$2.50" in history
        changes = text_of(screen.query_one("#sec-changes"))
        assert "context_length" in changes and "128000" in changes
        usage = text_of(screen.query_one("#sec-usage"))
        assert "Total requests" in usage
        assert screen.query_one("#sec-raw").display is False
        await pilot.press("r")
        assert screen.query_one("#sec-raw").display is True
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_history_screen_lists_every_run_with_its_error(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 35)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        assert table.row_count == 4
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[3] for r in rows] == ["openai", "xai", "gemini", "all"]  # newest first
        assert rows[1][4] == "failed" and "Invalid API key" in rows[1][-1]
        await pilot.press("down", "enter")  # the failed run's detail, its whole error
        await pilot.pause()
        from aisync_tui.tui.screens.error import ErrorModal

        assert isinstance(app.screen, ErrorModal) and app.screen.title_text == f"Run {rows[1][0]}"
        assert "Invalid API key (verify the API key in your environment or config file)" in app.screen.message
        await pilot.press("h", "q")  # no second history screen from inside; q closes the detail
        await pilot.pause()
        from aisync_tui.tui.screens.history import HistoryScreen

        assert isinstance(app.screen, HistoryScreen) and sum(isinstance(s, HistoryScreen) for s in app.screen_stack) == 1


async def test_help_lists_the_keys_with_remapped_ones_from_the_config(make_app: Any) -> None:
    app = make_app('[ui]\nkeymap = { "sort.next" = "o" }\n')
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")  # remapped: sorts
        await pilot.pause()
        assert app.main.table.sort_key == "provider"
        await pilot.press("question_mark")
        await pilot.pause()
        text = text_of(app.screen.query_one("#help-keys"), 200)
        assert "sync.all" in text
        [line] = [ln for ln in text.splitlines() if "sort.next" in ln]
        assert line.split()[0] == "o"


async def test_command_palette_runs_namespaced_actions(make_app: Any) -> None:
    from aisync_tui.tui.commands import app_commands

    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        titles = [t for t, _, _ in app_commands(app)]
        for title in ("sync: all providers", "sort: by input price", "go: provider openai", "view: sync history", "sync: cleanup stale models"):
            assert title in titles
        await run_palette(pilot, "go: provider gemini")
        assert {r[PROVIDER] for r in app.main.table.rows} == {"gemini"}


async def test_settings_are_saved_keeping_other_keys_and_never_showing_a_key(make_app: Any, tmp_path: Path) -> None:
    secret = "sk-test-secret-value-123456789"
    app = make_app("[model_sync]\nbatch_size = 7\n[providers.openai]\napi_key_env = \"MY_OPENAI\"\n", MY_OPENAI=secret)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        screen = app.screen
        assert "key set (from $MY_OPENAI)" in text_of(screen.query_one("#key-openai"))
        from textual.widgets import Input, Select, Switch

        screen.query_one("#enabled-gemini", Switch).value = False
        screen.query_one("#per", Select).value = "1k"
        screen.query_one("#timeout-xai", Input).value = "12"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = tomllib.loads(Path("config.toml").read_text())
        assert saved["model_sync"]["batch_size"] == 7
        assert saved["providers"]["openai"]["api_key_env"] == "MY_OPENAI"
        assert saved["providers"]["gemini"]["enabled"] is False
        assert saved["providers"]["xai"]["timeout"] == 12.0
        assert saved["pricing"]["per"] == "1k" and saved["pricing"]["remote"] is False
        assert secret not in Path("config.toml").read_text()
        assert app.settings.pricing.per == "1k"
        assert app.main.table.per == "1k"
        await pilot.press("escape")
        await pilot.pause()
        assert "In/1K" in app.main.table.render_line(0).text


async def test_settings_with_a_bad_value_say_so_and_write_nothing(make_app: Any) -> None:
    app = make_app()
    before = Path("config.toml").read_text()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        from textual.widgets import Input

        app.screen.query_one("#url-openai", Input).value = "http://example.com/v1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = text_of(app.screen.query_one("#settings-error"))
        assert "plain http" in error
        assert Path("config.toml").read_text() == before


async def test_cleanup_asks_for_a_date_previews_and_removes_only_stale_models(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        from textual.widgets import Input

        app.screen.query_one(Input).value = "2025-06-01"
        await pilot.press("enter")
        await settle(pilot)
        body = text_of(app.screen.query_one("#preview-text"))
        assert "gpt-3.5-turbo-0301" in body and "gpt-4o" not in body.replace("gpt-3.5", "")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.job.phase == "done"
        assert not Model.select().where(Model.model_id == "gpt-3.5-turbo-0301").exists()
        assert Model.select().where(Model.model_id == "gpt-4o").exists()


async def test_first_run_with_no_keys_and_no_network_shows_the_bundled_catalog(tui_home: Any, make_settings: Any) -> None:
    from aisync_tui.store.db import open_store
    from aisync_tui.tui.app import AisyncApp

    store = open_store("aisync.db")  # empty: a new user
    try:
        app = AisyncApp(make_settings(), store, seed_catalog=True)
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot)  # the seeding worker, then the reload it triggers
            await settle(pilot)
            main = app.main
            assert main is not None and len(main.table.rows) > 1000
            pane = main.query_one(ProviderPane)
            openai = next(e for e in pane.entries if e.slug == "openai")
            assert openai.state == "not_configured" and openai.detail == "set $OPENAI_API_KEY"
    finally:
        store.close()
