"""The comparison screen: mark models with space on the main screen, open them side by side with
=, and type a workload to see what it costs on each."""

from __future__ import annotations

from typing import Any

import pytest

from aisync_tui.tui.catalog import MODEL_ID
from aisync_tui.tui.screens.compare import CompareScreen, parse_workload
from aisync_tui.tui.screens.main import MainScreen
from tests.tui.test_app import settle, text_of


async def _mark(pilot: Any, model_id: str) -> None:
    await pilot.press("slash", "escape", "slash", *model_id, "enter")  # escape clears the last filter
    await pilot.pause()
    assert pilot.app.main.table.current[MODEL_ID] == model_id
    await pilot.press("space")


@pytest.mark.anyio
async def test_marked_models_open_side_by_side_with_prices_capabilities_and_workload_cost(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await _mark(pilot, "gpt-4o-mini")
        await _mark(pilot, "grok-3-mini")
        await pilot.press("escape", "equals_sign")  # escape: back from the filter box to the table
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.keys == [("openai", "gpt-4o-mini"), ("xai", "grok-3-mini")]
        table = text_of(screen.query_one("#compare-table"), width=140)
        assert "gpt-4o-mini" in table and "grok-3-mini" in table
        input_line = next(line for line in table.splitlines() if line.strip().startswith("Input /1M"))
        assert "$0.15" in input_line and "$0.30" in input_line
        vision = next(line for line in table.splitlines() if line.strip().startswith("Vision"))
        # gpt-4o-mini sees; no source says whether grok-3-mini does: unknown, not a no
        assert vision.count("✓") == 1 and "? unknown" in vision and "✗" not in vision
        assert "Workload $" not in table
        await pilot.press("w", *"1000000/100000x2")
        await pilot.pause()
        table = text_of(screen.query_one("#compare-table"), width=140)
        # 2 x (1M x $0.15 + 100k x $0.60)/1M = $0.42; 2 x (1M x $0.30 + 100k x $0.50)/1M = $0.70
        workload_line = next(line for line in table.splitlines() if "Workload $" in line)
        assert "$0.42" in workload_line and "$0.70" in workload_line
        await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.anyio
async def test_space_again_unmarks_and_equals_without_marks_compares_the_highlighted_model(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _mark(pilot, "o3")
        await pilot.press("escape", "space")
        assert app.main.marked == []
        await pilot.press("equals_sign")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen) and app.screen.keys == [("openai", "o3")]


def test_a_workload_is_typed_as_input_slash_output_times_requests() -> None:
    w = parse_workload("5,000/1000 x 100")
    assert w is not None
    assert (w.input_tokens, w.output_tokens, w.requests) == (5000, 1000, 100)
    assert parse_workload("") is None
    for bad in ("5000", "a/b", "1/1x0"):
        try:
            parse_workload(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
