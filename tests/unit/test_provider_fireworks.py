"""Fireworks: `kind` and the `supports_*` booleans decide type and capabilities; a missing
context length stays unknown; the feeds' `fireworks_ai/` rows price these ids."""

from __future__ import annotations

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

LIST = "examples/fireworks.json"


def test_kind_and_flags_give_type_tools_and_vision():
    models = {m.model_id.rsplit("/", 1)[1]: m for m in make("fireworks").parse(fixture_json(LIST))}
    kimi = models["kimi-k2p6"]
    assert (kimi.type, kimi.context_length, kimi.owned_by) == ("chat", 262144, "fireworks")
    assert {"chat", "functions", "vision"} <= kimi.capabilities and kimi.input_modalities == ("text", "image")
    assert kimi.created_at is not None and kimi.created_at.year == 2026
    assert models["qwen3-embedding-8b"].type == "embedding" and models["qwen3-reranker-8b"].type == "rerank"
    custom = models["qwen3p7-plus"]
    assert custom.type == "chat" and custom.context_length is None and "vision" in custom.capabilities
    # An entry that says nothing is a completion model with nothing claimed, not a chat model with tools.
    bare = models["bare"]
    assert (bare.type, bare.context_length) == ("completion", None) and "functions" not in bare.capabilities


def test_feed_rows_price_the_fireworks_ids():
    from aisync_tui.pricing.feeds import litellm_slug, strip_prefix

    assert litellm_slug("fireworks_ai") == "fireworks"
    assert strip_prefix("fireworks_ai/accounts/fireworks/models/kimi-k2p6", "fireworks_ai") == "accounts/fireworks/models/kimi-k2p6"


@pytest.mark.parametrize("body", [{"models": []}, None])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("fireworks").parse(body)


@respx.mock
def test_fetch_uses_the_inference_path_with_bearer_and_maps_401():
    route = respx.get("https://api.fireworks.ai/inference/v1/models").mock(return_value=httpx.Response(200, json=fixture_json(LIST)))
    assert len(make("fireworks", key="fw-unit-0123456789").fetch()) == 5
    assert route.calls[0].request.headers["authorization"] == "Bearer fw-unit-0123456789"
    respx.get("https://api.fireworks.ai/inference/v1/models").mock(return_value=httpx.Response(401, json={"error": {"object": "error", "type": "invalid_request_error", "message": "The API key you provided is invalid."}}))
    with pytest.raises(InvalidApiKey):
        make("fireworks").fetch()
