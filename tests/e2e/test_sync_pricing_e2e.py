"""The real `aisync sync-pricing` in a subprocess: offline first run, the reference's output, and a
remote feed served by the loopback server with ETag and integrity checks."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest

from aisync_tui.pricing.sources import snapshot_bytes
from tests.helpers import provider_config

pytestmark = pytest.mark.e2e


def _rows(sandbox, sql, *params):
    con = sqlite3.connect(sandbox.db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _openai_only(server):
    server.add("openai", models=[{"id": m, "object": "model", "created": 1715367049, "owned_by": "system"} for m in ("gpt-4o", "o3", "my-finetune")])


def test_offline_first_run_lists_the_bundled_catalog_without_any_key(sandbox):
    sandbox.write_config("")
    r = sandbox.run("--db", str(sandbox.db), "models", "list", "--format", "json")
    assert r.returncode == 0, r.stderr
    models = json.loads(r.stdout)
    assert len(models) > 4000
    gpt = next(m for m in models if m["id"] == "gpt-4o" and m["provider"] == "openai")
    assert gpt["status"] == "catalog" and gpt["available"] is False
    assert gpt["pricing"]["input_cost_per_token"] is not None
    assert {m["provider"] for m in models} >= {"openai", "anthropic", "gemini", "bedrock"}


def test_sync_pricing_offline_prints_the_reference_report_and_the_snapshot_age(sandbox, fake_server):
    _openai_only(fake_server)
    sandbox.write_config(provider_config(fake_server, "openai"))
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0
    # The first command seeded the ledger from the snapshot, dated from the snapshot's own date.
    assert _rows(sandbox, "select p.input, p.source, substr(p.effective_from, 1, 10) from price p join model m on m.id = p.model_id "
                 "join provider v on v.id = m.provider_id where m.model_id = 'gpt-4o' and v.slug = 'openai'") == [("0.0000025", "snapshot", "2026-08-21")]
    r = sandbox.run("sync-pricing", "--offline", "--verbose", env=env)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.count("Using the bundled price snapshot from 2026-08-21") == 1 and "days old" in out
    assert "Syncing pricing for OpenAI models..." in out
    assert "gpt-4o:\n  Input: $2.50 per 1M tokens\n  Output: $10.00 per 1M tokens" in out
    assert "Pricing sync completed for OpenAI\nUpdated: 0 models\nUnchanged: 2 models" in out
    assert "No price in any feed (1): my-finetune" in out
    assert "Catalog (models no configured provider has listed)" in out
    r2 = sandbox.run("sync-pricing", "--offline", "--provider", "openai", "--verbose", "--per", "1k", env=env)
    assert "gpt-4o:\n  Input: $0.0025 per 1K tokens\n  Output: $0.01 per 1K tokens\n  ✓ Pricing up to date" in r2.stdout
    assert "Updated: 0 models\nUnchanged: 2 models" in r2.stdout
    runs = _rows(sandbox, "select provider, status from sync_run where kind = 'pricing' order by id")
    assert runs.count(("openai", "ok")) == 2 and ("catalog", "ok") in runs


def test_remote_feed_with_etag_and_a_rejected_copy_keeps_the_last_good_one(sandbox, fake_server):
    litellm = snapshot_bytes("litellm")
    genai = snapshot_bytes("genai")
    feeds = fake_server.add("feeds", "feed", key=None, files={"/litellm.json": litellm, "/genai.json": genai, "/modelsdev.json": snapshot_bytes("modelsdev")})
    _openai_only(fake_server)
    base = f"http://127.0.0.1:{fake_server.port}/feeds"
    sandbox.write_config(
        provider_config(fake_server, "openai")
        + f'\n[pricing]\nfeed_url = "{base}/litellm.json"\ngenai_prices_url = "{base}/genai.json"\nmodelsdev_url = "{base}/modelsdev.json"\n'
    )
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0

    r1 = sandbox.run("sync-pricing", env=env)
    assert r1.returncode == 0, r1.stderr
    assert "LiteLLM feed: 4,876 models, revision c8f11f1 (new)" in r1.stdout
    # The live feed confirms the price the snapshot seeded: the same price writes nothing.
    assert _rows(sandbox, "select p.input, p.source from price p join model m on m.id = p.model_id join provider v on v.id = m.provider_id where m.model_id = 'gpt-4o' and v.slug = 'openai'") == [("0.0000025", "snapshot")]

    r2 = sandbox.run("sync-pricing", "--force", env=env)
    assert r2.returncode == 0, r2.stderr
    assert "LiteLLM feed not modified since the last fetch (ETag)" in r2.stdout
    conditional = [q for q in fake_server.requests("feeds") if q["path"] == "/litellm.json"]
    assert len(conditional) == 2 and conditional[1]["headers"].get("If-None-Match", conditional[1]["headers"].get("if-none-match"))

    tiny = {k: v for k, v in list(json.loads(litellm).items())[:12]}
    feeds.extra["files"]["/litellm.json"] = json.dumps(tiny).encode()
    r3 = sandbox.run("sync-pricing", "--force", env=env)
    assert r3.returncode == 0, r3.stderr
    assert "rejected" in r3.stderr and "keeping the last good copy" in r3.stderr
    assert _rows(sandbox, "select count(*) from price p join model m on m.id = p.model_id join provider v on v.id = m.provider_id where m.model_id = 'gpt-4o' and v.slug = 'openai'") == [(1,)]
    assert "Updated: 0 models" in r3.stdout


def test_sync_all_runs_the_pricing_stage_after_the_model_sync(sandbox, fake_server):
    _openai_only(fake_server)
    sandbox.write_config(provider_config(fake_server, "openai") + '\n[pricing]\nremote = false\n')
    r = sandbox.run("--sync-all", "--json", env={"OPENAI_API_KEY": "sk-test-openai-0123456789"})
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["pricing"]["kind"] == "pricing"
    openai = next(p for p in data["pricing"]["providers"] if p["provider"] == "openai")
    # The store was seeded from the same snapshot when the model stage created it: nothing changes.
    assert openai["prices_changed"] == 0 and openai["unchanged"] == 2 and openai["unmatched"] == 1


def _usage_file(tmp_path, model, days_ago=2):
    from datetime import datetime, timedelta, timezone

    when = (datetime.now(timezone.utc) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = tmp_path / f"{model}.jsonl"
    path.write_text(json.dumps({"timestamp": when, "provider": "openai", "model": model, "requests": 1, "input_tokens": 1000, "output_tokens": 100}) + "\n")
    return path


def _feed_file(tmp_path, change):
    data = json.loads(snapshot_bytes("litellm"))
    change(data)
    path = tmp_path / "litellm.json"
    path.write_text(json.dumps(data))
    genai = tmp_path / "genai.json"
    genai.write_bytes(snapshot_bytes("genai"))
    modelsdev = tmp_path / "modelsdev.json"
    modelsdev.write_bytes(snapshot_bytes("modelsdev"))
    return f'\n[pricing]\nfeed_url = "{path}"\ngenai_prices_url = "{genai}"\nmodelsdev_url = "{modelsdev}"\ncache_ttl = 0\n'


def test_whisper_and_speech_prices_show_in_their_own_units_never_as_zero(sandbox, fake_server):
    fake_server.add("openai", models=[{"id": m, "object": "model", "created": 1715367049, "owned_by": "system"} for m in ("whisper-1", "tts-1")])
    sandbox.write_config(provider_config(fake_server, "openai"))
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0
    whisper = sandbox.run("models", "info", "whisper-1", "openai", env=env).stdout
    assert "Input (seconds): $0.0001 per second" in whisper and "Output (seconds): $0.0001 per second" in whisper
    groq = sandbox.run("models", "info", "whisper-large-v3", "groq", env=env).stdout
    assert "Input (seconds): $0.00003083 per second" in groq
    assert "Free" not in groq
    tts = sandbox.run("models", "info", "tts-1", "openai", env=env).stdout
    assert "Input (characters): $15.00 per 1M characters" in tts


def test_usage_imported_right_after_the_first_sync_is_priced(sandbox, fake_server, tmp_path):
    _openai_only(fake_server)
    sandbox.write_config(provider_config(fake_server, "openai") + '\n[pricing]\nremote = false\n')
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0
    assert sandbox.run("usage", "import", "jsonl", str(_usage_file(tmp_path, "gpt-4o")), env=env).returncode == 0
    (cost, source) = _rows(sandbox, "select cost_usd, cost_source from usage_record")[0]
    # 1,000 input tokens at $2.50 and 100 output at $10.00 per 1M, in force since the snapshot's date.
    assert (Decimal(cost), source) == (Decimal("0.0035"), "computed")


def test_a_record_left_unpriced_is_priced_by_a_later_pricing_sync(sandbox, fake_server, tmp_path):
    _openai_only(fake_server)
    new_model = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
    config = provider_config(fake_server, "openai")
    sandbox.write_config(config + '\n[pricing]\nremote = false\n')
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0
    assert sandbox.run("usage", "import", "jsonl", str(_usage_file(tmp_path, "gpt-9-preview")), env=env).returncode == 0
    assert _rows(sandbox, "select cost_usd from usage_record") == [(None,)]
    sandbox.write_config(config + _feed_file(tmp_path, lambda d: d.update({"gpt-9-preview": new_model})))
    r = sandbox.run("sync-pricing", env=env)
    assert r.returncode == 0, r.stderr
    assert "Usage records priced now that their model has a price: 1" in r.stdout
    ((cost, source),) = _rows(sandbox, "select cost_usd, cost_source from usage_record")
    # Its price period starts now; the record is older, so the cost is the earliest known price's.
    assert (Decimal(cost), source) == (Decimal("0.0012"), "estimated")


def test_a_malformed_feed_entry_keeps_the_price_and_warns_in_one_line(sandbox, fake_server, tmp_path):
    _openai_only(fake_server)
    config = provider_config(fake_server, "openai")
    sandbox.write_config(config + _feed_file(tmp_path, lambda d: d["gpt-4o"].update(input_cost_per_token="abc")))
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0
    r = sandbox.run("sync-pricing", "--timeout", "5", env=env)
    assert r.returncode == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if "malformed or implausible" in line]
    assert len(warnings) == 1 and "gpt-4o" in warnings[0] and "Traceback" not in r.stderr
    assert _rows(sandbox, "select p.input from price p join model m on m.id = p.model_id join provider v on v.id = m.provider_id "
                 "where m.model_id = 'gpt-4o' and v.slug = 'openai'") == [("0.0000025",)]


def test_a_feed_host_that_does_not_resolve_is_named_as_a_dns_failure(sandbox):
    sandbox.write_config('[pricing]\nfeed_url = "http://no-such-host.invalid/litellm.json"\n'
                         'genai_prices_url = "http://no-such-host.invalid/genai.json"\n')
    r = sandbox.run("sync-pricing", "--timeout", "5")
    assert r.returncode == 0, r.stderr
    assert "Host not found: cannot resolve no-such-host.invalid" in r.stderr and "API timeout" not in r.stderr
    assert r.stdout.count("Using the bundled price snapshot") == 1
    bad = sandbox.run("sync-pricing", "--timeout", "0")
    assert bad.returncode == 2 and "--timeout must be a positive number" in bad.stderr


def test_models_dev_file_fills_release_facts_and_a_changed_litellm_price_is_reported_as_a_disagreement(sandbox, fake_server, tmp_path):
    _openai_only(fake_server)

    def change(data):
        data["gpt-4o"]["input_cost_per_token"] = 2.75e-06

    sandbox.write_config(provider_config(fake_server, "openai") + _feed_file(tmp_path, change))
    env = {"OPENAI_API_KEY": "sk-test-openai-0123456789"}
    assert sandbox.run("sync-models", env=env).returncode == 0
    r = sandbox.run("sync-pricing", "--verbose", "--accept-shrink", env=env)
    assert r.returncode == 0, r.stderr
    assert "Sources disagree on" in r.stdout and "models list --disputed" in r.stdout
    info = sandbox.run("models", "info", "gpt-4o", "openai", env=env).stdout
    assert "Release date: 2024-05-13 (models.dev)" in info and "Knowledge cutoff: 2023-09 (models.dev)" in info
    assert "Open weights: no (models.dev)" in info
    line = next(x for x in info.splitlines() if "Sources disagree on input" in x)
    assert "LiteLLM $2.75" in line and "models.dev $2.50" in line
    # The order of trust still decides: LiteLLM's price is the current one.
    assert "Input: $2.75 per 1M tokens" in info
    data = json.loads(sandbox.run("models", "info", "gpt-4o", "openai", "--format", "json", env=env).stdout)
    assert (data["knowledge_cutoff"], data["released_at"], data["last_updated"], data["open_weights"]) == ("2023-09", "2024-05-13", "2024-08-06", False)
    disputed = json.loads(sandbox.run("models", "list", "--disputed", "--provider", "openai", "--format", "json", env=env).stdout)
    assert "gpt-4o" in {m["id"] for m in disputed}
    opened = json.loads(sandbox.run("models", "list", "--open-weights", "--released-after", "2025-01-01", "--sort", "released",
                                    "--limit", "20", "--format", "json", env=env).stdout)
    assert opened and all(m["open_weights"] is True and m["released_at"] > "2025-01-01" for m in opened)
