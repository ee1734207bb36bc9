"""The real `aisync sync-models --provider X` against the loopback server for every provider,
then `aisync providers`: what a user with those keys (or a local Ollama) would see."""

from __future__ import annotations

import json
import socket
import sqlite3
from decimal import Decimal
from typing import Any, Callable

import pytest

from tests.e2e.fakeserver import DEFAULT_KEYS, FakeProviderServer
from tests.helpers import fixture_json

pytestmark = pytest.mark.e2e


def _count(db, sql: str, *params: Any) -> Any:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


def _anthropic_models() -> list[dict[str, Any]]:
    """The documented shape (with limits) followed by the recorded older list, one entry per id."""
    rich = fixture_json("examples/anthropic.json")["data"]
    ids = {m["id"] for m in rich}
    return rich + [m for m in fixture_json("anthropic__model-registry-test-sample-2025-05.json")["data"] if m["id"] not in ids]


def _ollama(server: FakeProviderServer) -> None:
    shows = {
        "llama3.2:latest": fixture_json("examples/ollama_show.json"),
        "deepseek-r1:latest": {"model_info": {"general.architecture": "qwen2", "qwen2.context_length": 131072}, "capabilities": ["completion", "thinking"]},
        "gpt-oss:120b-cloud": {"model_info": {"general.architecture": "gptoss", "gptoss.context_length": 131072}, "capabilities": ["completion", "tools", "thinking"]},
    }
    server.add("ollama", models=fixture_json("examples/ollama.json")["models"], key=None, shows=shows)


def _compatible(server: FakeProviderServer) -> None:
    server.add("localvllm", "openai-compatible", key=None, models=[
        {"id": "Qwen/Qwen2.5-7B-Instruct", "object": "model", "created": 1700000000, "owned_by": "vllm", "max_model_len": 32768},
        {"id": "BAAI/bge-m3", "object": "model", "owned_by": "vllm", "max_model_len": 8192},
    ])


#: slug, display name, server set-up, key variable (None: keyless), models found, a model and its context length
CASES: list[tuple[str, str, Callable[[FakeProviderServer], object], str | None, int, str, int | None]] = [
    ("anthropic", "Anthropic", lambda s: s.add("anthropic", models=_anthropic_models(), max_page_size=5),
     "ANTHROPIC_API_KEY", 12, "claude-sonnet-4-5-20250929", 200000),
    ("openrouter", "OpenRouter", lambda s: s.add("openrouter", models=fixture_json("openrouter__cline__2025-05-23.json")["data"], page_size=100),
     None, 321, "anthropic/claude-opus-4", 200000),
    ("mistral", "Mistral", lambda s: s.add("mistral", models=fixture_json("mistral__terminal-log-flintx-2025-12-30.json")["data"]),
     "MISTRAL_API_KEY", 33, "mistral-medium-2508", 131072),
    ("groq", "Groq", lambda s: s.add("groq", models=fixture_json("groq__neurorouter-fallback-list.json")),
     "GROQ_API_KEY", 20, "llama-3.3-70b-versatile", 131072),
    ("deepseek", "DeepSeek", lambda s: s.add("deepseek", models=fixture_json("deepseek__terminal-log-flintx-2025-12-30.json")["data"]),
     "DEEPSEEK_API_KEY", 2, "deepseek-chat", None),
    ("together", "Together", lambda s: s.add("together", models=fixture_json("examples/together.json")),
     "TOGETHER_API_KEY", 4, "meta-llama/Llama-3.3-70B-Instruct-Turbo", 131072),
    ("ollama", "Ollama", _ollama, None, 3, "llama3.2:latest", 8192),
    ("localvllm", "localvllm", _compatible, None, 2, "Qwen/Qwen2.5-7B-Instruct", 32768),
]


def _config(server: FakeProviderServer, slug: str) -> str:
    if slug == "ollama":
        return ""  # OLLAMA_HOST points it at the server, as a user would
    if slug == "localvllm":
        return f'[providers.localvllm]\nkind = "openai-compatible"\nbase_url = "{server.base_url(slug)}"\n'
    return f'[providers.{slug}]\nbase_url = "{server.base_url(slug)}"\n'


