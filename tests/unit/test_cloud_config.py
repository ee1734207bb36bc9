"""The clouds' settings: their own keys (region, profile, api_version, project, location) only
in their tables, as strings; opt-in even with credentials around; what `providers` shows."""

from __future__ import annotations

import pytest

from aisync_tui.config import load_settings
from aisync_tui.errors import ConfigError
from aisync_tui.providers.clouds import credential_source, location


def _settings(tmp_path, text: str, **env: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, environ=env)


def test_cloud_keys_are_read_for_their_kind_only(tmp_path):
    s = _settings(tmp_path, '[providers.bedrock]\nregion = "eu-west-1"\nprofile = "dev"\n[providers.vertex]\nproject = "p"\nlocation = "global"\n')
    assert dict(s.provider("bedrock").options) == {"profile": "dev", "region": "eu-west-1"}
    assert location(s.provider("vertex")) == "p, global"
    with pytest.raises(ConfigError, match="unknown key in \\[providers.openai\\] 'region'"):
        _settings(tmp_path, '[providers.openai]\nregion = "us-east-1"\n')
    with pytest.raises(ConfigError, match="providers.bedrock.region must be a string"):
        _settings(tmp_path, "[providers.bedrock]\nregion = 5\n")


def test_credentials_on_the_machine_do_not_enroll_a_cloud(tmp_path):
    env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE0000", "AZURE_OPENAI_API_KEY": "az-0123456789"}
    bare = _settings(tmp_path, "", **env)
    assert not bare.provider("bedrock").is_configured(env) and not bare.provider("azure").is_configured(env)
    opted = _settings(tmp_path, '[providers.bedrock]\nregion = "us-east-1"\n[providers.azure]\nbase_url = "https://contoso.openai.azure.com"\n', **env)
    assert opted.provider("bedrock").is_configured(env) and opted.provider("azure").is_configured(env)
    # Where the credentials come from, never the secret.
    assert credential_source(opted.provider("bedrock"), env) == "$AWS_ACCESS_KEY_ID"
    assert credential_source(opted.provider("bedrock"), {"AWS_PROFILE": "sso-dev"}) == "AWS profile 'sso-dev'"
    assert credential_source(opted.provider("azure"), env) == "$AZURE_OPENAI_API_KEY"
    assert (credential_source(opted.provider("azure"), {}) or "").startswith("Entra ID")
    assert location(opted.provider("azure"), {}) == "https://contoso.openai.azure.com"
    assert location(bare.provider("azure"), {"AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com/"}) == "https://x.openai.azure.com"
    assert credential_source(opted.provider("openai"), env) is None
