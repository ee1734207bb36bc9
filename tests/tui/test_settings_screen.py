"""The settings screen keeps the config file as the user wrote it, shows errors at the field,
never stacks, and asks before dropping edits."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Switch

from aisync_tui.tui.screens.confirm import ConfirmModal
from aisync_tui.tui.screens.main import MainScreen
from aisync_tui.tui.screens.settings import SettingsScreen
from tests.tui.conftest import base_config
from tests.tui.test_app import settle

pytestmark = pytest.mark.anyio

COMMENTED = '''# My aisync config: every line here is documentation I want to keep.

[model_sync]
batch_size = 7   # small batches on this laptop

[providers.openai]
# short timeout for tests
timeout = 12
api_key_env = "MY_OPENAI"

[pricing]
per = "1m"  # keep pricing offline
'''


def commented_app(make_app: Any, make_settings: Any) -> Any:
    make_settings()  # the isolated user and the base config, rewritten below
    Path("config.toml").write_text(COMMENTED + "\n" + base_config().replace("[pricing]\nremote = false\n", ""))
    os.chmod("config.toml", 0o644)
    from aisync_tui.config import load_settings

    return make_app(settings=load_settings(Path("config.toml"), database="aisync.db"))


async def test_saving_settings_keeps_every_comment_the_number_types_and_the_file_mode(make_app: Any, make_settings: Any) -> None:
    app = commented_app(make_app, make_settings)
    before = Path("config.toml").read_text()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        app.screen.query_one("#per", Select).value = "1k"
        app.screen.query_one("#enabled-gemini", Switch).value = False
        await pilot.press("ctrl+s")
        await pilot.pause()
    after = Path("config.toml").read_text()
    for line in before.splitlines():
        if line.startswith("#") or "#" in line and "per =" not in line:
            assert line in after, f"lost: {line!r}"
    assert 'per = "1k"  # keep pricing offline' in after
    assert "timeout = 12\n" in after and "12.0" not in after
    assert stat.S_IMODE(os.stat("config.toml").st_mode) == 0o644
    assert "[providers.gemini]\nenabled = false" in after


async def test_pressing_comma_twice_opens_one_settings_screen(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        app.screen.query_one("#enabled-gemini", Switch).focus()
        await pilot.press("comma", "h", "R", "p", "u")  # app-wide letters do nothing inside the form
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [MainScreen, SettingsScreen]
        assert app.job is None


async def test_a_bad_base_url_is_marked_at_its_field_and_in_a_toast(make_app: Any) -> None:
    app = make_app()
    before = Path("config.toml").read_text()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        app.screen.query_one("#url-openai", Input).value = "abc35923/openai/v1"
        app.screen.query_one("#per", Select).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = app.screen.query_one("#url-openai", Input)
        assert field.has_class("-invalid") and field.has_focus
        assert any(n.severity == "error" and "base_url" in n.message for n in app._notifications)
        assert Path("config.toml").read_text() == before


async def test_a_timeout_that_is_not_a_number_is_marked_at_its_field(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        app.screen.query_one("#timeout-xai", Input).value = "soon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#timeout-xai", Input).has_class("-invalid")
        assert any("timeout 'soon'" in n.message for n in app._notifications)


async def test_escape_with_unsaved_edits_asks_before_dropping_them_and_q_is_back(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await pilot.pause()
        app.screen.query_one("#per", Select).value = "1k"
        app.screen.query_one("#enabled-openai", Switch).focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # "Keep editing" has the focus
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and app.is_running
        app.screen.query_one("#per", Select).value = "1m"  # back to what is saved: nothing to lose
        app.screen.query_one("#enabled-openai", Switch).focus()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running
