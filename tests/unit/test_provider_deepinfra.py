"""DeepInfra: `metadata` with context, output limit, tags and prices per 1M tokens (exact), unit
prices for image and audio models, `metadata: null` entries, errors."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from aisync_tui.providers.deepinfra import parse_price
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

EXAMPLE = "examples/deepinfra.json"


def _entry(model_id: str, metadata: object) -> dict:
    return {"id": model_id, "object": "model", "created": 0, "owned_by": "deepinfra", "root": model_id, "parent": None, "metadata": metadata}


def test_documented_entry_gives_context_and_exact_per_token_prices():
    (m,) = make("deepinfra").parse(fixture_json(EXAMPLE))
    assert (m.model_id, m.type, m.context_length, m.owned_by) == ("Qwen/Qwen3-Max", "chat", 131072, "deepinfra")
    assert m.price.input == Decimal("4E-8") and m.price.output == Decimal("1.3E-7")


def test_tags_decide_type_and_capabilities():
    body = {"object": "list", "data": [
        _entry("meta-llama/Llama-3.2-11B-Vision-Instruct", {"context_length": 131072, "max_tokens": 16384, "tags": ["vision", "prompt_cache"],
               "pricing": {"input_tokens": 0.049, "output_tokens": 0.049, "cache_read_tokens": 0.01}}),
        _entry("deepseek-ai/DeepSeek-R1-0528", {"context_length": 163840, "tags": ["reasoning"], "pricing": {"input_tokens": 0.5, "output_tokens": 2.15}}),
        _entry("BAAI/bge-m3", {"context_length": 8192, "tags": ["embed"], "pricing": {"input_tokens": 0.01}}),
        _entry("openai/whisper-large-v3-turbo", {"context_length": 0, "tags": ["stt"], "pricing": {"input_seconds": 0.0002, "input_tokens": 0.0, "output_tokens": 0.0}}),
        _entry("black-forest-labs/FLUX-1-schnell", {"tags": ["image-generation"], "pricing": {"input_tokens": 0.0, "output_tokens": 0.0, "per_image_unit": 0.0005}}),
        _entry("some/new-model", None),
    ]}
    models = {m.model_id: m for m in make("deepinfra").parse(body)}
    vision = models["meta-llama/Llama-3.2-11B-Vision-Instruct"]
    assert {"vision", "caching", "chat"} <= vision.capabilities and vision.input_modalities == ("text", "image")
    assert (vision.max_output_tokens, vision.price.cached_input) == (16384, Decimal("1E-8"))
    assert "reasoning" in models["deepseek-ai/DeepSeek-R1-0528"].capabilities
    assert models["BAAI/bge-m3"].type == "embedding"
    whisper = models["openai/whisper-large-v3-turbo"]
    # Priced per second of audio: the zero token prices are not "free", and context 0 is unknown.
    assert (whisper.type, whisper.context_length, whisper.price.input, whisper.price.input_per_second) == ("transcription", None, None, Decimal("0.0002"))
    flux = models["black-forest-labs/FLUX-1-schnell"]
    assert (flux.type, flux.price.per_image, flux.price.output) == ("image", Decimal("0.0005"), None)
    bare = models["some/new-model"]
    assert (bare.type, bare.price, bare.context_length) == ("chat", None, None)


def test_free_token_priced_model_is_free_and_garbage_prices_are_unknown():
    free = parse_price({"input_tokens": 0, "output_tokens": 0})
    assert free is not None and (free.input, free.output) == (Decimal(0), Decimal(0))
    assert parse_price({"input_tokens": -1, "output_tokens": "x"}) is None
    assert parse_price({"input_tokens": True}) is None and parse_price([]) is None


@pytest.mark.parametrize("body", [{"models": []}, "x"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("deepinfra").parse(body)


@respx.mock
def test_fetch_uses_the_openai_path_with_bearer_and_maps_401():
    route = respx.get("https://api.deepinfra.com/v1/openai/models").mock(return_value=httpx.Response(200, json=fixture_json(EXAMPLE)))
    assert len(make("deepinfra", key="di-unit-0123456789").fetch()) == 1
    assert route.calls[0].request.headers["authorization"] == "Bearer di-unit-0123456789"
    respx.get("https://api.deepinfra.com/v1/openai/models").mock(return_value=httpx.Response(401, json={"detail": {"error": "Unauthorized"}}))
    with pytest.raises(InvalidApiKey):
        make("deepinfra").fetch()
