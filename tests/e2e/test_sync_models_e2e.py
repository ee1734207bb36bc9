"""The real `aisync` against the loopback server: the core commands as a cron job or a user runs them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.e2e.fakeserver import Fault
from tests.helpers import provider_config

pytestmark = pytest.mark.e2e


def _setup(sandbox, server, *providers, model_sync=""):
    sandbox.write_config(provider_config(server, *providers, model_sync=model_sync))


def _count(sandbox, sql, *params):
    con = sqlite3.connect(sandbox.db)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


def test_first_sync_adds_every_model_of_the_three_providers(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", "gemini", "xai")
    r = sandbox.run("sync-models", env=keys_env)
    assert r.returncode == 0, r.stderr
    assert "Syncing models from AI providers..." in r.stdout
    assert "OpenAI:\n  ✓ Found 74 models\n  ✓ Added 74 new models" in r.stdout
    # Gemini came in 3 pages of 20 (the fake caps pageSize at 20): all 50 are there.
    assert "Gemini:\n  ✓ Found 50 models" in r.stdout
    assert "Sync completed successfully!" in r.stdout
    assert "Total: 129 models synced across 3 providers" in r.stdout
    assert _count(sandbox, "select count(*) from model where available = 1") == 129
    gemini_pages = [q for q in three_providers.requests("gemini") if q["path"] == "/v1beta/models"]
    assert len(gemini_pages) == 3
    # The key travels in the header, never in the URL.
    assert all("key" not in q["query"] for q in gemini_pages)
    assert gemini_pages[0]["headers"].get("x-goog-api-key") == keys_env["GEMINI_API_KEY"]


def test_second_sync_within_cache_ttl_is_skipped_unless_forced(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai")
    assert sandbox.run("sync-models", "--provider", "openai", env=keys_env).returncode == 0
    r = sandbox.run("sync-models", "--provider", "openai", env=keys_env)
    assert r.returncode == 0
    assert "Skipped: synced" in r.stdout and "use --force" in r.stdout
    assert len(three_providers.requests("openai")) == 1
    r = sandbox.run("sync-models", "--provider", "openai", "--force", env=keys_env)
    assert "✓ All models up to date" in r.stdout
    assert len(three_providers.requests("openai")) == 2


def test_dry_run_lists_what_would_change_and_writes_nothing(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", "xai")
    r = sandbox.run("sync-models", "--dry-run", "--provider", "openai", "--provider", "xai", env=keys_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("DRY RUN - No changes will be made")
    assert "Would add: gpt-4o (new model)" in r.stdout
    assert "- 79 models would be added" in r.stdout
    assert _count(sandbox, "select count(*) from model") == 0
    assert _count(sandbox, "select count(*) from sync_run") == 0


def test_changed_and_vanished_models_are_updated_and_marked_missing_not_deleted(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "gemini")
    assert sandbox.run("sync-models", "--provider", "gemini", env=keys_env).returncode == 0
    state = three_providers.providers["gemini"]
    first = state.models[0]
    dropped = state.models[-1]["name"].split("/", 1)[1]
    changed = dict(first, inputTokenLimit=2_000_000, displayName="Renamed Flash")
    state.models = [changed] + state.models[1:-1]
    r = sandbox.run("sync-models", "--provider", "gemini", "--force", "--verbose", env=keys_env)
    assert r.returncode == 0, r.stderr
    mid = first["name"].split("/", 1)[1]
    assert f"  {mid}\n    ✓ Model exists, checking for updates" in r.stdout
    assert "✓ Updated context_length: 1048576 → 2000000" in r.stdout
    assert f"  {dropped}\n    ! No longer listed: marked missing" in r.stdout
    assert _count(sandbox, "select count(*) from model where model_id = ? and status = 'missing'", dropped) == 1
    assert _count(sandbox, "select count(*) from model_change where field = 'context_length' and old = '1048576' and new = '2000000'") == 1
    info = sandbox.run("models", "info", dropped, "gemini", "--format", "json")
    assert json.loads(info.stdout)["status"] == "missing"


def test_an_empty_list_keeps_the_models_and_warns_unless_the_shrink_is_accepted(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", model_sync="cache_ttl = 0")
    assert sandbox.run("sync-models", "--provider", "openai", env=keys_env).returncode == 0
    three_providers.providers["openai"].models = []
    r = sandbox.run("sync-models", "--provider", "openai", env=keys_env)
    assert r.returncode == 0
    assert "returned an empty list; kept all 74 models (use --accept-shrink to mark them missing)" in r.stdout
    assert _count(sandbox, "select count(*) from model where status = 'missing'") == 0
    forced = sandbox.run("sync-models", "--provider", "openai", "--force", env=keys_env)
    assert "kept all 74 models" in forced.stdout, "--force means only: ignore cache_ttl"
    assert _count(sandbox, "select count(*) from model where status = 'missing'") == 0
    accepted = sandbox.run("sync-models", "--provider", "openai", "--accept-shrink", env=keys_env)
    assert accepted.returncode == 0, accepted.stderr
    assert "Marked 74 models missing" in accepted.stdout
    assert _count(sandbox, "select count(*) from model where status = 'missing'") == 74


def test_one_provider_failing_does_not_stop_the_others(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", "gemini", "xai")
    env = dict(keys_env, XAI_API_KEY="xai-wrong-key-000000000000")
    r = sandbox.run("sync-models", env=env)
    assert r.returncode == 1
    assert "xAI:\n  ✗ Invalid API key" in r.stdout
    assert "verify the API key" in r.stdout
    assert "Sync completed with errors: 1 provider failed (xai)" in r.stdout
    assert "xai-wrong-key" not in r.stdout + r.stderr
    assert _count(sandbox, "select count(*) from model where available = 1") == 124
    assert _count(sandbox, "select count(*) from sync_run where provider = 'xai' and status = 'failed' and error_kind = 'invalid_api_key'") == 1


def test_rate_limit_with_retry_after_is_retried_then_succeeds(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", model_sync="retry_attempts = 3\nmax_retry_wait = 5")
    three_providers.fault("openai", Fault(status=429, body={"error": {"message": "Rate limit reached for requests", "code": "rate_limit_exceeded"}}, headers={"retry-after": "0.2"}))
    r = sandbox.run("sync-models", "--provider", "openai", env=keys_env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "✓ Found 74 models" in r.stdout
    assert len(three_providers.requests("openai")) == 2


def test_exhausted_quota_is_not_retried(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai")
    three_providers.fault("openai", Fault(status=429, repeat=5, body={"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}))
    r = sandbox.run("sync-models", "--provider", "openai", env=keys_env)
    assert r.returncode == 1
    assert "Quota exceeded" in r.stdout
    assert len(three_providers.requests("openai")) == 1


def test_slow_provider_times_out_with_the_api_timeout_message(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", model_sync="retry_attempts = 1")
    three_providers.fault("openai", Fault(hang=True))
    r = sandbox.run("sync-models", "--provider", "openai", "--timeout", "0.5", env=keys_env, timeout=30)
    assert r.returncode == 1
    assert "✗ API timeout" in r.stdout
    assert "--timeout=60" in r.stdout


def test_requesting_an_unconfigured_provider_says_provider_not_configured(sandbox, three_providers):
    _setup(sandbox, three_providers, "openai")
    r = sandbox.run("sync-models", "--provider", "openai")
    assert r.returncode == 1
    assert "✗ Provider not configured" in r.stdout
    assert "OPENAI_API_KEY" in r.stdout


def test_sync_all_json_summary_and_log_line_per_provider(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", "gemini", "xai")
    r = sandbox.run("--sync-all", "--json", "--no-pricing", env=keys_env)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    providers = {p["provider"]: p for p in data["models"]["providers"]}
    assert providers["openai"]["status"] == "ok" and providers["openai"]["added"] == 74
    assert providers["anthropic"]["status"] == "skipped"
    assert data["exit_code"] == 0
    log = sandbox.log_file.read_text()
    assert "model sync provider=openai status=ok" in log
    assert "model sync provider=gemini status=ok" in log


def test_sync_all_quiet_prints_nothing_when_all_is_well(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai")
    r = sandbox.run("--sync-all", "--quiet", "--no-pricing", env={"OPENAI_API_KEY": keys_env["OPENAI_API_KEY"]})
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr == ""


def test_disabled_model_sync_does_nothing(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai")
    r = sandbox.run("sync-models", env=dict(keys_env, AISYNC_MODEL_SYNC_ENABLED="false"))
    assert r.returncode == 0
    assert "Model sync is disabled" in r.stdout
    assert three_providers.requests("openai") == []


def test_second_run_while_one_holds_the_lock_exits_75_naming_the_holder(sandbox, three_providers, keys_env):
    import fcntl
    import os

    _setup(sandbox, three_providers, "openai")
    assert sandbox.run("models", "list").returncode == 0  # creates the store
    lock_path = str(sandbox.db) + ".lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, json.dumps({"pid": 4242, "host": "cronbox", "command": "aisync --sync-all", "since": "2026-01-01T00:00:00Z"}).encode())
    try:
        r = sandbox.run("sync-models", "--provider", "openai", env=keys_env)
    finally:
        os.close(fd)
    assert r.returncode == 75
    assert "pid 4242 on cronbox" in r.stderr
    # Released: the next run goes through.
    assert sandbox.run("sync-models", "--provider", "openai", env=keys_env).returncode == 0


def test_models_list_formats(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "xai")
    assert sandbox.run("sync-models", "--provider", "xai", env=keys_env).returncode == 0
    table = sandbox.run("models", "list", "--provider", "xai", "--available")
    assert table.returncode == 0
    assert "| grok-3-mini " in table.stdout and "$0.30" in table.stdout
    data = json.loads(sandbox.run("models", "list", "--provider", "xai", "--available", "--format", "json").stdout)
    grok3 = next(m for m in data if m["id"] == "grok-3")
    assert grok3["pricing"] == {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05}
    assert set(grok3) >= {"id", "name", "provider", "type", "status", "context_length", "capabilities", "pricing", "last_synced"}
    image = next(m for m in data if m["type"] == "image")
    assert image["pricing"]["input_cost_per_token"] is None  # unknown, never 0
    csv_out = sandbox.run("models", "list", "--provider", "xai", "--available", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("Model,Provider,Type,Status,Context Length")
    assert len(csv_out) == 1 + len(data)


def test_models_info_unknown_model_suggests_close_matches(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "xai")
    assert sandbox.run("sync-models", "--provider", "xai", env=keys_env).returncode == 0
    r = sandbox.run("models", "info", "grok-3-mni", "xai")
    assert r.returncode == 2
    assert "not found" in r.stderr and "grok-3-mini xai" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cleanup_needs_force_without_a_terminal_and_removes_missing_models(sandbox, three_providers, keys_env):
    from datetime import datetime, timedelta, timezone

    _setup(sandbox, three_providers, "gemini")
    assert sandbox.run("sync-models", "--provider", "gemini", env=keys_env).returncode == 0
    state = three_providers.providers["gemini"]
    gone = state.models[-1]["name"].split("/", 1)[1]
    state.models = state.models[:-1]
    assert sandbox.run("sync-models", "--provider", "gemini", "--force", env=keys_env).returncode == 0
    # Missing for two months already; every other model was synced just now.
    today = datetime.now(timezone.utc)
    con = sqlite3.connect(sandbox.db)
    con.execute("update model set missing_since = ? where model_id = ?", ((today - timedelta(days=60)).strftime("%Y-%m-%d %H:%M:%S"), gone))
    con.commit()
    con.close()
    cutoff = (today - timedelta(days=30)).strftime("%Y-%m-%d")
    dry = sandbox.run("models", "cleanup", "--dry-run", "--older-than", cutoff, "--provider", "gemini")
    assert dry.returncode == 0 and gone in dry.stdout and "Would remove 1 model" in dry.stdout, dry.stdout
    refused = sandbox.run("models", "cleanup", "--older-than", cutoff, "--provider", "gemini")
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert _count(sandbox, "select count(*) from model m join provider p on p.id = m.provider_id where p.slug = 'gemini' and m.model_id = ?", gone) == 1
    # Default cut-off (90 days ago): a model missing for 60 days is kept.
    kept = sandbox.run("models", "cleanup", "--force")
    assert "Nothing to clean up" in kept.stdout
    done = sandbox.run("models", "cleanup", "--force", "--older-than", cutoff, "--provider", "gemini")
    assert done.returncode == 0, done.stderr
    assert _count(sandbox, "select count(*) from model m join provider p on p.id = m.provider_id where p.slug = 'gemini' and m.model_id = ?", gone) == 0
    assert _count(sandbox, "select count(*) from model where status = 'active'") == len(state.models)
    assert _count(sandbox, "select count(*) from sync_run where kind = 'cleanup' and status = 'ok'") == 1


def test_cleanup_with_a_cut_off_in_the_future_refuses_in_one_line_and_removes_nothing(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "gemini")
    assert sandbox.run("sync-models", "--provider", "gemini", env=keys_env).returncode == 0
    before = _count(sandbox, "select count(*) from model")
    for date in ("2999-01-01", "9999-12-31"):
        r = sandbox.run("models", "cleanup", "--force", "--older-than", date)
        assert r.returncode == 2
        assert len(r.stderr.strip().splitlines()) == 1 and "in the future" in r.stderr and "Traceback" not in r.stderr
    assert _count(sandbox, "select count(*) from model") == before


def test_providers_are_reported_in_config_order_whatever_answers_first(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", "gemini", "xai")
    three_providers.providers["openai"].latency = 0.4  # answers last
    r = sandbox.run("sync-models", env=keys_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.index("OpenAI:") < r.stdout.index("Gemini:") < r.stdout.index("xAI:")


def test_piping_a_long_listing_into_head_is_not_an_error(sandbox):
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "aisync_tui", "models", "list"],
        env=sandbox.env, cwd=sandbox.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the catalog listing is far larger than a pipe buffer
    proc.stdout.close()  # like `| head -1` exiting
    _, err = proc.communicate(timeout=60)
    assert first.startswith(b"+")
    assert proc.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_models_list_by_capability_lists_exactly_the_models_that_have_it(sandbox, three_providers, keys_env):
    _setup(sandbox, three_providers, "openai", "gemini")
    synced = sandbox.run("sync-models", "--provider", "openai", "--provider", "gemini", env=keys_env)
    assert synced.returncode == 0, synced.stdout
    r = sandbox.run("models", "list", "--available", "--capability", "vision", "--format", "json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    con = sqlite3.connect(sandbox.db)
    try:
        rows = con.execute("select model_id, capabilities from model where available = 1").fetchall()
    finally:
        con.close()
    caps_of = {mid: set(json.loads(caps or "[]")) for mid, caps in rows}
    expected = {mid for mid, caps in caps_of.items() if "vision" in caps}
    assert expected and expected != set(caps_of), "the fixture lists vision models and others"
    assert {m["id"] for m in listed} == expected
    both = sandbox.run("models", "list", "--available", "--capability", "vision", "--capability", "functions", "--format", "json")
    assert {m["id"] for m in json.loads(both.stdout)} == {mid for mid, caps in caps_of.items() if {"vision", "functions"} <= caps}
