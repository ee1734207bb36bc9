"""Cerebras: an OpenAI-style id list (recorded), `created: 0` is unknown, chat for every model."""

from __future__ import annotations

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

RECORDED = "cerebras__terminal-paste-2026.json"


def test_recorded_list_gives_chat_models_with_unknown_dates():
    models = {m.model_id: m for m in make("cerebras").parse(fixture_json(RECORDED))}
    assert sorted(models) == ["gpt-oss-120b", "llama3.1-8b", "qwen-3-235b-a22b-instruct-2507", "zai-glm-4.7"]
    llama = models["llama3.1-8b"]
    assert (llama.type, llama.owned_by, llama.created_at, llama.context_length, llama.price) == ("chat", "Cerebras", None, None, None)
    assert llama.capabilities == frozenset({"chat", "streaming"})
    assert "reasoning" in models["gpt-oss-120b"].capabilities and "reasoning" in models["zai-glm-4.7"].capabilities
    assert "reasoning" not in models["qwen-3-235b-a22b-instruct-2507"].capabilities


@pytest.mark.parametrize("body", [{"models": []}, {"data": "x"}, 3])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("cerebras").parse(body)


@respx.mock
def test_fetch_sends_the_key_as_bearer_and_a_wrong_key_is_invalid():
    route = respx.get("https://api.cerebras.ai/v1/models").mock(return_value=httpx.Response(200, json=fixture_json(RECORDED)))
    assert len(make("cerebras", key="csk-unit-0123456789").fetch()) == 4
    assert route.calls[0].request.headers["authorization"] == "Bearer csk-unit-0123456789"
    respx.get("https://api.cerebras.ai/v1/models").mock(return_value=httpx.Response(401, json={"message": "Wrong API Key", "type": "invalid_request_error", "param": "api_key", "code": "wrong_api_key"}))
    with pytest.raises(InvalidApiKey):
        make("cerebras").fetch()
