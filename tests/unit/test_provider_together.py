"""Together: bare array, prices per 1M tokens converted exactly, types; errors (respx)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from aisync_tui.providers.together import parse_price, per_token
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make


def test_bare_array_parses_with_exact_per_token_prices():
    models = {m.model_id: m for m in make("together").parse(fixture_json("examples/together.json"))}
    assert len(models) == 4
    llama = models["meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert llama.price.input == Decimal("0.00000088") and llama.price.output == Decimal("0.00000088")
    assert (llama.type, llama.context_length, llama.name, llama.owned_by) == ("chat", 131072, "Meta Llama 3.3 70B Instruct Turbo", "Meta")
    assert models["deepseek-ai/DeepSeek-V3"].price.input == Decimal("0.00000125")
    bge = models["BAAI/bge-large-en-v1.5"]
    assert bge.type == "embedding" and bge.created_at is None  # created 0 is unknown
    flux = models["black-forest-labs/FLUX.1-schnell"]
    assert flux.type == "image" and flux.context_length is None
    # An image model's zero token prices are "not applicable", its base price is per image.
    assert flux.price.input is None and flux.price.output is None and flux.price.per_image == Decimal("0.0027")


def test_float_conversion_is_exact_and_zero_is_free_only_for_token_priced_models():
    assert per_token(0.1) == Decimal("1E-7") and per_token(3) == Decimal("0.000003") and per_token(-1) is None
    assert per_token(True) is None and per_token("x") is None
    free = parse_price({"input": 0, "output": 0, "hourly": 0, "base": 0}, "chat")
    assert free is not None and free.input == 0 and free.output == 0
    # Dedicated-only model: zeros next to an hourly price say nothing about token prices.
    assert parse_price({"input": 0, "output": 0, "hourly": 2.4, "base": 0}, "chat") is None
    assert parse_price(None, "chat") is None


def test_envelope_and_unknown_types_and_null_fields():
    body = {"data": [{"id": "x/y", "type": "weird", "context_length": None, "pricing": None, "display_name": None}]}
    (m,) = make("together").parse(body)
    assert (m.type, m.context_length, m.price, m.name) == ("other", None, None, None)


@pytest.mark.parametrize("body", [{"models": []}, "x"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("together").parse(body)


@respx.mock
def test_fetch_sends_bearer_and_maps_invalid_key():
    route = respx.get("https://api.together.xyz/v1/models").mock(return_value=httpx.Response(200, json=fixture_json("examples/together.json")))
    assert len(make("together", key="tg-unit-0123456789").fetch()) == 4
    assert route.calls[0].request.headers["authorization"] == "Bearer tg-unit-0123456789"
    respx.get("https://api.together.xyz/v1/models").mock(return_value=httpx.Response(
        401, json={"id": "x", "error": {"message": "Invalid API key provided.", "type": "invalid_request_error", "code": "invalid_api_key"}}))
    with pytest.raises(InvalidApiKey):
        make("together").fetch()
