"""Screens reach the app through `host()`: the app offers all they ask of it."""

from __future__ import annotations

from typing import Any

import pytest

from aisync_tui.tui.app import AisyncApp
from aisync_tui.tui.host import AppHost, host
from aisync_tui.tui.screens.main import MainScreen

pytestmark = pytest.mark.anyio


def _the_app_is_a_host(app: AisyncApp) -> AppHost:
    return app  # the type checker holds the app to the protocol


async def test_the_catalog_screen_reaches_the_app_it_runs_in(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert host(app.screen) is app


async def test_a_screen_in_a_host_app_without_the_app_calls_fails_clearly() -> None:
    from textual.app import App
    from textual.screen import Screen

    class Bare(App[None]):
        pass

    async with Bare().run_test(size=(40, 10)) as pilot:
        screen: Screen[None] = Screen()
        await pilot.app.push_screen(screen)
        with pytest.raises(TypeError, match="does not offer"):
            host(screen)
