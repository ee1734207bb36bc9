"""A workload set from the command palette adds a Workload $ column to the model table: what that
workload costs on each model, sortable like any column, blank (never $0) where a price is unknown."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from aisync_tui.tui.catalog import AVAILABLE, MODEL_ID, WORKLOAD
from aisync_tui.tui.screens.workload_prompt import WorkloadPrompt
from tests.tui.test_app import run_palette, settle

pytestmark = pytest.mark.anyio


async def _palette(pilot: Any, text: str) -> None:
    await run_palette(pilot, text)


def _cell(table: Any, model_id: str) -> str:
    index = next(i for i, row in enumerate(table.rows) if row[MODEL_ID] == model_id)
    return table._cells(table.rows[index])[WORKLOAD]


async def test_setting_a_workload_adds_a_sortable_workload_column(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 35)) as pilot:
        await settle(pilot)
        table = app.main.table
        assert "Workload $" not in table.render_line(0).text
        await _palette(pilot, "workload: set")
        assert isinstance(app.screen, WorkloadPrompt)
        await pilot.press(*"oops", "enter")  # a bad workload says what to type and keeps the prompt
        await pilot.pause()
        assert isinstance(app.screen, WorkloadPrompt)
        app.screen.query_one("#workload-input", Input).value = ""
        await pilot.press(*"1,000,000/1,000,000 x 2", "enter")
        await settle(pilot)
        assert app.screen is app.main
        assert "Workload $" in table.render_line(0).text
        # 2 × (1M × $0.15/1M + 1M × $0.60/1M) = $1.50; gpt-4o: 2 × ($2.50 + $10) = $25
        assert _cell(table, "gpt-4o-mini") == "$1.50" and _cell(table, "gpt-4o") == "$25.00"
        assert _cell(table, "text-embedding-3-small") == "—"  # no output price: unknown, not $0
        assert _cell(table, "dall-e-3") == "—"
        assert _cell(table, "text-embedding-004") == "$0.00"  # a stated price of 0 is free

        for _ in table.visible_columns():  # s moves the sort through the columns on screen
            if table.sort_key == WORKLOAD:
                break
            await pilot.press("s")
            await pilot.pause()
        assert table.sort_key == WORKLOAD and "Workload $"[:5] in table.render_line(0).text
        cost = table.workload.sort_key
        for available in (True, False):
            values = [cost(r) for r in table.rows if bool(r[AVAILABLE]) is available]
            known = [v for v in values if v is not None]
            assert known == sorted(known) and len(known) > 2
            assert values == known + [None] * (len(values) - len(known))  # unknown last
        await pilot.press("S")  # reversed: dearest first, unknown still last
        await pilot.pause()
        values = [cost(r) for r in table.rows if r[AVAILABLE]]
        known = [v for v in values if v is not None]
        assert known == sorted(known, reverse=True) and values[-1] is None
        assert [r[MODEL_ID] for r in table.rows][0] == "o1-preview"

        await _palette(pilot, "workload: clear")
        assert "Workload $" not in table.render_line(0).text and table.sort_key == "model"


def test_sorting_50000_models_by_workload_cost_puts_unknown_prices_last() -> None:
    import random

    from aisync_tui.tui.catalog import CatalogView, workload_column

    rng = random.Random(7)
    prices = [None, "", "0", *(f"{rng.randint(1, 9000) / 1e8:.8f}" for _ in range(400))]
    rows = [("p", f"m{i:05d}", None, "chat", "active", None, None, None, rng.choice(prices), rng.choice(prices),
             None, True, True, None) for i in range(50_000)]
    view = CatalogView()
    view.load(rows)
    column = workload_column(5000, 1000, 100)
    view.set_workload(column)
    view.set_sort(WORKLOAD)
    values = [column.sort_key(r) for r in view.rows]
    known = [v for v in values if v is not None]
    assert known == sorted(known) and values == known + [None] * (len(values) - len(known))
    # an unknown ("" or missing) input or output price is unknown, a stated 0 is not
    assert all((v is None) == (r[8] in (None, "") or r[9] in (None, "")) for r, v in zip(view.rows, values))
    view.set_workload(None)
    assert view.sort == "model" and [r[MODEL_ID] for r in view.rows] == sorted(str(r[MODEL_ID]) for r in rows)
