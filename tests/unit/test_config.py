"""Config: what a user with a broken or risky config file sees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aisync_tui.config import Settings, load_settings
from aisync_tui.errors import ConfigError
from tests.helpers import load_config


def test_defaults_without_a_config_file(tmp_path):
    s = load_settings(environ={"AISYNC_CONFIG": ""}, database=str(tmp_path / "x.db"))
    assert s.model_sync.timeout == 30 and s.model_sync.retry_attempts == 3
    assert s.model_sync.batch_size == 50 and s.model_sync.cache_ttl == 3600
    assert s.providers["gemini"].api_key_env == ("GEMINI_API_KEY", "GOOGLE_API_KEY")
    assert s.providers["openai"].base_url == "https://api.openai.com/v1"


def test_syntax_error_names_file_line_and_column(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, "[model_sync]\ntimeout = = 3\n")
    msg = str(err.value)
    assert "config.toml" in msg and "line 2" in msg and "column" in msg


def test_unknown_key_is_named_with_the_valid_ones(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, "[model_sync]\ntimout = 3\n")
    assert "'timout'" in str(err.value) and "timeout" in str(err.value) and "cache_ttl" in str(err.value)


def test_unknown_provider_is_named_with_the_known_ones(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, "[providers.opnai]\nenabled = true\n")
    assert "opnai" in str(err.value) and "openai" in str(err.value)


def test_plain_http_to_a_remote_host_is_refused_but_loopback_is_fine(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, '[providers.openai]\nbase_url = "http://api.example.com/v1"\n')
    assert "plain http" in str(err.value)
    ok = load_config(tmp_path, '[providers.openai]\nbase_url = "http://127.0.0.1:9/v1/"\n')
    assert ok.providers["openai"].base_url == "http://127.0.0.1:9/v1"
    allowed = load_config(tmp_path, '[providers.openai]\nbase_url = "http://gpu-box:8000/v1"\nallow_http = true\n')
    assert allowed.providers["openai"].base_url == "http://gpu-box:8000/v1"


def test_key_in_a_world_readable_file_warns_with_the_file_name(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[providers.openai]\napi_key = "sk-inthefile-000000000000"\n')
    os.chmod(path, 0o644)
    s = load_settings(str(path), environ={})
    assert any(str(path) in w and "chmod 600" in w for w in s.warnings)
    os.chmod(path, 0o600)
    assert load_settings(str(path), environ={}).warnings == ()


def test_key_source_names_the_variable_never_the_value(tmp_path):
    s = load_config(tmp_path, "")
    key, source = s.providers["gemini"].resolve_key({"GOOGLE_API_KEY": "g-123456789"})
    assert key == "g-123456789" and source == "$GOOGLE_API_KEY"


def test_model_sync_can_be_disabled_from_the_environment(tmp_path):
    s = load_config(tmp_path, "", AISYNC_MODEL_SYNC_ENABLED="false")
    assert s.model_sync.enabled is False
    with pytest.raises(ConfigError):
        load_config(tmp_path, "", AISYNC_MODEL_SYNC_ENABLED="maybe")


def test_custom_openai_compatible_provider_needs_a_base_url(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, '[providers.local]\nkind = "openai-compatible"\n')
    assert "base_url" in str(err.value)
    s = load_config(tmp_path, '[providers.local]\nkind = "openai-compatible"\nbase_url = "http://localhost:8000/v1"\n')
    assert s.providers["local"].kind == "openai-compatible"


def test_the_example_config_loads_and_matches_the_defaults():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "config.example.toml"
    s = load_settings(str(path), environ={})
    d = load_settings(environ={"AISYNC_CONFIG": ""})
    assert s.model_sync == d.model_sync and s.pricing == d.pricing and s.log == d.log
    assert s.providers["gemini"].api_key_env == d.providers["gemini"].api_key_env


@pytest.mark.parametrize(
    "text, needle",
    [
        ("[model_sync]\ntimeout = inf\n", "model_sync.timeout = inf is out of range"),
        ("[model_sync]\ntimeout = 1e308\n", "model_sync.timeout"),
        ("[model_sync]\ntimeout = nan\n", "model_sync.timeout"),
        ("[model_sync]\ncache_ttl = 1180591620717411303424\n", "model_sync.cache_ttl"),
        ("[model_sync]\nretry_attempts = 1000000\n", "model_sync.retry_attempts"),
        ("[model_sync]\nmax_retry_wait = 1e400\n", "model_sync.max_retry_wait"),
        ("[pricing]\ncache_ttl = -5\n", "pricing.cache_ttl"),
        ("[log]\nbackups = -1\n", "log.backups"),
        ("[log]\nmax_bytes = -1\n", "log.max_bytes"),
        ("[providers.openai]\ntimeout = 0\n", "providers.openai.timeout = 0.0 is out of range"),
        ("[providers.openai]\ntimeout = -1\n", "providers.openai.timeout"),
        ("[providers.openai]\ntimeout = 1180591620717411303424\n", "providers.openai.timeout"),
    ],
)
def test_a_number_out_of_range_is_refused_in_one_line_naming_the_key(tmp_path, text, needle):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, text)
    line = info.value.line()
    assert needle in line and str(tmp_path / "config.toml") in line and "use a number from" in line


@pytest.mark.parametrize(
    "url",
    ["http://bob:basicauthpw-5522ee@127.0.0.1:9/xai/v1", "https://basicauthpw-5522ee@api.example.com/v1", "https://bob:basicauthpw-5522ee@api.x.ai/v1"],
)
def test_a_base_url_with_credentials_is_refused_without_printing_them(tmp_path, url):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, f'[providers.xai]\nbase_url = "{url}"\n')
    line = info.value.line()
    assert "basicauthpw-5522ee" not in line and "bob" not in line
    assert "user name or password" in line and "api_key" in line


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/mistral/v1?api_key=sk-in-the-url-0000000000", "https://api.example.com/v1#frag", "https://api.example.com/v1?"])
def test_a_base_url_with_a_query_string_is_refused_without_printing_it(tmp_path, url):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, f'[providers.custom]\nkind = "openai-compatible"\nbase_url = "{url}"\n')
    line = info.value.line()
    assert "query string" in line and "sk-in-the-url" not in line


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-1", "1e308"])
def test_a_timeout_option_out_of_range_is_refused_in_one_line(value, capsys):
    from aisync_tui.cli import main

    assert main(["sync-models", "--timeout", value, "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--timeout must be a number of seconds from 0.1 to 3600" in err


def test_the_apps_extra_columns_are_named_as_models_list_names_them(tmp_path: Path) -> None:
    def load(ui: str) -> Settings:
        path = tmp_path / "config.toml"
        path.write_text(f"[ui]\n{ui}\n")
        return load_settings(path, database=str(tmp_path / "s.db"))

    assert load('columns = ["cutoff", "released", "cutoff"]').ui.columns == ("cutoff", "released")
    assert load("columns = []").ui.columns == ()
    with pytest.raises(ConfigError) as caught:
        load('columns = ["knowledge"]')
    assert "ui.columns: 'knowledge' is not a column the app can add (use any of released, cutoff, open_weights)" in caught.value.line()
    for bad in ('columns = "released"', "columns = [1]"):
        with pytest.raises(ConfigError) as caught:
            load(bad)
        assert "ui.columns must be a list of strings" in caught.value.line(), bad
