"""One identity per model, end to end: the real `aisync` in a subprocess against the loopback
provider server and a real SQLite store. Every id a provider lists finds the model the user's key
can call; usage asked for by one id and served by another counts for both; `--type audio` is the
family of speech models."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fakeserver import DEFAULT_KEYS
from tests.helpers import fixture_json, provider_config
from tests.unit.usage_helpers import build_logs_db, insert

pytestmark = pytest.mark.e2e

MISTRAL = "mistral__terminal-log-flintx-2025-12-30.json"


def _json(proc: Any) -> Any:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def test_every_id_mistral_lists_finds_the_model_the_key_can_call(sandbox, fake_server):
    body = fixture_json(MISTRAL)["data"]
    fake_server.add("mistral", models=body)
    sandbox.write_config(provider_config(fake_server, "mistral"))
    env = {"MISTRAL_API_KEY": DEFAULT_KEYS["mistral"]}
    assert sandbox.run("sync-models", "--provider", "mistral", env=env).returncode == 0
    everything = _json(sandbox.run("models", "list", "--provider", "mistral", "--format", "json"))
    rows = [r for r in everything if r["available"]]
    owner = {}
    for row in rows:
        for ident in [row["id"], *row["aliases"]]:
            assert ident not in owner, f"{ident} belongs to two models"
            owner[ident] = row["id"]
    assert len(rows) == 33
    assert {m["id"] for m in body} <= set(owner), "an id Mistral lists resolves to nothing"
    # The price catalog keeps the models Mistral does not list, but never a second row for one it does.
    assert [r["id"] for r in everything if not r["available"] and r["id"] in owner] == []
    # The ids people use: each opens the listed model, not a price-catalog entry, not "not found".
    for alias, model in (("codestral-latest", "codestral-2508"), ("codestral-2412", "codestral-2501"), ("mistral-large-latest", "mistral-large-2512")):
        info = _json(sandbox.run("models", "info", alias, "mistral", "--format", "json"))
        assert (info["id"], info["available"]) == (model, True) and info["status"] != "catalog", alias
        assert alias in info["aliases"] and info["description"]
    # Search by an alias finds its model.
    found = _json(sandbox.run("models", "list", "--provider", "mistral", "--search", "codestral-latest", "--format", "json"))
    assert [r["id"] for r in found] == ["codestral-2508"]
    text = sandbox.run("models", "info", "codestral-latest", "mistral")
    assert "Aliases: codestral-latest" in text.stdout and "Description: " in text.stdout
    assert "✓ Fill-in-the-middle" in text.stdout and "✗ Vision" in text.stdout


def test_llm_usage_asked_as_gpt_4o_mini_shows_in_models_info_for_it_and_its_snapshot(sandbox, fake_server, tmp_path: Path):
    fake_server.add("openai", models=fixture_json("openai__chatgpt-export-curl-2025-06-09.json")["data"])
    sandbox.write_config(provider_config(fake_server, "openai"))
    assert sandbox.run("sync-models", "--provider", "openai", env={"OPENAI_API_KEY": DEFAULT_KEYS["openai"]}).returncode == 0
    db = build_logs_db(tmp_path / "logs.db", "v4_turns")
    day = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%d")
    insert(db, "turns", [
        {"id": f"01turn{i}", "model": "gpt-4o-mini", "resolved_model": "gpt-4o-mini-2024-07-18",
         "datetime_utc": f"{day}T09:0{i}:00+00:00", "input_tokens": 1000, "output_tokens": 100}
        for i in range(3)
    ])
    insert(db, "turns", [{"id": "01direct", "model": "gpt-4o-mini-2024-07-18", "datetime_utc": f"{day}T10:00:00+00:00", "input_tokens": 10, "output_tokens": 1}])
    assert sandbox.run("usage", "import", "llm", str(db)).returncode == 0
    asked = _json(sandbox.run("models", "info", "gpt-4o-mini", "openai", "--format", "json"))
    assert asked["usage"]["total_requests"] == 3 and asked["usage"]["total_tokens"] == 3300
    served = _json(sandbox.run("models", "info", "gpt-4o-mini-2024-07-18", "openai", "--format", "json"))
    assert served["usage"]["total_requests"] == 4 and served["usage"]["total_tokens"] == 3311  # each record once
    report = _json(sandbox.run("usage", "report", "--format", "json"))
    by_model = {m["model"]: m for m in report["by_model"]}
    assert by_model["gpt-4o-mini"]["resolved_models"] == ["gpt-4o-mini-2024-07-18"] and by_model["gpt-4o-mini"]["requests"] == 3
    assert by_model["gpt-4o-mini-2024-07-18"]["requests"] == 1 and report["totals"]["requests"] == 4


def test_type_audio_lists_the_speech_and_transcription_models(sandbox, fake_server):
    fake_server.add("groq", models=fixture_json("groq__live-list-rust-test-2026.json")["data"])
    sandbox.write_config(provider_config(fake_server, "groq"))
    assert sandbox.run("sync-models", "--provider", "groq", env={"GROQ_API_KEY": DEFAULT_KEYS["groq"]}).returncode == 0
    rows = _json(sandbox.run("models", "list", "--provider", "groq", "--type", "audio", "--available", "--format", "json"))
    assert {(r["id"], r["type"]) for r in rows} == {
        ("canopylabs/orpheus-v1-english", "tts"), ("whisper-large-v3", "transcription"), ("whisper-large-v3-turbo", "transcription"),
    }
    names = {r["id"]: r["name"] for r in _json(sandbox.run("models", "list", "--provider", "groq", "--format", "json"))}
    assert names["openai/gpt-oss-120b"] == "GPT OSS 120B"


def test_usage_report_text_says_what_its_json_says(sandbox, tmp_path: Path):
    day = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    csv = tmp_path / "usage.csv"
    csv.write_text(
        "timestamp,provider,model,requests,input_tokens,output_tokens,cached_tokens,cost_usd\n"
        f"{day}T10:00:00Z,openai,gpt-4o-mini,3,100,10,0,0.001305\n"
        f"{day}T11:00:00Z,acme,mystery-model,1,50,5,0,\n"
    )
    assert sandbox.run("usage", "import", "csv", str(csv)).returncode == 0
    data = _json(sandbox.run("usage", "report", "--format", "json"))
    text = sandbox.run("usage", "report").stdout
    t = data["totals"]
    assert t["average_cost_per_request_usd"] == "0.000435"
    assert "Average Cost per Request: $0.000435" in text
    assert t["cost_reported_usd"] == "0.001305" and "(reported $0.001305, computed $0.00)" in text
    assert t["unpriced_records"] == 1 and "Unpriced: 1 record," in text
