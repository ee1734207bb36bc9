"""The detail and compare screens word each capability as `aisync models info` does: ✓ a source
states it, ✗ a source states the model lacks it, "? unknown" where no source says (never shown as
a no), each with its source; legible without colour and in a light theme. Compare also sets the
release facts side by side, an unknown one as a dim —."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aisync_tui.tui.screens.compare import CompareScreen
from aisync_tui.tui.screens.detail import DetailScreen
from tests.tui.test_app import settle, text_of
from tests.tui.test_compare import _mark
from tests.tui.test_contrast import illegible

pytestmark = pytest.mark.anyio

#: grok-3-mini states chat, functions and reasoning. The provider says chat yes and vision no,
#: LiteLLM says reasoning; a hostile source name denies web search; nobody speaks of the rest.
SOURCES = {
    "context_length": "litellm", "capability:chat": "provider", "capability:vision": "provider",
    "capability:reasoning": "litellm", "capability:web_search": "[bold red]evil[/]\x1b[31m",
    "released_at": "models.dev", "knowledge_cutoff": "models.dev", "open_weights": "models.dev",
}


@pytest.fixture
def caps_app(make_app: Callable[..., Any], tui_store: Any) -> Callable[..., Any]:
    from aisync_tui.store.models import Model

    Model.update(field_sources=SOURCES, released_at="2025-02-17", knowledge_cutoff="2024-11", open_weights=False).where(
        Model.model_id == "grok-3-mini").execute()
    return make_app


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


async def test_the_detail_screen_shows_a_stated_yes_a_stated_no_and_an_unknown_capability_apart_with_their_sources(
    caps_app: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = caps_app('[ui]\ntheme = "textual-light"\n')
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        app.open_model("xai", "grok-3-mini")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        caps = text_of(screen.query_one("#sec-caps"), 110)
        for shown in ("✓ Chat completion (provider)", "✓ Reasoning (litellm)", "✓ Function calling",
                      "✗ Vision (provider)", "? JSON mode: unknown", "? Fill-in-the-middle: unknown"):
            assert shown in caps, shown
        assert "✗ JSON mode" not in caps and "✗ Fill-in-the-middle" not in caps  # unknown is never a no
        assert "✗ Web search ([bold red]evil[/]\\x1b[31m)" in caps and "\x1b" not in caps  # a source is text, never style
        assert not illegible(app.export_screenshot(), screen.query_one("#sec-caps").region)
        await pilot.press("escape")
        await pilot.pause()

        app.open_model("openai", "gpt-4o-mini")  # no source recorded: what it has is yes, the rest unknown
        await settle(pilot)
        caps = text_of(app.screen.query_one("#sec-caps"), 110)
        assert "✓ Vision" in caps and "? Reasoning: unknown" in caps and "✗" not in caps


async def test_compare_sets_stated_yes_stated_no_unknown_and_the_release_facts_side_by_side(caps_app: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = caps_app('[ui]\ntheme = "textual-light"\n')
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        await _mark(pilot, "gpt-4o-mini")
        await _mark(pilot, "grok-3-mini")
        await pilot.press("escape", "equals_sign")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        table = text_of(screen.query_one("#compare-table"), 140)
        # Columns: gpt-4o-mini (no capability sources), then grok-3-mini.
        assert _line(table, "Chat completion").split()[-2:] == ["✓", "(provider)"]
        assert _line(table, "Vision").split()[1:] == ["✓", "✗", "(provider)"]
        assert _line(table, "Reasoning").split()[1:] == ["?", "unknown", "✓", "(litellm)"]
        assert _line(table, "Function calling").split()[2:] == ["✓", "✓"]
        assert "JSON mode" not in table  # no model here has a word on it: nothing to compare
        assert _line(table, "Released").split()[1:] == ["—", "2025-02-17", "(models.dev)"]
        assert _line(table, "Knowledge cutoff").split()[2:] == ["—", "2024-11", "(models.dev)"]
        assert _line(table, "Open weights").split()[2:] == ["—", "no", "(models.dev)"]
        assert not illegible(app.export_screenshot(), screen.query_one("#compare-table").region)
