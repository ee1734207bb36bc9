"""A price record damaged in the store (a hand edit, another tool on a shared database) is unknown
for its own model only: every command reads on, shows what it cannot read as such, never prices a
token with it, and the next pricing sync writes the price again. The real command in a subprocess,
on a real SQLite store seeded from the bundled snapshot."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import Sandbox, make_sandbox

pytestmark = pytest.mark.e2e

#: Two Bedrock models whose bundled prices have a long-context tier (above 200,000 tokens).
TIERED = "anthropic.claude-sonnet-4-20250514-v1:0"
TIERED_TOO = "anthropic.claude-sonnet-4-5-20250929-v1:0"
#: A model beside them whose record is left alone.
INTACT = "us.anthropic.claude-sonnet-4-20250514-v1:0"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    sb = make_sandbox(tmp_path_factory.mktemp("seeded"))
    r = sb.run("models", "list", "--provider", "bedrock", "--format", "json")
    assert r.returncode == 0, r.stderr
    return sb


@pytest.fixture
def damaged(seeded: Sandbox, tmp_path: Path) -> Sandbox:
    """The seeded store with the current price of TIERED damaged in three ways (its tiers, its
    output price and its start) and TIERED_TOO's tiers not JSON and its cached price absurd."""
    sb = make_sandbox(tmp_path)
    shutil.copy(seeded.db, sb.db)
    con = sqlite3.connect(sb.db)
    with con:
        def current(model_id: str) -> int:
            row = con.execute(
                "select p.id, p.tiers from price p join model m on m.id = p.model_id join provider v on v.id = m.provider_id "
                "where v.slug = 'bedrock' and m.model_id = ? and p.effective_until is null", (model_id,)).fetchone()
            assert row is not None and row[1], f"{model_id} has no current tiered price in the bundled snapshot"
            return int(row[0])

        con.execute("""update price set tiers = '[{"threshold": "abc", "input": "0.000006"}]', output = 'garbage', """
                    "effective_from = 'yesterday' where id = ?", (current(TIERED),))
        con.execute("update price set tiers = '[{oops', cached_input = '1e999999999' where id = ?", (current(TIERED_TOO),))
    con.close()
    return sb


def _ok(r: object) -> None:
    import subprocess

    assert isinstance(r, subprocess.CompletedProcess)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr


def test_models_info_shows_what_it_cannot_read_and_the_rest(damaged: Sandbox) -> None:
    r = damaged.run("models", "info", TIERED, "bedrock", "--history")
    _ok(r)
    assert "Input: $3.00 per 1M tokens" in r.stdout
    assert "Output:" not in r.stdout.split("Current Pricing:")[1].split("Source:")[0]  # unknown, never $0
    assert "Long-context prices: unreadable in the store" in r.stdout and "`aisync sync-pricing`" in r.stdout
    assert "since an unreadable date" in r.stdout
    data = json.loads(damaged.run("models", "info", TIERED, "bedrock", "--format", "json").stdout)
    prices = data["pricing"]["current"]["prices_per_token"]
    assert prices["input"] == "0.000003" and "output" not in prices and prices["tiers_unreadable"] is True
    assert data["pricing"]["current"]["effective_from"] is None
    other = json.loads(damaged.run("models", "info", TIERED_TOO, "bedrock", "--format", "json").stdout)
    assert "cached_input" not in other["pricing"]["current"]["prices_per_token"]


def test_no_cost_is_computed_from_a_damaged_price_and_the_catalog_still_ranks(damaged: Sandbox) -> None:
    r = damaged.run("cost", "--model", TIERED, "bedrock", "--model", INTACT, "bedrock", "--input-tokens", "1000", "--format", "json")
    _ok(r)
    quotes = {q["id"]: q for q in json.loads(r.stdout)}
    assert quotes[TIERED]["cost_usd"] is None
    assert "long_context_tier" in quotes[TIERED]["missing"]
    assert quotes[INTACT]["cost_usd"] == "0.003"
    text = damaged.run("cost", "--model", TIERED_TOO, "bedrock", "--input-tokens", "1000")
    _ok(text)
    assert f"{TIERED_TOO} (bedrock): cost unknown, no long-context price" in text.stdout
    ranked = damaged.run("cheapest", "--provider", "bedrock", "--input-tokens", "1000", "--top", "1000", "--format", "json")
    _ok(ranked)
    ids = [m["id"] for m in json.loads(ranked.stdout)]
    assert INTACT in ids and TIERED not in ids and TIERED_TOO not in ids


def test_the_next_pricing_sync_writes_the_damaged_prices_again(damaged: Sandbox) -> None:
    r = damaged.run("sync-pricing", "--offline")
    _ok(r)
    assert "2 updated" in r.stdout
    for model_id in (TIERED, TIERED_TOO):
        data = json.loads(damaged.run("models", "info", model_id, "bedrock", "--format", "json").stdout)
        prices = data["pricing"]["current"]["prices_per_token"]
        assert "tiers_unreadable" not in prices
        assert [t["threshold"] for t in prices["tiers"]] == [200000]
        assert prices["output"] == "0.000015"
    cost = json.loads(damaged.run("cost", "--model", TIERED, "bedrock", "--input-tokens", "1000", "--format", "json").stdout)
    assert cost[0]["cost_usd"] == "0.003"
