"""Fixtures for the app's tests: an isolated user, a frozen clock, a seeded store in the current
directory (so the header shows "aisync.db", never a temp path) and a config with only the three
providers the fake server speaks enabled."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aisync_tui import domain
from tests.helpers import KEY_VARS
from tests.tui.seed import NOW, seed_store

#: Providers the app may contact in tests; every other known provider is disabled in the config.
TEST_PROVIDERS = ("openai", "gemini", "xai")


def base_config(extra: str = "") -> str:
    from aisync_tui.config import KNOWN_PROVIDERS

    parts = ["[pricing]\nremote = false\n"]
    for slug in KNOWN_PROVIDERS:
        if slug not in TEST_PROVIDERS:
            parts.append(f"[providers.{slug}]\nenabled = false\n")
    parts.append(extra)
    return "\n".join(parts)


@pytest.fixture
def tui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in KEY_VARS:
        monkeypatch.delenv(var, raising=False)
    for var, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "config-home"), ("XDG_DATA_HOME", "data-home"),
                     ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):
        (tmp_path / sub).mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(domain, "utcnow", lambda: NOW)
    return tmp_path


@pytest.fixture
def tui_store(tui_home: Path) -> Iterator[Any]:
    from aisync_tui.store.db import open_store

    store = open_store("aisync.db")
    seed_store()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def make_settings(tui_home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def make(extra: str = "", **env: str) -> Any:
        from aisync_tui.config import load_settings

        path = Path("config.toml")
        path.write_text(base_config(extra))
        os.chmod(path, 0o600)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return load_settings(path, database="aisync.db")

    return make


@pytest.fixture
def make_app(tui_store: Any, make_settings: Callable[..., Any]) -> Callable[..., Any]:
    def make(extra: str = "", settings: Any = None, **env: str) -> Any:
        from aisync_tui.tui.app import AisyncApp

        return AisyncApp(settings or make_settings(extra, **env), tui_store, seed_catalog=False)

    return make


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on anyio's pytest plugin (shipped with httpx's anyio), on asyncio."""
    return "asyncio"
