"""A key set in the environment and in the config file never shows on any screen of the app."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.anyio

ENV_CANARY = "sk-canaryENV-7f3a9c2e5b1d4f60"
FILE_CANARY = "xai-canaryFILE-0a1b2c3d4e5f6789"


def _leaks(svg: str) -> list[str]:
    found = []
    for canary in (ENV_CANARY, FILE_CANARY):
        # Any 12-character piece of a key is a leak, not only the whole key.
        pieces = {canary[i : i + 12] for i in range(len(canary) - 11)}
        found += [p for p in pieces if p in svg]
    return found


async def test_keys_never_appear_on_the_main_settings_or_help_screens(make_app: Any) -> None:
    app = make_app(f'[providers.xai]\napi_key = "{FILE_CANARY}"\n', OPENAI_API_KEY=ENV_CANARY)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shot = lambda: app.export_screenshot().replace("&#160;", " ")
        screens = {"main": shot()}
        await pilot.press("comma")
        await pilot.pause()
        screens["settings"] = shot()
        settings_text = screens["settings"]
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        screens["help"] = shot()
    # The settings screen says where each key comes from instead.
    assert "OPENAI_API_KEY" in settings_text and "config file" in settings_text
    for name, svg in screens.items():
        assert _leaks(svg) == [], f"a key leaked onto the {name} screen"
