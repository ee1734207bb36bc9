"""A pricing sync in the app, from the bundled price feed: plan, preview, apply."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.test_app import settle, text_of

pytestmark = pytest.mark.anyio


async def test_pricing_sync_previews_the_bundled_feed_and_applies_it(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.job.kind == "pricing" and app.job.phase == "preview", app.job.lines
        body = text_of(app.screen.query_one("#preview-text"))
        assert "● OpenAI:" in body and "new catalog entries" in body
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.job.phase == "done", app.job.outcome
        assert app.job.outcome.startswith("Done: Prices:")
