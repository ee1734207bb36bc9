"""Generic OpenAI-compatible endpoints: extra fields kept when present, key optional (respx)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.config import load_settings
from aisync_tui.errors import BadResponse, InvalidApiKey, ProviderError
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

BASE = "http://127.0.0.1:8000/v1"


def test_a_real_gateway_list_parses_with_created_at_and_no_guessed_prices():
    models = make("gw", key=None, base_url=BASE).parse(fixture_json("cloudflare-ai-gateway__models.dev.json"))
    assert len(models) == len({m.model_id for m in models}) > 1000
    first = models[0]
    assert first.model_id == "google-ai-studio/gemini-3-flash-preview" and first.owned_by == "google-ai-studio"
    assert first.created_at == datetime.fromtimestamp(1766046035, tz=timezone.utc)
    assert all(m.price is None for m in models)  # cost_in/cost_out units differ between servers: not read


def test_context_fields_of_vllm_lm_studio_and_others_are_kept():
    body = {"object": "list", "data": [
        {"id": "Qwen/Qwen2.5-7B-Instruct", "object": "model", "created": 1700000000, "owned_by": "vllm", "max_model_len": 32768},
        {"id": "llava-v1.6", "type": "vlm", "max_context_length": 4096, "publisher": "lmstudio-community"},
        {"id": "text-embedding-nomic-embed-text-v1.5", "type": "embeddings"},
        {"id": "big", "context_length": 200000, "max_completion_tokens": 8000, "name": "Big Model"},
        {"id": "win", "context_window": 65536, "created_at": "2025-01-02T03:04:05Z"},
        {"id": "bare"},
    ]}
    models = {m.model_id: m for m in make("gw", key=None, base_url=BASE).parse(body)}
    assert models["Qwen/Qwen2.5-7B-Instruct"].context_length == 32768 and models["Qwen/Qwen2.5-7B-Instruct"].type == "chat"
    llava = models["llava-v1.6"]
    assert llava.context_length == 4096 and "vision" in llava.capabilities and llava.owned_by == "lmstudio-community"
    assert models["text-embedding-nomic-embed-text-v1.5"].type == "embedding"
    big = models["big"]
    assert (big.context_length, big.max_output_tokens, big.name) == (200000, 8000, "Big Model")
    assert models["win"].context_length == 65536 and models["win"].created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    bare = models["bare"]
    assert (bare.context_length, bare.max_output_tokens, bare.created_at, bare.owned_by) == (None, None, None, None)


@pytest.mark.parametrize("body", [{"object": "list"}, "<html>", 3])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("gw", key=None, base_url=BASE).parse(body)


@respx.mock
def test_no_key_means_no_authorization_header_and_a_key_means_bearer():
    route = respx.get(f"{BASE}/models").mock(return_value=httpx.Response(200, json={"data": [{"id": "m"}]}))
    assert [m.model_id for m in make("gw", key=None, base_url=BASE).fetch()] == ["m"]
    assert "authorization" not in route.calls[0].request.headers
    make("gw", key="local-key-0123456789", base_url=BASE).fetch()
    assert route.calls[1].request.headers["authorization"] == "Bearer local-key-0123456789"


@respx.mock
def test_wrong_key_and_a_dead_server_are_reported():
    respx.get(f"{BASE}/models").mock(return_value=httpx.Response(401, json={"error": {"message": "Unauthorized"}}))
    with pytest.raises(InvalidApiKey):
        make("gw", key="k-0123456789", base_url=BASE).fetch()
    respx.get(f"{BASE}/models").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ProviderError, match="cannot connect to 127.0.0.1"):
        make("gw", key=None, base_url=BASE).fetch()


def test_a_config_table_with_kind_openai_compatible_reaches_this_adapter(tmp_path):
    from aisync_tui.providers.compatible import CompatibleAdapter
    from aisync_tui.providers.http import HttpClient
    from aisync_tui.providers.registry import make_adapter

    path = tmp_path / "config.toml"
    path.write_text('[providers.lmstudio]\nkind = "openai-compatible"\nbase_url = "http://localhost:1234/v1/"\napi_key_env = "LMSTUDIO_KEY"\n')
    settings = load_settings(str(path), environ={})
    p = settings.providers["lmstudio"]
    assert (p.base_url, p.needs_key, p.api_key_env) == ("http://localhost:1234/v1", False, ("LMSTUDIO_KEY",))
    with HttpClient() as client:
        assert isinstance(make_adapter(p, client), CompatibleAdapter)
