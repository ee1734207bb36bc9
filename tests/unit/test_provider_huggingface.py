"""Hugging Face router: one model per live inference provider (`org/model:provider`) with that
provider's context, tools and exact price; the bare `org/model` names its providers."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

LIST = "huggingface__hub-docs-router-models.json"
BASE = "deepseek-ai/DeepSeek-V4-Pro"


def test_each_live_provider_is_its_own_model_with_its_context_tools_and_price():
    models = {m.model_id: m for m in make("huggingface").parse(fixture_json(LIST))}
    assert sorted(models) == sorted([BASE] + [f"{BASE}:{p}" for p in ("novita", "together", "fireworks-ai", "featherless-ai", "deepinfra")])
    novita = models[f"{BASE}:novita"]
    assert (novita.context_length, novita.price.input, novita.price.output) == (1048576, Decimal("0.00000169"), Decimal("0.00000338"))
    assert "functions" in novita.capabilities and "structured_output" not in novita.capabilities
    together = models[f"{BASE}:together"]
    assert together.context_length == 512000 and "structured_output" in together.capabilities
    assert models[f"{BASE}:deepinfra"].price.input == Decimal("0.00000174")
    # No published price and no context: unknown, never 0.
    assert models[f"{BASE}:fireworks-ai"].price is None
    featherless = models[f"{BASE}:featherless-ai"]
    assert (featherless.context_length, featherless.price) == (None, None) and "functions" not in featherless.capabilities
    bare = models[BASE]
    assert bare.description == "Served by novita, together, fireworks-ai, featherless-ai, deepinfra"
    assert (bare.price, bare.context_length, bare.owned_by) == (None, None, "deepseek-ai")
    # Only what every provider states: featherless states no tools, so the router cannot promise them.
    assert bare.capabilities == frozenset({"chat", "streaming"})


def test_providers_not_live_or_with_odd_names_are_left_out_and_image_input_is_vision():
    body = {"object": "list", "data": [{
        "id": "Qwen/Qwen2.5-VL-7B-Instruct", "object": "model", "created": 1738368000, "owned_by": "Qwen",
        "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        "providers": [
            {"provider": "hyperbolic", "status": "live", "context_length": 32768, "pricing": {"input": 0.2, "output": 0.2}, "supports_tools": True},
            {"provider": "nebius", "status": "error", "is_model_author": False},
            {"provider": "bad name\x1b[31m", "status": "live"},
            "not-an-object",
        ],
    }]}
    models = {m.model_id: m for m in make("huggingface").parse(body)}
    assert sorted(models) == ["Qwen/Qwen2.5-VL-7B-Instruct", "Qwen/Qwen2.5-VL-7B-Instruct:hyperbolic"]
    vl = models["Qwen/Qwen2.5-VL-7B-Instruct:hyperbolic"]
    assert "vision" in vl.capabilities and vl.input_modalities == ("text", "image")
    assert models["Qwen/Qwen2.5-VL-7B-Instruct"].description == "Served by hyperbolic"


@pytest.mark.parametrize("body", [{"models": []}, {"data": 1}, "x"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("huggingface").parse(body)


@respx.mock
def test_fetch_sends_the_token_as_bearer_and_a_bad_token_is_invalid():
    route = respx.get("https://router.huggingface.co/v1/models").mock(return_value=httpx.Response(200, json=fixture_json(LIST)))
    assert len(make("huggingface", key="hf_unit0123456789").fetch()) == 6
    assert route.calls[0].request.headers["authorization"] == "Bearer hf_unit0123456789"
    respx.get("https://router.huggingface.co/v1/models").mock(return_value=httpx.Response(401, json={"error": "Invalid credentials in Authorization header"}))
    with pytest.raises(InvalidApiKey):
        make("huggingface").fetch()
