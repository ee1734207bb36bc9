"""DeepSeek: three fields per model, no `created`; base URL without a version path; errors (respx)."""

from __future__ import annotations

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, QuotaExceeded
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make


def test_recorded_list_parses_without_created():
    models = {m.model_id: m for m in make("deepseek").parse(fixture_json("deepseek__terminal-log-flintx-2025-12-30.json"))}
    assert set(models) == {"deepseek-chat", "deepseek-reasoner"}
    chat, reasoner = models["deepseek-chat"], models["deepseek-reasoner"]
    assert chat.created_at is None and chat.context_length is None and chat.price is None
    assert chat.owned_by == "deepseek" and chat.type == "chat"
    assert "functions" in chat.capabilities and "reasoning" not in chat.capabilities
    assert "reasoning" in reasoner.capabilities


@pytest.mark.parametrize("body", [{"object": "list", "models": []}, "garbage"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("deepseek").parse(body)


@respx.mock
def test_models_path_is_under_the_unversioned_root_and_errors_map():
    route = respx.get("https://api.deepseek.com/models").mock(return_value=httpx.Response(200, json=fixture_json("examples/deepseek.json")))
    assert len(make("deepseek", key="sk-unit-deepseek-0123").fetch()) == 2
    assert route.calls[0].request.headers["authorization"] == "Bearer sk-unit-deepseek-0123"
    respx.get("https://api.deepseek.com/models").mock(return_value=httpx.Response(
        401, json={"error": {"message": "Authentication Fails, Your api key: ****abcd is invalid", "type": "authentication_error", "code": "invalid_request_error"}}))
    with pytest.raises(InvalidApiKey):
        make("deepseek").fetch()
    respx.get("https://api.deepseek.com/models").mock(return_value=httpx.Response(402, json={"error": {"message": "Insufficient Balance", "type": "unknown_error"}}))
    with pytest.raises(QuotaExceeded):
        make("deepseek").fetch()
