"""Fixtures shared by the whole suite. Keep additions small and generic."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.fakeserver import DEFAULT_KEYS, FakeProviderServer
from tests.helpers import Sandbox, fixture_json, make_sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """An isolated user for running the real `aisync` in a subprocess."""
    return make_sandbox(tmp_path)


@pytest.fixture
def fake_server() -> Iterator[FakeProviderServer]:
    server = FakeProviderServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def three_providers(fake_server: FakeProviderServer) -> FakeProviderServer:
    """OpenAI, Gemini (paged by 20) and xAI on the fake server, with real captured lists."""
    fake_server.add("openai", models=fixture_json("openai__chatgpt-export-curl-2025-06-09.json")["data"])
    fake_server.add("gemini", models=fixture_json("gemini__llm-gemini__2026-08-05.json")["models"], max_page_size=20)
    fake_server.add(
        "xai",
        models=fixture_json("examples/xai_models.json")["data"],
        language=fixture_json("examples/xai.json")["models"],
        image=fixture_json("examples/xai_image_generation_models.json")["models"],
    )
    return fake_server


@pytest.fixture
def keys_env() -> dict[str, str]:
    """The keys the fake server accepts for the three first providers."""
    return {
        "OPENAI_API_KEY": DEFAULT_KEYS["openai"],
        "GEMINI_API_KEY": DEFAULT_KEYS["gemini"],
        "XAI_API_KEY": DEFAULT_KEYS["xai"],
    }


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    """A real SQLite store file, opened and migrated, bound to the Peewee tables."""
    from aisync_tui.store.db import open_store

    s = open_store(str(tmp_path / "unit.db"))
    try:
        yield s
    finally:
        s.close()


_E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an end-to-end test, marked or not, so the quick loop
    `pytest -m "not e2e"` never runs one."""
    for item in items:
        if _E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
