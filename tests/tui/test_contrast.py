"""Every text cell of the main, detail and preview screens reads at 4.5:1 or more against its
background, in every built-in Textual theme and with NO_COLOR (measured on the app's own SVG
screenshot, cell by cell)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.theme import BUILTIN_THEMES

from tests.e2e.fakeserver import DEFAULT_KEYS
from tests.tui.contrast import text_cells
from tests.tui.test_app import settle

pytestmark = pytest.mark.anyio

#: The ANSI themes use the terminal's own palette: a screenshot cannot know those colours.
THEMES = [t for t in BUILTIN_THEMES if not t.startswith("ansi-")]
MINIMUM = 4.5


def illegible(svg: str, region: Any = None) -> list[str]:
    """Cells under 4.5:1; only inside `region` when given (a modal's dialog: the screen behind it
    is dimmed on purpose, it is not for reading)."""
    cells = text_cells(svg)
    if region is not None:
        cells = [c for c in cells if region.y <= c.line < region.bottom and region.x <= c.column < region.right]
    return sorted({f"{c.text[:30]!r} {c.fg} on {c.bg}: {c.ratio:.2f}" for c in cells if c.ratio < MINIMUM})


async def _every_theme(app: Any, pilot: Any, where: str, themes: list[str]) -> dict[str, list[str]]:
    bad = {}
    for theme in themes:
        app.theme = theme
        await pilot.pause()
        region = app.screen.query_one(".dialog").region if where == "preview" else None
        cells = illegible(app.export_screenshot(), region)
        assert text_cells(app.export_screenshot()), "the screenshot has text to measure"
        if cells:
            bad[f"{where} in {theme}"] = cells
    return bad


async def _three_screens(app: Any, pilot: Any, themes: list[str]) -> dict[str, list[str]]:
    from aisync_tui.tui.screens.preview import PreviewModal
    from aisync_tui.tui.widgets.provider_pane import ProviderPane

    await settle(pilot)
    await pilot.press("down", "down")
    bad = await _every_theme(app, pilot, "main", themes)
    app.open_model("openai", "gpt-4o")
    await settle(pilot)
    bad |= await _every_theme(app, pilot, "detail", themes)
    await pilot.press("escape")
    await pilot.pause()
    app.main.query_one(ProviderPane).select_slug("openai")
    await pilot.pause()
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, PreviewModal)
    bad |= await _every_theme(app, pilot, "preview", themes)
    return bad


@pytest.fixture
def synced_app(fake_server: Any, make_app: Any) -> Any:
    fake_server.add("openai", models=[{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"}
                                      for m in ("gpt-4o", "gpt-5", "o3")])

    def make() -> Any:
        config = f'[model_sync]\ncache_ttl = 0\n[providers.openai]\nbase_url = "{fake_server.base_url("openai")}"\n'
        return make_app(config, OPENAI_API_KEY=DEFAULT_KEYS["openai"])

    return make


async def test_the_main_detail_and_preview_screens_are_legible_in_every_builtin_theme(synced_app: Any) -> None:
    app = synced_app()
    async with app.run_test(size=(160, 45)) as pilot:
        bad = await _three_screens(app, pilot, THEMES)
    assert not bad, "\n".join(f"{where}: {cells}" for where, cells in bad.items())


async def test_the_main_detail_and_preview_screens_are_legible_with_no_color(synced_app: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = synced_app()
    async with app.run_test(size=(120, 35)) as pilot:
        bad = await _three_screens(app, pilot, ["textual-dark", "textual-light"])
    assert not bad, "\n".join(f"{where}: {cells}" for where, cells in bad.items())
