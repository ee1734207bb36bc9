"""Secrets a provider or a URL could carry: a key echoed inside a 200 model list, a database
password in `--db` (userinfo and `?password=` forms), credentials or a query string in base_url.
None of them may reach output, the log, the store or the lock-holder record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aisync_tui.errors import hide_url_secrets, redact
from aisync_tui.store.lock import describe_holder, holder_info

from .fakeserver import FakeProviderServer
from .faultkit import Sandbox, openai_models

pytestmark = pytest.mark.e2e

KEY = "canaryECHO4Rt7Yu2Io9Pa5Sd8Fg3Hj"
PASSWORD = "PgSecretPw-93kd71"


def _pieces(secret: str) -> list[str]:
    return [secret] + [secret[i : i + 12] for i in range(0, len(secret) - 11, 4)]


def assert_clean(label: str, data: str | bytes, secret: str) -> None:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    for piece in _pieces(secret):
        assert piece not in text, f"{label} holds (part of) a secret: {piece!r}"


@pytest.fixture
def echoing(tmp_path: Path):
    models = openai_models(5)
    models[1]["id"] = f"model-{KEY}"  # the key as (part of) a model id
    models[2]["owned_by"] = f"user-key:{KEY}"
    models[3]["note"] = {"deep": [f"Bearer {KEY}"]}
    with FakeProviderServer() as server:
        server.add("openai", models=models, key=KEY)
        sb = Sandbox(tmp_path, server, providers=("openai",))
        sb.write_config()
        yield sb


def test_a_key_echoed_in_a_model_list_never_reaches_the_store_or_any_output(echoing: Sandbox) -> None:
    sb = echoing
    env = sb.env(OPENAI_API_KEY=KEY)
    runs = [
        sb.run("sync-models", "--dry-run", "--verbose", env=env),
        sb.run("sync-models", "--verbose", env=env),
        sb.run("sync-models", "--json", "--force", env=env),
        sb.run("models", "list", env=env),
        sb.run("models", "list", "--format", "json", env=env),
        sb.run("models", "info", "gpt-4o-0002", "openai", "--format", "json", env=env),
    ]
    for result in runs:
        assert result.returncode == 0, (result.args, result.stderr)
        assert_clean(" ".join(result.args[3:]), result.stdout + result.stderr, KEY)
    for path in sb.db.parent.iterdir():
        assert_clean(path.name, path.read_bytes(), KEY)
    assert_clean("log", sb.log.read_bytes(), KEY)
    # The model whose id held the key is skipped, and the user is told; the others are kept,
    # with the echoed key replaced.
    listed = {r[0] for r in sb.sql("SELECT model_id FROM model WHERE available")}
    assert listed == {"gpt-4o-0000", "gpt-4o-0002", "gpt-4o-0003", "gpt-4o-0004"}
    assert "skipped 1 model whose id held an API key the provider echoed back" in runs[1].stderr
    owner = sb.sql("SELECT owned_by FROM model WHERE model_id = 'gpt-4o-0002'")
    assert owner == [("user-key:***",)]


@pytest.mark.parametrize(
    "url",
    [f"postgresql://aisync:{PASSWORD}@127.0.0.1:1/aisync", f"postgresql://aisync@127.0.0.1:1/aisync?password={PASSWORD}"],
    ids=["userinfo", "password-parameter"],
)
def test_a_database_password_in_db_is_never_printed(tmp_path: Path, url: str) -> None:
    with FakeProviderServer() as server:
        server.add("openai", models=openai_models(2))
        sb = Sandbox(tmp_path, server, providers=("openai",))
        sb.write_config()
        for args in (("--db", url, "sync-models"), ("--db", url, "config", "path"), ("--db", url, "schedule", "show"), ("--db", url, "--sync-all")):
            result = sb.run(*args)
            assert_clean(" ".join(args[2:]), result.stdout + result.stderr, PASSWORD)
            assert "Traceback" not in result.stderr
            if args[2] != "config":
                assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_lock_holder_record_never_carries_a_database_password() -> None:
    for url in (f"postgresql://aisync:{PASSWORD}@db:5432/aisync", f"postgresql://aisync@db/aisync?password={PASSWORD}&sslmode=require"):
        command = f"aisync --db {url} sync-models --force"
        info = holder_info(command)
        assert PASSWORD not in json.dumps(info)
        assert "sync-models --force" in info["command"]
        # A record written by an older version with the password in it is hidden when shown.
        shown = describe_holder({"pid": 1, "host": "h", "command": command, "since": "now"})
        assert PASSWORD not in shown and "postgresql://aisync" in shown


@pytest.mark.parametrize(
    "text",
    [
        f"postgresql://aisync:{PASSWORD}@127.0.0.1:5432/aisync",
        f"postgresql://aisync:{PASSWORD}@127.0.0.1:5432/aisync: database error",
        f"postgresql://aisync@127.0.0.1/aisync?password={PASSWORD}: cannot connect",
        f"postgresql://aisync@127.0.0.1/aisync?sslmode=require&password={PASSWORD}",
        f"mysql://root:{PASSWORD}@db/x",
        f"postgresql://a:p@ss{PASSWORD}@db/x",
    ],
)
def test_every_url_password_form_is_hidden_by_redaction(text: str) -> None:
    assert PASSWORD not in hide_url_secrets(text)
    assert PASSWORD not in redact(text)
    assert "***" in redact(text)


def test_a_base_url_with_credentials_is_refused_by_every_command_without_printing_them(tmp_path: Path) -> None:
    with FakeProviderServer() as server:
        server.add("xai", models=[], key="xai-test-key-000000000000", language=[], image=[])
        sb = Sandbox(tmp_path, server, providers=("xai",))
        sb.write_config()
        sb.config.write_text(sb.config.read_text().replace("http://127.0.0.1", "http://bob:basicauthpw-5522ee@127.0.0.1"))
        for args in (("config", "check"), ("providers",), ("providers", "--format", "json"), ("sync-models", "--verbose")):
            result = sb.run(*args)
            assert result.returncode == 2, (args, result.stdout, result.stderr)
            assert "basicauthpw" not in result.stdout + result.stderr
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "user name or password" in lines[0]
        assert server.requests("xai") == [], "nothing was sent with the credentials"
