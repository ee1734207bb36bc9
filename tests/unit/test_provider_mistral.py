"""Mistral: alias duplicates folded, boolean capabilities, deprecation; errors (respx)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, RateLimited
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

URL = "https://api.mistral.ai/v1/models"
REAL = "mistral__terminal-log-flintx-2025-12-30.json"


def test_alias_entries_are_folded_into_one_model_each():
    body = fixture_json(REAL)
    models = {m.model_id: m for m in make("mistral").parse(body)}
    assert len(body["data"]) == 66 and len(models) == 33
    medium = models["mistral-medium-2508"]
    assert medium.aliases == ("mistral-medium", "mistral-medium-latest")
    assert "mistral-medium-latest" not in models and "mistral-medium" not in models
    # An alias that only the `name` field reveals (its own aliases list is empty) is folded too.
    assert models["devstral-2512"].aliases == ("devstral-latest", "devstral-medium-latest", "mistral-vibe-cli-latest")
    # voxtral-mini-2507 is a model itself; a later entry claiming it for the transcribe model does not steal it.
    assert models["voxtral-mini-2507"].aliases == ("voxtral-mini-latest",)
    assert models["voxtral-mini-transcribe-2507"].aliases == ()
    every_alias = [a for m in models.values() for a in m.aliases]
    assert len(every_alias) == len(set(every_alias)) and not set(every_alias) & set(models)


def test_types_capabilities_limits_and_deprecation_from_the_real_list():
    models = {m.model_id: m for m in make("mistral").parse(fixture_json(REAL))}
    medium = models["mistral-medium-2508"]
    assert medium.type == "chat" and medium.context_length == 131072
    assert {"chat", "functions", "vision"} <= medium.capabilities and "image" in medium.input_modalities
    assert medium.description == "Update on Mistral Medium 3 with improved capabilities."
    assert medium.created_at is None  # `created` is the request time for every entry: ignored
    assert models["mistral-embed-2312"].type == "embedding"
    assert models["mistral-moderation-2411"].type == "moderation"
    assert models["voxtral-mini-transcribe-2507"].type == "transcription"
    assert "audio_in" in models["voxtral-small-2507"].capabilities
    assert "reasoning" in models["magistral-medium-2509"].capabilities
    assert models["open-mistral-7b"].deprecated_at == datetime(2026, 1, 31, 12, tzinfo=timezone.utc)
    assert models["mistral-medium-2508"].deprecated_at is None


def test_documented_shape_with_fine_tuned_model_and_missing_capability_keys():
    models = {m.model_id: m for m in make("mistral").parse(fixture_json("examples/mistral.json"))}
    assert len(models) == 4
    ft = models["ft:open-mistral-7b:587a6b29:20240514:7e773925"]
    assert ft.type == "chat" and "functions" not in ft.capabilities
    assert ft.name is None and ft.description is None and ft.context_length == 32768
    # Aliases listed on the model but absent as entries are kept as aliases.
    assert models["codestral-2508"].aliases == ("codestral-latest",)
    assert models["mistral-large-2407"].deprecated_at == datetime(2025, 5, 31, 12, tzinfo=timezone.utc)


def test_null_and_missing_fields_stay_unknown():
    body = {"object": "list", "data": [{"id": "m1", "capabilities": None, "max_context_length": None, "aliases": None, "deprecation": "not a date"}]}
    (m,) = make("mistral").parse(body)
    assert (m.type, m.context_length, m.aliases, m.deprecated_at) == ("other", None, (), None)


@pytest.mark.parametrize("body", [{"object": "list"}, {"data": {}}, None])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("mistral").parse(body)


@respx.mock
def test_fetch_sends_bearer_and_maps_gateway_401_and_429():
    route = respx.get(URL).mock(return_value=httpx.Response(200, json=fixture_json(REAL)))
    assert len(make("mistral", key="ms-unit-0123456789").fetch()) == 33
    assert route.calls[0].request.headers["authorization"] == "Bearer ms-unit-0123456789"
    respx.get(URL).mock(return_value=httpx.Response(401, json={"message": "Unauthorized", "request_id": "abc"}))
    with pytest.raises(InvalidApiKey):
        make("mistral").fetch()
    respx.get(URL).mock(return_value=httpx.Response(429, json={"object": "error", "message": "Requests rate limit exceeded", "type": "rate_limited", "code": "1300"}))
    with pytest.raises(RateLimited):
        make("mistral", retry_attempts=2).fetch()


def test_wrongly_typed_aliases_are_ignored_not_split_into_letters():
    (m,) = make("mistral").parse({"data": [{"id": "m1", "name": "m1", "aliases": "m1-latest", "capabilities": {"completion_chat": "yes"}}]})
    assert m.aliases == () and "chat" not in m.capabilities  # only a JSON true counts
