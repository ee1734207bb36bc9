"""Cohere: endpoints decide the type, features the capabilities, every page is read, a deprecated
flag without a date still marks the model deprecated."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from aisync_tui.sync.plan import desired_status
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

LIST = "cohere__ts-restatement-2026.json"
URL = "https://api.cohere.com/v1/models"


def test_endpoints_and_features_give_type_and_capabilities():
    models = {m.model_id: m for m in make("cohere").parse(fixture_json(LIST))}
    assert len(models) == 20
    command = models["command-a-03-2025"]
    assert (command.type, command.context_length) == ("chat", 288000)
    assert {"chat", "functions", "json_mode", "structured_output"} <= command.capabilities and "vision" not in command.capabilities
    plus = models["command-a-plus-05-2026"]
    assert {"vision", "reasoning"} <= plus.capabilities and plus.input_modalities == ("text", "image")
    assert models["embed-english-v3.0"].type == "embedding" and models["embed-english-v3.0"].context_length == 512
    image_embed = models["embed-english-v3.0-image"]
    assert (image_embed.type, image_embed.input_modalities, image_embed.context_length) == ("embedding", ("image",), None)
    assert models["cohere-transcribe-03-2026"].type == "transcription"
    assert not any(m.deprecated for m in models.values())


def test_older_answer_with_supports_vision_and_a_deprecated_flag():
    body = {"models": [
        {"name": "command-r-plus", "endpoints": ["generate", "chat", "summarize"], "finetuned": False, "context_length": 128000,
         "tokenizer_url": "https://storage.googleapis.com/cohere-public/tokenizers/command-r-plus.json", "supports_vision": False,
         "features": ["logprobs", "json_mode", "json_schema", "strict_tools", "safety_modes", "tools"], "default_endpoints": []},
        {"name": "command-light", "endpoints": ["generate"], "context_length": 4096, "is_deprecated": True},
        {"name": "rerank-v3.5", "endpoints": ["rerank"], "context_length": 4096},
    ]}
    models = {m.model_id: m for m in make("cohere").parse(body)}
    assert "vision" not in models["command-r-plus"].capabilities and "functions" in models["command-r-plus"].capabilities
    light = models["command-light"]
    assert light.type == "completion" and light.deprecated and light.deprecated_at is None
    assert desired_status(light, datetime(2026, 11, 1, tzinfo=timezone.utc)) == "deprecated"
    assert models["rerank-v3.5"].type == "rerank"


@pytest.mark.parametrize("body", [{"data": []}, [{"name": "x"}], {"models": {}}])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("cohere").parse(body)


@respx.mock
def test_every_page_is_read_with_bearer_and_a_repeated_token_stops():
    models = fixture_json(LIST)["models"]
    pages = [{"models": models[:8], "next_page_token": "p2"}, {"models": models[8:16], "next_page_token": "p3"}, {"models": models[16:]}]
    route = respx.get(URL).mock(side_effect=[httpx.Response(200, json=p) for p in pages])
    assert len(make("cohere", key="co-unit-0123456789").fetch()) == 20
    assert [c.request.url.params.get("page_token") for c in route.calls] == [None, "p2", "p3"]
    assert all(c.request.url.params["page_size"] == "1000" for c in route.calls)
    assert route.calls[0].request.headers["authorization"] == "Bearer co-unit-0123456789"
    respx.get(URL).mock(side_effect=[httpx.Response(200, json={"models": models[:2], "next_page_token": "same"})] * 3)
    with pytest.raises(BadResponse, match="repeats"):
        make("cohere").fetch()


@respx.mock
def test_invalid_token_is_invalid_api_key():
    respx.get(URL).mock(return_value=httpx.Response(401, json={"id": "x", "message": "invalid api token"}))
    with pytest.raises(InvalidApiKey):
        make("cohere").fetch()
