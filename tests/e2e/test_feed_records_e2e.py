"""The real `aisync sync-pricing` against a store whose record of a feed's fetch time was damaged:
one warning line, the feed fetched again, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest

from aisync_tui.pricing.sources import snapshot_bytes
from tests.helpers import provider_config

pytestmark = pytest.mark.e2e

ENV = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}


@pytest.mark.parametrize("value", ["last tuesday", 1733600000], ids=["text", "number"])
def test_a_damaged_fetch_time_in_the_store_warns_once_and_fetches_the_feed_again(sandbox, fake_server, value):
    fake_server.add("feeds", "feed", key=None, files={
        "/litellm.json": snapshot_bytes("litellm"), "/genai.json": snapshot_bytes("genai"), "/modelsdev.json": snapshot_bytes("modelsdev"),
    })
    fake_server.add("openai", models=[{"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"}])
    base = f"http://127.0.0.1:{fake_server.port}/feeds"
    sandbox.write_config(
        provider_config(fake_server, "openai")
        + f'\n[pricing]\nfeed_url = "{base}/litellm.json"\ngenai_prices_url = "{base}/genai.json"\nmodelsdev_url = "{base}/modelsdev.json"\n'
        + "cache_ttl = 86400\n"
    )
    assert sandbox.run("sync-models", env=ENV).returncode == 0
    first = sandbox.run("sync-pricing", env=ENV)
    assert first.returncode == 0, first.stderr

    def asked() -> int:
        return sum(1 for q in fake_server.requests("feeds") if q["path"] == "/litellm.json")

    cached = sandbox.run("sync-pricing", env=ENV)
    assert cached.returncode == 0 and asked() == 1, "within the cache time the copy is used"
    con = sqlite3.connect(sandbox.db)
    with con:
        con.execute("UPDATE aisync_meta SET value = ? WHERE key = 'pricing.litellm.fetched_at'", (value,))
    con.close()

    r = sandbox.run("sync-pricing", env=ENV)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    lines = [line for line in r.stderr.splitlines() if "damaged" in line]
    assert len(lines) == 1 and "LiteLLM feed is damaged (fetched_at) and is read as unknown" in lines[0]
    assert asked() == 2, "a damaged fetch time is not a recent fetch"
    assert "Pricing sync completed for OpenAI" in r.stdout

    quiet = sandbox.run("sync-pricing", env=ENV)
    assert quiet.returncode == 0 and "damaged" not in quiet.stderr and asked() == 2
