"""The real `aisync sync-pricing` from local feed files: a capability a feed states false shows in
`models info` as a no from that feed, in the order of trust, and stays after the next model sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aisync_tui.pricing.sources import snapshot_bytes
from tests.helpers import provider_config

pytestmark = pytest.mark.e2e

ENV = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}


def _feeds(tmp_path: Path) -> str:
    litellm = json.loads(snapshot_bytes("litellm"))
    gpt = litellm["gpt-4o"]
    gpt["supports_web_search"] = False  # models.dev says nothing of web search: LiteLLM's no stands
    gpt["supports_reasoning"] = True  # models.dev says reasoning false (below): its word wins
    modelsdev = json.loads(snapshot_bytes("modelsdev"))
    modelsdev["openai"]["models"]["gpt-4o"]["reasoning"] = False  # against LiteLLM's yes: models.dev's word wins
    modelsdev["openai"]["models"]["gpt-4o"]["tool_call"] = False  # the provider says yes: its word stands
    (tmp_path / "litellm.json").write_text(json.dumps(litellm))
    (tmp_path / "genai.json").write_bytes(snapshot_bytes("genai"))
    (tmp_path / "modelsdev.json").write_text(json.dumps(modelsdev))
    return (f'\n[pricing]\nfeed_url = "{tmp_path / "litellm.json"}"\ngenai_prices_url = "{tmp_path / "genai.json"}"\n'
            f'modelsdev_url = "{tmp_path / "modelsdev.json"}"\ncache_ttl = 0\n')


def _info(sandbox) -> dict:
    r = sandbox.run("models", "info", "gpt-4o", "openai", "--format", "json", env=ENV)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_capability_a_feed_states_false_shows_as_no_from_that_feed(sandbox, fake_server, tmp_path):
    fake_server.add("openai", models=[{"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"}])
    sandbox.write_config(provider_config(fake_server, "openai") + _feeds(tmp_path))
    assert sandbox.run("sync-models", env=ENV).returncode == 0
    r = sandbox.run("sync-pricing", env=ENV)
    assert r.returncode == 0, r.stderr

    data = _info(sandbox)
    states, sources = data["capability_states"], data["field_sources"]
    assert states["web_search"] is False and sources["capability:web_search"] == "litellm"
    assert states["reasoning"] is False and sources["capability:reasoning"] == "models.dev"
    assert states["functions"] is True and sources["capability:functions"] == "provider"
    assert states["fim"] is None and "capability:fim" not in sources  # no feed says: unknown
    text = sandbox.run("models", "info", "gpt-4o", "openai", env=ENV).stdout
    assert "✗ Web search (litellm)" in text and "✗ Reasoning (models.dev)" in text and "? Fill-in-the-middle: unknown" in text

    # The next model sync (the provider states no capabilities) keeps the feeds' word.
    assert sandbox.run("sync-models", env=ENV).returncode == 0
    again = _info(sandbox)
    assert again["capability_states"] == states
