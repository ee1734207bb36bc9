"""The real `aisync cost` and `aisync cheapest` in a subprocess, on a store synced from the
loopback server and priced from the bundled snapshot."""

from __future__ import annotations

import json

import pytest

from tests.helpers import provider_config

pytestmark = pytest.mark.e2e

KEY = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}


@pytest.fixture
def synced(sandbox, fake_server):
    fake_server.add("openai", models=[{"id": m, "object": "model", "created": 1715367049, "owned_by": "system"} for m in ("gpt-4o", "gpt-4o-mini", "my-finetune")])
    sandbox.write_config(provider_config(fake_server, "openai") + "\n[pricing]\nremote = false\n")
    assert sandbox.run("sync-models", env=KEY).returncode == 0
    r = sandbox.run("sync-pricing", "--offline", env=KEY)
    assert r.returncode == 0, r.stderr
    return sandbox


def test_cost_of_a_workload_is_exact_per_component_in_json(synced):
    r = synced.run("cost", "--model", "gpt-4o", "openai", "--model", "my-finetune", "openai", "--input-tokens", "5000",
                   "--cached-tokens", "2000", "--output-tokens", "1000", "--requests", "100", "--format", "json")
    assert r.returncode == 0, r.stderr
    gpt, mine = json.loads(r.stdout)
    # Snapshot prices: $2.50 in, $1.25 cached, $10 out per 1M tokens.
    assert (gpt["provider"], gpt["id"], gpt["cost_usd"], gpt["missing"]) == ("openai", "gpt-4o", "2", [])
    assert {k: v["cost_usd"] for k, v in gpt["breakdown"].items()} == {"input": "0.75", "cached_input": "0.25", "output": "1"}
    assert mine["cost_usd"] is None and mine["missing"] == ["input", "cached_input", "output"]


def test_cost_table_says_which_component_is_unknown(synced):
    r = synced.run("cost", "--model", "gpt-4o", "openai", "--model", "my-finetune", "openai", "--input-tokens", "1000")
    assert r.returncode == 0, r.stderr
    assert "| gpt-4o " in r.stdout and "$0.0025" in r.stdout
    assert "my-finetune (openai): cost unknown, no input price" in r.stdout


def test_cost_of_an_unknown_model_exits_2_and_suggests_close_ids(synced):
    r = synced.run("cost", "--model", "gpt-4oo", "openai", "--input-tokens", "10")
    assert r.returncode == 2
    assert "Model 'gpt-4oo' not found for provider 'openai'" in r.stderr and "did you mean: gpt-4o openai" in r.stderr


def test_cached_tokens_above_the_input_exit_2_naming_the_option(synced):
    r = synced.run("cost", "--model", "gpt-4o", "openai", "--input-tokens", "10", "--cached-tokens", "20")
    assert r.returncode == 2 and "--cached-tokens" in r.stderr


def test_cheapest_available_lists_only_listed_models_cheapest_first_and_counts_the_unpriced(synced):
    r = synced.run("cheapest", "--input-tokens", "1000", "--output-tokens", "1000", "--available", "--format", "json")
    assert r.returncode == 0, r.stderr
    ranked = json.loads(r.stdout)
    assert [m["id"] for m in ranked] == ["gpt-4o-mini", "gpt-4o"]
    # gpt-4o-mini: 1,000 x $0.15/1M + 1,000 x $0.60/1M
    assert ranked[0]["cost_usd"] == "0.00075"
    assert "1 model left out: no known price for this workload" in r.stderr
    text = synced.run("cheapest", "--input-tokens", "1000", "--available")
    assert "Left out: 1 model without a known price for this workload (e.g. my-finetune (openai))" in text.stdout
    catalog = json.loads(synced.run("cheapest", "--input-tokens", "1000", "--catalog", "--provider", "openai", "--top", "0", "--format", "json").stdout)
    assert catalog and not {"gpt-4o", "gpt-4o-mini"} & {m["id"] for m in catalog} and not any(m["available"] for m in catalog)


def test_cheapest_over_the_catalog_honours_capability_context_and_top(synced):
    r = synced.run("cheapest", "--input-tokens", "1000", "--output-tokens", "100", "--capability", "vision", "--capability", "functions",
                   "--min-context", "128000", "--provider", "openai", "--top", "5", "--format", "json")
    assert r.returncode == 0, r.stderr
    ranked = json.loads(r.stdout)
    assert len(ranked) == 5
    assert all(m["context_length"] >= 128000 and m["provider"] == "openai" for m in ranked)
    costs = [(float(m["cost_usd"]), -m["context_length"], m["id"]) for m in ranked]
    assert costs == sorted(costs)


@pytest.mark.parametrize("argv", [["--help"], ["cost", "--help"], ["cheapest", "--input-tokens", "10", "--top", "1"]], ids=" ".join)
def test_help_and_the_cost_commands_never_load_apprise_or_the_mcp_sdk(sandbox, argv):
    import subprocess
    import sys

    code = (
        "import sys, runpy\n"
        f"sys.argv = ['aisync', *{argv!r}]\n"
        "try:\n    runpy.run_module('aisync_tui', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = sorted(m for m, mod in sys.modules.items() if mod is not None and m.split('.')[0] in ('apprise', 'mcp', 'textual', 'httpx'))\n"
        "print('loaded:', heavy[:5])\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=sandbox.env, cwd=sandbox.root, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("loaded: []")
