"""Secrets stay secret: a canary key in the environment and another in the config file
never appear in stdout, stderr, the log file, the store's bytes, exception text, `--verbose` or
`--json` output, even when a provider echoes the key back in its errors or bodies.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from aisync_tui.errors import BadResponse, InvalidApiKey, register_secret
from aisync_tui.providers.http import classify_error

from .fakeserver import FakeProviderServer, Fault
from .faultkit import Sandbox, gemini_models, openai_models, xai_models

pytestmark = pytest.mark.e2e

#: Shaped like nothing the key-pattern scrubber knows, so only real redaction can hide them.
ENV_CANARY = "canaryENV7Qx2Lw9Rk4Tz8Vb3Nm6Pq1"
CONFIG_CANARY = "canaryCFG5Hd8Js2Fg7Kl4Zx9Cv3Bn6"
#: xAI's key comes from the environment too, in its own format.
XAI_CANARY = "xai-canaryXAI3Jf8Gh2Kd5Ls9Qw4Er7"
CANARIES = (ENV_CANARY, CONFIG_CANARY, XAI_CANARY)


def _fragments(secret: str) -> list[str]:
    """The key and any 12-character piece of it: a half-redacted key is still a leak."""
    return [secret] + [secret[i : i + 12] for i in range(0, len(secret) - 11, 4)]


def assert_clean(label: str, text: str | bytes) -> None:
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    for secret in CANARIES:
        for piece in _fragments(secret):
            assert piece not in data, f"{label} contains (part of) a key: {piece!r}"


@pytest.fixture
def sandbox(tmp_path):
    with FakeProviderServer() as server:
        server.add("openai", models=openai_models(4), key=ENV_CANARY)
        server.add("gemini", models=gemini_models(4), key=CONFIG_CANARY)
        server.add("xai", models=xai_models(4), key=XAI_CANARY, language=[], image=[])
        sb = Sandbox(tmp_path, server, provider_extra={"gemini": {"api_key": CONFIG_CANARY}})
        sb.write_config()
        yield sb


def _env(sb: Sandbox) -> dict[str, str]:
    env = sb.env(OPENAI_API_KEY=ENV_CANARY, XAI_API_KEY=XAI_CANARY)
    env.pop("GEMINI_API_KEY", None)  # gemini's key comes from the config file
    return env


def test_keys_never_reach_output_logs_or_the_store_even_when_providers_echo_them(sandbox: Sandbox) -> None:
    sb, server = sandbox, sandbox.server
    env = _env(sb)
    outputs: list[tuple[str, str]] = []

    def run(*args: str) -> None:
        result = sb.run(*args, env=env)
        outputs.append((f"`aisync {' '.join(args)}` stdout", result.stdout))
        outputs.append((f"`aisync {' '.join(args)}` stderr", result.stderr))
        assert "Traceback" not in result.stderr, result.stderr

    run("sync-models", "--verbose")
    run("sync-models", "--json", "--force")
    run("--sync-all", "--json", "--force", "--no-pricing")
    # Providers that echo the key: in a 401 message, in a 500 body, in an HTML page, in a
    # redirect URL, and as a model id (which must then be stored... but never the key itself).
    server.fault("openai", Fault(status=401, body={"error": {"message": f"Incorrect API key provided: {ENV_CANARY}.", "code": "invalid_api_key"}}))
    server.fault("gemini", Fault(status=500, body={"error": {"message": f"internal error for key {CONFIG_CANARY}"}}, repeat=2))
    server.fault("xai", Fault(body_override=f"<html><body>debug: authorization Bearer {XAI_CANARY}</body></html>"))
    run("sync-models", "--verbose", "--force")
    server.fault("openai", Fault(status=400, body={"error": {"message": f"bad request from {ENV_CANARY}"}}))
    server.fault("gemini", Fault(redirect=f"http://127.0.0.2:1/?key={CONFIG_CANARY}"))
    server.fault("xai", Fault(status=429, body={"error": f"rate limited: {XAI_CANARY}"}, headers={"retry-after": "9999"}))
    run("--sync-all", "--json", "--force", "--no-pricing")
    run("--sync-all", "--force", "--no-pricing")
    run("sync-models", "--json", "--force", "--verbose")
    run("models", "list", "--format", "json")
    run("models", "list", "--format", "csv")
    run("sync", "status")
    run("providers")
    run("config", "check")
    run("config", "path")

    # The runs did happen (so the grep below looks at real output), and failed where faulted.
    assert sb.model_ids("openai") and sb.model_ids("gemini") and sb.model_ids("xai")
    errors = [row[0] for row in sb.sql("SELECT error FROM sync_run WHERE error IS NOT NULL")]
    assert any("Invalid API key" in e for e in errors) and any("Bad response" in e for e in errors)

    for label, text in outputs:
        assert_clean(label, text)
    assert sb.log.exists() and sb.log.read_text().strip(), "the log file was not written"
    assert_clean("log file", sb.log.read_bytes())
    for path in sorted(sb.db.parent.glob("aisync.db*")):
        assert_clean(f"store file {path.name}", path.read_bytes())
    # Every request carried its key only in a header, never in the URL.
    for slug in ("openai", "gemini", "xai"):
        for req in server.requests(slug):
            assert_clean(f"{slug} request URL", req["path"] + json.dumps(req["query"]))


def test_exception_text_is_redacted_for_every_error_class() -> None:
    register_secret(ENV_CANARY)
    err = classify_error("openai", 401, {"error": {"message": f"Incorrect API key provided: {ENV_CANARY}"}})
    assert isinstance(err, InvalidApiKey)
    for text in (str(err), err.line(), repr(err), err.detail):
        assert_clean("exception text", text)
    bad = BadResponse("openai", f"garbage mentioning {ENV_CANARY}", hint=f"hint with {ENV_CANARY}")
    assert_clean("exception text", str(bad) + bad.line())


def test_a_config_file_with_keys_readable_by_others_warns_naming_the_file(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.config.chmod(0o644)
    result = sb.run("config", "check", env=_env(sb))
    warning = [line for line in result.stderr.splitlines() if "warning" in line.lower()]
    assert warning and str(sb.config) in warning[0] and "chmod 600" in warning[0], result.stderr
    assert_clean("warning", result.stderr)
    sb.config.chmod(0o600)
    quiet = sb.run("config", "check", env=_env(sb))
    assert "warning" not in quiet.stderr.lower(), quiet.stderr
    assert stat.S_IMODE(sb.config.stat().st_mode) == 0o600


def test_a_plain_http_base_url_to_another_host_is_refused_unless_allowed(sandbox: Sandbox) -> None:
    sb = sandbox
    text = sb.config.read_text().replace(sb.server.base_url("openai"), "http://api.example.com/v1")
    sb.config.write_text(text)
    refused = sb.run("sync-models", env=_env(sb))
    assert refused.returncode == 2, refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and str(sb.config) in lines[0] and "plain http" in lines[0] and "allow_http" in lines[0], lines
    assert not sb.db.exists(), "nothing may be written when the config is refused"
    # Explicitly allowed: the config loads (checked without any request leaving the machine).
    sb.config.write_text(text.replace('base_url = "http://api.example.com/v1"', 'base_url = "http://api.example.com/v1"\nallow_http = true'))
    allowed = sb.run("config", "check", env=_env(sb))
    assert allowed.returncode == 0, allowed.stderr
    assert "http://api.example.com/v1" in allowed.stdout


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/v1", "http://localhost:9/v1", "http://[::1]:9/v1"])
def test_plain_http_to_loopback_is_accepted(sandbox: Sandbox, url: str) -> None:
    sb = sandbox
    sb.config.write_text(sb.config.read_text().replace(sb.server.base_url("openai"), url))
    result = sb.run("config", "check", env=_env(sb))
    assert result.returncode == 0, result.stderr


def test_the_store_path_is_not_where_keys_go(sandbox: Sandbox) -> None:
    # Guard against a refactor that writes settings (with api_key) into the store's meta table.
    sb = sandbox
    assert sb.run("sync-models", env=_env(sb)).returncode == 0
    for (value,) in sb.sql("SELECT value FROM aisync_meta"):
        assert_clean("aisync_meta", value or "")
    assert Path(sb.db).stat().st_size > 0