@pytest.mark.parametrize("slug, name, setup, key_var, found, model_id, context", CASES, ids=[c[0] for c in CASES])
def test_sync_models_adds_every_model_of_the_provider(sandbox, fake_server, slug, name, setup, key_var, found, model_id, context):
    setup(fake_server)
    sandbox.write_config(_config(fake_server, slug))
    env = {"OLLAMA_HOST": fake_server.base_url("ollama")} if slug == "ollama" else {}
    if key_var:
        env[key_var] = DEFAULT_KEYS[slug]
    r = sandbox.run("sync-models", "--provider", slug, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{name}:\n  ✓ Found {found} models\n  ✓ Added {found} new models" in r.stdout
    assert _count(sandbox.db, "select count(*) from model m join provider p on p.id = m.provider_id where p.slug = ? and m.available = 1", slug) == found
    # The provider's own value (the store's price catalog may fill what the provider does not say).
    stored = _count(
        sandbox.db,
        "select case when json_extract(m.field_sources, '$.context_length') = 'provider' then m.context_length end "
        "from model m join provider p on p.id = m.provider_id where p.slug = ? and m.model_id = ?",
        slug, model_id,
    )
    assert stored == context
    if key_var:
        assert DEFAULT_KEYS[slug] not in r.stdout + r.stderr
        # A second run with a wrong key is the user-facing "Invalid API key", exit 1.
        env[key_var] = "wrong-key-0123456789"
        bad = sandbox.run("sync-models", "--provider", slug, "--force", env=env)
        assert bad.returncode == 1 and "✗ Invalid API key" in bad.stdout, bad.stdout + bad.stderr
        assert "wrong-key-0123456789" not in bad.stdout + bad.stderr


def test_anthropic_pages_carry_the_key_header_and_version(sandbox, fake_server):
    fake_server.add("anthropic", models=fixture_json("anthropic__model-registry-test-sample-2025-05.json")["data"], max_page_size=4)
    sandbox.write_config(_config(fake_server, "anthropic"))
    r = sandbox.run("sync-models", "--provider", "anthropic", env={"ANTHROPIC_API_KEY": DEFAULT_KEYS["anthropic"]})
    assert r.returncode == 0, r.stderr
    pages = fake_server.requests("anthropic")
    assert len(pages) == 3
    assert [p["query"].get("after_id") for p in pages] == [None, "claude-3-5-sonnet-20241022", "claude-3-opus-20240229"]
    assert all(p["headers"].get("anthropic-version") == "2023-06-01" for p in pages)


def test_openrouter_without_a_key_stores_its_published_prices_exactly(sandbox, fake_server):
    fake_server.add("openrouter", models=fixture_json("openrouter__cline__2025-05-23.json")["data"])
    sandbox.write_config(_config(fake_server, "openrouter"))
    r = sandbox.run("sync-models", "--provider", "openrouter")
    assert r.returncode == 0, r.stderr
    (request,) = fake_server.requests("openrouter")
    assert request["query"] == {"output_modalities": "all"} and "authorization" not in {k.lower() for k in request["headers"]}
    con = sqlite3.connect(sandbox.db)
    try:
        row = con.execute(
            "select pr.input, pr.output, pr.input_per_image, pr.source from price pr join model m on m.id = pr.model_id "
            "join provider p on p.id = m.provider_id "
            "where p.slug = 'openrouter' and m.model_id = 'anthropic/claude-opus-4' and pr.effective_until is null"
        ).fetchone()
        auto_prices = con.execute("select count(*) from price pr join model m on m.id = pr.model_id join provider p on p.id = m.provider_id "
                              "where p.slug = 'openrouter' and m.model_id = 'openrouter/auto'").fetchone()[0]
    finally:
        con.close()
    assert (Decimal(row[0]), Decimal(row[1]), Decimal(row[2]), row[3]) == (Decimal("0.000015"), Decimal("0.000075"), Decimal("0.024"), "provider")
    assert auto_prices == 0  # "-1" is unknown: no price row, never a zero or negative one


def test_a_stopped_ollama_is_one_not_running_line(sandbox):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on `port` now: connections are refused, as with a stopped Ollama.
    r = sandbox.run("sync-models", "--provider", "ollama", env={"OLLAMA_HOST": f"127.0.0.1:{port}"})
    assert r.returncode == 1
    assert "Ollama:\n  ✗ Not running: cannot connect to 127.0.0.1" in r.stdout
    assert r.stdout.count("Not running") == 1 and "ollama serve" in r.stdout


def test_groq_model_switched_off_becomes_missing_and_returns_when_active(sandbox, fake_server):
    models = fixture_json("examples/groq.json")["data"]
    state = fake_server.add("groq", models=models)
    sandbox.write_config(_config(fake_server, "groq"))
    env = {"GROQ_API_KEY": DEFAULT_KEYS["groq"]}
    assert sandbox.run("sync-models", "--provider", "groq", env=env).returncode == 0
    state.models = [dict(models[0], active=False)] + models[1:]
    r = sandbox.run("sync-models", "--provider", "groq", "--force", env=env)
    assert r.returncode == 0, r.stderr
    status = ("select m.status || '/' || m.available from model m join provider p on p.id = m.provider_id "
              "where p.slug = 'groq' and m.model_id = 'llama-3.3-70b-versatile'")
    assert _count(sandbox.db, status) == "missing/0"
    state.models = models
    assert sandbox.run("sync-models", "--provider", "groq", "--force", env=env).returncode == 0
    assert _count(sandbox.db, status) == "active/1"


def test_providers_lists_every_provider_with_key_source_and_last_sync(sandbox, fake_server):
    fake_server.add("mistral", models=fixture_json("examples/mistral.json")["data"])
    sandbox.write_config(_config(fake_server, "mistral") + '\n[providers.lmstudio]\nkind = "openai-compatible"\nbase_url = "http://127.0.0.1:1234/v1"\nenabled = false\n')
    key = DEFAULT_KEYS["mistral"]
    before = sandbox.run("providers", env={"MISTRAL_API_KEY": key})
    assert before.returncode == 0, before.stderr
    assert not sandbox.db.exists()  # listing providers creates no store
    assert sandbox.run("sync-models", "--provider", "mistral", env={"MISTRAL_API_KEY": key}).returncode == 0
    r = sandbox.run("providers", env={"MISTRAL_API_KEY": key})
    assert r.returncode == 0, r.stderr
    assert key not in r.stdout + r.stderr
    lines = {line.split("|")[1].strip(): line for line in r.stdout.splitlines() if line.startswith("| ")}
    for slug in ("openai", "gemini", "xai", "anthropic", "openrouter", "mistral", "groq", "deepseek", "together", "ollama", "lmstudio"):
        assert slug in lines, slug
    assert "$MISTRAL_API_KEY (set)" in lines["mistral"] and fake_server.base_url("mistral") in lines["mistral"]
    assert "never" not in lines["mistral"] and "4" in lines["mistral"].split("|")[-2]
    assert "$ANTHROPIC_API_KEY (not set)" in lines["anthropic"] and "| no " in lines["anthropic"]
    assert "$GEMINI_API_KEY or $GOOGLE_API_KEY" in lines["gemini"]
    # Keyless providers are opt-in: the sync does not try them on every machine uninvited.
    assert "opt-in: add [providers.openrouter]" in lines["openrouter"] and "https://openrouter.ai/api/v1" in lines["openrouter"]
    assert "yes (no key needed)" in lines["lmstudio"]
    assert "openai-compatible" in lines["lmstudio"] and "$LMSTUDIO_API_KEY" in lines["lmstudio"]

    data = {p["provider"]: p for p in json.loads(sandbox.run("providers", "--format", "json", env={"MISTRAL_API_KEY": key}).stdout)}
    assert data["mistral"]["key_set"] is True and data["mistral"]["key_source"] == "$MISTRAL_API_KEY"
    assert data["mistral"]["last_status"] == "ok" and data["mistral"]["last_synced_at"].endswith("Z") and data["mistral"]["available_models"] == 4
    assert data["anthropic"]["configured"] is False and data["anthropic"]["api_key_env"] == ["ANTHROPIC_API_KEY"]
    assert data["lmstudio"]["custom"] is True and data["lmstudio"]["enabled"] is False and data["lmstudio"]["kind"] == "openai-compatible"
    assert data["ollama"]["base_url"] == "http://localhost:11434" and data["ollama"]["needs_key"] is False
    assert data["ollama"]["configured"] is False and data["lmstudio"]["configured"] is True
