"""The real `aisync sync-models --provider ollama` against the loopback server when some of
Ollama's /api/show answers are unusable: each such model stands with the tag list's facts and
one warning, and the others are stored with their full details."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.fakeserver import FakeProviderServer
from tests.helpers import db_rows, fixture_json

pytestmark = pytest.mark.e2e

GOOD = {"model_info": {"general.architecture": "llama", "llama.context_length": 8192}, "capabilities": ["completion", "vision"]}


def _stored(db: Path) -> dict[str, tuple[object, ...]]:
    rows = db_rows(db, "select m.model_id, m.context_length, m.type, m.available from model m join provider p on p.id = m.provider_id where p.slug = 'ollama'")
    return {row[0]: tuple(row[1:]) for row in rows}


def test_unusable_show_answers_fail_only_their_models(sandbox, fake_server: FakeProviderServer) -> None:
    tags = [{"name": n, "details": {"family": "llama", "parameter_size": "8B"}} for n in
            ("ok1:latest", "list:latest", "text:latest", "number:latest", "err:latest", "ok2:latest")]
    shows = {"ok1:latest": GOOD, "ok2:latest": GOOD, "list:latest": ["completion"], "text:latest": "<html>proxy error</html>", "number:latest": 7}
    fake_server.add("ollama", models=tags, key=None, shows=shows, show_errors={"err:latest": 500})
    r = sandbox.run("sync-models", "--provider", "ollama", env={"OLLAMA_HOST": fake_server.base_url("ollama")})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Ollama:\n  ✓ Found 6 models\n  ✓ Added 6 new models" in r.stdout
    out = r.stdout + r.stderr
    for name in ("list:latest", "text:latest", "number:latest", "err:latest"):
        assert out.count(f"kept {name} with the tag list's facts only") == 1, out
        assert f"`ollama show {name}`" in out
    assert "kept ok1:latest" not in out and "✗" not in r.stdout
    stored = _stored(sandbox.db)
    assert stored["ok1:latest"] == stored["ok2:latest"] == (8192, "chat", 1)
    for name in ("list:latest", "text:latest", "number:latest", "err:latest"):
        assert stored[name][0] is None and stored[name][2] == 1  # unknown, never 0; still available


def test_a_server_whose_every_show_fails_keeps_the_tag_list_and_says_so_once(sandbox, fake_server: FakeProviderServer) -> None:
    tags = fixture_json("examples/ollama.json")["models"]
    fake_server.add("ollama", models=tags, key=None, show_errors={t["name"]: 500 for t in tags})
    r = sandbox.run("sync-models", "--provider", "ollama", env={"OLLAMA_HOST": fake_server.base_url("ollama")})
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert out.count("kept all 3 models with the tag list's facts only") == 1 and out.count("warning:") == 1, out
    available = {name for name, (_, _, up) in _stored(sandbox.db).items() if up}  # not the price catalog's
    assert available == {"deepseek-r1:latest", "llama3.2:latest", "gpt-oss:120b-cloud"}


def test_a_failed_show_does_not_withdraw_a_context_length_stored_before(sandbox, fake_server: FakeProviderServer) -> None:
    state = fake_server.add("ollama", models=[{"name": "a:latest"}, {"name": "b:latest"}], key=None, shows={"a:latest": GOOD, "b:latest": GOOD})
    env = {"OLLAMA_HOST": fake_server.base_url("ollama")}
    assert sandbox.run("sync-models", "--provider", "ollama", env=env).returncode == 0
    state.extra["show_errors"] = {"a:latest": 500}
    r = sandbox.run("sync-models", "--provider", "ollama", "--force", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "kept a:latest with the tag list's facts only" in r.stdout + r.stderr
    assert _stored(sandbox.db)["a:latest"] == (8192, "chat", 1)  # unknown this time, not withdrawn
