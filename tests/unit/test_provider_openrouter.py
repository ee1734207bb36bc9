"""OpenRouter: exact decimal-string prices, modalities, paging both ways, optional key (respx)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, RateLimited
from aisync_tui.providers.openrouter import parse_price
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

URL = "https://openrouter.ai/api/v1/models"


@pytest.mark.parametrize("name, count", [("openrouter__cline__2025-04-24.json", 301), ("openrouter__cline__2025-05-12.json", 320), ("openrouter__cline__2025-05-23.json", 321)])
def test_every_recorded_list_parses_completely(name, count):
    models = make("openrouter").parse(fixture_json(name))
    assert len(models) == count == len({m.model_id for m in models})


def test_prices_are_exact_per_token_with_request_image_and_search_components():
    models = {m.model_id: m for m in make("openrouter").parse(fixture_json("openrouter__cline__2025-05-23.json"))}
    opus = models["anthropic/claude-opus-4"]
    assert opus.price.input == Decimal("0.000015") and opus.price.output == Decimal("0.000075")
    assert opus.price.cached_input == Decimal("0.0000015") and opus.price.cache_write == Decimal("0.00001875")
    assert opus.price.input_per_image == Decimal("0.024") and opus.price.per_request == Decimal("0")
    assert opus.context_length == 200000 and opus.max_output_tokens == 32000
    assert opus.created_at == datetime.fromtimestamp(1747931245, tz=timezone.utc)
    assert {"chat", "vision", "functions", "reasoning", "caching"} <= opus.capabilities
    mini = models["openai/gpt-4o-mini"]
    assert "web_search" in mini.capabilities and mini.owned_by == "openai"
    # "0" is free, and stays an explicit zero (not unknown).
    free = models["mistralai/devstral-small:free"]
    assert free.price.input == 0 and free.price.output == 0
    assert free.max_output_tokens is None  # null in the body: unknown


def test_minus_one_router_prices_are_unknown_not_negative():
    auto = {m.model_id: m for m in make("openrouter").parse(fixture_json("openrouter__cline__2025-05-23.json"))}["openrouter/auto"]
    assert auto.price is None


def test_long_context_overrides_become_a_price_tier_and_web_search_has_its_price():
    models = {m.model_id: m for m in make("openrouter").parse(fixture_json("examples/openrouter.json"))}
    sonnet = models["anthropic/claude-sonnet-4.5"]
    assert sonnet.price.web_search == Decimal("0.01")
    (tier,) = sonnet.price.tiers
    assert tier.threshold == 200000 and tier.input == Decimal("0.000006") and tier.output == Decimal("0.0000225")
    assert {"structured_output", "json_mode"} <= sonnet.capabilities
    assert sonnet.input_modalities == ("text", "image", "file")


def test_price_edge_cases():
    assert parse_price(None) is None
    assert parse_price({"prompt": "-1", "completion": "-1"}) is None
    p = parse_price({"prompt": "0.000002", "completion": "-1", "internal_reasoning": "0", "discount": 0.25})
    assert p is not None
    assert p.input == Decimal("0.0000015") and p.output is None
    # An unreadable stated price makes the whole price unknown: the model keeps its previous one.
    assert parse_price({"prompt": "0.000002", "completion": "garbage"}) is None
    assert p.reasoning is None  # "0" here means billed as completion tokens, not free
    timed = parse_price({"prompt": "0.000001", "completion": "0.000002", "overrides": [{"utc_start": 100, "utc_end": 500, "prompt": "0"}]})
    assert timed is not None
    assert timed.tiers == ()


def test_non_text_output_models_get_their_type_and_expiration_is_the_deprecation_date():
    body = {"data": [
        {"id": "google/gemini-2.5-flash-image", "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["image", "text"]},
         "pricing": {"prompt": "0.0000003", "completion": "0.0000025", "image_output": "0.00003"}, "expiration_date": "2026-03-01"},
        {"id": "openai/text-embedding-3-small", "architecture": {"modality": "text->embeddings"}, "pricing": {"prompt": "0.00000002", "completion": "0"}},
        {"id": "x/tts", "architecture": {"input_modalities": ["text"], "output_modalities": ["speech"]}},
        {"id": "x/bare", "context_length": None, "top_provider": None, "architecture": None, "pricing": None, "created": None},
    ]}
    models = {m.model_id: m for m in make("openrouter").parse(body)}
    image = models["google/gemini-2.5-flash-image"]
    assert image.type == "chat" and "image_generation" in image.capabilities
    assert image.deprecated_at == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert models["openai/text-embedding-3-small"].type == "embedding"
    assert models["openai/text-embedding-3-small"].output_modalities == ("embeddings",)
    assert models["x/tts"].type == "tts"
    bare = models["x/bare"]
    assert (bare.context_length, bare.price, bare.created_at, bare.type) == (None, None, None, "chat")


@pytest.mark.parametrize("body", [[], {"models": []}, {"data": "nope"}, 42])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("openrouter").parse(body)


def test_a_null_model_list_is_an_empty_list():
    assert make("openrouter").parse({"data": None}) == []


@respx.mock
def test_full_list_in_one_request_without_a_key_and_with_all_output_modalities():
    route = respx.get(URL).mock(return_value=httpx.Response(200, json=fixture_json("openrouter__cline__2025-04-24.json")))
    models = make("openrouter", key=None).fetch()
    assert len(models) == 301 and route.call_count == 1
    request = route.calls[0].request
    assert request.url.params["output_modalities"] == "all"
    assert "authorization" not in request.headers
    assert "offset" not in request.url.params


@respx.mock
def test_paged_answers_are_followed_through_links_next_with_the_key():
    data = fixture_json("openrouter__cline__2025-05-23.json")["data"]
    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = 150
        nxt = f"/api/v1/models?offset={offset + limit}&limit={limit}" if offset + limit < len(data) else None
        return httpx.Response(200, json={"data": data[offset : offset + limit], "total_count": len(data), "links": {"next": nxt}})
    route = respx.get(URL).mock(side_effect=answer)
    models = make("openrouter", key="sk-or-unit-0123456789").fetch()
    assert [m.model_id for m in models] == [d["id"] for d in data]
    assert route.call_count == 3
    assert [c.request.url.params.get("offset") for c in route.calls] == [None, "150", "300"]
    assert all(c.request.url.params["output_modalities"] == "all" for c in route.calls)
    assert route.calls[0].request.headers["authorization"] == "Bearer sk-or-unit-0123456789"


@respx.mock
def test_total_count_without_links_still_pages_until_complete():
    data = [{"id": f"m/{i}"} for i in range(5)]
    route = respx.get(URL).mock(side_effect=lambda r: httpx.Response(200, json={"data": data[int(r.url.params.get("offset", 0)) :][:2], "total_count": 5}))
    assert len(make("openrouter").fetch()) == 5
    assert route.call_count == 3


@respx.mock
def test_a_next_link_pointing_back_stops_with_bad_response():
    respx.get(URL).mock(return_value=httpx.Response(200, json={"data": [{"id": "a/b"}], "total_count": 9, "links": {"next": "/api/v1/models?offset=0&limit=1"}}))
    with pytest.raises(BadResponse, match="offset 0"):
        make("openrouter").fetch()


@respx.mock
def test_bad_key_and_rate_limit_are_reported_as_such():
    respx.get(URL).mock(return_value=httpx.Response(401, json={"error": {"code": 401, "message": "No auth credentials found"}}))
    with pytest.raises(InvalidApiKey):
        make("openrouter").fetch()
    respx.get(URL).mock(return_value=httpx.Response(429, json={"error": {"code": 429, "message": "Rate limit exceeded"}}))
    with pytest.raises(RateLimited):
        make("openrouter", retry_attempts=2).fetch()


def test_wrongly_typed_overrides_and_sections_are_ignored():
    (m,) = make("openrouter").parse({"data": [{"id": "a/b", "pricing": {"prompt": "0.000001", "completion": "0.000002", "overrides": 5},
                                               "architecture": ["text"], "top_provider": "x", "supported_parameters": "tools"}]})
    assert m.price.input == Decimal("0.000001") and m.price.tiers == ()
    assert "functions" not in m.capabilities and m.max_output_tokens is None
