"""Records damaged in the store (a hand edit, another tool on a shared database) in the app:
the table, the preview and the detail screen show what can be read and say what cannot, and the
model's price history is still drawn from the periods that can be placed in time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aisync_tui.tui.catalog import MODEL_ID
from aisync_tui.tui.screens.detail import DetailScreen
from aisync_tui.tui.widgets.preview_pane import PreviewPane
from tests.tui.test_app import settle, shown_ids, text_of

pytestmark = pytest.mark.anyio


def damage_gpt_4o() -> None:
    """gpt-4o's current price: tiers that are not JSON and an output price that is not a number;
    its first closed period: a start that is not a time."""
    from aisync_tui.store.models import Model, database_proxy

    pk = Model.get(Model.model_id == "gpt-4o").id
    database_proxy.execute_sql("update price set tiers = '[{oops', output = 'garbage' where model_id = ? and effective_until is null", (pk,))
    database_proxy.execute_sql(
        "update price set effective_from = 'yesterday' where id = (select min(id) from price where model_id = ?)", (pk,))


@pytest.fixture
def damaged_app(make_app: Callable[..., Any], tui_store: Any) -> Callable[..., Any]:
    damage_gpt_4o()
    return make_app


async def test_the_app_shows_a_damaged_price_as_unreadable_and_everything_else_as_stored(damaged_app: Any) -> None:
    app = damaged_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        assert "gpt-4o" in shown_ids(app) and "gpt-4o-mini" in shown_ids(app)
        await pilot.press("slash", *"gpt-4o", "enter")
        await pilot.pause()
        assert app.main.table.current[MODEL_ID] == "gpt-4o"
        preview = text_of(app.main.query_one("#preview", PreviewPane), 200)
        assert "$2.50" in preview  # the readable input price

        app.open_model("openai", "gpt-4o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        pricing = text_of(screen.query_one("#sec-pricing"))
        assert "Long context" in pricing and "unreadable" in pricing and "sync-pricing" in pricing
        assert "Output" not in pricing  # unknown: not shown, never $0
        history = text_of(screen.query_one("#sec-history"))
        rows = [" ".join(line.split()) for line in history.splitlines() if line.strip().startswith(("unreadable", "2024"))]
        assert "unreadable 2024-08-06 $5.00 $15.00 — genai-prices" in rows, rows
        assert "2024-10-02 now $2.50 — $1.25 litellm" in rows, rows
        # The chart is drawn from the periods that can be placed in time: it starts at the first of them.
        assert "Input" in history and "Output" in history and rows[-1].startswith("2024-08-06 "), rows


async def test_the_app_reads_model_rows_a_hand_edit_damaged(make_app: Callable[..., Any], tui_store: Any) -> None:
    from aisync_tui.store.models import database_proxy

    database_proxy.execute_sql("update model set name = x'00ff41', context_length = 'abc', type = x'01' where model_id = 'gpt-4o'")
    database_proxy.execute_sql("update model set max_output_tokens = x'00', released_at = x'00' where model_id = 'o3'")
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        assert {"gpt-4o", "o3", "gpt-4o-mini"} <= set(shown_ids(app))
        await pilot.press("slash", *"gpt-4o", "enter")
        await pilot.pause()
        assert app.main.table.current[MODEL_ID] == "gpt-4o"
        preview = text_of(app.main.query_one("#preview", PreviewPane), 200)
        assert "\\x01" in preview and "\x01" not in preview  # shown escaped, never sent to the terminal
        app.open_model("openai", "gpt-4o")
        await settle(pilot)
        basic = text_of(app.screen.query_one("#sec-basic"))
        assert "\\x00\ufffdA" in basic and "Context length  —" in basic
        await pilot.press("escape")
        await pilot.pause()
        app.open_model("openai", "o3")
        await settle(pilot)
        assert "o3" in text_of(app.screen.query_one("#sec-basic"))


async def test_the_history_and_usage_screens_read_damaged_run_and_usage_records(make_app: Callable[..., Any], tui_store: Any) -> None:
    from textual.widgets import DataTable

    from aisync_tui.store.models import database_proxy
    from aisync_tui.tui.screens.history import HistoryScreen
    from aisync_tui.tui.screens.usage import UsageScreen

    database_proxy.execute_sql("update sync_run set started_at = 'garbage', found = 'abc' where id = (select min(id) from sync_run)")
    database_proxy.execute_sql("update usage_record set input_tokens = 'abc' where source_ref = 'demo:gpt-4o:29'")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        cells = [str(table.get_row_at(i)) for i in range(table.row_count)]
        assert table.row_count >= 2 and any("'?'" in row for row in cells), cells
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UsageScreen)
        totals = text_of(app.screen.query_one("#usage-totals"))
        assert "1 damaged record left out" in totals, totals


async def test_text_that_is_not_utf8_is_the_same_one_line_as_on_the_command_line(make_app: Callable[..., Any], tui_store: Any) -> None:
    from aisync_tui.store.models import database_proxy
    from aisync_tui.tui.screens.error import ErrorModal

    database_proxy.execute_sql("update model set name = cast(x'ff41' as text) where model_id = 'gpt-4o'")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):  # the catalog's worker fails: waiting for it would raise its error here
            await pilot.pause(0.05)
            if isinstance(app.screen, ErrorModal):
                break
        assert isinstance(app.screen, ErrorModal)
        message = " ".join(text_of(app.screen.query_one("#error-message")).split())
        assert "the store holds text that is not UTF-8 in the column 'name'" in message and "sqlite3 shell" in message
        assert "OperationalError" not in message


async def test_a_price_in_another_currency_is_not_shown_as_dollars_in_the_table_or_the_detail(make_app: Callable[..., Any], tui_store: Any) -> None:
    from aisync_tui.store.models import Model, database_proxy
    from aisync_tui.tui.catalog import INPUT

    pk = Model.get(Model.model_id == "gpt-4o").id
    database_proxy.execute_sql("update price set currency = 'XYZ' where model_id = ?", (pk,))
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        row = next(r for r in app.main.table.rows if r[MODEL_ID] == "gpt-4o")
        assert row[INPUT] is None  # no dollar figure to show, sort or cost by
        app.open_model("openai", "gpt-4o")
        await settle(pilot)
        pricing = " ".join(text_of(app.screen.query_one("#sec-pricing")).split())
        history = text_of(app.screen.query_one("#sec-history"))
        assert "Stated in XYZ, not US dollars" in pricing and "$" not in pricing
        assert "XYZ" in history and "not US dollars" in history and "$2.50" not in history
