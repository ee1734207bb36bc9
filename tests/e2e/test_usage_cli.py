"""The real `aisync usage import/report` in a subprocess: llm logs.db, the admin APIs on a loopback
server (several pages), a CSV that fails, re-import that never counts twice, and usage priced by the
pricing sync that brings its price."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from aisync_tui.pricing.sources import snapshot_bytes
from tests.e2e.fakeserver import DEFAULT_KEYS
from tests.unit.usage_helpers import anthropic_cost_pages, anthropic_usage_pages, build_logs_db, insert, openai_cost_pages, openai_usage_pages

pytestmark = pytest.mark.e2e


def _day0(days_ago: int = 3) -> datetime:
    today = datetime.now(timezone.utc).date()
    return datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=timezone.utc)


def _report(sandbox, *extra: str) -> dict:
    proc = sandbox.run("usage", "report", "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_llm_import_then_report_and_reimport_counts_nothing_twice(sandbox, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v4_turns")
    day = _day0(2).strftime("%Y-%m-%d")
    insert(db, "responses", [{"id": "01legacy", "model": "gpt-4o-mini", "datetime_utc": f"{day}T08:00:00.5+00:00", "input_tokens": 100, "output_tokens": 10}])
    insert(db, "turns", [{"id": "01turn", "model": "anthropic/claude-3-5-haiku-latest", "resolved_model": "claude-3-5-haiku-20241022", "datetime_utc": f"{day}T09:00:00+00:00", "input_tokens": 40, "output_tokens": 4}])
    # The default location: $LLM_USER_PATH/logs.db.
    proc = sandbox.run("usage", "import", "llm", env={"LLM_USER_PATH": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "Added: 2 / Updated: 0 / Already imported: 0" in proc.stdout
    assert "Not in the catalog (kept and shown)" in proc.stdout
    again = sandbox.run("usage", "import", "llm", str(db), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["added"] == 0 and json.loads(again.stdout)["unchanged"] == 2
    report = _report(sandbox, "--days", "7")
    assert report["totals"]["requests"] == 2 and report["totals"]["total_tokens"] == 154
    # The store the import created was seeded from the bundled price catalog: gpt-4o-mini is priced
    # (100 x $0.15 + 10 x $0.60 per 1M); the Claude record is grouped by what was asked for, with
    # what it resolved to.
    by_model = {(m["provider"], m["model"]): m for m in report["by_model"]}
    assert set(by_model) == {("openai", "gpt-4o-mini"), ("anthropic", "claude-3-5-haiku-latest")}
    assert by_model[("anthropic", "claude-3-5-haiku-latest")]["resolved_models"] == ["claude-3-5-haiku-20241022"]
    assert by_model[("openai", "gpt-4o-mini")]["in_catalog"] is True
    assert by_model[("openai", "gpt-4o-mini")]["cost_usd"] == "0.000021"
    assert report["totals"]["unpriced_records"] == 1 and report["totals"]["cost_usd"] == "0.000021"
    text = sandbox.run("usage", "report", "--days", "7")
    assert "claude-3-5-haiku-latest → claude-3-5-haiku-20241022" in text.stdout


def test_openai_admin_import_reads_every_page_and_attaches_reported_costs(sandbox, fake_server) -> None:
    day0 = int(_day0(3).timestamp())
    fake_server.add("oa", "openai-admin", usage_pages=openai_usage_pages(day0), cost_pages=openai_cost_pages(day0))
    env = {"OPENAI_ADMIN_KEY": DEFAULT_KEYS["openai-admin"]}
    proc = sandbox.run("usage", "import", "openai", "--days", "7", "--base-url", fake_server.base_url("oa"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "3 pages fetched" in proc.stdout
    assert DEFAULT_KEYS["openai-admin"] not in proc.stdout + proc.stderr
    usage_requests = [r for r in fake_server.requests("oa") if r["path"].endswith("/usage/completions")]
    assert [r["query"].get("page") for r in usage_requests] == [None, "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="]
    assert usage_requests[0]["query"]["group_by"] == "model" and usage_requests[0]["query"]["bucket_width"] == "1d"
    report = _report(sandbox, "--days", "7", "--provider", "openai")
    models = {m["model"]: m for m in report["by_model"]}
    assert models["gpt-4o-2024-08-06"]["requests"] == 45
    # 0.03 + "0.0125" (a decimal string) reported for day 0; the line item "web search tool calls" kept on its own.
    assert models["web search tool calls"]["cost_usd"] == "0.25"
    assert report["totals"]["cost_reported_usd"] == "0.2925"
    # Running it again (today's bucket may have grown) counts nothing twice.
    again = sandbox.run("usage", "import", "openai", "--days", "7", "--base-url", fake_server.base_url("oa"), "--json", env=env)
    assert json.loads(again.stdout)["added"] == 0
    assert _report(sandbox, "--days", "7")["totals"]["records"] == report["totals"]["records"]


def test_anthropic_admin_import_shows_requests_as_unknown_and_costs_in_dollars(sandbox, fake_server) -> None:
    d0, d1 = _day0(2), _day0(1)
    iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    fake_server.add("an", "anthropic-admin", usage_pages=anthropic_usage_pages(iso(d0), iso(d1)), cost_pages=anthropic_cost_pages(iso(d0), iso(d1)))
    proc = sandbox.run("usage", "import", "anthropic", "--base-url", fake_server.base_url("an"), env={"ANTHROPIC_ADMIN_KEY": DEFAULT_KEYS["anthropic-admin"]})
    assert proc.returncode == 0, proc.stderr
    report = _report(sandbox)
    sonnet = next(m for m in report["by_model"] if m["model"] == "claude-sonnet-4-20250514")
    assert sonnet["requests"] is None and sonnet["records_without_request_count"] == 1
    assert sonnet["input_tokens"] == 2000 and sonnet["cached_tokens"] == 700
    assert sonnet["cost_usd"] == "7.2345"  # (123.45 + 600) cents
    text = sandbox.run("usage", "report").stdout
    assert "Total Requests: —" in text


def test_missing_admin_key_and_bad_key_fail_with_what_to_do(sandbox, fake_server) -> None:
    proc = sandbox.run("usage", "import", "openai")
    assert proc.returncode == 1
    assert "OPENAI_ADMIN_KEY is not set" in proc.stderr
    fake_server.add("oa", "openai-admin", usage_pages=[])
    bad = sandbox.run("usage", "import", "openai", "--base-url", fake_server.base_url("oa"), env={"OPENAI_ADMIN_KEY": "sk-admin-wrong-0123456789abcdef"})
    assert bad.returncode == 1
    assert "Invalid API key" in bad.stderr and "Admin key" in bad.stderr
    assert "sk-admin-wrong-0123456789abcdef" not in bad.stderr
    # Failed imports show up in `aisync sync status` like failed syncs (cron users look there).
    status = sandbox.run("sync", "status")
    assert "openai (usage import, failing now): Invalid API key" in status.stdout


def test_a_bad_csv_line_exits_2_names_the_line_and_imports_nothing(sandbox, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text("timestamp,provider,model,requests,input_tokens,output_tokens,cached_tokens,cost_usd\n"
                    "2025-03-01,openai,gpt-4o,1,10,10,,\n2025-03-01,openai,gpt-4o,1,10,1O,,\n")
    proc = sandbox.run("usage", "import", "csv", str(path))
    assert proc.returncode == 2
    assert "line 3: output_tokens must be a whole number, not '1O'" in proc.stderr
    assert _report(sandbox, "--days", "3650")["totals"]["records"] == 0


def test_report_csv_has_a_header_and_one_row_per_model(sandbox, tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(f'{{"timestamp": "{now}", "model": "gpt-4o", "input_tokens": 5, "output_tokens": 5, "requests": 2, "cost_usd": "0.02"}}\n')
    assert sandbox.run("usage", "import", "jsonl", str(path)).returncode == 0
    out = sandbox.run("usage", "report", "--format", "csv").stdout.splitlines()
    assert out[0].startswith("provider,model,in_catalog,records,requests")
    assert out[1].startswith("openai,gpt-4o,yes,1,2,0,5,5,0,0.02,0.01,")  # in the bundled catalog


def test_usage_served_by_an_unknown_snapshot_is_priced_by_the_pricing_sync_that_prices_the_model_asked_for(sandbox, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v4_turns")
    day = _day0(1).strftime("%Y-%m-%d")
    insert(db, "turns", [{"id": "01turn", "model": "gpt-9o", "resolved_model": "gpt-9o-2026-11-01", "datetime_utc": f"{day}T09:00:00+00:00", "input_tokens": 1000, "output_tokens": 100}])
    imported = sandbox.run("usage", "import", "llm", str(db), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["unpriced"] == 1
    assert _report(sandbox, "--days", "7")["totals"]["cost_usd"] is None
    # Local feed files: the bundled LiteLLM copy plus a price for gpt-9o (not for its snapshot id).
    litellm = json.loads(snapshot_bytes("litellm"))
    litellm["gpt-9o"] = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06}
    (tmp_path / "litellm.json").write_text(json.dumps(litellm))
    (tmp_path / "genai.json").write_bytes(snapshot_bytes("genai"))
    (tmp_path / "modelsdev.json").write_bytes(snapshot_bytes("modelsdev"))
    sandbox.write_config(
        f'[pricing]\nfeed_url = "{tmp_path}/litellm.json"\ngenai_prices_url = "{tmp_path}/genai.json"\nmodelsdev_url = "{tmp_path}/modelsdev.json"\n'
    )
    synced = sandbox.run("sync-pricing")
    assert synced.returncode == 0, synced.stderr
    assert "Usage records priced now that their model has a price: 1" in synced.stdout
    report = _report(sandbox, "--days", "7")
    (gpt,) = report["by_model"]
    assert (gpt["model"], gpt["resolved_models"], gpt["cost_usd"]) == ("gpt-9o", ["gpt-9o-2026-11-01"], "0.0028")  # 1000 x $2 + 100 x $8 per 1M
    assert report["totals"]["unpriced_records"] == 0 and report["totals"]["cost_usd"] == "0.0028"
    assert "Total Cost: $0.0028" in sandbox.run("usage", "report", "--days", "7").stdout
