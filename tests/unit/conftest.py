"""Fixtures shared by the pricing tests: the bundled LiteLLM map, and a real SQLite store with
feeds read from local files (feed_url may be a path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from aisync_tui.config import load_settings
from aisync_tui.pricing.sources import snapshot_bytes
from aisync_tui.store.db import open_store


@pytest.fixture(scope="session")
def real_litellm() -> dict[str, Any]:
    return dict(json.loads(snapshot_bytes("litellm")))


@pytest.fixture
def pricing_env(tmp_path: Path, real_litellm: dict[str, Any]) -> Iterator[Any]:
    """A store and a config whose feeds are a four-provider subset of the real LiteLLM map."""
    from tests.unit.test_pricing_sync import subset

    feed = tmp_path / "litellm.json"
    genai = tmp_path / "genai.json"
    feed.write_text(json.dumps(subset(real_litellm)))
    genai.write_bytes(snapshot_bytes("genai"))
    modelsdev = tmp_path / "modelsdev.json"
    modelsdev.write_bytes(snapshot_bytes("modelsdev"))
    config = tmp_path / "config.toml"
    config.write_text(f'[pricing]\nfeed_url = "{feed}"\ngenai_prices_url = "{genai}"\nmodelsdev_url = "{modelsdev}"\n')
    store = open_store(str(tmp_path / "aisync.db"))
    settings = load_settings(str(config), database=str(tmp_path / "aisync.db"), environ={})

    class Env:
        pass

    e = Env()
    e.modelsdev = modelsdev  # type: ignore[attr-defined]
    e.feed, e.genai, e.store, e.settings, e.tmp = feed, genai, store, settings, tmp_path  # type: ignore[attr-defined]
    yield e
    store.close()
